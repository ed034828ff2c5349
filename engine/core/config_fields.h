#pragma once
// Typed access to one JSON object of a config.json, each error naming the file and the field
// (with its path inside nested objects, e.g. "text_config.hidden_size"). Shared by the config
// reader and the model families (model_family_*.cpp); not part of the engine's public API.
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "error.h"

namespace lora {

// "a string (\"64\")", "an integer (3)", ...: what a field holds, for error messages.
inline std::string describe_json(const nlohmann::json& value) {
  using nlohmann::json;
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  switch (value.type()) {
    case json::value_t::string: return "a string (" + text + ")";
    case json::value_t::boolean: return "a boolean (" + text + ")";
    case json::value_t::number_float: return "a floating-point number (" + text + ")";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer (" + text + ")";
    case json::value_t::array: return "an array (" + text + ")";
    case json::value_t::object: return "an object (" + text + ")";
    case json::value_t::null: return "null";
    default: return text;
  }
}

class ConfigFields {
 public:
  ConfigFields(const nlohmann::json& object, std::string source, std::string prefix = "")
      : object_(object), source_(std::move(source)), prefix_(std::move(prefix)) {}

  const std::string& source() const { return source_; }
  const std::string& prefix() const { return prefix_; }
  const nlohmann::json& object() const { return object_; }

  // Present and not null (Hugging Face treats null as "use the default" for optional fields).
  bool has(const char* key) const { return object_.contains(key) && !object_.at(key).is_null(); }
  bool present(const char* key) const { return object_.contains(key); }
  const nlohmann::json& at(const char* key) const { return object_.at(key); }

  [[noreturn]] void fail(const char* key, const std::string& expected) const {
    if (!object_.contains(key))
      throw Error(source_ + ": missing required field '" + prefix_ + key + "' (" + expected + ")");
    throw Error(source_ + ": field '" + prefix_ + key + "' is " + describe_json(object_.at(key)) + "; expected " +
                expected);
  }
  [[noreturn]] void invalid(const char* key, const std::string& why) const {
    throw Error(source_ + ": field '" + prefix_ + key + "' " + why);
  }

  int64_t required_positive_int(const char* key) const {
    if (!has(key)) fail(key, "a positive integer");
    return positive_int(key);
  }
  int64_t optional_positive_int(const char* key, int64_t fallback) const {
    return has(key) ? positive_int(key) : fallback;
  }
  int64_t optional_non_negative_int(const char* key, int64_t fallback) const {
    if (!has(key)) return fallback;
    const nlohmann::json& value = at(key);
    if (!value.is_number_integer() || value.get<int64_t>() < 0) fail(key, "a non-negative integer");
    return value.get<int64_t>();
  }
  double optional_positive_number(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    const nlohmann::json& value = at(key);
    if (!value.is_number()) fail(key, "a positive number");
    const double number = value.get<double>();
    if (!(number > 0) || !std::isfinite(number)) fail(key, "a positive number");
    return number;
  }
  bool optional_bool(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!at(key).is_boolean()) fail(key, "true or false");
    return at(key).get<bool>();
  }
  std::string optional_string(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    if (!at(key).is_string()) fail(key, "a string");
    return at(key).get<std::string>();
  }
  // A list of finite numbers (absent or null: empty).
  std::vector<double> optional_number_list(const char* key) const {
    std::vector<double> numbers;
    if (!has(key)) return numbers;
    const nlohmann::json& value = at(key);
    if (!value.is_array()) fail(key, "a list of numbers");
    for (const nlohmann::json& item : value) {
      if (!item.is_number() || !std::isfinite(item.get<double>())) fail(key, "a list of numbers");
      numbers.push_back(item.get<double>());
    }
    return numbers;
  }
  // An int, a list of ints, or null/absent (then `fallback`).
  std::vector<int64_t> optional_token_ids(const char* key, std::vector<int64_t> fallback) const {
    if (!object_.contains(key)) return fallback;
    const nlohmann::json& value = at(key);
    if (value.is_null()) return {};
    std::vector<int64_t> ids;
    auto take = [&](const nlohmann::json& id) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0)
        fail(key, "a non-negative token id, a list of them, or null");
      ids.push_back(id.get<int64_t>());
    };
    if (value.is_array()) {
      for (const nlohmann::json& id : value) take(id);
    } else {
      take(value);
    }
    return ids;
  }

 private:
  int64_t positive_int(const char* key) const {
    const nlohmann::json& value = at(key);
    if (!value.is_number_integer()) fail(key, "a positive integer");
    if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
      fail(key, "a positive integer that fits 64 bits");
    const int64_t number = value.get<int64_t>();
    if (number <= 0) fail(key, "a positive integer");
    return number;
  }

  const nlohmann::json& object_;
  std::string source_;
  std::string prefix_;
};

}  // namespace lora
