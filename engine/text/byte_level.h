#pragma once
// GPT-2's byte-level alphabet: every byte has a printable stand-in character, so BPE can work on
// any bytes. Bytes '!'..'~', 0xA1..0xAC and 0xAE..0xFF stand for themselves; every other byte,
// in increasing order, maps to U+0100 + n.
#include <string>
#include <string_view>

namespace lora::byte_level {

// The UTF-8 encoding of the stand-in character of `byte`.
const std::string& char_of_byte(unsigned char byte);
// The byte a stand-in character stands for, or -1 when `c` is not in the alphabet.
int byte_of_char(char32_t c);
// Every byte of `text` replaced by its stand-in character.
std::string encode(std::string_view text);
// The inverse of encode for a token; false (and `out` untouched) when a character of `token`
// is not in the alphabet.
bool decode_token(std::string_view token, std::string& out);

}  // namespace lora::byte_level
