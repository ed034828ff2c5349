#pragma once
// Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), as Rust's
// str::from_utf8 checks it: the safetensors header check and the tokenizers' text repair
// (text/unicode_text.h) share it.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lora::unicode {

// Length of the well-formed UTF-8 sequence at text[pos], or 0 when it is malformed.
size_t valid_sequence_at(std::string_view text, size_t pos);
// Offset of the first byte of bytes[0, size) that does not start a well-formed sequence, or
// std::string_view::npos when they all do.
size_t first_invalid_utf8(const uint8_t* bytes, size_t size);

}  // namespace lora::unicode
