#include "regex_pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>

#include "error.h"
#include "text_messages.h"
#include "unicode_text.h"

namespace lora {

namespace {

// Unicode White_Space as a class body (Oniguruma's \s in UTF-8 mode).
constexpr const char* kWhiteSpaceClassBody =
    "\\x{9}-\\x{D}\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}";

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof(buffer));
  return reinterpret_cast<const char*>(buffer);
}

// Large patterns on long inputs can need more than PCRE2's 32 KiB default JIT stack.
struct ThreadMatchContext {
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* stack = nullptr;
  ThreadMatchContext() {
    context = pcre2_match_context_create(nullptr);
    stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
    if (context != nullptr && stack != nullptr) pcre2_jit_stack_assign(context, nullptr, stack);
  }
  ~ThreadMatchContext() {
    if (stack != nullptr) pcre2_jit_stack_free(stack);
    if (context != nullptr) pcre2_match_context_free(context);
  }
};

pcre2_match_context* thread_match_context() {
  thread_local ThreadMatchContext holder;
  return holder.context;
}

}  // namespace

struct RegexPattern::Compiled {
  pcre2_code* code = nullptr;
  ~Compiled() {
    if (code != nullptr) pcre2_code_free(code);
  }
};

std::string translate_oniguruma_pattern(const std::string& pattern) {
  std::string out;
  out.reserve(pattern.size() + 16);
  bool in_class = false;
  bool class_start = false;  // just after '[' or '[^' (a ']' here is literal)
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char e = pattern[i + 1];
      class_start = false;
      if (e == 's') {
        out += in_class ? std::string(kWhiteSpaceClassBody) : "[" + std::string(kWhiteSpaceClassBody) + "]";
        ++i;
        continue;
      }
      if (e == 'S' && !in_class) {
        out += "[^" + std::string(kWhiteSpaceClassBody) + "]";
        ++i;
        continue;
      }
      if (e == 'h' || (e == 'H' && !in_class)) {
        if (in_class)
          out += "0-9a-fA-F";
        else
          out += e == 'h' ? "[0-9a-fA-F]" : "[^0-9a-fA-F]";
        ++i;
        continue;
      }
      if (e == 'u' && i + 6 <= pattern.size()) {
        bool hex = true;
        for (size_t k = i + 2; k < i + 6; ++k) hex = hex && std::isxdigit(static_cast<unsigned char>(pattern[k]));
        if (hex) {
          out += "\\x{" + pattern.substr(i + 2, 4) + "}";
          i += 5;
          continue;
        }
      }
      out += c;
      out += e;
      ++i;
      continue;
    }
    if (in_class) {
      if (c == ']' && !class_start) in_class = false;
      class_start = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      class_start = true;
      out += c;
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') {
        out += '^';
        ++i;
      }
      continue;
    }
    out += c;
  }
  return out;
}

std::string regex_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (const char c : text) {
    if (std::string_view("\\^$.|?*+()[]{}-#&~ \t\n\r\f\v").find(c) != std::string_view::npos) {
      switch (c) {
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\f': out += "\\f"; break;
        case '\v': out += "\\x{B}"; break;
        case ' ': out += "\\x{20}"; break;
        default: out += '\\'; out += c;
      }
    } else {
      out += c;
    }
  }
  return out;
}

RegexPattern::RegexPattern(const std::string& pattern, const std::string& where)
    : compiled_(std::make_unique<Compiled>()), where_(where) {
  const std::string translated = translate_oniguruma_pattern(pattern);
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  compiled_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                  PCRE2_UTF | PCRE2_UCP, &error_code, &error_offset, nullptr);
  if (compiled_->code == nullptr)
    throw Error(msg::Text::regex_does_not_compile, where, pattern, pcre2_message(error_code), error_offset);
  // JIT is an optimisation only: without it PCRE2 interprets the same pattern.
  pcre2_jit_compile(compiled_->code, PCRE2_JIT_COMPLETE);
}

RegexPattern RegexPattern::literal(const std::string& text, const std::string& where) {
  return RegexPattern(regex_escape(text), where);
}

RegexPattern::~RegexPattern() = default;
RegexPattern::RegexPattern(RegexPattern&&) noexcept = default;
RegexPattern& RegexPattern::operator=(RegexPattern&&) noexcept = default;

std::vector<std::pair<size_t, size_t>> RegexPattern::find_all(std::string_view text) const {
  std::vector<std::pair<size_t, size_t>> matches;
  if (text.empty()) return matches;
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(compiled_->code, nullptr);
  if (data == nullptr) throw Error(msg::Text::regex_out_of_memory, where_);
  pcre2_match_context* context = thread_match_context();
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t start = 0;
  size_t last_match_end = std::string::npos;
  while (start <= text.size()) {
    const int rc = pcre2_match(compiled_->code, subject, text.size(), start, PCRE2_NO_UTF_CHECK, data, context);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      pcre2_match_data_free(data);
      throw Error(msg::Text::regex_match_failed, where_, text.size(), pcre2_message(rc));
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
    const size_t begin = ovector[0], end = ovector[1];
    if (begin == end && last_match_end == end) {
      // An empty match where the previous one ended: step over one character and retry.
      if (end >= text.size()) break;
      start = end + unicode::sequence_length(static_cast<unsigned char>(text[end]));
      continue;
    }
    matches.emplace_back(begin, end);
    last_match_end = end;
    if (begin == end) {
      if (end >= text.size()) break;
      start = end + unicode::sequence_length(static_cast<unsigned char>(text[end]));
    } else {
      start = end;
    }
  }
  pcre2_match_data_free(data);
  return matches;
}

}  // namespace lora
