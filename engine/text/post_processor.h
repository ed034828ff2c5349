#pragma once
// tokenizer.json "post_processor": the special tokens encode(text) adds around the sequence.
// TemplateProcessing adds its template's tokens, ByteLevel adds none, Bert/Roberta processing add
// cls/sep, Sequence chains them. Only single sequences are encoded here (no pairs).
#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_reader.h"

namespace lora {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  virtual void process(std::vector<int32_t>& ids, bool add_special_tokens) const = 0;
};

// nullptr for a null/absent post-processor. Throws lora::Error naming the file and the type for
// an unknown type or a template naming a special token it does not define.
std::unique_ptr<PostProcessor> make_post_processor(const nlohmann::json& config, const JsonPath& at);

// The TemplateProcessing transformers builds from add_bos_token/add_eos_token:
// "[bos] $A [eos]", with each part present when its id is >= 0.
std::unique_ptr<PostProcessor> make_bos_eos_template(int32_t bos_id, int32_t eos_id);

}  // namespace lora
