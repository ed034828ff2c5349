#pragma once
// Turning generated token ids into text one token at a time, safely:
//  - a character split over several tokens (byte-level BPE and byte fallback cut Chinese, emoji,
//    ... into single bytes) is held back until it is complete, so every piece is whole UTF-8;
//  - text is decoded in a window of the previous and the new tokens and only the difference is
//    returned, so decoders that treat the first token specially (sentencepiece's leading-space
//    strip) give the same text as decoding everything at once.
// This is the prefix/read-offset scheme of Hugging Face text-generation-inference.
#include <cstdint>
#include <string>
#include <vector>

#include "tokenizer.h"

namespace lora {

// True when `text` ends inside a UTF-8 sequence (a lead byte without all its continuation bytes)
// or with U+FFFD, which decoders write for bytes that do not form a character (yet).
bool ends_with_incomplete_utf8(const std::string& text);

class StreamingDecoder {
 public:
  explicit StreamingDecoder(const Tokenizer& tokenizer, bool skip_special_tokens = false);

  // Adds one token; returns the new text it completes ("" while a character is still incomplete).
  std::string push(int32_t id);
  // Releases what is still held back (a character that never completed comes out as the
  // tokenizer decodes it). Call once after the last token.
  std::string finish();

  const std::vector<int32_t>& ids() const { return ids_; }

 private:
  std::string decode_range(size_t begin, size_t end) const;
  std::string advance(bool force);

  const Tokenizer& tokenizer_;
  bool skip_special_tokens_;
  std::vector<int32_t> ids_;
  size_t prefix_offset_ = 0;  // start of the decoding window
  size_t read_offset_ = 0;    // tokens before this have been returned as text
};

}  // namespace lora
