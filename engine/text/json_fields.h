#pragma once
// Reading the JSON files of a tokenizer folder with errors that name the file and the field
// ("…/tokenizer.json: model.merges[12] must be a string or a pair of strings").
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace lora {

class JsonPath {
 public:
  explicit JsonPath(std::string file, std::string path = "") : file_(std::move(file)), path_(std::move(path)) {}
  JsonPath operator/(const std::string& key) const { return JsonPath(file_, path_.empty() ? key : path_ + "." + key); }
  JsonPath operator[](size_t index) const { return JsonPath(file_, path_ + "[" + std::to_string(index) + "]"); }
  const std::string& file() const { return file_; }
  std::string describe() const { return path_.empty() ? file_ : file_ + ": " + path_; }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  std::string file_;
  std::string path_;
};

// Parses a whole JSON file; throws lora::Error naming the file (missing, unreadable, or invalid
// JSON with the line and column).
nlohmann::json parse_json_file(const std::string& path);

// Field readers: `at` names `parent`. Absent or null fields give the fallback; a field of the
// wrong type is an error.
const nlohmann::json* find_field(const nlohmann::json& parent, const char* key);
bool read_bool(const nlohmann::json& parent, const char* key, bool fallback, const JsonPath& at);
std::optional<bool> read_optional_bool(const nlohmann::json& parent, const char* key, const JsonPath& at);
std::string read_string(const nlohmann::json& parent, const char* key, const std::string& fallback, const JsonPath& at);
std::optional<std::string> read_optional_string(const nlohmann::json& parent, const char* key, const JsonPath& at);
int64_t read_int(const nlohmann::json& parent, const char* key, int64_t fallback, const JsonPath& at);
const nlohmann::json& require_field(const nlohmann::json& parent, const char* key, const JsonPath& at);
std::string require_string(const nlohmann::json& parent, const char* key, const JsonPath& at);

}  // namespace lora
