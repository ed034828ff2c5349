#pragma once
// Is a data file UTF-8 text? Datasets saved as UTF-16 (Windows "Unicode"), or in GBK/Big5/Latin-1,
// must fail with a message that names the encoding, not with a JSON syntax error at byte 1.
#include <cstddef>
#include <string>
#include <string_view>

#include "message.h"

namespace lora {

struct Utf8Scan {
  size_t invalid_sequences = 0;          // malformed, overlong, surrogate or out-of-range sequences
  size_t valid_multibyte = 0;            // well-formed sequences of 2-4 bytes
  size_t first_invalid = std::string::npos;  // byte offset of the first malformed sequence
  bool valid() const { return invalid_sequences == 0; }
};

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
Utf8Scan scan_utf8(std::string_view bytes);

// Length of a UTF-8 byte order mark at the start of `bytes` (3) or 0.
size_t utf8_bom_length(std::string_view bytes);

// Throws lora::Error naming `path` when the bytes are plainly not UTF-8 text: a UTF-16/UTF-32 byte
// order mark or NUL-byte pattern, NUL bytes, or a file whose non-ASCII bytes are mostly not UTF-8
// (a legacy encoding such as GBK or Windows-1252; the message says which family it looks like).
// A file that is UTF-8 apart from a few bad sequences passes: those are reported per record.
void require_utf8_text(std::string_view bytes, const std::string& path);

// "line 3, column 7" for a byte offset (columns count bytes, 1-based).
Message describe_position(std::string_view bytes, size_t offset);
size_t line_of_offset(std::string_view bytes, size_t offset);  // 1-based

}  // namespace lora
