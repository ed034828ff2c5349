// Chat templates (tokenizer_config.json's chat_template, or one the user pastes): the input is parsed
// as a Jinja template and rendered with a small fixed conversation under tight limits, as the app
// renders a model's template. Parse errors, template errors, raise_exception and exceeded limits
// must all surface as lora::Error; the generation spans must lie inside the text, in order.
// Seeds: the chat_template of the npm tokenizer_config.json files of tests/reference (Qwen3, Qwen2.5,
// Llama 3.1, Gemma 3, DeepSeek V3, Mistral Nemo), gpt-oss's and TRL's Qwen3 training template (with
// {% generation %}) from tests/fixtures/chat_template/templates.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "error.h"
#include "jinja_template.h"

namespace {

const nlohmann::ordered_json& conversation() {
  static const nlohmann::ordered_json variables = nlohmann::ordered_json::parse(R"({
    "messages": [
      {"role": "system", "content": "You are helpful."},
      {"role": "user", "content": "What is the weather in Paris? caf\u00e9 \ud83d\ude00"},
      {"role": "assistant", "content": "", "tool_calls": [
        {"type": "function", "id": "call_0001", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
      {"role": "tool", "content": "{\"temp\": 21.5}", "tool_call_id": "call_0001"},
      {"role": "assistant", "content": "<think>\nsunny\n</think>\n\nIt is 21.5 \u00b0C.", "reasoning_content": null}
    ],
    "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather of a city",
      "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
    "documents": null,
    "add_generation_prompt": true,
    "bos_token": "<s>",
    "eos_token": "</s>"
  })");
  return variables;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string source(reinterpret_cast<const char*>(data), size);
  lora::JinjaLimits limits;
  limits.max_output_bytes = size_t(1) << 20;
  limits.max_steps = 200'000;
  limits.max_depth = 64;
  try {
    const lora::JinjaTemplate tpl = lora::JinjaTemplate::parse(source, "chat_template");
    const lora::JinjaRender result = tpl.render(conversation(), limits);
    size_t previous_end = 0;
    for (const auto& [start, end] : result.generation_spans) {
      if (start >= end || start < previous_end || end > result.text.size()) std::abort();
      previous_end = end;
    }
    if (result.text.size() > limits.max_output_bytes) std::abort();
  } catch (const lora::Error&) {
  }
  return 0;
}
