#include "bpe_model.h"

#include <cstdio>
#include <queue>

#include "error.h"
#include "text_messages.h"
#include "unicode_text.h"

namespace lora {

namespace {

// Merges read as (left, right) strings, in rank order.
std::vector<std::pair<std::string, std::string>> read_merges(const nlohmann::json& list, const JsonPath& at) {
  if (!list.is_array()) at.fail(msg::Text::must_be_a_list);
  std::vector<std::pair<std::string, std::string>> merges;
  merges.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& entry = list[i];
    if (entry.is_string()) {
      // The older form "left right". Lines starting with "#version" are a merges.txt header.
      const std::string& line = entry.get_ref<const std::string&>();
      if (line.rfind("#version", 0) == 0) continue;
      const auto space = line.find(' ');
      if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
        at[i].fail(Message(msg::Text::merge_not_two_tokens, line));
      merges.emplace_back(line.substr(0, space), line.substr(space + 1));
    } else if (entry.is_array() && entry.size() == 2 && entry[0].is_string() && entry[1].is_string()) {
      merges.emplace_back(entry[0].get<std::string>(), entry[1].get<std::string>());
    } else {
      at[i].fail(msg::Text::must_be_merge);
    }
  }
  return merges;
}

}  // namespace

BpeModel::BpeModel(const nlohmann::json& config, const JsonPath& at) : source_(at.file()) {
  if (!config.is_object()) at.fail(msg::Text::must_be_json_object);
  const auto type = read_optional_string(config, "type", at);
  if (type && *type != "BPE") {
    if (*type == "WordPiece" || *type == "WordLevel" || *type == "Unigram")
      (at / "type").fail(Message(msg::Text::unsupported_model_type, *type));
    (at / "type").fail(Message(msg::Text::unknown_model_type, *type));
  }
  const auto& vocab = require_field(config, "vocab", at);
  if (!vocab.is_object()) (at / "vocab").fail(msg::Text::must_be_vocab);
  vocab_.reserve(vocab.size() * 2);
  int64_t max_id = -1;
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    // Token texts may hold dots, so the entry is named apart from the path.
    const std::optional<int64_t> found = json_int_in(it.value(), 0, INT32_MAX);
    if (!found)
      (at / "vocab").fail(Message(msg::Text::vocab_entry_not_id, it.key(), describe_json(it.value()),
                                  describe_integer_range(0, INT32_MAX)));
    const int64_t id = *found;
    vocab_[it.key()] = static_cast<int32_t>(id);
    if (id > max_id) max_id = id;
  }
  // The id → token table is sized by the largest id: a hostile {"a": 2000000000} must not make us
  // allocate 64 GB. Real vocabularies are dense (0..n-1, a few holes at most).
  constexpr int64_t kMaxIdBeyondVocab = int64_t(1) << 20;
  if (max_id >= static_cast<int64_t>(vocab.size()) + kMaxIdBeyondVocab)
    (at / "vocab").fail(Message(msg::Text::vocab_id_far_beyond, max_id, vocab.size()));
  id_to_token_.resize(static_cast<size_t>(max_id + 1));
  id_known_.assign(static_cast<size_t>(max_id + 1), false);
  for (const auto& [token, id] : vocab_) {
    id_to_token_[id] = token;
    id_known_[id] = true;
  }

  unk_token_ = read_optional_string(config, "unk_token", at);
  continuing_subword_prefix_ = read_string(config, "continuing_subword_prefix", "", at);
  end_of_word_suffix_ = read_string(config, "end_of_word_suffix", "", at);
  fuse_unk_ = read_bool(config, "fuse_unk", false, at);
  byte_fallback_ = read_bool(config, "byte_fallback", false, at);
  ignore_merges_ = read_bool(config, "ignore_merges", false, at);

  byte_tokens_.assign(256, -1);
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    const auto it = vocab_.find(name);
    if (it != vocab_.end()) byte_tokens_[b] = it->second;
  }

  const auto merges = read_merges(require_field(config, "merges", at), at / "merges");
  merges_.reserve(merges.size() * 2);
  const size_t prefix_length = continuing_subword_prefix_.size();
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [left, right] = merges[rank];
    const auto left_id = vocab_.find(left);
    const auto right_id = vocab_.find(right);
    if (left_id == vocab_.end())
      (at / "merges")[rank].fail(Message(msg::Text::merge_token_not_in_vocab, left));
    if (right_id == vocab_.end())
      (at / "merges")[rank].fail(Message(msg::Text::merge_token_not_in_vocab, right));
    // The merged token drops the right part's continuing-subword prefix, as tokenizers does.
    const std::string merged = left + (right.size() >= prefix_length ? right.substr(prefix_length) : right);
    const auto merged_id = vocab_.find(merged);
    if (merged_id == vocab_.end())
      (at / "merges")[rank].fail(Message(msg::Text::merged_token_not_in_vocab, merged));
    // A pair listed twice keeps its last rank, as tokenizers' map does.
    merges_.insert_or_assign(pair_key(left_id->second, right_id->second),
                             Merge{static_cast<uint32_t>(rank), merged_id->second});
  }
}

std::optional<int32_t> BpeModel::token_to_id(const std::string& token) const {
  const auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

const std::string* BpeModel::id_to_token(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size() || !id_known_[id]) return nullptr;
  return &id_to_token_[id];
}

void BpeModel::tokenize(const std::string& piece, std::vector<int32_t>& ids) const {
  if (piece.empty()) return;
  if (ignore_merges_) {
    const auto it = vocab_.find(piece);
    if (it != vocab_.end()) {
      ids.push_back(it->second);
      return;
    }
  }
  const bool cacheable = piece.size() < kCacheMaxWordBytes;
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    const auto it = cache_.find(piece);
    if (it != cache_.end()) {
      ids.insert(ids.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int32_t> word_ids;
  merge_word(piece, word_ids);
  ids.insert(ids.end(), word_ids.begin(), word_ids.end());
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cache_.size() < kCacheCapacity) cache_.emplace(piece, std::move(word_ids));
  }
}

void BpeModel::merge_word(const std::string& word, std::vector<int32_t>& ids) const {
  // Symbols as a doubly linked list over a vector (tokenizers' Word); len 0 marks a merged-away one.
  struct Symbol {
    int32_t id;
    int64_t prev, next;
    size_t len;
  };
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  auto add_symbol = [&](int32_t id, size_t len) {
    const int64_t index = static_cast<int64_t>(symbols.size());
    symbols.push_back({id, index - 1, -1, len});
    if (index > 0) symbols[index - 1].next = index;
  };

  std::optional<std::pair<int32_t, size_t>> pending_unk;  // (unk id, byte length), fused when fuse_unk
  std::string unit;
  for (size_t pos = 0; pos < word.size();) {
    const size_t begin = pos;
    unicode::next_code_point(word, pos);
    const size_t byte_length = pos - begin;
    unit.clear();
    if (begin > 0) unit += continuing_subword_prefix_;
    unit.append(word, begin, byte_length);
    if (pos >= word.size()) unit += end_of_word_suffix_;

    const auto found = vocab_.find(unit);
    if (found != vocab_.end()) {
      if (pending_unk) {
        add_symbol(pending_unk->first, pending_unk->second);
        pending_unk.reset();
      }
      add_symbol(found->second, byte_length);
      continue;
    }
    if (byte_fallback_) {
      bool all_bytes = true;
      for (const char c : unit) all_bytes = all_bytes && byte_tokens_[static_cast<unsigned char>(c)] >= 0;
      if (all_bytes) {
        // As tokenizers does, a pending unk is not flushed before byte pieces.
        for (const char c : unit) add_symbol(byte_tokens_[static_cast<unsigned char>(c)], 1);
        continue;
      }
    }
    if (unk_token_) {
      const auto unk = vocab_.find(*unk_token_);
      if (unk == vocab_.end())
        throw Error(msg::Text::unk_token_not_in_vocab, source_, *unk_token_);
      if (pending_unk && fuse_unk_) {
        pending_unk->second += byte_length;
      } else {
        if (pending_unk) add_symbol(pending_unk->first, pending_unk->second);
        pending_unk = std::make_pair(unk->second, byte_length);
      }
    }
    // Without an unk token the character is dropped, as in tokenizers.
  }
  if (pending_unk) add_symbol(pending_unk->first, pending_unk->second);

  // Lowest rank first, then leftmost position (tokenizers' Merge ordering).
  struct Candidate {
    uint32_t rank;
    size_t pos;
    int32_t new_id;
    bool operator>(const Candidate& other) const {
      return rank != other.rank ? rank > other.rank : pos > other.pos;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    const auto merge = merges_.find(pair_key(symbols[i].id, symbols[i + 1].id));
    if (merge != merges_.end()) queue.push({merge->second.rank, i, merge->second.new_id});
  }
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    Symbol& left = symbols[top.pos];
    if (left.len == 0 || left.next == -1) continue;
    const size_t right_pos = static_cast<size_t>(left.next);
    const Symbol right = symbols[right_pos];
    // Skip entries made stale by earlier merges.
    const auto current = merges_.find(pair_key(left.id, right.id));
    if (current == merges_.end() || current->second.new_id != top.new_id) continue;

    left.id = top.new_id;
    left.len += right.len;
    left.next = right.next;
    symbols[right_pos].len = 0;
    if (right.next >= 0 && static_cast<size_t>(right.next) < symbols.size())
      symbols[static_cast<size_t>(right.next)].prev = static_cast<int64_t>(top.pos);

    if (left.prev >= 0) {
      const auto merge = merges_.find(pair_key(symbols[static_cast<size_t>(left.prev)].id, left.id));
      if (merge != merges_.end())
        queue.push({merge->second.rank, static_cast<size_t>(left.prev), merge->second.new_id});
    }
    if (left.next >= 0 && static_cast<size_t>(left.next) < symbols.size()) {
      const auto merge = merges_.find(pair_key(left.id, symbols[static_cast<size_t>(left.next)].id));
      if (merge != merges_.end()) queue.push({merge->second.rank, top.pos, merge->second.new_id});
    }
  }
  for (const auto& symbol : symbols)
    if (symbol.len != 0) ids.push_back(symbol.id);
}

}  // namespace lora
