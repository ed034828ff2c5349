#pragma once
// Python's str semantics on UTF-8 text, for the Jinja engine: strings are sequences of code points
// (len, indexing, slicing, find), whitespace is str.isspace's, case mapping is per code point, and
// repr() quotes and escapes as Python does. A byte that is not part of valid UTF-8 counts as one code
// point of its own (U+DC80..U+DCFF, as Python's surrogateescape) and is written back unchanged.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lora::jinja::pystr {

bool is_ascii(std::string_view text);
std::u32string decode(std::string_view text);
// The code point at text[pos] (pos < size), advancing pos past it.
char32_t decode_at(std::string_view text, size_t& pos);
std::string encode(std::u32string_view code_points);
void append_code_point(std::string& out, char32_t c);
size_t length(std::string_view text);  // in code points

// Unicode character classes as Python's str methods see them.
bool is_space(char32_t c);  // str.isspace, also re's \s and str.split()'s separators
bool is_cased_lower(char32_t c);
bool is_cased_upper(char32_t c);
bool is_cased(char32_t c);
bool is_alpha(char32_t c);
bool is_decimal(char32_t c);
bool is_digit(char32_t c);
bool is_numeric(char32_t c);
bool is_printable(char32_t c);
bool is_word(char32_t c);  // re's \w
char32_t to_upper(char32_t c);
char32_t to_lower(char32_t c);
char32_t to_title(char32_t c);

std::string upper(std::string_view text);
std::string lower(std::string_view text);
std::string title(std::string_view text);       // str.title
std::string capitalize(std::string_view text);  // str.capitalize
std::string swapcase(std::string_view text);

// str.strip / lstrip / rstrip; `chars` absent strips whitespace.
std::string strip(std::string_view text, const std::optional<std::string>& chars, bool left, bool right);
// str.split / str.rsplit; `sep` absent splits on runs of whitespace. maxsplit < 0: no limit.
// An empty separator is the caller's error to report (Python raises ValueError).
std::vector<std::string> split(std::string_view text, const std::optional<std::string>& sep, int64_t maxsplit);
std::vector<std::string> rsplit(std::string_view text, const std::optional<std::string>& sep, int64_t maxsplit);
std::vector<std::string> splitlines(std::string_view text, bool keepends);
std::string replace(std::string_view text, std::string_view old, std::string_view replacement, int64_t count);
// str.find / rfind on code point indices [start, end) (Python's slice rules for the bounds).
int64_t find(std::string_view text, std::string_view sub, std::optional<int64_t> start, std::optional<int64_t> end,
             bool from_right);
int64_t count(std::string_view text, std::string_view sub, std::optional<int64_t> start, std::optional<int64_t> end);

bool is_lower(std::string_view text);
bool is_upper(std::string_view text);
bool is_title(std::string_view text);
// str.isalpha/isdigit/... : every code point passes and the string is not empty.
bool all_of(std::string_view text, bool (*predicate)(char32_t));

std::string repr(std::string_view text);
// Python's escape of one code point in a repr or a backslashreplace: \xhh up to 0xFF, \uhhhh up to
// 0xFFFF, else \Uhhhhhhhh.
std::string hex_escape(char32_t c);

}  // namespace lora::jinja::pystr
