#pragma once
// A Hugging Face tokenizer.json (BPE model): added tokens → normalizer → pre-tokenizer → BPE →
// post-processor, and the decoder for the way back, each with tokenizers' semantics.
// tokenizer_config.json completes it as transformers does (special tokens it names, and the
// add_bos_token/add_eos_token rule, see the constructor).
#include <memory>
#include <string>

#include "added_vocabulary.h"
#include "bpe_model.h"
#include "normalizer.h"
#include "post_processor.h"
#include "pre_tokenizer.h"
#include "token_decoder.h"
#include "tokenizer.h"
#include "tokenizer_config.h"

namespace lora {

class TokenizerJson : public Tokenizer {
 public:
  // Throws lora::Error naming the file and the field for anything malformed or unsupported.
  TokenizerJson(const std::string& tokenizer_json_path, const TokenizerConfigFile& config);

  std::string kind() const override { return "tokenizer.json"; }
  std::vector<int32_t> encode(const std::string& text, bool add_special_tokens = true) const override;
  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens = false) const override;
  int32_t vocab_size() const override { return vocab_size_; }
  std::optional<int32_t> token_to_id(const std::string& token) const override;
  std::string id_to_token(int32_t id) const override;
  bool is_special(int32_t id) const override;

 private:
  // Adds tokens as tokenizers' AddedVocabulary::add_tokens does (one call): the id is the added
  // or model vocabulary's id of the content, else the next free id.
  void add_tokens(const std::vector<AddedToken>& tokens);
  void encode_section(const TextPiece& section, std::vector<int32_t>& ids) const;

  std::string path_;
  std::unique_ptr<BpeModel> model_;
  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<PostProcessor> post_processor_;
  std::unique_ptr<TokenDecoder> decoder_;
  AddedVocabulary added_;
  int32_t vocab_size_ = 0;
};

}  // namespace lora
