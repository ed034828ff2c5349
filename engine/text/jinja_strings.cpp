#include "jinja_strings.h"

#include "unicode_text.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdio>

namespace lora::jinja::pystr {

namespace {

char32_t code_point_at(std::string_view text, size_t& pos) {
  const size_t length = unicode::valid_sequence_at(text, pos);
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (length == 0) {
    ++pos;
    return 0xDC00 + lead;  // surrogateescape
  }
  if (length == 1) {
    ++pos;
    return lead;
  }
  char32_t c = length == 2 ? (lead & 0x1F) : length == 3 ? (lead & 0x0F) : (lead & 0x07);
  for (size_t i = 1; i < length; ++i) c = (c << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
  pos += length;
  return c;
}

utf8proc_category_t category(char32_t c) {
  if (c > 0x10FFFF) return UTF8PROC_CATEGORY_CN;
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

template <typename Map>
std::string map_code_points(std::string_view text, Map map) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) map(out, code_point_at(text, pos));
  return out;
}

// Python's slice-bound adjustment for find/count: negative counts from the end, then clamp.
int64_t adjust_bound(std::optional<int64_t> bound, int64_t length, int64_t fallback) {
  if (!bound) return fallback;
  int64_t value = *bound;
  if (value < 0) value = std::max<int64_t>(0, value + length);
  return std::min(value, length);
}

bool is_line_break(char32_t c) {
  return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E || c == 0x85 ||
         c == 0x2028 || c == 0x2029;
}

}  // namespace

bool is_ascii(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

char32_t decode_at(std::string_view text, size_t& pos) { return code_point_at(text, pos); }

std::u32string decode(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) out.push_back(code_point_at(text, pos));
  return out;
}

void append_code_point(std::string& out, char32_t c) {
  if (c >= 0xDC80 && c <= 0xDCFF) {  // an escaped stray byte goes back as that byte
    out += static_cast<char>(c - 0xDC00);
  } else if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;  // UTF-8 has no surrogates
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c <= 0x10FFFF) {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += "\xEF\xBF\xBD";
  }
}

std::string encode(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t c : code_points) append_code_point(out, c);
  return out;
}

size_t length(std::string_view text) {
  size_t count = 0, pos = 0;
  while (pos < text.size()) {
    const size_t length = unicode::valid_sequence_at(text, pos);
    pos += length == 0 ? 1 : length;
    ++count;
  }
  return count;
}

bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_cased_lower(char32_t c) { return category(c) == UTF8PROC_CATEGORY_LL; }
bool is_cased_upper(char32_t c) { return category(c) == UTF8PROC_CATEGORY_LU; }
bool is_cased(char32_t c) {
  const auto cat = category(c);
  return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT;
}
bool is_alpha(char32_t c) {
  const auto cat = category(c);
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}
bool is_decimal(char32_t c) { return category(c) == UTF8PROC_CATEGORY_ND; }
bool is_digit(char32_t c) {
  // Decimal digits plus the superscript and circled digits Python also calls digits.
  return is_decimal(c) || c == 0xB2 || c == 0xB3 || c == 0xB9 || (c >= 0x2070 && c <= 0x2079) ||
         (c >= 0x2080 && c <= 0x2089) || (c >= 0x2460 && c <= 0x2468);
}
bool is_numeric(char32_t c) {
  const auto cat = category(c);
  return cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO;
}
bool is_printable(char32_t c) {
  if (c == ' ') return true;
  switch (category(c)) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_ZS:
      return false;
    default:
      return !(c >= 0xD800 && c <= 0xDFFF);
  }
}
bool is_word(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  return is_alpha(c) || is_numeric(c) || is_digit(c) || category(c) == UTF8PROC_CATEGORY_PC;
}

char32_t to_upper(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return c;
  return static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(c)));
}
char32_t to_lower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return c;
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
}
char32_t to_title(char32_t c) {
  if (c < 0x80) return to_upper(c);
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return c;
  return static_cast<char32_t>(utf8proc_totitle(static_cast<utf8proc_int32_t>(c)));
}

std::string upper(std::string_view text) {
  return map_code_points(text, [](std::string& out, char32_t c) {
    if (c == 0xDF) {  // the one full case mapping that real text meets: ß -> SS
      out += "SS";
      return;
    }
    append_code_point(out, to_upper(c));
  });
}

std::string lower(std::string_view text) {
  return map_code_points(text, [](std::string& out, char32_t c) { append_code_point(out, to_lower(c)); });
}

std::string swapcase(std::string_view text) {
  return map_code_points(text, [](std::string& out, char32_t c) {
    if (is_cased_upper(c))
      append_code_point(out, to_lower(c));
    else if (is_cased_lower(c))
      append_code_point(out, to_upper(c));
    else
      append_code_point(out, c);
  });
}

std::string title(std::string_view text) {
  bool previous_cased = false;
  return map_code_points(text, [&](std::string& out, char32_t c) {
    append_code_point(out, previous_cased ? to_lower(c) : to_title(c));
    previous_cased = is_cased(c);
  });
}

std::string capitalize(std::string_view text) {
  bool first = true;
  return map_code_points(text, [&](std::string& out, char32_t c) {
    append_code_point(out, first ? to_title(c) : to_lower(c));
    first = false;
  });
}

std::string strip(std::string_view text, const std::optional<std::string>& chars, bool left, bool right) {
  const std::u32string cps = decode(text);
  std::u32string set;
  if (chars) set = decode(*chars);
  const auto strip_it = [&](char32_t c) { return chars ? set.find(c) != std::u32string::npos : is_space(c); };
  size_t begin = 0, end = cps.size();
  if (left)
    while (begin < end && strip_it(cps[begin])) ++begin;
  if (right)
    while (end > begin && strip_it(cps[end - 1])) --end;
  return encode(std::u32string_view(cps).substr(begin, end - begin));
}

std::vector<std::string> split(std::string_view text, const std::optional<std::string>& sep, int64_t maxsplit) {
  std::vector<std::string> parts;
  if (sep) {
    size_t start = 0;
    while (maxsplit < 0 || static_cast<int64_t>(parts.size()) < maxsplit) {
      const size_t found = text.find(*sep, start);
      if (found == std::string_view::npos || sep->empty()) break;
      parts.emplace_back(text.substr(start, found - start));
      start = found + sep->size();
    }
    parts.emplace_back(text.substr(start));
    return parts;
  }
  const std::u32string cps = decode(text);
  size_t i = 0;
  while (true) {
    while (i < cps.size() && is_space(cps[i])) ++i;
    if (i >= cps.size()) break;
    if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) >= maxsplit) {
      parts.push_back(encode(std::u32string_view(cps).substr(i)));  // the rest keeps its trailing space
      break;
    }
    const size_t begin = i;
    while (i < cps.size() && !is_space(cps[i])) ++i;
    parts.push_back(encode(std::u32string_view(cps).substr(begin, i - begin)));
  }
  return parts;
}

std::vector<std::string> rsplit(std::string_view text, const std::optional<std::string>& sep, int64_t maxsplit) {
  std::vector<std::string> parts;
  if (sep) {
    size_t end = text.size();
    while (maxsplit < 0 || static_cast<int64_t>(parts.size()) < maxsplit) {
      if (sep->empty() || end < sep->size()) break;
      const size_t found = text.rfind(*sep, end - sep->size());
      if (found == std::string_view::npos) break;
      parts.emplace_back(text.substr(found + sep->size(), end - found - sep->size()));
      end = found;
    }
    parts.emplace_back(text.substr(0, end));
    std::reverse(parts.begin(), parts.end());
    return parts;
  }
  const std::u32string cps = decode(text);
  size_t i = cps.size();
  while (true) {
    while (i > 0 && is_space(cps[i - 1])) --i;
    if (i == 0) break;
    if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) >= maxsplit) {
      parts.push_back(encode(std::u32string_view(cps).substr(0, i)));  // the rest keeps its leading space
      break;
    }
    const size_t end = i;
    while (i > 0 && !is_space(cps[i - 1])) --i;
    parts.push_back(encode(std::u32string_view(cps).substr(i, end - i)));
  }
  std::reverse(parts.begin(), parts.end());
  return parts;
}

std::vector<std::string> splitlines(std::string_view text, bool keepends) {
  const std::u32string cps = decode(text);
  std::vector<std::string> lines;
  size_t start = 0, i = 0;
  while (i < cps.size()) {
    if (!is_line_break(cps[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    size_t next = i + 1;
    if (cps[i] == '\r' && next < cps.size() && cps[next] == '\n') ++next;
    lines.push_back(encode(std::u32string_view(cps).substr(start, (keepends ? next : end) - start)));
    start = i = next;
  }
  if (start < cps.size()) lines.push_back(encode(std::u32string_view(cps).substr(start)));
  return lines;
}

std::string replace(std::string_view text, std::string_view old, std::string_view replacement, int64_t count) {
  std::string out;
  if (old.empty()) {
    // Python inserts the replacement before every code point and at the end.
    const std::u32string cps = decode(text);
    int64_t done = 0;
    for (char32_t c : cps) {
      if (count < 0 || done < count) {
        out += replacement;
        ++done;
      }
      append_code_point(out, c);
    }
    if (count < 0 || done < count) out += replacement;
    return out;
  }
  size_t start = 0;
  int64_t done = 0;
  while (count < 0 || done < count) {
    const size_t found = text.find(old, start);
    if (found == std::string_view::npos) break;
    out.append(text.substr(start, found - start));
    out.append(replacement);
    start = found + old.size();
    ++done;
  }
  out.append(text.substr(start));
  return out;
}

int64_t find(std::string_view text, std::string_view sub, std::optional<int64_t> start, std::optional<int64_t> end,
             bool from_right) {
  const std::u32string cps = decode(text);
  const std::u32string needle = decode(sub);
  const auto length = static_cast<int64_t>(cps.size());
  const int64_t begin = adjust_bound(start, length, 0);
  const int64_t stop = adjust_bound(end, length, length);
  if (stop - begin < static_cast<int64_t>(needle.size())) return -1;
  const std::u32string_view window = std::u32string_view(cps).substr(begin, stop - begin);
  const size_t found = from_right ? window.rfind(needle) : window.find(needle);
  return found == std::u32string_view::npos ? -1 : begin + static_cast<int64_t>(found);
}

int64_t count(std::string_view text, std::string_view sub, std::optional<int64_t> start, std::optional<int64_t> end) {
  const std::u32string cps = decode(text);
  const std::u32string needle = decode(sub);
  const auto length = static_cast<int64_t>(cps.size());
  const int64_t begin = adjust_bound(start, length, 0);
  const int64_t stop = adjust_bound(end, length, length);
  if (stop < begin) return 0;
  if (needle.empty()) return stop - begin + 1;
  const std::u32string_view window = std::u32string_view(cps).substr(begin, stop - begin);
  int64_t found = 0;
  size_t pos = 0;
  while ((pos = window.find(needle, pos)) != std::u32string_view::npos) {
    ++found;
    pos += needle.size();
  }
  return found;
}

bool is_lower(std::string_view text) {
  bool cased = false;
  size_t pos = 0;
  while (pos < text.size()) {
    const char32_t c = code_point_at(text, pos);
    if (is_cased_upper(c) || category(c) == UTF8PROC_CATEGORY_LT) return false;
    if (is_cased_lower(c)) cased = true;
  }
  return cased;
}

bool is_upper(std::string_view text) {
  bool cased = false;
  size_t pos = 0;
  while (pos < text.size()) {
    const char32_t c = code_point_at(text, pos);
    if (is_cased_lower(c) || category(c) == UTF8PROC_CATEGORY_LT) return false;
    if (is_cased_upper(c)) cased = true;
  }
  return cased;
}

bool is_title(std::string_view text) {
  bool cased = false, previous_cased = false;
  size_t pos = 0;
  while (pos < text.size()) {
    const char32_t c = code_point_at(text, pos);
    const bool upper_or_title = is_cased_upper(c) || category(c) == UTF8PROC_CATEGORY_LT;
    if (upper_or_title) {
      if (previous_cased) return false;
      previous_cased = cased = true;
    } else if (is_cased_lower(c)) {
      if (!previous_cased) return false;
      previous_cased = cased = true;
    } else {
      previous_cased = false;
    }
  }
  return cased;
}

bool all_of(std::string_view text, bool (*predicate)(char32_t)) {
  if (text.empty()) return false;
  size_t pos = 0;
  while (pos < text.size())
    if (!predicate(code_point_at(text, pos))) return false;
  return true;
}

std::string hex_escape(char32_t c) {
  char escape[16];
  const char* format = c <= 0xFF ? "\\x%02x" : c <= 0xFFFF ? "\\u%04x" : "\\U%08x";
  std::snprintf(escape, sizeof escape, format, static_cast<unsigned>(c));
  return escape;
}

std::string repr(std::string_view text) {
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  size_t pos = 0;
  while (pos < text.size()) {
    const char32_t c = code_point_at(text, pos);
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F || (c > 0x7F && !is_printable(c))) {
      out += hex_escape(c);
    } else {
      append_code_point(out, c);
    }
  }
  out += quote;
  return out;
}

}  // namespace lora::jinja::pystr
