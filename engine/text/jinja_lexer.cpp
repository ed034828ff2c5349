#include "jinja_lexer.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include "error.h"
#include "text_messages.h"
#include "jinja_strings.h"

namespace lora::jinja {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// jinja2 splits the source on \r\n, \r and \n, joins with \n, and drops one trailing empty line
// (keep_trailing_newline=False).
std::string normalize_newlines(const std::string& source) {
  std::string out;
  out.reserve(source.size());
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      out += '\n';
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      out += source[i];
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class Lexer {
 public:
  Lexer(const std::string& source, const std::string& name) : src_(normalize_newlines(source)), name_(name) {}

  std::vector<Token> run() {
    size_t pos = 0;
    const size_t n = src_.size();
    while (pos < n) {
      const size_t open = find_opener(pos);
      if (open == std::string::npos) {
        emit(TokenType::Data, src_.substr(pos), pos);
        break;
      }
      const char kind = src_[open + 1];
      const size_t after = open + 2;
      const char sign = after < n && (src_[after] == '-' || src_[after] == '+') ? src_[after] : 0;
      size_t raw_end = 0;
      const bool raw = kind == '%' && match_raw_begin(open, raw_end);
      emit_text_before_tag(pos, open, sign, kind != '{');
      if (raw) {
        line_starting_ = src_[raw_end - 1] == '\n';
        pos = lex_raw(raw_end, open);
      } else if (kind == '#') {
        pos = lex_comment(after + (sign ? 1 : 0), open);
      } else {
        emit(kind == '{' ? TokenType::VariableBegin : TokenType::BlockBegin, std::string(), open);
        pos = lex_tag(after + (sign ? 1 : 0), kind == '{');
      }
    }
    Token eof;
    eof.type = TokenType::Eof;
    eof.pos = position(src_.size());
    tokens_.push_back(std::move(eof));
    return std::move(tokens_);
  }

 private:
  // ---- positions and errors -----------------------------------------------------------------------

  SourcePos position(size_t offset) {
    if (offset < cursor_offset_) cursor_offset_ = 0, cursor_pos_ = SourcePos{};
    while (cursor_offset_ < offset && cursor_offset_ < src_.size()) {
      const auto byte = static_cast<unsigned char>(src_[cursor_offset_++]);
      if (byte == '\n') {
        ++cursor_pos_.line;
        cursor_pos_.column = 1;
      } else if ((byte & 0xC0) != 0x80) {
        ++cursor_pos_.column;
      }
    }
    return cursor_pos_;
  }

  [[noreturn]] void fail(size_t offset, const std::string& message) {
    const SourcePos pos = position(offset);
    throw Error(msg::Text::template_error_at, name_, pos.line, pos.column, message);
  }

  void emit(TokenType type, std::string value, size_t offset) {
    Token token;
    token.type = type;
    token.value = std::move(value);
    token.pos = position(offset);
    tokens_.push_back(std::move(token));
  }

  // ---- template text ------------------------------------------------------------------------------

  size_t find_opener(size_t pos) const {
    while (true) {
      pos = src_.find('{', pos);
      if (pos == std::string::npos || pos + 1 >= src_.size()) return std::string::npos;
      const char next = src_[pos + 1];
      if (next == '{' || next == '%' || next == '#') return pos;
      ++pos;
    }
  }

  size_t skip_space(size_t pos) const {
    while (pos < src_.size()) {
      const auto byte = static_cast<unsigned char>(src_[pos]);
      if (byte < 0x80) {
        if (!pystr::is_space(byte)) break;
        ++pos;
        continue;
      }
      size_t next = pos;
      if (!pystr::is_space(pystr::decode_at(src_, next))) break;
      pos = next;
    }
    return pos;
  }

  static bool all_space(std::string_view text) {
    for (char32_t c : pystr::decode(text))
      if (!pystr::is_space(c)) return false;
    return true;
  }

  // The text between `pos` and a tag opening at `open`: "{%-" strips all whitespace before the tag;
  // otherwise lstrip_blocks removes spaces and tabs from the start of the tag's line (not for {{ }},
  // and not with "{%+").
  void emit_text_before_tag(size_t pos, size_t open, char sign, bool lstrip) {
    std::string text = src_.substr(pos, open - pos);
    if (sign == '-') {
      text = pystr::strip(text, std::nullopt, false, true);
    } else if (sign != '+' && lstrip) {
      const size_t newline = text.rfind('\n');
      const size_t line_start = newline == std::string::npos ? 0 : newline + 1;
      if ((line_start > 0 || line_starting_) && line_start < text.size() &&
          all_space(std::string_view(text).substr(line_start)))
        text.resize(line_start);
    }
    if (!text.empty()) emit(TokenType::Data, std::move(text), pos);
    line_starting_ = false;
  }

  // {%(-|+)? \s* raw \s* (-%}\s* | %})
  bool match_raw_begin(size_t open, size_t& end) const {
    size_t i = open + 2;
    if (i < src_.size() && (src_[i] == '-' || src_[i] == '+')) ++i;
    i = skip_space(i);
    if (src_.compare(i, 3, "raw") != 0) return false;
    i = skip_space(i + 3);
    if (src_.compare(i, 3, "-%}") == 0) {
      end = skip_space(i + 3);
      return true;
    }
    if (src_.compare(i, 2, "%}") == 0) {
      end = i + 2;
      return true;
    }
    return false;
  }

  size_t lex_raw(size_t pos, size_t open) {
    for (size_t i = pos; (i = src_.find("{%", i)) != std::string::npos; ++i) {
      size_t j = i + 2;
      const char sign = j < src_.size() && (src_[j] == '-' || src_[j] == '+') ? src_[j] : 0;
      if (sign) ++j;
      j = skip_space(j);
      if (src_.compare(j, 6, "endraw") != 0) continue;
      j = skip_space(j + 6);
      size_t end;
      if (src_.compare(j, 3, "+%}") == 0) {
        end = j + 3;
      } else if (src_.compare(j, 3, "-%}") == 0) {
        end = skip_space(j + 3);
      } else if (src_.compare(j, 2, "%}") == 0) {
        end = j + 2;
        if (end < src_.size() && src_[end] == '\n') ++end;
      } else {
        continue;
      }
      emit_text_before_tag(pos, i, sign, true);
      line_starting_ = src_[end - 1] == '\n';
      return end;
    }
    if (pos < src_.size()) fail(open, "Missing end of raw directive");
    return src_.size();
  }

  size_t lex_comment(size_t pos, size_t open) {
    for (size_t i = pos; i < src_.size(); ++i) {
      size_t end = 0;
      if (src_.compare(i, 3, "+#}") == 0) {
        end = i + 3;
      } else if (src_.compare(i, 3, "-#}") == 0) {
        end = skip_space(i + 3);
      } else if (src_.compare(i, 2, "#}") == 0) {
        end = i + 2;
        if (end < src_.size() && src_[end] == '\n') ++end;
      } else {
        continue;
      }
      line_starting_ = src_[end - 1] == '\n';
      return end;
    }
    if (pos < src_.size()) fail(open, "Missing end of comment tag");
    return src_.size();
  }

  // ---- inside {{ }} and {% %} -----------------------------------------------------------------------

  size_t lex_tag(size_t pos, bool variable) {
    std::string balance;  // the closing brackets we wait for
    const size_t n = src_.size();
    while (pos < n) {
      if (balance.empty()) {
        if (variable) {
          if (src_.compare(pos, 3, "-}}") == 0) {
            emit(TokenType::VariableEnd, std::string(), pos);
            const size_t end = skip_space(pos + 3);
            line_starting_ = src_[end - 1] == '\n';
            return end;
          }
          if (src_.compare(pos, 2, "}}") == 0) {
            emit(TokenType::VariableEnd, std::string(), pos);
            line_starting_ = false;
            return pos + 2;
          }
        } else {
          if (src_.compare(pos, 3, "+%}") == 0) {
            emit(TokenType::BlockEnd, std::string(), pos);
            line_starting_ = false;
            return pos + 3;
          }
          if (src_.compare(pos, 3, "-%}") == 0) {
            emit(TokenType::BlockEnd, std::string(), pos);
            const size_t end = skip_space(pos + 3);
            line_starting_ = src_[end - 1] == '\n';
            return end;
          }
          if (src_.compare(pos, 2, "%}") == 0) {
            emit(TokenType::BlockEnd, std::string(), pos);
            size_t end = pos + 2;
            if (end < n && src_[end] == '\n') ++end;  // trim_blocks
            line_starting_ = src_[end - 1] == '\n';
            return end;
          }
        }
      }
      const size_t space_end = skip_space(pos);
      if (space_end != pos) {
        pos = space_end;
        continue;
      }
      if (size_t end = match_float(pos)) {
        lex_float(pos, end);
        pos = end;
      } else if (size_t end = match_integer(pos)) {
        lex_integer(pos, end);
        pos = end;
      } else if (size_t end = match_name(pos)) {
        lex_name(pos, end);
        pos = end;
      } else if (src_[pos] == '\'' || src_[pos] == '"') {
        pos = lex_string(pos);
      } else {
        pos = lex_operator(pos, balance);
      }
    }
    return pos;  // end of the template inside a tag: the parser reports what it was waiting for
  }

  size_t match_digit_run(size_t i) const {  // (\d+_)*\d+ : returns the end, or 0
    if (i >= src_.size() || !is_digit(src_[i])) return 0;
    while (i < src_.size() && is_digit(src_[i])) ++i;
    while (i + 1 < src_.size() && src_[i] == '_' && is_digit(src_[i + 1])) {
      ++i;
      while (i < src_.size() && is_digit(src_[i])) ++i;
    }
    return i;
  }

  size_t match_exponent(size_t i) const {
    if (i >= src_.size() || (src_[i] != 'e' && src_[i] != 'E')) return 0;
    ++i;
    if (i < src_.size() && (src_[i] == '+' || src_[i] == '-')) ++i;
    return match_digit_run(i);
  }

  size_t match_float(size_t pos) const {
    if (pos > 0 && src_[pos - 1] == '.') return 0;
    const size_t mantissa = match_digit_run(pos);
    if (!mantissa) return 0;
    if (mantissa < src_.size() && src_[mantissa] == '.') {
      if (size_t fraction = match_digit_run(mantissa + 1)) {
        if (size_t end = match_exponent(fraction)) return end;
      }
    }
    if (size_t end = match_exponent(mantissa)) return end;
    if (mantissa < src_.size() && src_[mantissa] == '.') {
      if (size_t fraction = match_digit_run(mantissa + 1)) return fraction;
    }
    return 0;
  }

  void lex_float(size_t pos, size_t end) {
    std::string text;
    for (size_t i = pos; i < end; ++i)
      if (src_[i] != '_') text += src_[i];
    double value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec == std::errc::result_out_of_range) {
      // Python's float literal overflows to inf and underflows to 0.
      value = text.find("e-") != std::string::npos || text.find("E-") != std::string::npos ? 0.0 : HUGE_VAL;
    }
    Token token;
    token.type = TokenType::Float;
    token.value = src_.substr(pos, end - pos);
    token.number = value;
    token.pos = position(pos);
    tokens_.push_back(std::move(token));
  }

  size_t match_integer(size_t pos) const {
    const size_t n = src_.size();
    if (!is_digit(src_[pos])) return 0;
    if (src_[pos] == '0' && pos + 1 < n) {
      const char base = static_cast<char>(src_[pos + 1] | 0x20);
      const auto digit_ok = [&](char c) {
        if (base == 'b') return c == '0' || c == '1';
        if (base == 'o') return c >= '0' && c <= '7';
        return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
      };
      if (base == 'b' || base == 'o' || base == 'x') {
        size_t i = pos + 2, end = 0;
        while (i < n) {  // (_?D)+
          size_t j = i;
          if (src_[j] == '_') ++j;
          if (j < n && digit_ok(src_[j])) {
            i = end = j + 1;
          } else {
            break;
          }
        }
        if (end) return end;
      }
    }
    size_t i = pos + 1;
    const bool zero = src_[pos] == '0';
    while (i < n) {  // [1-9](_?\d)*  or  0(_?0)*
      size_t j = i;
      if (src_[j] == '_') ++j;
      if (j < n && (zero ? src_[j] == '0' : is_digit(src_[j])))
        i = j + 1;
      else
        break;
    }
    return i;
  }

  void lex_integer(size_t pos, size_t end) {
    std::string digits;
    for (size_t i = pos; i < end; ++i)
      if (src_[i] != '_') digits += src_[i];
    int base = 10;
    size_t skip = 0;
    if (digits.size() > 1 && digits[0] == '0' && !is_digit(digits[1])) {
      const char b = static_cast<char>(digits[1] | 0x20);
      base = b == 'b' ? 2 : b == 'o' ? 8 : 16;
      skip = 2;
    }
    uint64_t value = 0;
    const auto result = std::from_chars(digits.data() + skip, digits.data() + digits.size(), value, base);
    if (result.ec != std::errc() || value > static_cast<uint64_t>(INT64_MAX))
      fail(pos, "integer literal " + src_.substr(pos, end - pos) + " does not fit in 64 bits");
    Token token;
    token.type = TokenType::Integer;
    token.value = src_.substr(pos, end - pos);
    token.integer = static_cast<int64_t>(value);
    token.pos = position(pos);
    tokens_.push_back(std::move(token));
  }

  // One code point of a name: ASCII letters, digits, _ and the Unicode word characters.
  size_t name_char_at(size_t pos, char32_t* c) const {
    const auto byte = static_cast<unsigned char>(src_[pos]);
    if (byte < 0x80) {
      *c = byte;
      return pystr::is_word(byte) ? 1 : 0;
    }
    size_t next = pos;
    *c = pystr::decode_at(src_, next);
    if (!pystr::is_word(*c) && *c != 0xB7) return 0;
    return next - pos;
  }

  size_t match_name(size_t pos) const {
    size_t i = pos;
    char32_t c;
    while (i < src_.size()) {
      const size_t length = name_char_at(i, &c);
      if (!length) break;
      i += length;
    }
    return i == pos ? 0 : i;
  }

  void lex_name(size_t pos, size_t end) {
    std::string name = src_.substr(pos, end - pos);
    // Python's str.isidentifier(): the first code point may not be a digit or a combining mark.
    size_t first_end = 0;
    const char32_t first = pystr::decode_at(name, first_end);
    if (first != '_' && !pystr::is_alpha(first)) fail(pos, "Invalid character in identifier");
    emit(TokenType::Name, std::move(name), pos);
  }

  size_t lex_string(size_t pos) {
    const char quote = src_[pos];
    size_t i = pos + 1;
    while (i < src_.size() && src_[i] != quote) i += src_[i] == '\\' ? 2 : 1;
    if (i >= src_.size())
      fail(pos, "unexpected char " + pystr::repr(std::string(1, quote)) + " at " +
                    std::to_string(pystr::length(std::string_view(src_).substr(0, pos))));
    Token token;
    token.type = TokenType::String;
    token.value = unescape(src_.substr(pos + 1, i - pos - 1), pos);
    token.pos = position(pos);
    tokens_.push_back(std::move(token));
    return i + 1;
  }

  // Python's "unicode-escape" decoding of the literal's body (after jinja2 has turned every
  // non-ASCII character into a backslash escape, which is why "\é" keeps its backslash).
  std::string unescape(const std::string& body, size_t pos) {
    std::string out;
    const auto hex_value = [&](size_t start, size_t count, const char* error) -> char32_t {
      if (start + count > body.size()) fail(pos, error);
      uint32_t value = 0;
      for (size_t k = start; k < start + count; ++k) {
        const char c = body[k];
        const int digit = is_digit(c) ? c - '0' : ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') ? (c | 0x20) - 'a' + 10 : -1;
        if (digit < 0) fail(pos, error);
        value = value * 16 + static_cast<uint32_t>(digit);
      }
      return value;
    };
    for (size_t i = 0; i < body.size(); ++i) {
      const char c = body[i];
      if (c != '\\' || i + 1 >= body.size()) {
        out += c;
        continue;
      }
      const char e = body[++i];
      switch (e) {
        case '\n':
          break;
        case '\\':
        case '\'':
        case '"':
          out += e;
          break;
        case 'a':
          out += '\a';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'v':
          out += '\v';
          break;
        case 'x':
          pystr::append_code_point(out, hex_value(i + 1, 2, "truncated \\xXX escape"));
          i += 2;
          break;
        case 'u':
          pystr::append_code_point(out, hex_value(i + 1, 4, "truncated \\uXXXX escape"));
          i += 4;
          break;
        case 'U': {
          const char32_t value = hex_value(i + 1, 8, "truncated \\UXXXXXXXX escape");
          if (value > 0x10FFFF) fail(pos, "illegal Unicode character");
          pystr::append_code_point(out, value);
          i += 8;
          break;
        }
        case 'N':
          fail(pos, "\\N{...} escapes are not supported");
        default:
          if (e >= '0' && e <= '7') {
            uint32_t value = static_cast<uint32_t>(e - '0');
            for (int k = 0; k < 2 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7'; ++k)
              value = value * 8 + static_cast<uint32_t>(body[++i] - '0');
            pystr::append_code_point(out, value);
          } else if (static_cast<unsigned char>(e) >= 0x80) {
            size_t next = i;
            const char32_t cp = pystr::decode_at(body, next);
            i = next - 1;
            out += pystr::hex_escape(cp);
          } else {
            out += '\\';
            out += e;
          }
      }
    }
    return out;
  }

  size_t lex_operator(size_t pos, std::string& balance) {
    static const char* const kTwo[] = {"//", "**", "==", "!=", ">=", "<="};
    for (const char* op : kTwo) {
      if (src_.compare(pos, 2, op) == 0) {
        emit(TokenType::Operator, op, pos);
        return pos + 2;
      }
    }
    const char c = src_[pos];
    if (std::string_view("+-/*%~[](){}><=.:|,;").find(c) == std::string_view::npos) {
      size_t next = pos;
      const char32_t cp = pystr::decode_at(src_, next);
      std::string shown;
      pystr::append_code_point(shown, cp);
      fail(pos, "unexpected char " + pystr::repr(shown) + " at " +
                    std::to_string(pystr::length(std::string_view(src_).substr(0, pos))));
    }
    if (c == '(' || c == '[' || c == '{') {
      balance += c == '(' ? ')' : c == '[' ? ']' : '}';
    } else if (c == ')' || c == ']' || c == '}') {
      if (balance.empty()) fail(pos, std::string("unexpected '") + c + "'");
      const char expected = balance.back();
      balance.pop_back();
      if (expected != c) fail(pos, std::string("unexpected '") + c + "', expected '" + expected + "'");
    }
    emit(TokenType::Operator, std::string(1, c), pos);
    return pos + 1;
  }

  std::string src_;
  const std::string& name_;
  std::vector<Token> tokens_;
  bool line_starting_ = true;  // the last thing matched ended a line (lstrip_blocks applies)
  size_t cursor_offset_ = 0;
  SourcePos cursor_pos_;
};

}  // namespace

std::vector<Token> tokenize(const std::string& source, const std::string& source_name) {
  return Lexer(source, source_name).run();
}

std::string describe_token(const Token& token) {
  switch (token.type) {
    case TokenType::Name:
    case TokenType::Operator:
      return token.value;
    case TokenType::Data:
      return "template data / text";
    case TokenType::VariableBegin:
      return "begin of print statement";
    case TokenType::VariableEnd:
      return "end of print statement";
    case TokenType::BlockBegin:
      return "begin of statement block";
    case TokenType::BlockEnd:
      return "end of statement block";
    case TokenType::String:
      return "string";
    case TokenType::Integer:
      return "integer";
    case TokenType::Float:
      return "float";
    case TokenType::Eof:
      return "end of template";
  }
  return "token";
}

}  // namespace lora::jinja
