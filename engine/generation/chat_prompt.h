#pragma once
// Which prompt template a generation uses, and the prompt's token ids and stop strings.
//
// Choice, first that applies:
//   1. a template the user names: "model" (the model's own chat_template) or a built-in name
//      (chatml, llama2, mistral, llama3, alpaca, raw; chat_template.h);
//   2. the adapter's training_prompt.json, so the adapter is prompted exactly as it was trained;
//   3. the model's own chat_template (chat_template.jinja, else tokenizer_config.json);
//   4. the built-in alpaca template (a base model without a chat template).
// training_prompt.json may be any of:
//   {"template_type": "chat_template", "chat_template": "<jinja>", "chat_template_name": NAME}
//                                                the template the adapter was trained with, used byte for byte
//   {"chat_format": "chatml"} or {"format": "chatml"}   a built-in template's name (older adapters)
//   {"instruction,output": "...%instruction%...%output%", ...}   a text-generation-webui format file
//   {"format": NAME, "template": {...format file...}}            the same, nested ("templates" too)
// With a format file, the prompt is its "instruction,output" template (key names in any order) with
// %instruction% filled and cut where %output% begins; the stop strings are the template's header line
// before %instruction% (e.g. "### Instruction:") and the tokenizer's eos_token.
#include <cstdint>
#include <string>
#include <vector>

#include "chat_template.h"
#include "tokenizer.h"

namespace lora {

struct PromptTemplate {
  bool is_format_file = false;         // a webui format file's instruction template, not a chat template
  ChatTemplate chat_template = ChatTemplate::builtin("alpaca");
  std::string instruction_template;    // when is_format_file: the "instruction,output" template
  std::string source;                  // why this one, for the user: "training_prompt.json of ADAPTER", ...

  std::string describe() const;        // "model (chat_template of the tokenizer)"
};

// `requested`: "" for automatic, else "model" or a built-in name. `adapter_dir`: "" when none.
// Throws lora::Error for an unknown name, "model" for a model without a chat template, a template
// with a syntax error (with its line and column), or a training_prompt.json that is none of the shapes above.
PromptTemplate resolve_prompt_template(const std::string& requested, const std::string& adapter_dir,
                                       const TokenizerConfig& tokens);

struct EncodedPrompt {
  std::string text;                        // the rendered prompt
  std::vector<int32_t> ids;
  std::vector<std::string> stop_strings;
};

// Renders the conversation (with the generation prompt) and encodes it with the special tokens
// the template wants (ChatTemplate::adds_special_tokens). A format-file template takes the last user
// message as %instruction%; the system message, if any, is written before it followed by "\n\n".
// `extra`: extra template variables (e.g. {"enable_thinking": false}); null for none.
// Throws JinjaRaised when the template refuses the conversation (its own message).
EncodedPrompt encode_prompt(const PromptTemplate& prompt_template, const Tokenizer& tokenizer,
                            const std::vector<ChatMessage>& messages, const nlohmann::ordered_json& extra = nullptr);

}  // namespace lora
