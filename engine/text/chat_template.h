#pragma once
// How a conversation becomes the text a model sees: the model's own Jinja chat_template (from
// chat_template.jinja or tokenizer_config.json, as transformers reads it) or a built-in template,
// rendered by one Jinja engine (jinja_template.h) with the variables transformers'
// apply_chat_template passes: messages, tools, documents, add_generation_prompt, the tokenizer's
// special tokens (bos_token, eos_token, unk_token, pad_token) and extra keyword arguments such as
// enable_thinking.
//
// Built-in templates (builtin_chat_templates.cpp), each a real model's template:
//   chatml  ChatML as in transformers' chat-templating guide (<|im_start|>role ... <|im_end|>)
//   llama2  meta-llama/Llama-2-7b-chat-hf
//   mistral mistralai/Mistral-7B-Instruct-v0.3 (system text before the first user message)
//   llama3  meta-llama/Meta-Llama-3-8B-Instruct
//   alpaca  text-generation-webui's Alpaca instruction template
//   raw     the messages' contents, one after another
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "jinja_template.h"
#include "tokenizer.h"

namespace lora {

struct ChatMessage {
  std::string role;  // "system" | "user" | "assistant" | "tool" | ... as the template accepts
  std::string content;
};

// What a render gets besides the messages.
struct ChatTemplateOptions {
  bool add_generation_prompt = false;
  nlohmann::ordered_json tools;      // null, or a list of tool definitions (JSON schema)
  nlohmann::ordered_json documents;  // null, or a list of documents
  nlohmann::ordered_json extra;      // null, or an object of extra template variables (enable_thinking, ...)
};

class ChatTemplate {
 public:
  static constexpr const char* kModelName = "model";  // the model's own template

  static const std::vector<std::string>& builtin_names();  // chatml, llama2, mistral, llama3, alpaca, raw
  // Also accepts aliases (qwen, llama-2, llama-3, alpaca-format, none) and any letter case.
  static bool is_builtin_name(const std::string& name);
  static ChatTemplate builtin(const std::string& name);  // throws lora::Error listing the names
  // Parses `source`; throws lora::Error "ORIGIN:LINE:COLUMN: ..." for a template with a syntax error.
  static ChatTemplate from_source(const std::string& source, const std::string& name, const std::string& origin);
  // The template in the tokenizer's config (chat_template.jinja wins over tokenizer_config.json);
  // false when it has none.
  static bool from_model(const TokenizerConfig& tokens, ChatTemplate* out);

  const std::string& name() const { return name_; }      // "chatml", ..., or "model"
  const std::string& source() const { return jinja_.source(); }
  const std::string& origin() const { return origin_; }  // where it came from, for the user
  std::string describe() const;                          // "model (tokenizer_config.json)", "chatml (built-in)"
  bool is_builtin() const { return builtin_; }
  bool has_generation_blocks() const { return jinja_.has_generation_blocks(); }
  // Whether the text is encoded with the tokenizer's own special tokens (encode's add_special_tokens).
  // false for real chat templates: like apply_chat_template, their text already holds what they
  // want (e.g. bos_token); true for alpaca and raw, which are plain text.
  bool adds_special_tokens() const { return adds_special_tokens_; }

  // Throws JinjaRaised with the template's own message when it refuses the conversation, and
  // lora::Error "ORIGIN:LINE:COLUMN: ..." for other template errors.
  JinjaRender render_json(const nlohmann::ordered_json& messages, const ChatTemplateOptions& options,
                          const TokenizerConfig& tokens) const;
  std::string render(const std::vector<ChatMessage>& messages, bool add_generation_prompt,
                     const TokenizerConfig& tokens, const nlohmann::ordered_json& extra = nullptr) const;

  // Text that ends an assistant turn (generation stops there): the marker the template writes after
  // an assistant's content (<|im_end|>, <|eot_id|>, <end_of_turn>, ...), else the header of the next
  // user turn (alpaca's "### Instruction:"), plus the tokenizer's eos_token.
  std::vector<std::string> stop_strings(const TokenizerConfig& tokens) const;

 private:
  JinjaTemplate jinja_;
  std::string name_, origin_;
  bool builtin_ = false;
  bool adds_special_tokens_ = false;
};

// The variables transformers passes to a chat template, as one object (for the CLI and tests).
nlohmann::ordered_json chat_template_variables(const nlohmann::ordered_json& messages,
                                               const ChatTemplateOptions& options, const TokenizerConfig& tokens);
nlohmann::ordered_json chat_messages_json(const std::vector<ChatMessage>& messages);

}  // namespace lora
