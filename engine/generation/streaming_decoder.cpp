#include "streaming_decoder.h"

namespace lora {
namespace {

// Length of the UTF-8 sequence a lead byte starts (0 for a continuation or invalid byte).
int sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

// Longest common prefix of a and b, shortened to a character boundary of b.
size_t common_prefix(const std::string& a, const std::string& b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  while (n > 0 && n < b.size() && (static_cast<unsigned char>(b[n]) & 0xC0) == 0x80) --n;
  return n;
}

}  // namespace

bool ends_with_incomplete_utf8(const std::string& text) {
  static const std::string kReplacement = "\xEF\xBF\xBD";
  if (text.size() >= 3 && text.compare(text.size() - 3, 3, kReplacement) == 0) return true;
  // Walk back over at most 3 continuation bytes to the lead byte of the last sequence.
  size_t i = text.size();
  int continuation = 0;
  while (i > 0 && continuation < 4) {
    const unsigned char byte = static_cast<unsigned char>(text[i - 1]);
    if ((byte & 0xC0) != 0x80) {
      const int needed = sequence_length(byte);
      return needed > 1 && continuation + 1 < needed;
    }
    ++continuation;
    --i;
  }
  return false;
}

StreamingDecoder::StreamingDecoder(const Tokenizer& tokenizer, bool skip_special_tokens)
    : tokenizer_(tokenizer), skip_special_tokens_(skip_special_tokens) {}

std::string StreamingDecoder::decode_range(size_t begin, size_t end) const {
  if (begin >= end) return "";
  return tokenizer_.decode(std::vector<int32_t>(ids_.begin() + long(begin), ids_.begin() + long(end)),
                           skip_special_tokens_);
}

std::string StreamingDecoder::push(int32_t id) {
  ids_.push_back(id);
  return advance(false);
}

std::string StreamingDecoder::finish() { return advance(true); }

std::string StreamingDecoder::advance(bool force) {
  if (read_offset_ >= ids_.size()) return "";
  const std::string prefix_text = decode_range(prefix_offset_, read_offset_);
  const std::string new_text = decode_range(prefix_offset_, ids_.size());
  if (!force && (new_text.size() <= prefix_text.size() || ends_with_incomplete_utf8(new_text))) return "";
  // The window's old part decodes the same alone and with the new tokens after it; a decoder that
  // rewrites across the boundary (e.g. clean-up of " ." to ".") costs the differing tail only.
  const size_t same = new_text.compare(0, prefix_text.size(), prefix_text) == 0 ? prefix_text.size()
                                                                                : common_prefix(prefix_text, new_text);
  prefix_offset_ = read_offset_;
  read_offset_ = ids_.size();
  return new_text.substr(same);
}

}  // namespace lora
