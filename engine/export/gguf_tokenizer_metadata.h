#pragma once
// The tokenizer.* keys of a model GGUF, as llama.cpp's converter writes them for a tokenizer.json
// byte-level BPE tokenizer (tokenizer.ggml.model "gpt2"): the pre-tokenizer name llama.cpp knows
// it by, tokens padded to the model's vocab_size with "[PAD<id>]" (type UNUSED), token types
// (NORMAL, CONTROL for special added tokens, USER_DEFINED for other added tokens), merges,
// special token ids, add_bos_token / add_eos_token as our tokenizer adds them, the chat template.
// A sentencepiece tokenizer.model (tokenizer.ggml.model "llama", pre "default") is read as the
// converter's _create_vocab_sentencepiece reads it: pieces, scores and types from the model proto,
// added_tokens.json and tokenizer_config.json's added tokens on top, padding to vocab_size.
#include <cstdint>
#include <string>
#include <vector>

#include "gguf_writer.h"
#include "tokenizer.h"

namespace lora::gguf {

struct TokenizerMetadataOptions {
  std::string model_dir;  // holds tokenizer.json / tokenizer_config.json
  std::int64_t vocab_size = 0;  // the embedding's rows: the token list is padded to it
  std::string chat_template;    // the adapter's trained template; "" = the tokenizer's own
  std::vector<std::int64_t> config_bos_ids, config_eos_ids;  // config.json's, when the tokenizer names none
};

// Writes the keys; returns tokenizer.ggml.pre. Throws lora::Error naming the file for a tokenizer
// this exporter does not convert (a tokenizer.json BPE with byte fallback, as Llama 2's: use its
// tokenizer.model), an unknown pre-tokenizer, more token ids than vocab_size.
std::string write_tokenizer_metadata(GgufWriter& writer, const Tokenizer& tokenizer,
                                     const TokenizerMetadataOptions& options);

// The pre-tokenizer name llama.cpp's convert_hf_to_gguf.py gives a tokenizer: sha256 of Python's
// str() of the ids its fixed check text encodes to ("" when the hash is not one it knows).
std::string tokenizer_pre_name(const Tokenizer& tokenizer, std::string* hash_out = nullptr);

}  // namespace lora::gguf
