#pragma once
// A piece of the input on its way through normalizer and pre-tokenizer to the model.
#include <string>

namespace lora {

struct TextPiece {
  std::string text;
  // Whether the piece begins at offset 0 of the original input. Hugging Face's Metaspace
  // pre-tokenizer with prepend_scheme "first" adds its "▁" only to such a piece.
  bool at_text_start = false;
};

}  // namespace lora
