#pragma once
// Python's json.dumps for template values, as transformers' tojson filter calls it: ensure_ascii,
// indent, separators and sort_keys, float repr, and Python's escaping ("\n", "\u001b", "/" as is).
#include <optional>
#include <string>

#include "jinja_value.h"

namespace lora::jinja {

struct JsonOptions {
  bool ensure_ascii = false;
  std::optional<std::string> indent;  // the string each level indents by; none: everything on one line
  std::string item_separator = ", ";
  std::string key_separator = ": ";
  bool sort_keys = false;
};

// TypeError ("Object of type Undefined is not JSON serializable") for what JSON cannot hold.
std::string json_dumps(Budget& budget, const Value& value, const JsonOptions& options);

}  // namespace lora::jinja
