#!/usr/bin/env python3
"""The new model families on the GPU machine, against the real transformers + peft
(scripts/device-check.sh runs it; on the CPU machine test_model_families checks them against
tests/reference/hf_reference_families.py, a transcription of transformers' code).

  cuda_family_check.py CLI FIXTURES_DIR WORK_DIR

For each tiny checkpoint of tests/fixtures/model (qwen3, qwen3_tied, gemma3_text, gemma3_mm, phi3,
phi3_longrope) and its adapter: `CLI logits` on CUDA in fp32 and bf16, with and without the adapter,
against AutoModelForCausalLM (Gemma3ForConditionalGeneration for gemma3_mm) + PeftModel.from_pretrained
in fp32 on CUDA. Prints one line per comparison as
  CHECK <name> rel=<|a-b|/|b|> limit=<limit> PASS|FAIL
(SKIP with the reason when transformers cannot build a checkpoint), and exits 1 when any fails.
"""
import os
import subprocess
import sys

import torch
from safetensors.torch import load_file

CASES = [("qwen3", "adapter_qwen3"), ("qwen3_tied", "adapter_qwen3_tied"), ("gemma3_text", "adapter_gemma3_text"),
         ("gemma3_mm", "adapter_gemma3_mm"), ("phi3", "adapter_phi3"), ("phi3_longrope", "adapter_phi3_longrope")]
IDS = [2, 17, 99, 5, 201, 33, 64, 128, 7, 250, 11, 42]  # 12 tokens: past the sliding windows and phi3_longrope's original length


def rel(a, b):
    return ((a.double() - b.double()).norm() / b.double().norm()).item()


def engine_logits(cli, model_dir, work, name, dtype, adapter=None):
    out = os.path.join(work, f"{name}.safetensors")
    args = [cli, "logits", model_dir, "--ids", ",".join(map(str, IDS)), "--device", "cuda", "--dtype", dtype,
            "--output", out]
    if adapter:
        args += ["--adapter", adapter]
    subprocess.run(args, check=True, capture_output=True)
    return load_file(out)["logits"].float()


def transformers_model(model_dir):
    from transformers import AutoConfig, AutoModelForCausalLM
    config = AutoConfig.from_pretrained(model_dir)
    if config.model_type == "gemma3":
        from transformers import Gemma3ForConditionalGeneration
        return Gemma3ForConditionalGeneration.from_pretrained(model_dir, torch_dtype=torch.float32)
    return AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype=torch.float32)


def main():
    cli, fixtures, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    from peft import PeftModel
    failed = False

    def check(name, value, limit):
        nonlocal failed
        ok = value <= limit
        failed = failed or not ok
        print(f"CHECK {name} rel={value:.3e} limit={limit:g} {'PASS' if ok else 'FAIL'}", flush=True)

    ids = torch.tensor([IDS], device="cuda")
    for model_name, adapter_name in CASES:
        model_dir, adapter_dir = os.path.join(fixtures, model_name), os.path.join(fixtures, adapter_name)
        try:
            model = transformers_model(model_dir).to("cuda").eval()
        except Exception as error:  # noqa: BLE001 - report and go on with the other families
            print(f"SKIP {model_name}: transformers cannot build it ({type(error).__name__}: {error})")
            continue
        with torch.no_grad():
            hf_base = model(input_ids=ids).logits[0].float().cpu()
        peft_model = PeftModel.from_pretrained(model, adapter_dir).eval()
        with torch.no_grad():
            hf_adapter = peft_model(input_ids=ids).logits[0].float().cpu()
        ours = {
            "fp32": engine_logits(cli, model_dir, work, model_name + "_fp32", "float32"),
            "bf16": engine_logits(cli, model_dir, work, model_name + "_bf16", "bfloat16"),
            "fp32_adapter": engine_logits(cli, model_dir, work, model_name + "_fp32_adapter", "float32", adapter_dir),
        }
        check(f"{model_name} cuda fp32 vs transformers", rel(ours["fp32"], hf_base), 1e-4)
        check(f"{model_name} cuda bf16 vs transformers fp32", rel(ours["bf16"], hf_base), 3e-2)
        check(f"{model_name} cuda fp32 + adapter vs peft", rel(ours["fp32_adapter"], hf_adapter), 1e-4)
        del peft_model, model
        torch.cuda.empty_cache()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
