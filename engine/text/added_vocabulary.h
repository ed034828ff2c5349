#pragma once
// tokenizer.json "added_tokens": tokens matched in the text before anything else, as Hugging
// Face tokenizers' AddedVocabulary does. Tokens with normalized=false are found in the raw text;
// the rest of the text is normalized and then searched for the normalized=true tokens. Matching
// is leftmost-longest; single_word, lstrip and rstrip are honoured.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace lora {

struct AddedToken {
  std::string content;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
  bool special = false;
};

// A slice of the text: either an added token (token_id set) or text still to be tokenized.
struct AddedTokenSplit {
  size_t begin = 0, end = 0;  // byte range in the searched text
  std::optional<int32_t> token_id;
};

class AddedVocabulary {
 public:
  // Adds a token with the id it is given (callers resolve ids as tokenizers does: the model's id
  // when the content is in the model vocabulary, else the next free id). Re-adding a content
  // replaces its flags.
  void add(int32_t id, const AddedToken& token);
  // Must be called after the last add() and whenever normalized forms change: `normalized_form`
  // is the content of each normalized=true token passed through the tokenizer's normalizer.
  void rebuild(const std::unordered_map<int32_t, std::string>& normalized_forms);

  // Splits `text` at the tokens of one kind (normalized == false: raw-text tokens; true: tokens
  // matched after normalization). The splits cover the text in order.
  std::vector<AddedTokenSplit> split(std::string_view text, bool normalized_tokens) const;

  std::optional<int32_t> token_to_id(const std::string& content) const;
  const AddedToken* token_of_id(int32_t id) const;
  // The string decode() uses for the id: the normalized form for normalized tokens, as tokenizers.
  const std::string* decode_string_of_id(int32_t id) const;
  bool is_special_content(const std::string& content) const { return special_contents_.count(content) != 0; }
  size_t size() const { return by_id_.size(); }
  const std::unordered_map<int32_t, AddedToken>& tokens() const { return by_id_; }

 private:
  // A byte trie for leftmost-longest search.
  struct Trie {
    struct Node {
      std::vector<std::pair<unsigned char, int32_t>> children;  // sorted by byte
      int32_t token_id = -1;
    };
    std::vector<Node> nodes{Node{}};
    bool first_byte[256] = {};
    bool empty() const { return nodes.size() == 1; }
    void insert(const std::string& key, int32_t id);
    int32_t child(int32_t node, unsigned char byte) const;
  };

  std::unordered_map<std::string, int32_t> by_content_;
  std::unordered_map<int32_t, AddedToken> by_id_;
  std::unordered_set<std::string> special_contents_;
  std::unordered_map<int32_t, std::string> normalized_forms_;
  Trie raw_trie_, normalized_trie_;
};

}  // namespace lora
