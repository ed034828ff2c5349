#pragma once
// tokenizer.json "decoder": turns the token strings of ids back into text. ByteLevel,
// ByteFallback, Fuse, Strip, Replace, Metaspace, BPEDecoder and Sequence, each a step of
// tokenizers' decode_chain.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_reader.h"

namespace lora {

class TokenDecoder {
 public:
  virtual ~TokenDecoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};

// nullptr for a null/absent decoder (tokens are then joined with spaces, as tokenizers does).
// Throws lora::Error naming the file and the type for an unknown decoder.
std::unique_ptr<TokenDecoder> make_token_decoder(const nlohmann::json& config, const JsonPath& at);

}  // namespace lora
