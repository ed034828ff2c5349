#include "file_selection.h"

namespace lora::download {
namespace {

const std::vector<std::string> kModelFiles = {
    "config.json", "generation_config.json", "*.safetensors", "*.safetensors.index.json",
    "tokenizer.json", "tokenizer_config.json", "tokenizer.model", "special_tokens_map.json", "added_tokens.json",
    "vocab.json", "merges.txt", "vocab.txt", "chat_template.jinja", "chat_template.json", "README*", "LICENSE*"};
// The weights in PyTorch's format, for a repository that has no safetensors.
const std::vector<std::string> kPytorchWeights = {"pytorch_model*.bin", "pytorch_model*.bin.index.json"};
// Other formats and copies of the same weights.
const std::vector<std::string> kDuplicates = {"*.bin", "*.pth", "*.pt", "*.ckpt", "*.gguf", "*.onnx", "*.onnx_data",
                                              "*.msgpack", "*.h5", "*.ot", "onnx/*", "original/*"};

// fnmatch's [...] at pattern[p] ('[' included); returns the index after ']', or npos when the
// bracket does not close (then '[' is an ordinary character).
size_t match_class(const std::string& pattern, size_t p, char c, bool* matched) {
  size_t i = p + 1;
  bool negate = false;
  if (i < pattern.size() && pattern[i] == '!') {
    negate = true;
    ++i;
  }
  const size_t first = i;
  bool found = false;
  while (i < pattern.size() && (pattern[i] != ']' || i == first)) {
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      if (pattern[i] <= c && c <= pattern[i + 2]) found = true;
      i += 3;
    } else {
      if (pattern[i] == c) found = true;
      ++i;
    }
  }
  if (i >= pattern.size()) return std::string::npos;
  *matched = found != negate;
  return i + 1;
}

bool match_from(const std::string& pattern, size_t p, const std::string& text, size_t t) {
  while (p < pattern.size()) {
    const char pc = pattern[p];
    if (pc == '*') {
      while (p < pattern.size() && pattern[p] == '*') ++p;
      if (p == pattern.size()) return true;
      for (size_t k = t; k <= text.size(); ++k)
        if (match_from(pattern, p, text, k)) return true;
      return false;
    }
    if (t >= text.size()) return false;
    if (pc == '?') {
      ++p;
      ++t;
      continue;
    }
    if (pc == '[') {
      bool matched = false;
      const size_t next = match_class(pattern, p, text[t], &matched);
      if (next != std::string::npos) {
        if (!matched) return false;
        p = next;
        ++t;
        continue;
      }
    }
    if (pc != text[t]) return false;
    ++p;
    ++t;
  }
  return t == text.size();
}

std::string normalized(std::string pattern) {
  for (char& c : pattern)
    if (c == '\\') c = '/';
  if (!pattern.empty() && pattern.back() == '/') pattern += '*';  // "dir/": everything under it
  return pattern;
}

bool any_match(const std::vector<std::string>& patterns, const std::string& path) {
  for (const std::string& pattern : patterns)
    if (glob_match(pattern, path)) return true;
  return false;
}

}  // namespace

bool glob_match(const std::string& pattern, const std::string& path) {
  return match_from(normalized(pattern), 0, path, 0);
}

std::vector<size_t> select_files(const std::vector<std::string>& paths, const std::vector<std::string>& include) {
  bool has_safetensors = false;
  for (const std::string& path : paths)
    has_safetensors = has_safetensors || (glob_match("*.safetensors", path) && !any_match(kDuplicates, path));
  std::vector<size_t> selected;
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    const bool wanted = !any_match(kDuplicates, path) && any_match(kModelFiles, path);
    const bool fallback_weights = !has_safetensors && any_match(kPytorchWeights, path) && path.find('/') == std::string::npos;
    if (wanted || fallback_weights || any_match(include, path)) selected.push_back(i);
  }
  return selected;
}

std::vector<std::string> split_patterns(const std::string& list) {
  std::vector<std::string> patterns;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string part = list.substr(start, comma - start);
    const size_t first = part.find_first_not_of(" \t");
    const size_t last = part.find_last_not_of(" \t");
    if (first != std::string::npos) patterns.push_back(part.substr(first, last - first + 1));
    start = comma + 1;
  }
  return patterns;
}

}  // namespace lora::download
