#include "jinja_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

#include "jinja_render.h"
#include "jinja_strings.h"

namespace lora::jinja {

namespace {

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

std::string pad(const std::string& text, size_t width, char align, char32_t fill) {
  const size_t length = pystr::length(text);
  if (length >= width) return text;
  const size_t total = width - length;
  std::string filler;
  pystr::append_code_point(filler, fill);
  const auto repeat = [&](size_t count) {
    std::string out;
    for (size_t i = 0; i < count; ++i) out += filler;
    return out;
  };
  if (align == '<') return text + repeat(total);
  if (align == '^') return repeat(total / 2) + text + repeat(total - total / 2);
  return repeat(total) + text;
}

// A number as sign, prefix ("0x") and digits, padded as printf and format() do.
std::string pad_number(const std::string& sign, const std::string& prefix, const std::string& digits, size_t width,
                       char align, char32_t fill, bool zero_pad) {
  const size_t length = sign.size() + prefix.size() + digits.size();
  if (zero_pad && length < width) return sign + prefix + std::string(width - length, '0') + digits;
  if (align == '=' && length < width) {
    std::string filler;
    pystr::append_code_point(filler, fill);
    std::string out = sign + prefix;
    for (size_t i = length; i < width; ++i) out += filler;
    return out + digits;
  }
  return pad(sign + prefix + digits, width, align, fill);
}

std::string int_digits(int64_t value, int base, bool upper) {
  if (value == 0) return "0";
  uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string out;
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  while (magnitude) {
    out.insert(out.begin(), digits[magnitude % static_cast<uint64_t>(base)]);
    magnitude /= static_cast<uint64_t>(base);
  }
  return out;
}

std::string group_digits(const std::string& digits, char separator) {
  const size_t dot = digits.find_first_of(".eE%");
  const std::string integer = digits.substr(0, dot);
  const std::string rest = dot == std::string::npos ? "" : digits.substr(dot);
  std::string out;
  for (size_t i = 0; i < integer.size(); ++i) {
    if (i && (integer.size() - i) % 3 == 0) out += separator;
    out += integer[i];
  }
  return out + rest;
}

int64_t int_for_format(const Value& value, char type) {
  if (value.is_undefined()) throw Failure(value.undefined_message());
  if (value.is_integral()) return value.as_int();
  if (value.is_float()) {
    const double f = value.as_float();
    if (std::isnan(f)) throw Failure("cannot convert float NaN to integer");
    if (std::isinf(f)) throw Failure("cannot convert float infinity to integer");
    if (f >= 9.2233720368547758e18 || f < -9.2233720368547758e18)
      throw Failure("integer overflow: the result does not fit in 64 bits");
    return static_cast<int64_t>(f);
  }
  throw Failure(std::string("%") + type + " format: a real number is required, not " + type_name(value));
}

double float_for_format(const Value& value) {
  if (value.is_undefined()) throw Failure(value.undefined_message());
  if (value.is_number()) return value.as_float();
  throw Failure("must be real number, not " + type_name(value));
}

// Python's format(value, spec) (the format-spec mini-language of str.format).
std::string format_spec(const Value& value, const std::string& spec) {
  if (spec.empty()) return to_str(value);
  const std::u32string s = pystr::decode(spec);
  size_t i = 0;
  char32_t fill = ' ';
  char align = 0;
  const auto is_align = [](char32_t c) { return c == '<' || c == '>' || c == '=' || c == '^'; };
  if (s.size() >= 2 && is_align(s[1])) {
    fill = s[0];
    align = static_cast<char>(s[1]);
    i = 2;
  } else if (!s.empty() && is_align(s[0])) {
    align = static_cast<char>(s[0]);
    i = 1;
  }
  char sign = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) sign = static_cast<char>(s[i++]);
  if (i < s.size() && s[i] == 'z') ++i;
  bool alternate = false;
  if (i < s.size() && s[i] == '#') {
    alternate = true;
    ++i;
  }
  bool zero = false;
  if (i < s.size() && s[i] == '0') {
    zero = true;
    ++i;
  }
  size_t width = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') width = width * 10 + (s[i++] - '0');
  char grouping = 0;
  if (i < s.size() && (s[i] == ',' || s[i] == '_')) grouping = static_cast<char>(s[i++]);
  int precision = -1;
  if (i < s.size() && s[i] == '.') {
    ++i;
    precision = 0;
    if (i >= s.size() || s[i] < '0' || s[i] > '9') throw Failure("Format specifier missing precision");
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') precision = precision * 10 + static_cast<int>(s[i++] - '0');
  }
  char type = 0;
  if (i < s.size()) type = static_cast<char>(s[i++]);
  if (i < s.size()) throw Failure("Invalid format specifier");
  if (width > (1u << 20)) throw Failure("Too many decimal digits in format string");
  if (zero && !align) {
    fill = '0';
    align = '=';
  }

  if (value.is_str()) {
    if (type && type != 's') throw Failure(std::string("Unknown format code '") + type + "' for object of type 'str'");
    if (sign) throw Failure("Sign not allowed in string format specifier");
    if (align == '=') throw Failure("'=' alignment not allowed in string format specifier");
    std::string text = value.str();
    if (precision >= 0) text = pystr::encode(pystr::decode(text).substr(0, static_cast<size_t>(precision)));
    return pad(text, width, align ? align : '<', fill);
  }
  if (!value.is_number()) throw Failure("unsupported format string passed to " + type_name(value) + ".__format__");
  const bool as_int = value.is_integral() && (type == 0 || std::string("bcdoxXn").find(type) != std::string::npos);
  std::string digits, prefix, sign_text;
  if (as_int) {
    if (precision >= 0) throw Failure("Precision not allowed in integer format specifier");
    const int64_t n = value.as_int();
    if (type == 'c') {
      std::string one;
      pystr::append_code_point(one, static_cast<char32_t>(n));
      return pad(one, width, align ? align : '>', fill);
    }
    const int base = type == 'b' ? 2 : type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
    digits = int_digits(n, base, type == 'X');
    if (alternate && base != 10) prefix = base == 2 ? "0b" : base == 8 ? "0o" : type == 'X' ? "0X" : "0x";
    if (n < 0)
      sign_text = "-";
    else if (sign == '+')
      sign_text = "+";
    else if (sign == ' ')
      sign_text = " ";
  } else {
    if (type && std::string("eEfFgGn%").find(type) == std::string::npos)
      throw Failure(std::string("Unknown format code '") + type + "' for object of type '" + type_name(value) + "'");
    const double f = value.as_float();
    std::string text;
    if (type == 0 && precision < 0) {
      text = value.is_float() ? float_repr(f) : std::to_string(value.as_int());
    } else if (type == '%') {
      text = format_float(f * 100, 'f', precision < 0 ? 6 : precision, alternate) + "%";
    } else if (type == 0 || type == 'n') {
      text = format_float(f, 'g', precision < 0 ? 12 : precision, alternate);
      if (type == 0 && std::isfinite(f) && text.find_first_of(".e") == std::string::npos) text += ".0";
    } else {
      text = format_float(f, type, precision < 0 ? 6 : precision, alternate);
    }
    if (!text.empty() && text[0] == '-') {
      sign_text = "-";
      digits = text.substr(1);
    } else {
      digits = text;
      if (sign == '+')
        sign_text = "+";
      else if (sign == ' ')
        sign_text = " ";
    }
  }
  if (grouping) digits = group_digits(digits, grouping);
  return pad_number(sign_text, prefix, digits, width, align ? align : '>', fill, false);
}

}  // namespace

std::string format_float(double value, char type, int precision, bool alternate) {
  (void)alternate;
  const bool upper = type == 'F' || type == 'E' || type == 'G';
  if (std::isnan(value)) return upper ? "NAN" : "nan";
  if (std::isinf(value)) return value < 0 ? (upper ? "-INF" : "-inf") : (upper ? "INF" : "inf");
  precision = std::min(precision, 1000);
  std::vector<char> buffer(static_cast<size_t>(precision) + 400);
  std::chars_format format = std::chars_format::fixed;
  const char lower = static_cast<char>(type | 0x20);
  if (lower == 'e') format = std::chars_format::scientific;
  if (lower == 'g') {
    format = std::chars_format::general;
    if (precision == 0) precision = 1;
  }
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, format, precision);
  std::string text(buffer.data(), result.ptr);
  if (upper)
    for (char& c : text)
      if (c == 'e') c = 'E';
  return text;
}

bool parse_python_int(const std::string& text, int base, int64_t& out) {
  const std::string s = pystr::strip(text, std::nullopt, true, true);
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i + 1 < s.size() && s[i] == '0') {
    const char p = static_cast<char>(s[i + 1] | 0x20);
    const int prefix_base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (prefix_base && (base == 0 || base == prefix_base)) {
      base = prefix_base;
      i += 2;
      if (i < s.size() && s[i] == '_') ++i;
    }
  }
  if (base == 0) base = 10;
  if (base < 2 || base > 36) throw Failure("int() base must be >= 2 and <= 36, or 0");
  uint64_t value = 0;
  bool any = false, overflow = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') {
      if (!any || i + 1 >= s.size() || s[i + 1] == '_') return false;
      continue;
    }
    int digit = is_ascii_digit(c) ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? (c | 0x20) - 'a' + 10 : 99;
    if (digit >= base) return false;
    if (value > (UINT64_MAX - static_cast<uint64_t>(digit)) / static_cast<uint64_t>(base)) overflow = true;
    value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
    any = true;
  }
  if (!any) return false;
  if (overflow || value > static_cast<uint64_t>(INT64_MAX) + (negative ? 1 : 0))
    throw Failure("integer overflow: " + pystr::repr(text) + " does not fit in 64 bits");
  out = negative ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
  return true;
}

bool parse_python_float(const std::string& text, double& out) {
  const std::string s = pystr::strip(text, std::nullopt, true, true);
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  std::string body = pystr::lower(s.substr(i));
  if (body == "inf" || body == "infinity") {
    out = negative ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  if (body == "nan") {
    out = std::nan("");
    return true;
  }
  std::string digits;
  for (size_t k = 0; k < body.size(); ++k) {
    const char c = body[k];
    if (c == '_') {
      if (k == 0 || k + 1 >= body.size() || !is_ascii_digit(body[k - 1]) || !is_ascii_digit(body[k + 1])) return false;
      continue;
    }
    if (!is_ascii_digit(c) && c != '.' && c != 'e' && c != '+' && c != '-') return false;
    digits += c;
  }
  if (digits.empty() || digits[0] == '+' || digits[0] == '-') return false;
  double value = 0;
  const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (result.ptr != digits.data() + digits.size()) return false;
  if (result.ec == std::errc::result_out_of_range)
    value = digits.find("e-") != std::string::npos ? 0.0 : HUGE_VAL;
  else if (result.ec != std::errc())
    return false;
  out = negative ? -value : value;
  return true;
}

std::string percent_format(Renderer& renderer, const std::string& format, const Value& args) {
  std::vector<Value> positional;
  // Python treats anything subscriptable (but a tuple or str) as a mapping here.
  const bool mapping = args.is_dict() || args.is_list() || args.is_undefined();
  if (args.is_tuple())
    positional = args.items();
  else
    positional.push_back(args);
  size_t next = 0;
  const auto take = [&]() -> Value {
    if (next >= positional.size()) throw Failure("not enough arguments for format string");
    return positional[next++];
  };
  std::string out;
  const size_t n = format.size();
  for (size_t i = 0; i < n; ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    const size_t start = i;
    if (++i >= n) throw Failure("incomplete format");
    Value value;
    bool have_value = false;
    if (format[i] == '(') {
      int nesting = 1;
      const size_t key_start = ++i;
      while (i < n && nesting) {
        if (format[i] == '(') ++nesting;
        if (format[i] == ')') --nesting;
        ++i;
      }
      if (nesting) throw Failure("incomplete format key");
      const std::string key = format.substr(key_start, i - 1 - key_start);
      if (!mapping) throw Failure("format requires a mapping");
      if (args.is_list()) throw Failure("list indices must be integers or slices, not str");
      if (args.is_undefined()) throw Failure(args.undefined_message());
      const Value* found = args.dict().find(Value::string(key));
      if (!found) throw Failure(pystr::repr(key));
      value = *found;
      have_value = true;
      if (i >= n) throw Failure("incomplete format");
    }
    bool left = false, plus = false, space = false, alternate = false, zero = false;
    for (; i < n; ++i) {
      const char c = format[i];
      if (c == '-')
        left = true;
      else if (c == '+')
        plus = true;
      else if (c == ' ')
        space = true;
      else if (c == '#')
        alternate = true;
      else if (c == '0')
        zero = true;
      else
        break;
    }
    const auto read_number = [&](size_t& number) {
      if (i < n && format[i] == '*') {
        const Value star = take();
        if (!star.is_integral()) throw Failure("* wants int");
        const int64_t v = star.as_int();
        if (v < 0) left = true;
        number = static_cast<size_t>(std::min<int64_t>(v < 0 ? -v : v, 1 << 20));
        ++i;
        return;
      }
      while (i < n && is_ascii_digit(format[i])) {
        number = number * 10 + static_cast<size_t>(format[i++] - '0');
        if (number > (1u << 20)) throw Failure("width too big");
      }
    };
    size_t width = 0, precision_value = 0;
    bool has_precision = false;
    read_number(width);
    if (i < n && format[i] == '.') {
      ++i;
      has_precision = true;
      read_number(precision_value);
    }
    while (i < n && (format[i] == 'h' || format[i] == 'l' || format[i] == 'L')) ++i;
    if (i >= n) throw Failure("incomplete format");
    const char type = format[i];
    if (type == '%') {
      out += '%';
      continue;
    }
    if (!have_value) value = take();
    const char align = left ? '<' : '>';
    std::string piece;
    switch (type) {
      case 's':
      case 'r':
      case 'a': {
        std::string text = type == 's' ? to_str(value) : to_repr(value);
        if (has_precision) text = pystr::encode(pystr::decode(text).substr(0, precision_value));
        piece = pad(text, width, align, ' ');
        break;
      }
      case 'd':
      case 'i':
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        if ((type == 'o' || type == 'x' || type == 'X') && value.is_float())
          throw Failure(std::string("%") + type + " format: an integer is required, not float");
        const int64_t number = int_for_format(value, type);
        const int base = type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
        std::string digits = int_digits(number, base, type == 'X');
        if (has_precision && digits.size() < precision_value)
          digits = std::string(precision_value - digits.size(), '0') + digits;
        std::string prefix;
        if (alternate && base != 10) prefix = base == 8 ? "0o" : type == 'X' ? "0X" : "0x";
        const std::string sign = number < 0 ? "-" : plus ? "+" : space ? " " : "";
        piece = pad_number(sign, prefix, digits, width, align, ' ', zero && !left);
        break;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G': {
        const double number = float_for_format(value);
        std::string text = format_float(number, type, has_precision ? static_cast<int>(precision_value) : 6, alternate);
        std::string sign;
        if (!text.empty() && text[0] == '-') {
          sign = "-";
          text.erase(0, 1);
        } else if (plus) {
          sign = "+";
        } else if (space) {
          sign = " ";
        }
        piece = pad_number(sign, "", text, width, align, ' ', zero && !left && std::isfinite(number));
        break;
      }
      case 'c': {
        std::string one;
        if (value.is_integral()) {
          const int64_t code = value.as_int();
          if (code < 0 || code > 0x10FFFF) throw Failure("%c arg not in range(0x110000)");
          pystr::append_code_point(one, static_cast<char32_t>(code));
        } else if (value.is_str() && pystr::length(value.str()) == 1) {
          one = value.str();
        } else {
          throw Failure("%c requires int or char");
        }
        piece = pad(one, width, align, ' ');
        break;
      }
      default: {
        char message[96];
        std::snprintf(message, sizeof message, "unsupported format character '%c' (0x%x) at index %zu", type,
                      static_cast<unsigned>(static_cast<unsigned char>(type)), i);
        throw Failure(message);
      }
    }
    renderer.grow(piece.size(), out.size() + piece.size());
    out += piece;
    (void)start;
  }
  if (!mapping && next < positional.size()) throw Failure("not all arguments converted during string formatting");
  return out;
}

std::string str_format(Renderer& renderer, const std::string& format, const CallArgs& args) {
  std::string out;
  size_t auto_index = 0;
  bool used_auto = false, used_manual = false;
  const size_t n = format.size();
  const auto resolve = [&](const std::string& field) -> Value {
    size_t i = 0;
    while (i < field.size() && field[i] != '.' && field[i] != '[') ++i;
    const std::string first = field.substr(0, i);
    Value value;
    if (first.empty()) {
      if (used_manual) throw Failure("cannot switch from manual field specification to automatic field numbering");
      used_auto = true;
      if (auto_index >= args.positional.size())
        throw Failure("Replacement index " + std::to_string(auto_index) + " out of range for positional args tuple");
      value = args.positional[auto_index++];
    } else if (std::all_of(first.begin(), first.end(), is_ascii_digit)) {
      if (used_auto) throw Failure("cannot switch from automatic field numbering to manual field specification");
      used_manual = true;
      const size_t index = std::stoul(first.substr(0, 9));
      if (index >= args.positional.size())
        throw Failure("Replacement index " + first + " out of range for positional args tuple");
      value = args.positional[index];
    } else {
      bool found = false;
      for (const auto& kw : args.keywords) {
        if (kw.first == first) {
          value = kw.second;
          found = true;
        }
      }
      if (!found) throw Failure(pystr::repr(first));
    }
    while (i < field.size()) {
      if (field[i] == '.') {
        size_t end = ++i;
        while (end < field.size() && field[end] != '.' && field[end] != '[') ++end;
        const std::string attr = field.substr(i, end - i);
        if (attr.empty()) throw Failure("Empty attribute in format string");
        value = renderer.getattr(value, attr);
        i = end;
      } else {
        const size_t close = field.find(']', i);
        if (close == std::string::npos) throw Failure("Missing ']' in format string");
        const std::string key = field.substr(i + 1, close - i - 1);
        const bool numeric = !key.empty() && std::all_of(key.begin(), key.end(), is_ascii_digit);
        value = renderer.getitem(value, numeric ? Value::integer(std::stoll(key.substr(0, 18))) : Value::string(key));
        i = close + 1;
      }
    }
    return value;
  };
  for (size_t i = 0; i < n; ++i) {
    const char c = format[i];
    if (c == '}') {
      if (i + 1 < n && format[i + 1] == '}') {
        out += '}';
        ++i;
        continue;
      }
      throw Failure("Single '}' encountered in format string");
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < n && format[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    // The replacement field, with one level of nested fields in its spec ("{:{width}}").
    size_t end = i + 1;
    int nesting = 1;
    while (end < n && nesting) {
      if (format[end] == '{') ++nesting;
      if (format[end] == '}') --nesting;
      if (nesting) ++end;
    }
    if (nesting) throw Failure("expected '}' before end of string");
    const std::string field = format.substr(i + 1, end - i - 1);
    i = end;
    size_t stop = 0;
    while (stop < field.size() && field[stop] != '!' && field[stop] != ':') {
      if (field[stop] == '[') stop = field.find(']', stop);
      if (stop == std::string::npos) throw Failure("Missing ']' in format string");
      ++stop;
    }
    Value value = resolve(field.substr(0, stop));
    char conversion = 0;
    if (stop < field.size() && field[stop] == '!') {
      if (stop + 1 >= field.size()) throw Failure("end of string while looking for conversion specifier");
      conversion = field[stop + 1];
      stop += 2;
      if (stop < field.size() && field[stop] != ':') throw Failure("expected ':' after conversion specifier");
    }
    std::string spec = stop < field.size() ? field.substr(stop + 1) : "";
    std::string resolved_spec;
    for (size_t k = 0; k < spec.size(); ++k) {
      if (spec[k] != '{') {
        resolved_spec += spec[k];
        continue;
      }
      const size_t close = spec.find('}', k);
      if (close == std::string::npos) throw Failure("unmatched '{' in format spec");
      resolved_spec += to_str(resolve(spec.substr(k + 1, close - k - 1)));
      k = close;
    }
    if (conversion == 's')
      value = Value::string(to_str(value));
    else if (conversion == 'r' || conversion == 'a')
      value = Value::string(to_repr(value));
    else if (conversion)
      throw Failure(std::string("Unknown conversion specifier ") + conversion);
    if (value.is_undefined() && !resolved_spec.empty())
      throw Failure("unsupported format string passed to Undefined.__format__");
    const std::string piece = format_spec(value, resolved_spec);
    renderer.grow(piece.size(), out.size() + piece.size());
    out += piece;
  }
  return out;
}

}  // namespace lora::jinja
