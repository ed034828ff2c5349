#include "jinja_json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "jinja_strings.h"

namespace lora::jinja {

namespace {

void append_string(std::string& out, const std::string& text, bool ensure_ascii) {
  out += '"';
  char buffer[16];
  size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80) {
      ++pos;
      switch (byte) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (byte < 0x20) {
            std::snprintf(buffer, sizeof buffer, "\\u%04x", byte);
            out += buffer;
          } else {
            out += static_cast<char>(byte);
          }
      }
      continue;
    }
    const size_t start = pos;
    const char32_t c = pystr::decode_at(text, pos);
    if (!ensure_ascii) {
      out.append(text, start, pos - start);
    } else if (c >= 0x10000 && c <= 0x10FFFF) {
      const char32_t v = c - 0x10000;
      std::snprintf(buffer, sizeof buffer, "\\u%04x\\u%04x", static_cast<unsigned>(0xD800 + (v >> 10)),
                    static_cast<unsigned>(0xDC00 + (v & 0x3FF)));
      out += buffer;
    } else {
      std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
      out += buffer;
    }
  }
  out += '"';
}

std::string float_text(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return float_repr(value);
}

class Encoder {
 public:
  Encoder(Budget& budget, const JsonOptions& options) : budget_(budget), options_(options) {}

  void encode(const Value& value, int level) {
    switch (value.kind()) {
      case Kind::None:
        out += "null";
        break;
      case Kind::Bool:
        out += value.as_bool() ? "true" : "false";
        break;
      case Kind::Int:
        out += std::to_string(value.as_int());
        break;
      case Kind::Float:
        out += float_text(value.as_float());
        break;
      case Kind::Str:
        append_string(out, value.str(), options_.ensure_ascii);
        break;
      case Kind::List:
      case Kind::Tuple:
        encode_list(value.items(), level);
        break;
      case Kind::Dict:
        encode_dict(value.dict(), level);
        break;
      default:
        throw Failure("Object of type " + type_name(value) + " is not JSON serializable");
    }
    if (out.size() - charged_ >= 4096) {
      budget_.grow(out.size() - charged_, out.size());
      charged_ = out.size();
    }
  }

  std::string out;

 private:
  void newline(int level) {
    out += '\n';
    for (int i = 0; i < level; ++i) out += *options_.indent;
  }

  void encode_list(const std::vector<Value>& items, int level) {
    if (items.empty()) {
      out += "[]";
      return;
    }
    out += '[';
    if (options_.indent) newline(level + 1);
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) {
        out += options_.item_separator;
        if (options_.indent) newline(level + 1);
      }
      encode(items[i], level + 1);
    }
    if (options_.indent) newline(level);
    out += ']';
  }

  std::string key_text(const Value& key) {
    switch (key.kind()) {
      case Kind::Str:
        return key.str();
      case Kind::Float:
        return float_text(key.as_float());
      case Kind::Bool:
        return key.as_bool() ? "true" : "false";
      case Kind::None:
        return "null";
      case Kind::Int:
        return std::to_string(key.as_int());
      default:
        throw Failure("keys must be str, int, float, bool or None, not " + type_name(key));
    }
  }

  void encode_dict(const DictData& dict, int level) {
    if (dict.entries.empty()) {
      out += "{}";
      return;
    }
    std::vector<const std::pair<Value, Value>*> entries;
    for (const auto& entry : dict.entries) entries.push_back(&entry);
    if (options_.sort_keys)
      std::stable_sort(entries.begin(), entries.end(),
                       [](const auto* a, const auto* b) { return compare(a->first, b->first) < 0; });
    out += '{';
    if (options_.indent) newline(level + 1);
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i) {
        out += options_.item_separator;
        if (options_.indent) newline(level + 1);
      }
      append_string(out, key_text(entries[i]->first), options_.ensure_ascii);
      out += options_.key_separator;
      encode(entries[i]->second, level + 1);
    }
    if (options_.indent) newline(level);
    out += '}';
  }

  Budget& budget_;
  const JsonOptions& options_;
  size_t charged_ = 0;
};

}  // namespace

std::string json_dumps(Budget& budget, const Value& value, const JsonOptions& options) {
  Encoder encoder(budget, options);
  encoder.encode(value, 0);
  return std::move(encoder.out);
}

}  // namespace lora::jinja
