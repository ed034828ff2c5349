#include "added_vocabulary.h"

#include <algorithm>

#include "unicode_text.h"

namespace lora {

void AddedVocabulary::Trie::insert(const std::string& key, int32_t id) {
  int32_t node = 0;
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    int32_t next = child(node, byte);
    if (next < 0) {
      next = static_cast<int32_t>(nodes.size());
      nodes.emplace_back();
      auto& children = nodes[node].children;
      children.insert(std::lower_bound(children.begin(), children.end(), std::make_pair(byte, int32_t{-1})),
                      {byte, next});
    }
    node = next;
  }
  nodes[node].token_id = id;
  if (!key.empty()) first_byte[static_cast<unsigned char>(key[0])] = true;
}

int32_t AddedVocabulary::Trie::child(int32_t node, unsigned char byte) const {
  const auto& children = nodes[node].children;
  const auto it = std::lower_bound(children.begin(), children.end(), std::make_pair(byte, int32_t{-1}));
  return it != children.end() && it->first == byte ? it->second : -1;
}

void AddedVocabulary::add(int32_t id, const AddedToken& token) {
  if (token.content.empty()) return;  // tokenizers ignores empty tokens
  const auto existing = by_content_.find(token.content);
  if (existing != by_content_.end() && existing->second != id) by_id_.erase(existing->second);
  by_content_[token.content] = id;
  by_id_[id] = token;
  if (token.special) special_contents_.insert(token.content);
}

void AddedVocabulary::rebuild(const std::unordered_map<int32_t, std::string>& normalized_forms) {
  normalized_forms_.clear();
  raw_trie_ = Trie{};
  normalized_trie_ = Trie{};
  for (const auto& [id, token] : by_id_) {
    if (!token.normalized) {
      raw_trie_.insert(token.content, id);
      continue;
    }
    const auto form = normalized_forms.find(id);
    if (form != normalized_forms.end() && form->second != token.content) {
      normalized_forms_[id] = form->second;
      normalized_trie_.insert(form->second, id);
    } else {
      normalized_trie_.insert(token.content, id);
    }
  }
}

namespace {

char32_t last_code_point(std::string_view text) {
  size_t lead = text.size() - 1;
  while (lead > 0 && (static_cast<unsigned char>(text[lead]) & 0xC0) == 0x80) --lead;
  return unicode::next_code_point(text, lead);
}

// Start of the run of whitespace that ends text (tokenizers' `\s*$`).
size_t trailing_space_start(std::string_view text) {
  size_t end = text.size();
  while (end > 0) {
    size_t lead = end - 1;
    while (lead > 0 && (static_cast<unsigned char>(text[lead]) & 0xC0) == 0x80) --lead;
    size_t probe = lead;
    if (!unicode::is_whitespace(unicode::next_code_point(text, probe))) break;
    end = lead;
  }
  return end;
}

// Length of the run of whitespace that starts text (tokenizers' `^\s*`).
size_t leading_space_length(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t next = pos;
    if (!unicode::is_whitespace(unicode::next_code_point(text, next))) break;
    pos = next;
  }
  return pos;
}

}  // namespace

std::vector<AddedTokenSplit> AddedVocabulary::split(std::string_view text, bool normalized_tokens) const {
  std::vector<AddedTokenSplit> splits;
  const Trie& trie = normalized_tokens ? normalized_trie_ : raw_trie_;
  if (text.empty() || trie.empty()) {
    splits.push_back({0, text.size(), std::nullopt});
    return splits;
  }
  size_t start_offset = 0;  // end of the last emitted split
  size_t search = 0;        // where the next match may begin
  while (search < text.size()) {
    // Leftmost-longest: the first position where some token matches, and the longest token there.
    size_t match_begin = text.size(), match_end = 0;
    int32_t match_id = -1;
    for (size_t pos = search; pos < text.size(); ++pos) {
      if (!trie.first_byte[static_cast<unsigned char>(text[pos])]) continue;
      int32_t node = 0;
      for (size_t k = pos; k < text.size(); ++k) {
        node = trie.child(node, static_cast<unsigned char>(text[k]));
        if (node < 0) break;
        if (trie.nodes[node].token_id >= 0) {
          match_id = trie.nodes[node].token_id;
          match_end = k + 1;
        }
      }
      if (match_id >= 0) {
        match_begin = pos;
        break;
      }
    }
    if (match_id < 0) break;
    search = match_end;

    const AddedToken& token = by_id_.at(match_id);
    size_t begin = match_begin, end = match_end;
    if (token.single_word) {
      const bool space_before = begin == 0 || !unicode::is_word_char(last_code_point(text.substr(0, begin)));
      size_t probe = end;
      const bool space_after = end == text.size() || !unicode::is_word_char(unicode::next_code_point(text, probe));
      if (!space_before || !space_after) continue;
    }
    if (token.lstrip) begin = std::max(trailing_space_start(text.substr(0, begin)), start_offset);
    if (token.rstrip) end += leading_space_length(text.substr(end));
    if (start_offset < begin) splits.push_back({start_offset, begin, std::nullopt});
    splits.push_back({begin, end, match_id});
    // As in tokenizers, the search resumes right after the match itself, even when rstrip took
    // the spaces after it (a whitespace token there is still found).
    start_offset = end;
  }
  if (start_offset != text.size()) splits.push_back({start_offset, text.size(), std::nullopt});
  return splits;
}

std::optional<int32_t> AddedVocabulary::token_to_id(const std::string& content) const {
  const auto it = by_content_.find(content);
  if (it == by_content_.end()) return std::nullopt;
  return it->second;
}

const AddedToken* AddedVocabulary::token_of_id(int32_t id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

const std::string* AddedVocabulary::decode_string_of_id(int32_t id) const {
  const auto form = normalized_forms_.find(id);
  if (form != normalized_forms_.end()) return &form->second;
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second.content;
}

}  // namespace lora
