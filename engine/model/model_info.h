#pragma once
// What `lora-studio-cli info` and the window show about a model folder, read from config.json and
// the safetensors headers only: no weights are loaded, so it is instant even for large models.
#include <cstdint>
#include <string>
#include <vector>

namespace lora {

struct ModelInfo {
  std::string architecture;   // architectures[0], e.g. "LlamaForCausalLM"
  std::string model_type;     // config.json's model_type, e.g. "llama", "qwen3", "gemma3" (model_family.h)
  std::string family;         // the family's display name, e.g. "Gemma 3" (not in the JSON)
  std::vector<std::string> lora_targets;  // the decoder's LoRA target names, e.g. qkv_proj for Phi-3 (not in the JSON)
  int64_t num_parameters = 0; // weights in the checkpoint (a tied head counted once; a vision tower included)
  int64_t num_layers = 0;     // of the language model (a multimodal folder: its text_config)
  int64_t hidden_size = 0;
  int64_t vocab_size = 0;
  std::string dtype;          // stored dtype of the weights: "float32" | "bfloat16" | "float16"
  std::string tokenizer;      // "tokenizer.json" | "sentencepiece" | "" (none in the folder)
  int64_t context_length = 0; // max_position_embeddings
  int64_t size_bytes = 0;     // the safetensors files together
};

// Throws lora::Error naming the folder/file for a missing or malformed config.json or checkpoint.
ModelInfo read_model_info(const std::string& model_dir);
// One JSON object with the fields above ("tokenizer": null when there is none).
std::string model_info_to_json(const ModelInfo& info);

}  // namespace lora
