#include "text_pattern.h"

#include "text_messages.h"

namespace lora {

TextPattern::TextPattern(const nlohmann::json& pattern, const JsonPath& at) {
  if (!pattern.is_object() || pattern.size() != 1)
    at.fail(msg::Text::must_be_string_or_regex);
  if (const auto* literal = find_field(pattern, "String")) {
    if (!literal->is_string()) (at / "String").fail(msg::Text::must_be_a_string);
    literal_ = literal->get<std::string>();
  } else if (const auto* regex = find_field(pattern, "Regex")) {
    if (!regex->is_string()) (at / "Regex").fail(msg::Text::must_be_a_string);
    regex_.emplace(regex->get<std::string>(), at.describe());
  } else {
    at.fail(msg::Text::must_be_string_or_regex);
  }
}

std::vector<std::pair<size_t, size_t>> TextPattern::find_all(std::string_view text) const {
  if (regex_) return regex_->find_all(text);
  std::vector<std::pair<size_t, size_t>> matches;
  if (literal_.empty()) return matches;  // an empty literal matches nothing (as in tokenizers)
  for (size_t pos = text.find(literal_); pos != std::string_view::npos; pos = text.find(literal_, pos)) {
    matches.emplace_back(pos, pos + literal_.size());
    pos += literal_.size();
  }
  return matches;
}

std::string TextPattern::replace_all(std::string_view text, const std::string& content) const {
  const auto matches = find_all(text);
  if (matches.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size() + matches.size() * content.size());
  size_t copied = 0;
  for (const auto& [begin, end] : matches) {
    out.append(text.substr(copied, begin - copied));
    out += content;
    copied = end;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace lora
