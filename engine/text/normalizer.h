#pragma once
// tokenizer.json "normalizer": NFC/NFD/NFKC/NFKD, Lowercase, Strip, StripAccents, Replace,
// Prepend, ByteLevel and Sequence, with Hugging Face tokenizers' semantics.
#include <memory>

#include <nlohmann/json.hpp>

#include "json_reader.h"
#include "text_piece.h"

namespace lora {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(TextPiece& piece) const = 0;
};

// nullptr for a null/absent normalizer. Throws lora::Error naming the file and the type for an
// unknown or unsupported normalizer.
std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& config, const JsonPath& at);

}  // namespace lora
