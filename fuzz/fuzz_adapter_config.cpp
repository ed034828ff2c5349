// adapter_config.json of a PEFT LoRA adapter, then the module matching it drives (target lists,
// regexes, rank/alpha patterns, layers_to_transform) on the module paths of a Llama model.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "error.h"
#include "lora_adapter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const lora::LoraConfig config = lora::parse_lora_config(text, "adapter_config.json");
    const char* paths[] = {"model.layers.0.self_attn.q_proj", "model.layers.1.mlp.down_proj",
                           "model.layers.12.self_attn.v_proj", "lm_head", "model.embed_tokens"};
    for (const char* path : paths) {
      const bool output_layer = std::string(path) == "lm_head";
      if (!lora::lora_targets_module(config, path, output_layer)) continue;
      const int64_t rank = lora::lora_rank_for(config, path);
      const double scaling = lora::lora_scaling_for(config, path);
      (void)rank;
      (void)scaling;
    }
    lora::parse_lora_config(lora::lora_config_to_json(config), "written adapter_config.json");
  } catch (const lora::Error&) {
  }
  return 0;
}
