#pragma once
// The chat templates LoRA Studio ships (see chat_template.h for what each is).
#include <string>
#include <vector>

namespace lora {

struct BuiltinChatTemplate {
  const char* name;
  bool adds_special_tokens;  // plain-text formats get the tokenizer's own BOS/EOS, like a dataset's text
  const char* source;        // Jinja
};

const std::vector<BuiltinChatTemplate>& builtin_chat_templates();

}  // namespace lora
