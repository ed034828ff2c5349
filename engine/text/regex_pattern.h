#pragma once
// Regular expressions of tokenizer.json (Split pre-tokenizer, Replace normalizer/decoder) run
// with PCRE2 in UTF + UCP mode, so \p{L}, \p{N} and \s are Unicode-aware as in Hugging Face's
// Oniguruma. The few places where Oniguruma's syntax or classes differ from PCRE2's are
// translated when the pattern is compiled (see translate_oniguruma_pattern).
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lora {

class RegexPattern {
 public:
  // Throws lora::Error mentioning `where` (e.g. "tokenizer.json: pre_tokenizer Split") when the
  // pattern does not compile.
  RegexPattern(const std::string& pattern, const std::string& where);
  static RegexPattern literal(const std::string& text, const std::string& where);
  ~RegexPattern();
  RegexPattern(RegexPattern&&) noexcept;
  RegexPattern& operator=(RegexPattern&&) noexcept;

  // Non-overlapping matches [begin, end) in byte offsets, scanning left to right as Oniguruma's
  // find_iter does (an empty match right where the previous match ended is skipped).
  // `text` must be valid UTF-8.
  std::vector<std::pair<size_t, size_t>> find_all(std::string_view text) const;

 private:
  RegexPattern() = default;
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
  std::string where_;
};

// Oniguruma (Ruby syntax) → PCRE2: \s/\S follow Unicode White_Space exactly (PCRE2 adds U+180E),
// \h/\H are hex digits in Oniguruma, \uHHHH becomes \x{HHHH}. Exposed for tests.
std::string translate_oniguruma_pattern(const std::string& pattern);

// The pattern that matches `text` literally.
std::string regex_escape(const std::string& text);

}  // namespace lora
