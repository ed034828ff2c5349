#pragma once
// tokenizer.json "pre_tokenizer": Split (String or Regex pattern, every split behavior and
// invert), ByteLevel (optional GPT-2 regex and prefix space), Metaspace, Digits, Whitespace,
// WhitespaceSplit and Sequence, with Hugging Face tokenizers' semantics.
#include <memory>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_reader.h"
#include "text_piece.h"

namespace lora {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces every piece by the pieces it splits into (empty pieces are dropped).
  virtual void pre_tokenize(std::vector<TextPiece>& pieces) const = 0;
};

// nullptr for a null/absent pre-tokenizer. Throws lora::Error naming the file and the type for an
// unknown or unsupported pre-tokenizer.
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& config, const JsonPath& at);

// How a split keeps the matched delimiters (tokenizers' SplitDelimiterBehavior).
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// Splits `piece` at `matches` (sorted, non-overlapping byte ranges) as NormalizedString::split does;
// with `invert` the matches are the parts kept and the rest are the delimiters.
void split_piece(const TextPiece& piece, const std::vector<std::pair<size_t, size_t>>& matches,
                 SplitBehavior behavior, bool invert, std::vector<TextPiece>& out);

}  // namespace lora
