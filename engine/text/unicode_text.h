#pragma once
// UTF-8 and Unicode helpers shared by the tokenizer components: decoding code points, repairing
// invalid UTF-8, Unicode normalization forms (utf8proc), and the character classes Hugging Face
// tokenizers relies on (Rust's char::is_whitespace and the regex crate's \w).
#include <cstddef>
#include <string>
#include <string_view>

#include "utf8_validation.h"  // valid_sequence_at

namespace lora::unicode {

// Decodes the code point starting at text[pos] (text must be valid UTF-8) and advances pos.
char32_t next_code_point(std::string_view text, size_t& pos);
// Byte length of the UTF-8 sequence whose first byte is `lead` (1 for a stray byte).
size_t sequence_length(unsigned char lead);
void append_utf8(std::string& out, char32_t code_point);

// Text as Python would hold it after bytes.decode("utf-8", errors="replace"): every malformed
// sequence becomes U+FFFD. Hugging Face only ever sees valid Unicode; so do our tokenizers.
bool is_valid_utf8(std::string_view text);
std::string to_valid_utf8(std::string_view text);

// Normalization forms (input must be valid UTF-8).
std::string nfc(std::string_view text);
std::string nfd(std::string_view text);
std::string nfkc(std::string_view text);
std::string nfkd(std::string_view text);
// Rust's str::to_lowercase: full lowercase mapping, including final sigma and U+0130.
std::string lowercase(std::string_view text);
// Drops combining marks (general category M*), as tokenizers' StripAccents does.
std::string strip_combining_marks(std::string_view text);

// The Unicode White_Space property (Rust char::is_whitespace, regex \s).
bool is_whitespace(char32_t c);
// The regex crate's Unicode \w: Alphabetic, marks, decimal digits, connector punctuation, joiners.
bool is_word_char(char32_t c);

}  // namespace lora::unicode
