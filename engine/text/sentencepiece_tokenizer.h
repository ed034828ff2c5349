#pragma once
// tokenizer.model (Llama 2, Mistral v0.1, Yi, ...) through Google's sentencepiece, which lives in
// its own shared library, lora_spm_bridge, loaded at run time (see sentencepiece_tokenizer.cpp
// for why and how). Encoding is sentencepiece's own, plus what transformers' slow Llama
// tokenizer adds around it: BOS by default (add_bos_token), EOS when add_eos_token, and special
// tokens written in the text (<s>, </s>, added tokens) recognised as single ids.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "added_vocabulary.h"
#include "tokenizer.h"
#include "tokenizer_config.h"

namespace lora {

struct SpmBridge;

class SentencePieceTokenizer : public Tokenizer {
 public:
  // Throws lora::Error when the bridge cannot be loaded or the file is not a sentencepiece model.
  SentencePieceTokenizer(const std::string& model_path, const TokenizerConfigFile& config);
  ~SentencePieceTokenizer() override;
  SentencePieceTokenizer(const SentencePieceTokenizer&) = delete;
  SentencePieceTokenizer& operator=(const SentencePieceTokenizer&) = delete;

  std::string kind() const override { return "sentencepiece"; }
  std::vector<int32_t> encode(const std::string& text, bool add_special_tokens = true) const override;
  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens = false) const override;
  int32_t vocab_size() const override;
  std::optional<int32_t> token_to_id(const std::string& token) const override;
  std::string id_to_token(int32_t id) const override;
  bool is_special(int32_t id) const override;

  // sentencepiece's encoding alone (no BOS/EOS, no special-token splitting), as spm_encode.
  std::vector<int32_t> encode_plain(const std::string& text) const;

 private:
  std::string path_;
  const SpmBridge* bridge_ = nullptr;
  struct ModelHandle;
  std::unique_ptr<ModelHandle> model_;
  AddedVocabulary added_;  // special and added tokens split out of the text first
};

// spm_train through the bridge. Writes <model_prefix>.model and <model_prefix>.vocab.
struct SentencePieceTrainingOptions {
  std::vector<std::string> input_files;  // plain text, one sentence per line
  std::string model_prefix;              // e.g. "/tmp/out/tokenizer" → /tmp/out/tokenizer.model
  int vocab_size = 8000;
  std::string model_type = "bpe";        // "bpe" (as Llama) or "unigram", "char", "word"
  bool byte_fallback = true;             // <0xNN> pieces for characters outside the vocabulary (as Llama)
  double character_coverage = 1.0;
  bool quiet = true;                     // no progress log on stderr
  // Any other spm_train flag, without the leading "--": {"split_digits", "true"}, ...
  std::vector<std::pair<std::string, std::string>> extra_flags;
};
// Throws lora::Error with sentencepiece's message when training fails.
void train_sentencepiece(const SentencePieceTrainingOptions& options);

// Where the bridge library was loaded from (loads it if needed). Throws lora::Error when it
// cannot be found or loaded, listing the places tried.
std::string sentencepiece_bridge_path();

}  // namespace lora
