#include "json_reader.h"

#include <cmath>
#include <cstdio>

#include "atomic_file.h"
#include "core_messages.h"
#include "error.h"

namespace lora {

using nlohmann::json;

namespace {

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

// nlohmann's what() starts with "[json.exception.parse_error.101] parse error at line 1, column 5: ";
// the position is given in our words, the rest is kept.
std::string exception_detail(const std::string& what) {
  std::string detail = what;
  const size_t tag_end = detail.find("] ");
  if (tag_end != std::string::npos) detail = detail.substr(tag_end + 2);
  const size_t position_end = detail.find(": ");
  if (detail.rfind("parse error", 0) == 0 && position_end != std::string::npos)
    detail = detail.substr(position_end + 2);
  return detail;
}

// -2^63 <= value < 2^63: the doubles that convert to int64_t without undefined behaviour.
bool fits_int64(double value) { return value >= -9223372036854775808.0 && value < 9223372036854775808.0; }

}  // namespace

Message describe_json(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  switch (value.type()) {
    case json::value_t::string: return {msg::Core::json_a_string, text};
    case json::value_t::boolean: return {msg::Core::json_a_boolean, text};
    case json::value_t::number_float: return {msg::Core::json_a_floating_point_number, text};
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return {msg::Core::json_an_integer, text};
    case json::value_t::array: return {msg::Core::json_an_array, text};
    case json::value_t::object: return {msg::Core::json_an_object, text};
    case json::value_t::null: return {msg::Core::json_null};
    default: return {msg::Core::json_other_value, text};
  }
}

void JsonPath::fail(const Message& what) const {
  if (path_.empty()) throw Error(msg::Core::json_file_problem, file_, what);
  throw Error(msg::Core::json_field_problem, file_, path_, what);
}

void JsonPath::fail_value(const json& value, const Message& expected) const {
  if (path_.empty()) throw Error(msg::Core::json_file_wrong_value, file_, expected, describe_json(value));
  throw Error(msg::Core::json_field_wrong_value, file_, path_, describe_json(value), expected);
}

void JsonPath::fail_missing(const Message& expected) const {
  throw Error(msg::Core::json_field_missing, file_, path_, expected);
}

bool NumberRange::contains(double value) const {
  if (!std::isfinite(value)) return false;
  if (min_inclusive ? value < min : value <= min) return false;
  if (max_inclusive ? value > max : value >= max) return false;
  return true;
}

Message NumberRange::describe() const {
  const bool low = std::isfinite(min), high = std::isfinite(max);
  if (!low && !high) return {msg::Core::expected_number};
  if (!high && min == 0)
    return {min_inclusive ? msg::Core::expected_non_negative_number : msg::Core::expected_positive_number};
  if (!high)
    return {min_inclusive ? msg::Core::expected_number_at_least : msg::Core::expected_number_above, number_text(min)};
  if (!low)
    return {max_inclusive ? msg::Core::expected_number_at_most : msg::Core::expected_number_below, number_text(max)};
  const std::string open = min_inclusive ? "[" : "(", close = max_inclusive ? "]" : ")";
  return {msg::Core::expected_number_in, open + number_text(min) + ", " + number_text(max) + close};
}

Message describe_integer_range(int64_t min, int64_t max) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  if (max == kMax) {
    if (min == 1) return {msg::Core::expected_positive_integer};
    if (min == 0) return {msg::Core::expected_non_negative_integer};
    if (min == kMin) return {msg::Core::expected_integer};
    return {msg::Core::expected_integer_at_least, min};
  }
  if (min == kMin) return {msg::Core::expected_integer_at_most, max};
  if (min == 1) return {msg::Core::expected_positive_integer_up_to, max};
  if (min == 0) return {msg::Core::expected_non_negative_integer_up_to, max};
  return {msg::Core::expected_integer_from_to, min, max};
}

json parse_json_text(const std::string& text, const std::string& source) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // Turn the byte offset into a line/column a person can find.
    size_t line = 1, column = 1;
    for (size_t i = 0; i < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw Error(msg::Core::json_syntax_error, source, line, column, exception_detail(e.what()));
  } catch (const json::exception& e) {
    // Valid syntax nlohmann cannot hold, e.g. a number beyond double's range ("1e400").
    throw Error(msg::Core::json_not_representable, source, exception_detail(e.what()));
  }
}

json parse_json_file(const std::string& path) { return parse_json_text(read_text_file(path), path); }

json parse_json_object_text(const std::string& text, const std::string& source) {
  json root = parse_json_text(text, source);
  if (!root.is_object()) JsonPath(source).fail_value(root, msg::Core::expected_json_object);
  return root;
}

json parse_json_object_file(const std::string& path) { return parse_json_object_text(read_text_file(path), path); }

bool json_to_bool(const json& value, const JsonPath& at) {
  if (!value.is_boolean()) at.fail_value(value, msg::Core::expected_true_or_false);
  return value.get<bool>();
}

std::string json_to_string(const json& value, const JsonPath& at) {
  if (!value.is_string()) at.fail_value(value, msg::Core::expected_string);
  return value.get<std::string>();
}

std::optional<int64_t> json_int_in(const json& value, int64_t min, int64_t max) {
  int64_t number = 0;
  if (value.is_number_unsigned()) {
    const uint64_t unsigned_number = value.get<uint64_t>();
    if (unsigned_number > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    number = static_cast<int64_t>(unsigned_number);
  } else if (value.is_number_integer()) {
    number = value.get<int64_t>();
  } else if (value.is_number_float()) {
    const double real = value.get<double>();
    if (!std::isfinite(real) || std::floor(real) != real || !fits_int64(real)) return std::nullopt;
    number = static_cast<int64_t>(real);
  } else {
    return std::nullopt;
  }
  if (number < min || number > max) return std::nullopt;
  return number;
}

int64_t json_to_int(const json& value, const JsonPath& at, int64_t min, int64_t max) {
  const std::optional<int64_t> number = json_int_in(value, min, max);
  if (!number) at.fail_value(value, describe_integer_range(min, max));
  return *number;
}

std::optional<uint64_t> json_uint_in(const json& value, uint64_t max) {
  uint64_t number = 0;
  if (value.is_number_unsigned()) {
    number = value.get<uint64_t>();
  } else if (value.is_number_integer()) {
    const int64_t signed_number = value.get<int64_t>();
    if (signed_number < 0) return std::nullopt;
    number = static_cast<uint64_t>(signed_number);
  } else if (value.is_number_float()) {
    const double real = value.get<double>();
    // 2^64 and above do not convert; doubles below it are exact integers once >= 2^53.
    if (!std::isfinite(real) || std::floor(real) != real || real < 0 || real >= 18446744073709551616.0)
      return std::nullopt;
    number = static_cast<uint64_t>(real);
  } else {
    return std::nullopt;
  }
  if (number > max) return std::nullopt;
  return number;
}

uint64_t json_to_uint(const json& value, const JsonPath& at, uint64_t max) {
  const std::optional<uint64_t> number = json_uint_in(value, max);
  if (!number) {
    if (max == std::numeric_limits<uint64_t>::max()) at.fail_value(value, msg::Core::expected_non_negative_integer);
    at.fail_value(value, Message(msg::Core::expected_non_negative_integer_up_to, max));
  }
  return *number;
}

double json_to_number(const json& value, const JsonPath& at, const NumberRange& range) {
  if (!value.is_number() || !range.contains(value.get<double>())) at.fail_value(value, range.describe());
  return value.get<double>();
}

const json* find_field(const json& parent, const char* key) {
  if (!parent.is_object()) return nullptr;
  const auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return nullptr;
  return &*it;
}

bool read_bool(const json& parent, const char* key, bool fallback, const JsonPath& at) {
  return read_optional_bool(parent, key, at).value_or(fallback);
}

std::optional<bool> read_optional_bool(const json& parent, const char* key, const JsonPath& at) {
  const json* field = find_field(parent, key);
  if (field == nullptr) return std::nullopt;
  return json_to_bool(*field, at / key);
}

std::string read_string(const json& parent, const char* key, const std::string& fallback, const JsonPath& at) {
  return read_optional_string(parent, key, at).value_or(fallback);
}

std::optional<std::string> read_optional_string(const json& parent, const char* key, const JsonPath& at) {
  const json* field = find_field(parent, key);
  if (field == nullptr) return std::nullopt;
  return json_to_string(*field, at / key);
}

int64_t read_int(const json& parent, const char* key, int64_t fallback, const JsonPath& at, int64_t min, int64_t max) {
  const json* field = find_field(parent, key);
  return field == nullptr ? fallback : json_to_int(*field, at / key, min, max);
}

double read_number(const json& parent, const char* key, double fallback, const JsonPath& at, const NumberRange& range) {
  const json* field = find_field(parent, key);
  return field == nullptr ? fallback : json_to_number(*field, at / key, range);
}

const json& require_field(const json& parent, const char* key, const JsonPath& at) {
  if (!parent.is_object()) at.fail_value(parent, msg::Core::expected_json_object);
  const json* field = find_field(parent, key);
  if (field == nullptr) (at / key).fail(msg::Core::is_missing);
  return *field;
}

std::string require_string(const json& parent, const char* key, const JsonPath& at) {
  if (parent.is_object() && find_field(parent, key) == nullptr) (at / key).fail_missing(msg::Core::expected_string);
  return json_to_string(require_field(parent, key, at), at / key);
}

int64_t require_int(const json& parent, const char* key, const JsonPath& at, int64_t min, int64_t max) {
  if (parent.is_object() && find_field(parent, key) == nullptr)
    (at / key).fail_missing(describe_integer_range(min, max));
  return json_to_int(require_field(parent, key, at), at / key, min, max);
}

double require_number(const json& parent, const char* key, const JsonPath& at, const NumberRange& range) {
  if (parent.is_object() && find_field(parent, key) == nullptr) (at / key).fail_missing(range.describe());
  return json_to_number(require_field(parent, key, at), at / key, range);
}

void JsonFields::fail(const char* key, const Message& expected) const {
  if (!present(key)) (at_ / key).fail_missing(expected);
  (at_ / key).fail_value(at(key), expected);
}

void JsonFields::invalid(const char* key, const Message& why) const {
  throw Error(msg::Core::json_field_invalid, at_.file(), (at_ / key).path(), why);
}

std::vector<double> JsonFields::optional_number_list(const char* key) const {
  std::vector<double> numbers;
  if (!has(key)) return numbers;
  const json& value = at(key);
  if (!value.is_array()) fail(key, Message(msg::Core::expected_number_list));
  for (size_t i = 0; i < value.size(); ++i) numbers.push_back(json_to_number(value[i], (at_ / key)[i]));
  return numbers;
}

std::vector<int64_t> JsonFields::optional_token_ids(const char* key, std::vector<int64_t> fallback) const {
  if (!present(key)) return fallback;
  const json& value = at(key);
  if (value.is_null()) return {};
  const int64_t max_id = std::numeric_limits<int32_t>::max();
  auto id_of = [&](const json& id) {
    if (!id.is_number()) fail(key, Message(msg::Core::expected_token_ids));
    return json_to_int(id, at_ / key, 0, max_id);
  };
  std::vector<int64_t> ids;
  if (value.is_array()) {
    for (const json& id : value) ids.push_back(id_of(id));
  } else {
    ids.push_back(id_of(value));
  }
  return ids;
}

}  // namespace lora
