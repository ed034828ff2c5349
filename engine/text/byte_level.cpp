#include "byte_level.h"

#include <array>

#include "unicode_text.h"

namespace lora::byte_level {

namespace {

struct Tables {
  std::array<std::string, 256> char_of_byte;
  std::array<int, 512> byte_of_char;  // every stand-in is below U+0200
  Tables() {
    byte_of_char.fill(-1);
    std::array<bool, 256> printable{};
    for (int b = '!'; b <= '~'; ++b) printable[b] = true;
    for (int b = 0xA1; b <= 0xAC; ++b) printable[b] = true;
    for (int b = 0xAE; b <= 0xFF; ++b) printable[b] = true;
    int next = 0;
    for (int b = 0; b < 256; ++b) {
      const char32_t c = printable[b] ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + next++);
      unicode::append_utf8(char_of_byte[b], c);
      byte_of_char[c] = b;
    }
  }
};

const Tables& tables() {
  static const Tables instance;
  return instance;
}

}  // namespace

const std::string& char_of_byte(unsigned char byte) { return tables().char_of_byte[byte]; }

int byte_of_char(char32_t c) { return c < 512 ? tables().byte_of_char[c] : -1; }

std::string encode(std::string_view text) {
  const Tables& t = tables();
  std::string out;
  out.reserve(text.size() * 2);
  for (const char c : text) out += t.char_of_byte[static_cast<unsigned char>(c)];
  return out;
}

bool decode_token(std::string_view token, std::string& out) {
  std::string bytes;
  bytes.reserve(token.size());
  for (size_t pos = 0; pos < token.size();) {
    const int b = byte_of_char(unicode::next_code_point(token, pos));
    if (b < 0) return false;
    bytes += static_cast<char>(b);
  }
  out += bytes;
  return true;
}

}  // namespace lora::byte_level
