#pragma once
// The "pattern" of tokenizer.json's Split pre-tokenizer and Replace normalizer/decoder:
// {"String": "literal"} or {"Regex": "oniguruma pattern"}.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_reader.h"
#include "regex_pattern.h"

namespace lora {

class TextPattern {
 public:
  TextPattern(const nlohmann::json& pattern, const JsonPath& at);
  // Non-overlapping matches [begin, end) in byte offsets, left to right.
  std::vector<std::pair<size_t, size_t>> find_all(std::string_view text) const;
  // Every match replaced by `content`.
  std::string replace_all(std::string_view text, const std::string& content) const;

 private:
  std::string literal_;                // used when regex_ is empty
  std::optional<RegexPattern> regex_;
};

}  // namespace lora
