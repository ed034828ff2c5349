#include "json_fields.h"

#include <fstream>
#include <sstream>

#include "error.h"

namespace lora {

void JsonPath::fail(const std::string& what) const { throw Error(describe() + " " + what); }

nlohmann::json parse_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
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
    // nlohmann says "[json.exception.parse_error.101] parse error at line 3, column 5: <what>":
    // the position is given above in our words, keep <what>.
    std::string detail = e.what();
    const auto position_end = detail.find(": ");
    if (position_end != std::string::npos) detail = detail.substr(position_end + 2);
    throw Error(path + ": not valid JSON (line " + std::to_string(line) + ", column " + std::to_string(column) +
                "): " + detail);
  } catch (const nlohmann::json::exception& e) {
    // Valid syntax nlohmann cannot hold, e.g. a number beyond double's range ("1e+400").
    throw Error(path + ": cannot be read as JSON: " + e.what());
  }
}

const nlohmann::json* find_field(const nlohmann::json& parent, const char* key) {
  if (!parent.is_object()) return nullptr;
  const auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return nullptr;
  return &*it;
}

bool read_bool(const nlohmann::json& parent, const char* key, bool fallback, const JsonPath& at) {
  const auto value = read_optional_bool(parent, key, at);
  return value.value_or(fallback);
}

std::optional<bool> read_optional_bool(const nlohmann::json& parent, const char* key, const JsonPath& at) {
  const nlohmann::json* field = find_field(parent, key);
  if (field == nullptr) return std::nullopt;
  if (!field->is_boolean()) (at / key).fail("must be true or false");
  return field->get<bool>();
}

std::string read_string(const nlohmann::json& parent, const char* key, const std::string& fallback,
                        const JsonPath& at) {
  return read_optional_string(parent, key, at).value_or(fallback);
}

std::optional<std::string> read_optional_string(const nlohmann::json& parent, const char* key, const JsonPath& at) {
  const nlohmann::json* field = find_field(parent, key);
  if (field == nullptr) return std::nullopt;
  if (!field->is_string()) (at / key).fail("must be a string");
  return field->get<std::string>();
}

int64_t read_int(const nlohmann::json& parent, const char* key, int64_t fallback, const JsonPath& at) {
  const nlohmann::json* field = find_field(parent, key);
  if (field == nullptr) return fallback;
  if (!field->is_number_integer()) (at / key).fail("must be an integer");
  return field->get<int64_t>();
}

const nlohmann::json& require_field(const nlohmann::json& parent, const char* key, const JsonPath& at) {
  if (!parent.is_object()) at.fail("must be a JSON object");
  const nlohmann::json* field = find_field(parent, key);
  if (field == nullptr) (at / key).fail("is missing");
  return *field;
}

std::string require_string(const nlohmann::json& parent, const char* key, const JsonPath& at) {
  const nlohmann::json& field = require_field(parent, key, at);
  if (!field.is_string()) (at / key).fail("must be a string");
  return field.get<std::string>();
}

}  // namespace lora
