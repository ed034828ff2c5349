#pragma once
// A GGUF file's tokenizer read back as the files of a Hugging Face model folder, so that the engine's
// ordinary tokenizer loading (engine/text) tokenizes as llama.cpp does on that GGUF:
// - tokenizer.ggml.model "gpt2" (byte-level BPE) becomes a tokenizer.json: every token at its id (the
//   converter's "[PAD<id>]" padding left out), the merges, the pre-tokenizer regexes llama.cpp runs for
//   tokenizer.ggml.pre (llama-vocab.cpp's table) as Split steps before ByteLevel, CONTROL tokens as
//   special added tokens and USER_DEFINED ones as plain added tokens, the ByteLevel decoder;
// - "llama" (llama.cpp's sentencepiece-style tokenizer) becomes a tokenizer.model, a sentencepiece
//   BPE model written from tokens, scores and types (sentencepiece merges by piece score exactly as
//   llama.cpp's llm_tokenizer_spm does), with the dummy prefix as tokenizer.ggml.add_space_prefix says,
//   no normalization and no whitespace collapsing (llama.cpp does neither), byte fallback when the
//   vocabulary has the 256 <0xNN> pieces;
// - tokenizer_config.json: bos/eos/unk/pad tokens, add_bos_token/add_eos_token (llama.cpp's defaults
//   where the file has no key), the chat template, the added tokens.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lora::gguf {

// The tokenizer.* key/values of a GGUF file, as read (the GGUF reader fills it from the file).
struct GgufTokenizerFields {
  std::string model;                      // tokenizer.ggml.model: "gpt2" | "llama" | others
  std::string pre;                        // tokenizer.ggml.pre ("" when absent)
  std::vector<std::string> tokens;        // tokenizer.ggml.tokens
  std::vector<float> scores;              // tokenizer.ggml.scores (empty when absent)
  std::vector<std::int32_t> token_types;  // tokenizer.ggml.token_type (empty when absent)
  std::vector<std::string> merges;        // tokenizer.ggml.merges (empty when absent)
  std::optional<std::int64_t> bos_id, eos_id, unk_id, pad_id, eot_id, eom_id;  // tokenizer.ggml.*_token_id
  std::optional<bool> add_bos, add_eos, add_space_prefix;  // tokenizer.ggml.add_bos_token, ...
  std::string chat_template;              // tokenizer.chat_template ("" when absent)
};

// Writes into `folder` the tokenizer files a Hugging Face model folder would hold (tokenizer.json for
// "gpt2", tokenizer.model for "llama", and tokenizer_config.json), replacing any there, so that
// lora::Tokenizer::load(folder) tokenizes exactly as llama.cpp does on that GGUF. gguf_path only names
// the file in messages. Throws lora::Error (naming gguf_path and the key) for a tokenizer model or
// pre-tokenizer it cannot rebuild, or inconsistent arrays.
void write_tokenizer_files_from_gguf(const GgufTokenizerFields& fields, const std::string& folder,
                                     const std::string& gguf_path);

// The tokenizer.ggml.pre names write_tokenizer_files_from_gguf rebuilds for "gpt2", sorted.
std::vector<std::string> importable_pre_tokenizers();

}  // namespace lora::gguf
