#include "token_decoder.h"

#include <cctype>
#include <optional>

#include "byte_level.h"
#include "text_messages.h"
#include "text_pattern.h"
#include "unicode_text.h"

namespace lora {

namespace {

constexpr const char* kReplacementCharacter = "\xEF\xBF\xBD";

class ByteLevelDecoder : public TokenDecoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string bytes;
    for (const auto& token : tokens) {
      // A token with a character outside the byte alphabet (an added token) is taken as is.
      if (!byte_level::decode_token(token, bytes)) bytes += token;
    }
    tokens.assign(1, unicode::to_valid_utf8(bytes));
  }
};

class ByteFallbackDecoder : public TokenDecoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    out.reserve(tokens.size());
    std::string pending;  // consecutive <0xNN> bytes
    auto flush = [&]() {
      if (pending.empty()) return;
      if (unicode::is_valid_utf8(pending)) {
        out.push_back(pending);
      } else {
        for (size_t i = 0; i < pending.size(); ++i) out.emplace_back(kReplacementCharacter);
      }
      pending.clear();
    };
    for (auto& token : tokens) {
      int byte = -1;
      if (token.size() == 6 && token.compare(0, 3, "<0x") == 0 && token[5] == '>' &&
          std::isxdigit(static_cast<unsigned char>(token[3])) && std::isxdigit(static_cast<unsigned char>(token[4])))
        byte = std::stoi(token.substr(3, 2), nullptr, 16);
      if (byte >= 0) {
        pending += static_cast<char>(byte);
      } else {
        flush();
        out.push_back(std::move(token));
      }
    }
    flush();
    tokens.swap(out);
  }
};

class FuseDecoder : public TokenDecoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string joined;
    for (const auto& token : tokens) joined += token;
    tokens.assign(1, std::move(joined));
  }
};

class StripDecoder : public TokenDecoder {
 public:
  StripDecoder(char32_t content, size_t start, size_t stop) : content_(content), start_(start), stop_(stop) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (auto& token : tokens) {
      std::vector<std::pair<size_t, char32_t>> chars;  // (byte offset, code point)
      for (size_t pos = 0; pos < token.size();) {
        const size_t at = pos;
        chars.emplace_back(at, unicode::next_code_point(token, pos));
      }
      size_t start_cut = 0;
      for (size_t i = 0; i < start_ && i < chars.size() && chars[i].second == content_; ++i) start_cut = i + 1;
      size_t stop_cut = chars.size();
      for (size_t i = 0; i < stop_ && i < chars.size(); ++i) {
        const size_t index = chars.size() - i - 1;
        if (chars[index].second != content_) break;
        stop_cut = index;
      }
      if (stop_cut <= start_cut) {
        token.clear();
        continue;
      }
      const size_t begin = chars[start_cut].first;
      const size_t end = stop_cut < chars.size() ? chars[stop_cut].first : token.size();
      token = token.substr(begin, end - begin);
    }
  }

 private:
  char32_t content_;
  size_t start_, stop_;
};

class ReplaceDecoder : public TokenDecoder {
 public:
  ReplaceDecoder(const nlohmann::json& config, const JsonPath& at)
      : pattern_(require_field(config, "pattern", at), at / "pattern"), content_(require_string(config, "content", at)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (auto& token : tokens) token = pattern_.replace_all(token, content_);
  }

 private:
  TextPattern pattern_;
  std::string content_;
};

class MetaspaceDecoder : public TokenDecoder {
 public:
  MetaspaceDecoder(std::string replacement, bool strip_first) : replacement_(std::move(replacement)), strip_first_(strip_first) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      // As tokenizers: in the first token every replacement character is dropped when a prefix
      // was prepended at encoding; elsewhere each becomes a space.
      const std::string with = i == 0 && strip_first_ ? std::string() : std::string(" ");
      std::string& token = tokens[i];
      std::string out;
      out.reserve(token.size());
      for (size_t pos = 0; pos < token.size();) {
        if (token.compare(pos, replacement_.size(), replacement_) == 0) {
          out += with;
          pos += replacement_.size();
        } else {
          out += token[pos++];
        }
      }
      token.swap(out);
    }
  }

 private:
  std::string replacement_;
  bool strip_first_;
};

class BpeSuffixDecoder : public TokenDecoder {
 public:
  explicit BpeSuffixDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    if (suffix_.empty()) return;
    for (size_t i = 0; i < tokens.size(); ++i) {
      const std::string with = i + 1 == tokens.size() ? "" : " ";
      std::string& token = tokens[i];
      std::string out;
      for (size_t pos = 0; pos < token.size();) {
        if (token.compare(pos, suffix_.size(), suffix_) == 0) {
          out += with;
          pos += suffix_.size();
        } else {
          out += token[pos++];
        }
      }
      token.swap(out);
    }
  }

 private:
  std::string suffix_;
};

class SequenceDecoder : public TokenDecoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<TokenDecoder>> parts) : parts_(std::move(parts)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& part : parts_) part->decode_chain(tokens);
  }

 private:
  std::vector<std::unique_ptr<TokenDecoder>> parts_;
};

char32_t single_character(const std::string& text, const JsonPath& at) {
  size_t pos = 0;
  const char32_t c = text.empty() ? 0 : unicode::next_code_point(text, pos);
  if (text.empty() || pos != text.size()) at.fail(msg::Text::must_be_one_character);
  return c;
}

}  // namespace

std::unique_ptr<TokenDecoder> make_token_decoder(const nlohmann::json& config, const JsonPath& at) {
  if (config.is_null()) return nullptr;
  if (!config.is_object()) at.fail(msg::Text::must_be_object_or_null);
  const std::string type = require_string(config, "type", at);
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") {
    const std::string content = require_string(config, "content", at);
    // More characters than any text holds strip everything; the bound keeps size_t arithmetic sane.
    constexpr int64_t kMaxStrip = int64_t(1) << 30;
    const int64_t start = read_int(config, "start", 0, at, 0, kMaxStrip);
    const int64_t stop = read_int(config, "stop", 0, at, 0, kMaxStrip);
    return std::make_unique<StripDecoder>(single_character(content, at / "content"), static_cast<size_t>(start),
                                          static_cast<size_t>(stop));
  }
  if (type == "Replace") return std::make_unique<ReplaceDecoder>(config, at);
  if (type == "Metaspace") {
    const std::string replacement = require_string(config, "replacement", at);
    single_character(replacement, at / "replacement");
    bool prepends = read_string(config, "prepend_scheme", "always", at) != "never";
    if (read_optional_bool(config, "add_prefix_space", at) == false) prepends = false;
    return std::make_unique<MetaspaceDecoder>(replacement, prepends);
  }
  if (type == "BPEDecoder") return std::make_unique<BpeSuffixDecoder>(read_string(config, "suffix", "</w>", at));
  if (type == "Sequence") {
    const auto& list = require_field(config, "decoders", at);
    if (!list.is_array()) (at / "decoders").fail(msg::Text::must_be_a_list);
    std::vector<std::unique_ptr<TokenDecoder>> parts;
    for (size_t i = 0; i < list.size(); ++i) {
      auto part = make_token_decoder(list[i], (at / "decoders")[i]);
      if (part) parts.push_back(std::move(part));
    }
    return std::make_unique<SequenceDecoder>(std::move(parts));
  }
  if (type == "WordPiece" || type == "CTC")
    (at / "type").fail(Message(msg::Text::unsupported_decoder, type));
  (at / "type").fail(Message(msg::Text::unknown_decoder, type));
}

}  // namespace lora
