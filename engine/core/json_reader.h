#pragma once
// The one way the engine reads a JSON file (config.json, adapter_config.json, tokenizer files,
// generation_config.json, training_prompt.json, checkpoints, settings, the training log): parse
// errors with the line and column, and typed field reads whose errors name the file, the field
// (with its path: "text_config.hidden_size", "model.vocab") and what was expected:
//
//   …/adapter_config.json: field 'r' is a floating-point number (4.888888888888889e+72); expected an
//   integer from 1 to 65536
//
// Every number is checked for its type, integrality and range before it is converted: nlohmann's
// get<int64_t>() of 4.8e72 (what a 73-digit integer parses to) is undefined behaviour, and
// get<int32_t>() of 2^40 silently wraps.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "message.h"

namespace lora {

// "a string (\"64\")", "an integer (3)", "a floating-point number (2.5)", "null": what a value
// holds, for error messages (cut short so a hostile file cannot flood the terminal).
Message describe_json(const nlohmann::json& value);

// Where a value sits: the file and the path inside it.
class JsonPath {
 public:
  explicit JsonPath(std::string file, std::string path = "") : file_(std::move(file)), path_(std::move(path)) {}
  JsonPath operator/(const std::string& key) const { return JsonPath(file_, path_.empty() ? key : path_ + "." + key); }
  JsonPath operator[](size_t index) const { return JsonPath(file_, path_ + "[" + std::to_string(index) + "]"); }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  std::string describe() const { return path_.empty() ? file_ : file_ + ": " + path_; }

  // "FILE: PATH <what>", e.g. at.fail(msg::Text::must_be_a_list) or at.fail({msg::Text::unknown_type, type}).
  [[noreturn]] void fail(const Message& what) const;
  // "FILE: field 'PATH' is <value>; expected <expected>" ("FILE: expected <expected>, found <value>"
  // for the whole file). The expected_* fragments of msg::Core name the common expectations.
  [[noreturn]] void fail_value(const nlohmann::json& value, const Message& expected) const;
  // "FILE: missing required field 'PATH' (<expected>)".
  [[noreturn]] void fail_missing(const Message& expected) const;

 private:
  std::string file_;
  std::string path_;
};

// The allowed values of a floating-point field; NaN and infinities never pass.
struct NumberRange {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_inclusive = true;
  bool max_inclusive = true;

  static NumberRange any() { return {}; }
  static NumberRange positive() { return {0.0, std::numeric_limits<double>::infinity(), false, true}; }
  static NumberRange non_negative() { return {0.0, std::numeric_limits<double>::infinity(), true, true}; }
  static NumberRange between(double low, double high) { return {low, high, true, true}; }
  bool contains(double value) const;
  Message describe() const;  // "a positive number", "a number in [0, 1)", ...
};

// "a positive integer", "a non-negative integer", "an integer from 1 to 65536".
Message describe_integer_range(int64_t min, int64_t max);

// Parses JSON text; a syntax error throws lora::Error "SOURCE: not valid JSON (line L, column C): <what>".
nlohmann::json parse_json_text(const std::string& text, const std::string& source);
// Reads and parses a file (a missing or unreadable file, or invalid JSON, throws naming it).
nlohmann::json parse_json_file(const std::string& path);
// As above, and the top level must be an object ("SOURCE: expected a JSON object, found …").
nlohmann::json parse_json_object_text(const std::string& text, const std::string& source);
nlohmann::json parse_json_object_file(const std::string& path);

// One value, checked and converted; `at` names it in the error.
bool json_to_bool(const nlohmann::json& value, const JsonPath& at);
std::string json_to_string(const nlohmann::json& value, const JsonPath& at);
// A whole number in [min, max]; an integral floating-point value (8.0) counts as whole.
// json_int_in: the same check without throwing (nullopt when `value` is not such a number).
std::optional<int64_t> json_int_in(const nlohmann::json& value, int64_t min, int64_t max);
int64_t json_to_int(const nlohmann::json& value, const JsonPath& at, int64_t min = std::numeric_limits<int64_t>::min(),
                    int64_t max = std::numeric_limits<int64_t>::max());
// A whole number in [0, max], for counts up to 2^64-1 (seeds, byte offsets); json_uint_in without throwing.
std::optional<uint64_t> json_uint_in(const nlohmann::json& value, uint64_t max = std::numeric_limits<uint64_t>::max());
uint64_t json_to_uint(const nlohmann::json& value, const JsonPath& at,
                      uint64_t max = std::numeric_limits<uint64_t>::max());
double json_to_number(const nlohmann::json& value, const JsonPath& at, const NumberRange& range = NumberRange::any());

// Fields of an object; `at` names `parent`. Absent or null fields give the fallback (or nullopt);
// a field of the wrong type or out of range is an error. A parent that is not an object has no fields.
const nlohmann::json* find_field(const nlohmann::json& parent, const char* key);
bool read_bool(const nlohmann::json& parent, const char* key, bool fallback, const JsonPath& at);
std::optional<bool> read_optional_bool(const nlohmann::json& parent, const char* key, const JsonPath& at);
std::string read_string(const nlohmann::json& parent, const char* key, const std::string& fallback, const JsonPath& at);
std::optional<std::string> read_optional_string(const nlohmann::json& parent, const char* key, const JsonPath& at);
int64_t read_int(const nlohmann::json& parent, const char* key, int64_t fallback, const JsonPath& at,
                 int64_t min = std::numeric_limits<int64_t>::min(), int64_t max = std::numeric_limits<int64_t>::max());
double read_number(const nlohmann::json& parent, const char* key, double fallback, const JsonPath& at,
                   const NumberRange& range = NumberRange::any());
// Required fields: absent or null is an error ("missing required field").
const nlohmann::json& require_field(const nlohmann::json& parent, const char* key, const JsonPath& at);
std::string require_string(const nlohmann::json& parent, const char* key, const JsonPath& at);
int64_t require_int(const nlohmann::json& parent, const char* key, const JsonPath& at,
                    int64_t min = std::numeric_limits<int64_t>::min(),
                    int64_t max = std::numeric_limits<int64_t>::max());
double require_number(const nlohmann::json& parent, const char* key, const JsonPath& at,
                      const NumberRange& range = NumberRange::any());

// The same reads bound to one object, for parsers that read many fields of it (config.json and
// the model families, adapter_config.json, generation_config.json, ...).
class JsonFields {
 public:
  JsonFields(const nlohmann::json& object, JsonPath at) : object_(object), at_(std::move(at)) {}

  const std::string& source() const { return at_.file(); }
  const JsonPath& path() const { return at_; }
  JsonPath path(const char* key) const { return at_ / key; }
  const nlohmann::json& object() const { return object_; }

  // Present and not null (Hugging Face treats null as "use the default" for optional fields).
  bool has(const char* key) const { return find_field(object_, key) != nullptr; }
  bool present(const char* key) const { return object_.is_object() && object_.contains(key); }
  const nlohmann::json& at(const char* key) const { return object_.at(key); }

  // "field 'KEY' is <value>; expected <expected>", or "missing required field" when absent.
  [[noreturn]] void fail(const char* key, const Message& expected) const;
  // "field 'KEY' <why>".
  [[noreturn]] void invalid(const char* key, const Message& why) const;

  bool optional_bool(const char* key, bool fallback) const { return read_bool(object_, key, fallback, at_); }
  std::string optional_string(const char* key, const std::string& fallback) const {
    return read_string(object_, key, fallback, at_);
  }
  int64_t optional_int(const char* key, int64_t fallback, int64_t min, int64_t max) const {
    return read_int(object_, key, fallback, at_, min, max);
  }
  int64_t required_int(const char* key, int64_t min, int64_t max) const {
    return require_int(object_, key, at_, min, max);
  }
  double optional_number(const char* key, double fallback, const NumberRange& range) const {
    return read_number(object_, key, fallback, at_, range);
  }
  double required_number(const char* key, const NumberRange& range) const {
    return require_number(object_, key, at_, range);
  }
  int64_t required_positive_int(const char* key) const { return required_int(key, 1, kMaxInt); }
  int64_t optional_positive_int(const char* key, int64_t fallback) const {
    return optional_int(key, fallback, 1, kMaxInt);
  }
  int64_t optional_non_negative_int(const char* key, int64_t fallback) const {
    return optional_int(key, fallback, 0, kMaxInt);
  }
  double optional_positive_number(const char* key, double fallback) const {
    return optional_number(key, fallback, NumberRange::positive());
  }
  // A list of finite numbers (absent or null: empty).
  std::vector<double> optional_number_list(const char* key) const;
  // An id, a list of ids, or null (empty); absent gives `fallback`. Ids are whole numbers in [0, 2^31).
  std::vector<int64_t> optional_token_ids(const char* key, std::vector<int64_t> fallback) const;

 private:
  static constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
  const nlohmann::json& object_;
  JsonPath at_;
};

}  // namespace lora
