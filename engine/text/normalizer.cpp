#include "normalizer.h"

#include <string>
#include <vector>

#include "byte_level.h"
#include "text_messages.h"
#include "text_pattern.h"
#include "unicode_text.h"

namespace lora {

namespace {

class UnicodeFormNormalizer : public Normalizer {
 public:
  using Function = std::string (*)(std::string_view);
  explicit UnicodeFormNormalizer(Function function) : function_(function) {}
  void normalize(TextPiece& piece) const override { piece.text = function_(piece.text); }

 private:
  Function function_;
};

class StripNormalizer : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void normalize(TextPiece& piece) const override {
    const std::string& text = piece.text;
    size_t begin = 0, end = text.size();
    if (left_) {
      while (begin < end) {
        size_t next = begin;
        if (!unicode::is_whitespace(unicode::next_code_point(text, next))) break;
        begin = next;
      }
    }
    if (right_) {
      while (end > begin) {
        size_t lead = end - 1;
        while (lead > begin && (static_cast<unsigned char>(text[lead]) & 0xC0) == 0x80) --lead;
        size_t probe = lead;
        if (!unicode::is_whitespace(unicode::next_code_point(text, probe))) break;
        end = lead;
      }
    }
    if (begin > 0) piece.at_text_start = false;  // the first character left is not the input's first
    piece.text = text.substr(begin, end - begin);
  }

 private:
  bool left_, right_;
};

class ReplaceNormalizer : public Normalizer {
 public:
  ReplaceNormalizer(const nlohmann::json& config, const JsonPath& at)
      : pattern_(require_field(config, "pattern", at), at / "pattern"), content_(require_string(config, "content", at)) {}
  void normalize(TextPiece& piece) const override {
    if (content_.empty()) {
      const auto matches = pattern_.find_all(piece.text);
      if (!matches.empty() && matches.front().first == 0 && matches.front().second > 0) piece.at_text_start = false;
    }
    piece.text = pattern_.replace_all(piece.text, content_);
  }

 private:
  TextPattern pattern_;
  std::string content_;
};

class PrependNormalizer : public Normalizer {
 public:
  explicit PrependNormalizer(std::string prepend) : prepend_(std::move(prepend)) {}
  void normalize(TextPiece& piece) const override {
    if (!piece.text.empty()) piece.text.insert(0, prepend_);
  }

 private:
  std::string prepend_;
};

class ByteLevelNormalizer : public Normalizer {
 public:
  void normalize(TextPiece& piece) const override { piece.text = byte_level::encode(piece.text); }
};

class SequenceNormalizer : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> parts) : parts_(std::move(parts)) {}
  void normalize(TextPiece& piece) const override {
    for (const auto& part : parts_) part->normalize(piece);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> parts_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& config, const JsonPath& at) {
  if (config.is_null()) return nullptr;
  if (!config.is_object()) at.fail(msg::Text::must_be_object_or_null);
  const std::string type = require_string(config, "type", at);
  if (type == "NFC") return std::make_unique<UnicodeFormNormalizer>(&unicode::nfc);
  if (type == "NFD") return std::make_unique<UnicodeFormNormalizer>(&unicode::nfd);
  if (type == "NFKC") return std::make_unique<UnicodeFormNormalizer>(&unicode::nfkc);
  if (type == "NFKD") return std::make_unique<UnicodeFormNormalizer>(&unicode::nfkd);
  if (type == "Lowercase") return std::make_unique<UnicodeFormNormalizer>(&unicode::lowercase);
  if (type == "StripAccents") return std::make_unique<UnicodeFormNormalizer>(&unicode::strip_combining_marks);
  if (type == "Strip")
    return std::make_unique<StripNormalizer>(read_bool(config, "strip_left", true, at),
                                             read_bool(config, "strip_right", true, at));
  if (type == "Replace") return std::make_unique<ReplaceNormalizer>(config, at);
  if (type == "Prepend") return std::make_unique<PrependNormalizer>(require_string(config, "prepend", at));
  if (type == "ByteLevel") return std::make_unique<ByteLevelNormalizer>();
  if (type == "Sequence") {
    const auto& list = require_field(config, "normalizers", at);
    if (!list.is_array()) (at / "normalizers").fail(msg::Text::must_be_a_list);
    std::vector<std::unique_ptr<Normalizer>> parts;
    for (size_t i = 0; i < list.size(); ++i) {
      auto part = make_normalizer(list[i], (at / "normalizers")[i]);
      if (part) parts.push_back(std::move(part));
    }
    return std::make_unique<SequenceNormalizer>(std::move(parts));
  }
  if (type == "BertNormalizer" || type == "Precompiled" || type == "Nmt")
    (at / "type").fail(Message(msg::Text::unsupported_normalizer, type));
  (at / "type").fail(Message(msg::Text::unknown_normalizer, type));
}

}  // namespace lora
