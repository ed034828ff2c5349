#pragma once
// Prefix and suffix tests on text (C++17 has no std::string::starts_with): tensor names
// ("model.layers.0.self_attn.q_proj.weight"), file names, option values.
#include <string_view>

namespace lora {

inline bool starts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

inline bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace lora
