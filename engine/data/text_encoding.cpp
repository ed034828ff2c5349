#include "text_encoding.h"

#include <algorithm>
#include <cstdio>

#include "data_messages.h"
#include "error.h"

namespace lora {
namespace {

// Length of the well-formed UTF-8 sequence at `at`, or 0 when it is malformed.
size_t utf8_sequence_length(std::string_view s, size_t at) {
  const unsigned char c = static_cast<unsigned char>(s[at]);
  if (c < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;   // overlong
    if (c == 0xED) high = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;   // overlong
    if (c == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (at + length > s.size()) return 0;
  const unsigned char second = static_cast<unsigned char>(s[at + 1]);
  if (second < low || second > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    const unsigned char next = static_cast<unsigned char>(s[at + k]);
    if (next < 0x80 || next > 0xBF) return 0;
  }
  return length;
}

// Does every non-ASCII byte pair up as a GBK/GB18030/Big5-style double-byte character
// (lead 0x81-0xFE, trail 0x40-0xFE except 0x7F)? Then a CJK legacy encoding is the likely culprit.
bool looks_like_cjk_double_byte(std::string_view s) {
  size_t pairs = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) continue;
    if (c < 0x81 || c == 0xFF || i + 1 >= s.size()) return false;
    const unsigned char t = static_cast<unsigned char>(s[i + 1]);
    if (t < 0x40 || t == 0x7F || t == 0xFF) return false;
    ++pairs;
    ++i;
  }
  return pairs > 0;
}

std::string hex_byte(unsigned char c) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02X", c);
  return buffer;
}

}  // namespace

Utf8Scan scan_utf8(std::string_view bytes) {
  Utf8Scan scan;
  for (size_t i = 0; i < bytes.size();) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const size_t length = utf8_sequence_length(bytes, i);
    if (length == 0) {
      if (scan.invalid_sequences == 0) scan.first_invalid = i;
      ++scan.invalid_sequences;
      ++i;
    } else {
      ++scan.valid_multibyte;
      i += length;
    }
  }
  return scan;
}

size_t utf8_bom_length(std::string_view bytes) {
  return bytes.size() >= 3 && bytes.substr(0, 3) == std::string_view("\xEF\xBB\xBF", 3) ? 3 : 0;
}

size_t line_of_offset(std::string_view bytes, size_t offset) {
  offset = std::min(offset, bytes.size());
  return 1 + static_cast<size_t>(std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

Message describe_position(std::string_view bytes, size_t offset) {
  offset = std::min(offset, bytes.size());
  const size_t line_start = offset == 0 ? std::string_view::npos : bytes.rfind('\n', offset - 1);
  const size_t column = line_start == std::string_view::npos ? offset + 1 : offset - line_start;
  return Message(msg::Data::position, line_of_offset(bytes, offset), column);
}

void require_utf8_text(std::string_view bytes, const std::string& path) {
  auto starts = [&](const char* magic, size_t n) { return bytes.size() >= n && bytes.substr(0, n) == std::string_view(magic, n); };
  if (starts("\xFF\xFE\x00\x00", 4)) throw Error(msg::Data::file_is_utf16_or_32, path, Message(msg::Data::utf32_le));
  if (starts("\x00\x00\xFE\xFF", 4)) throw Error(msg::Data::file_is_utf16_or_32, path, Message(msg::Data::utf32_be));
  if (starts("\xFF\xFE", 2)) throw Error(msg::Data::file_is_utf16_or_32, path, Message(msg::Data::utf16_le));
  if (starts("\xFE\xFF", 2)) throw Error(msg::Data::file_is_utf16_or_32, path, Message(msg::Data::utf16_be));

  // UTF-16 without a byte order mark: ASCII text then has a NUL in every other byte.
  const size_t sample = std::min<size_t>(bytes.size(), 4096);
  size_t even_nuls = 0, odd_nuls = 0;
  for (size_t i = 0; i < sample; ++i)
    if (bytes[i] == '\0') (i % 2 == 0 ? even_nuls : odd_nuls) += 1;
  if (sample >= 4) {
    const size_t half = sample / 2;
    if (odd_nuls * 4 >= half && even_nuls * 8 < half)
      throw Error(msg::Data::file_looks_utf16, path, Message(msg::Data::utf16_le));
    if (even_nuls * 4 >= half && odd_nuls * 8 < half)
      throw Error(msg::Data::file_looks_utf16, path, Message(msg::Data::utf16_be));
  }
  const size_t nul = bytes.find('\0');
  if (nul != std::string_view::npos)
    throw Error(msg::Data::file_has_nul_byte, path, describe_position(bytes, nul));

  const Utf8Scan scan = scan_utf8(bytes);
  if (scan.valid() || scan.invalid_sequences <= scan.valid_multibyte) return;
  const Message where = describe_position(bytes, scan.first_invalid);
  const std::string byte = hex_byte(static_cast<unsigned char>(bytes[scan.first_invalid]));
  if (looks_like_cjk_double_byte(bytes)) throw Error(msg::Data::file_looks_cjk_legacy, path, byte, where);
  throw Error(msg::Data::file_looks_8bit_legacy, path, scan.invalid_sequences, byte, where);
}

}  // namespace lora
