#include "pre_tokenizer.h"

#include <algorithm>
#include <optional>
#include <string>

#include <utf8proc.h>

#include "byte_level.h"
#include "text_messages.h"
#include "regex_pattern.h"
#include "text_pattern.h"
#include "unicode_text.h"

namespace lora {

void split_piece(const TextPiece& piece, const std::vector<std::pair<size_t, size_t>>& matches,
                 SplitBehavior behavior, bool invert, std::vector<TextPiece>& out) {
  const std::string& text = piece.text;
  // (range, is_delimiter) covering the whole text, as tokenizers' Pattern::find_matches.
  struct Part {
    size_t begin, end;
    bool is_match;
  };
  std::vector<Part> parts;
  if (text.empty()) {
    parts.push_back({0, 0, false});
  } else {
    size_t previous = 0;
    for (const auto& [begin, end] : matches) {
      if (previous != begin) parts.push_back({previous, begin, false});
      parts.push_back({begin, end, true});
      previous = end;
    }
    if (previous != text.size()) parts.push_back({previous, text.size(), false});
  }
  if (invert)
    for (auto& part : parts) part.is_match = !part.is_match;

  struct Kept {
    size_t begin, end;
    bool remove;
  };
  std::vector<Kept> kept;
  kept.reserve(parts.size());
  switch (behavior) {
    case SplitBehavior::Isolated:
      for (const auto& p : parts) kept.push_back({p.begin, p.end, false});
      break;
    case SplitBehavior::Removed:
      for (const auto& p : parts) kept.push_back({p.begin, p.end, p.is_match});
      break;
    case SplitBehavior::Contiguous: {
      bool previous_match = false;
      for (const auto& p : parts) {
        if (p.is_match == previous_match && !kept.empty())
          kept.back().end = p.end;
        else
          kept.push_back({p.begin, p.end, false});
        previous_match = p.is_match;
      }
      break;
    }
    case SplitBehavior::MergedWithPrevious: {
      bool previous_match = false;
      for (const auto& p : parts) {
        if (p.is_match && !previous_match && !kept.empty())
          kept.back().end = p.end;
        else
          kept.push_back({p.begin, p.end, false});
        previous_match = p.is_match;
      }
      break;
    }
    case SplitBehavior::MergedWithNext: {
      bool previous_match = false;
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        if (it->is_match && !previous_match && !kept.empty())
          kept.back().begin = it->begin;
        else
          kept.push_back({it->begin, it->end, false});
        previous_match = it->is_match;
      }
      std::reverse(kept.begin(), kept.end());
      break;
    }
  }
  for (const auto& k : kept) {
    if (k.remove || k.end == k.begin) continue;
    out.push_back({text.substr(k.begin, k.end - k.begin), piece.at_text_start && k.begin == 0});
  }
}

namespace {

SplitBehavior parse_behavior(const nlohmann::json& config, const JsonPath& at) {
  const std::string name = require_string(config, "behavior", at);
  if (name == "Removed") return SplitBehavior::Removed;
  if (name == "Isolated") return SplitBehavior::Isolated;
  if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (name == "Contiguous") return SplitBehavior::Contiguous;
  (at / "behavior").fail(Message(msg::Text::unknown_split_behavior, name));
}

// Applies `split_one` to every piece, replacing the list.
template <typename Function>
void for_each_piece(std::vector<TextPiece>& pieces, Function split_one) {
  std::vector<TextPiece> out;
  out.reserve(pieces.size() * 2);
  for (const auto& piece : pieces) split_one(piece, out);
  pieces.swap(out);
}

// Matches of single characters that satisfy `predicate`, each its own match.
template <typename Predicate>
std::vector<std::pair<size_t, size_t>> character_matches(const std::string& text, Predicate predicate) {
  std::vector<std::pair<size_t, size_t>> matches;
  for (size_t pos = 0; pos < text.size();) {
    const size_t begin = pos;
    if (predicate(unicode::next_code_point(text, pos))) matches.emplace_back(begin, pos);
  }
  return matches;
}

class SplitPreTokenizer : public PreTokenizer {
 public:
  SplitPreTokenizer(const nlohmann::json& config, const JsonPath& at)
      : pattern_(require_field(config, "pattern", at), at / "pattern"),
        behavior_(parse_behavior(config, at)),
        invert_(read_bool(config, "invert", false, at)) {}
  void pre_tokenize(std::vector<TextPiece>& pieces) const override {
    for_each_piece(pieces, [&](const TextPiece& piece, std::vector<TextPiece>& out) {
      split_piece(piece, pattern_.find_all(piece.text), behavior_, invert_, out);
    });
  }

 private:
  TextPattern pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(const nlohmann::json& config, const JsonPath& at)
      : add_prefix_space_(read_bool(config, "add_prefix_space", true, at)),
        use_regex_(read_bool(config, "use_regex", true, at)) {
    if (use_regex_)
      gpt2_regex_.emplace(R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)",
                          at.describe());
  }
  void pre_tokenize(std::vector<TextPiece>& pieces) const override {
    for_each_piece(pieces, [&](const TextPiece& original, std::vector<TextPiece>& out) {
      TextPiece piece = original;
      if (add_prefix_space_ && (piece.text.empty() || piece.text[0] != ' ')) piece.text.insert(0, " ");
      const size_t first = out.size();
      if (use_regex_)
        split_piece(piece, gpt2_regex_->find_all(piece.text), SplitBehavior::Isolated, false, out);
      else if (!piece.text.empty())
        out.push_back(std::move(piece));
      for (size_t i = first; i < out.size(); ++i) out[i].text = byte_level::encode(out[i].text);
    });
  }

 private:
  bool add_prefix_space_;
  bool use_regex_;
  std::optional<RegexPattern> gpt2_regex_;
};

class MetaspacePreTokenizer : public PreTokenizer {
 public:
  enum class Prepend { Always, First, Never };
  MetaspacePreTokenizer(const nlohmann::json& config, const JsonPath& at) {
    replacement_ = require_string(config, "replacement", at);
    size_t pos = 0;
    if (replacement_.empty() || (unicode::next_code_point(replacement_, pos), pos != replacement_.size()))
      (at / "replacement").fail(msg::Text::must_be_one_character);
    const std::string scheme = read_string(config, "prepend_scheme", "always", at);
    if (scheme == "always")
      prepend_ = Prepend::Always;
    else if (scheme == "first")
      prepend_ = Prepend::First;
    else if (scheme == "never")
      prepend_ = Prepend::Never;
    else
      (at / "prepend_scheme").fail(Message(msg::Text::unknown_prepend_scheme, scheme));
    // Files written before prepend_scheme existed say add_prefix_space: false for "never".
    if (read_optional_bool(config, "add_prefix_space", at) == false) prepend_ = Prepend::Never;
    split_ = read_bool(config, "split", true, at);
  }
  void pre_tokenize(std::vector<TextPiece>& pieces) const override {
    for_each_piece(pieces, [&](const TextPiece& original, std::vector<TextPiece>& out) {
      TextPiece piece;
      piece.at_text_start = original.at_text_start;
      piece.text.reserve(original.text.size() + 8);
      for (const char c : original.text) {
        if (c == ' ')
          piece.text += replacement_;
        else
          piece.text += c;
      }
      const bool starts_with_replacement = piece.text.compare(0, replacement_.size(), replacement_) == 0;
      if (!starts_with_replacement &&
          (prepend_ == Prepend::Always || (prepend_ == Prepend::First && piece.at_text_start)))
        piece.text.insert(0, replacement_);
      if (!split_) {
        if (!piece.text.empty()) out.push_back(std::move(piece));
        return;
      }
      std::vector<std::pair<size_t, size_t>> matches;
      for (size_t p = piece.text.find(replacement_); p != std::string::npos;
           p = piece.text.find(replacement_, p + replacement_.size()))
        matches.emplace_back(p, p + replacement_.size());
      split_piece(piece, matches, SplitBehavior::MergedWithNext, false, out);
    });
  }

 private:
  std::string replacement_;
  Prepend prepend_ = Prepend::Always;
  bool split_ = true;
};

class DigitsPreTokenizer : public PreTokenizer {
 public:
  explicit DigitsPreTokenizer(bool individual) : individual_(individual) {}
  void pre_tokenize(std::vector<TextPiece>& pieces) const override {
    for_each_piece(pieces, [&](const TextPiece& piece, std::vector<TextPiece>& out) {
      const auto matches = character_matches(piece.text, [](char32_t c) {
        const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(c));
        return category == UTF8PROC_CATEGORY_ND || category == UTF8PROC_CATEGORY_NL ||
               category == UTF8PROC_CATEGORY_NO;
      });
      split_piece(piece, matches, individual_ ? SplitBehavior::Isolated : SplitBehavior::Contiguous, false, out);
    });
  }

 private:
  bool individual_;
};

class WhitespaceSplitPreTokenizer : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<TextPiece>& pieces) const override {
    for_each_piece(pieces, [&](const TextPiece& piece, std::vector<TextPiece>& out) {
      split_piece(piece, character_matches(piece.text, unicode::is_whitespace), SplitBehavior::Removed, false, out);
    });
  }
};

class WhitespacePreTokenizer : public PreTokenizer {
 public:
  explicit WhitespacePreTokenizer(const JsonPath& at) : words_(R"(\w+|[^\w\s]+)", at.describe()) {}
  void pre_tokenize(std::vector<TextPiece>& pieces) const override {
    for_each_piece(pieces, [&](const TextPiece& piece, std::vector<TextPiece>& out) {
      split_piece(piece, words_.find_all(piece.text), SplitBehavior::Removed, true, out);
    });
  }

 private:
  RegexPattern words_;
};

class SequencePreTokenizer : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> parts) : parts_(std::move(parts)) {}
  void pre_tokenize(std::vector<TextPiece>& pieces) const override {
    for (const auto& part : parts_) part->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> parts_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& config, const JsonPath& at) {
  if (config.is_null()) return nullptr;
  if (!config.is_object()) at.fail(msg::Text::must_be_object_or_null);
  const std::string type = require_string(config, "type", at);
  if (type == "Split") return std::make_unique<SplitPreTokenizer>(config, at);
  if (type == "ByteLevel") return std::make_unique<ByteLevelPreTokenizer>(config, at);
  if (type == "Metaspace") return std::make_unique<MetaspacePreTokenizer>(config, at);
  if (type == "Digits") return std::make_unique<DigitsPreTokenizer>(read_bool(config, "individual_digits", false, at));
  if (type == "WhitespaceSplit") return std::make_unique<WhitespaceSplitPreTokenizer>();
  if (type == "Whitespace") return std::make_unique<WhitespacePreTokenizer>(at);
  if (type == "Sequence") {
    const auto& list = require_field(config, "pretokenizers", at);
    if (!list.is_array()) (at / "pretokenizers").fail(msg::Text::must_be_a_list);
    std::vector<std::unique_ptr<PreTokenizer>> parts;
    for (size_t i = 0; i < list.size(); ++i) {
      auto part = make_pre_tokenizer(list[i], (at / "pretokenizers")[i]);
      if (part) parts.push_back(std::move(part));
    }
    return std::make_unique<SequencePreTokenizer>(std::move(parts));
  }
  if (type == "BertPreTokenizer" || type == "Punctuation" || type == "CharDelimiterSplit" ||
      type == "UnicodeScripts" || type == "FixedLength")
    (at / "type").fail(Message(msg::Text::unsupported_pre_tokenizer, type));
  (at / "type").fail(Message(msg::Text::unknown_pre_tokenizer, type));
}

}  // namespace lora
