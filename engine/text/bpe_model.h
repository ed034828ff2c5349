#pragma once
// tokenizer.json "model" of type BPE, as Hugging Face tokenizers runs it: merges applied by
// rank through a priority queue over adjacent pairs, byte fallback (<0xNN> pieces), unk with
// fuse_unk, continuing_subword_prefix / end_of_word_suffix, ignore_merges, and a cache of
// pre-token results (a dataset repeats the same words over and over).
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_reader.h"

namespace lora {

class BpeModel {
 public:
  // Throws lora::Error naming the file and field for a malformed model, a model type other than
  // BPE, or a merge whose tokens are not in the vocabulary.
  BpeModel(const nlohmann::json& config, const JsonPath& at);

  // Appends the ids of one pre-token.
  void tokenize(const std::string& piece, std::vector<int32_t>& ids) const;

  std::optional<int32_t> token_to_id(const std::string& token) const;
  const std::string* id_to_token(int32_t id) const;  // nullptr when unknown
  size_t vocab_size() const { return vocab_.size(); }
  int32_t max_id() const { return static_cast<int32_t>(id_to_token_.size()) - 1; }

 private:
  struct Merge {
    uint32_t rank;
    int32_t new_id;
  };
  static uint64_t pair_key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }
  void merge_word(const std::string& word, std::vector<int32_t>& ids) const;

  std::string source_;  // the tokenizer.json path, for messages
  std::unordered_map<std::string, int32_t> vocab_;
  std::vector<std::string> id_to_token_;
  std::vector<bool> id_known_;
  std::unordered_map<uint64_t, Merge> merges_;
  std::optional<std::string> unk_token_;
  std::string continuing_subword_prefix_;
  std::string end_of_word_suffix_;
  bool fuse_unk_ = false;
  bool byte_fallback_ = false;
  bool ignore_merges_ = false;
  std::vector<int32_t> byte_tokens_;  // id of "<0xNN>" for each byte, -1 when absent

  // Results for pre-tokens, shared by every thread that encodes with this tokenizer.
  static constexpr size_t kCacheCapacity = 100000;
  static constexpr size_t kCacheMaxWordBytes = 256;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache_;
};

}  // namespace lora
