#pragma once
// tokenizer_config.json (and chat_template.jinja beside it): what transformers reads besides
// the tokenizer file itself — special tokens, add_bos_token/add_eos_token, the chat template.
#include <optional>
#include <string>
#include <vector>

#include "added_vocabulary.h"
#include "tokenizer.h"

namespace lora {

struct TokenizerConfigFile {
  bool present = false;          // tokenizer_config.json exists
  TokenizerConfig tokens;        // strings and flags; the *_id fields are left at -1 here
  std::string tokenizer_class;   // e.g. "LlamaTokenizer", "PreTrainedTokenizerFast", "" when absent
  std::vector<std::string> additional_special_tokens;
  // added_tokens_decoder: id → token, as transformers declares them.
  std::vector<std::pair<int32_t, AddedToken>> added_tokens_decoder;
  std::optional<bool> legacy;
};

// Reads dir/tokenizer_config.json when present (a missing file gives present = false) and
// dir/chat_template.jinja, which wins over the config's chat_template as in transformers.
// model_max_length is 0 when absent or "unlimited" (transformers writes int(1e30) for that).
// Throws lora::Error naming the file and field for malformed content.
TokenizerConfigFile read_tokenizer_config(const std::string& dir);

// transformers' slow/fast Llama-family tokenizer classes, which rebuild the post-processor from
// add_bos_token (default true) / add_eos_token (default false).
bool is_llama_family_tokenizer_class(const std::string& tokenizer_class);

}  // namespace lora
