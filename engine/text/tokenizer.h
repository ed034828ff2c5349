#pragma once
// Tokenizers of Hugging Face model folders: tokenizer.json (byte-level BPE as in Qwen2/Qwen3
// and Llama 3; sentencepiece-style BPE with byte fallback as in Llama 2 / Mistral) or
// tokenizer.model (through sentencepiece, isolated in its own bridge library).
// Gives the same ids as Hugging Face `tokenizer.encode(text)`.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lora {

// What tokenizer_config.json (and the tokenizer file) say about special tokens and chat.
struct TokenizerConfig {
  std::string bos_token, eos_token, pad_token, unk_token;  // "" when absent/null
  int32_t bos_id = -1, eos_id = -1, pad_id = -1, unk_id = -1;
  std::optional<bool> add_bos_token, add_eos_token;  // as written in tokenizer_config.json
  std::string chat_template;                         // "" when none (also read from chat_template.jinja)
  std::string chat_template_file;                    // the file it was read from ("" when none)
  int64_t model_max_length = 0;  // 0 when absent or "unlimited" (transformers writes int(1e30))
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Loads from a folder holding tokenizer.json or tokenizer.model (tokenizer.json preferred,
  // as transformers' fast tokenizers do) plus optional tokenizer_config.json / chat_template.jinja.
  // `dir` may also name a tokenizer.json or tokenizer.model file directly (its folder supplies the config).
  // Throws lora::Error naming the file and what is wrong (e.g. an unknown model type).
  static std::unique_ptr<Tokenizer> load(const std::string& dir);

  virtual std::string kind() const = 0;  // "tokenizer.json" | "sentencepiece"
  // add_special_tokens: what HF's encode(text) adds by default (post_processor / add_bos_token).
  // Special and added tokens written in the text (<|im_end|>, </s>, ...) are recognised either way.
  // Malformed UTF-8 is read as Python would decode it with errors="replace" (U+FFFD).
  // Thread-safe: several threads may encode with one tokenizer.
  virtual std::vector<int32_t> encode(const std::string& text, bool add_special_tokens = true) const = 0;
  // As tokenizers' Tokenizer.decode (transformers' decode without clean_up_tokenization_spaces).
  // Ids outside the vocabulary are skipped.
  virtual std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens = false) const = 0;
  virtual int32_t vocab_size() const = 0;  // includes added tokens
  virtual std::optional<int32_t> token_to_id(const std::string& token) const = 0;
  virtual std::string id_to_token(int32_t id) const = 0;  // the raw piece ("Ġhello", "▁the", "<0x0A>")
  virtual bool is_special(int32_t id) const = 0;

  const TokenizerConfig& config() const { return config_; }

 protected:
  TokenizerConfig config_;
};

}  // namespace lora
