#pragma once
// Which prompt format a generation uses, and the prompt's token ids and stop strings.
//
// Choice, first that applies:
//   1. a format the user names (a chat format name, "raw", or "alpaca-format");
//   2. the adapter's training_prompt.json, so the adapter is prompted as it was trained;
//   3. the family of the tokenizer's chat_template (tokenizer_config.json / chat_template.jinja);
//   4. alpaca.
// training_prompt.json may be any of:
//   {"format": "chatml"}                         a chat format name (also "alpaca-format", "raw")
//   {"chat_template": "<jinja>"}                 a template; its family is used
//   {"instruction,output": "...%instruction%...%output%", ...}   a text-generation-webui format file
//   {"format": NAME, "template": {...format file...}}            the same, nested ("templates" too)
// With a format file, the prompt is its "instruction,output" template (key names in any order) with
// %instruction% filled and cut where %output% begins; the stop strings are the template's header line
// before %instruction% (e.g. "### Instruction:") and the tokenizer's eos_token.
#include <cstdint>
#include <string>
#include <vector>

#include "chat_format.h"
#include "tokenizer.h"

namespace lora {

struct PromptTemplate {
  bool is_format_file = false;         // a webui format file's instruction template, not a chat format
  ChatFormat chat_format = ChatFormat::Alpaca;
  std::string instruction_template;    // when is_format_file: the "instruction,output" template
  std::string source;                  // why this one, for the user: "training_prompt.json of ADAPTER", ...

  std::string describe() const;        // "chatml (chat_template of the tokenizer)"
};

// `requested`: "" for automatic, else a format name. `adapter_dir`: "" when none.
// Throws lora::Error for an unknown name or a training_prompt.json that is none of the shapes above.
PromptTemplate resolve_prompt_template(const std::string& requested, const std::string& adapter_dir,
                                       const TokenizerConfig& tokens);

struct EncodedPrompt {
  std::string text;                        // the rendered prompt
  std::vector<int32_t> ids;
  std::vector<std::string> stop_strings;
};

// Renders the conversation (with the generation prompt) and encodes it with the special tokens
// the format wants (chat_format_adds_special_tokens). A format-file template takes the last user
// message as %instruction%; the system message, if any, is written before it followed by "\n\n".
EncodedPrompt encode_prompt(const PromptTemplate& prompt_template, const Tokenizer& tokenizer,
                            const std::vector<ChatMessage>& messages);

}  // namespace lora
