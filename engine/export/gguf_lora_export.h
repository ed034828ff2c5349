#pragma once
// A PEFT LoRA adapter written alone as a llama.cpp LoRA adapter GGUF (what llama.cpp's
// convert_lora_to_gguf.py writes and `llama-cli --lora` / node-llama-cpp / LM Studio apply on top of
// the base model's GGUF):
//   general.architecture  the base model's llama.cpp architecture (llama.cpp refuses a mismatch)
//   general.type "adapter", adapter.type "lora", adapter.lora.alpha (float32)
//   <base tensor>.lora_a  [r, in_features] (ggml ne = {in, r}), <base tensor>.lora_b  [out_features, r]
// e.g. blk.3.attn_q.weight.lora_a. llama.cpp scales each pair by alpha / r (r = that pair's rank), so
//  - rsLoRA (lora_alpha / sqrt(r)) is written as alpha = lora_alpha * sqrt(r), exact for every module;
//  - rank_pattern / alpha_pattern modules whose PEFT scaling differs from alpha / r_module get the ratio
//    multiplied into their lora_b (llama.cpp has one alpha per file);
//  - the llama architecture's Q/K row permutation (convert_hf_to_gguf.py's LlamaModel.permute, which the
//    base GGUF's attn_q / attn_k have) is applied to lora_b of q_proj / k_proj.
// Refused with a message: targets that are not linear layers (embeddings), lm_head of a model with tied
// embeddings (the base GGUF has no output tensor an adapter could name), modules llama.cpp has no
// tensor for. The file appears under its name only when complete.
#include <cstdint>
#include <string>
#include <vector>

#include "gguf_writer.h"
#include "message.h"
#include "model_config.h"

namespace lora::gguf {

struct LoraExportOptions {
  std::string model_dir;    // the base model's Hugging Face folder (config.json + weights, for shapes)
  std::string adapter_dir;  // the PEFT adapter folder
  std::string output_path;  // the .gguf file to write
  std::string type = "f32";  // "f32" | "f16": the factors' stored type
};

struct LoraExportResult {
  std::string output_path;
  std::string architecture;  // general.architecture
  double alpha = 0;          // adapter.lora.alpha as written (float32 value)
  std::string type;          // "f32" | "f16"
  int64_t modules = 0;       // LoRA pairs written
  int64_t rescaled_modules = 0;  // pairs whose lora_b carries a rank/alpha pattern's scaling ratio
  uint64_t file_size = 0;
  std::vector<Message> notes;  // rsLoRA alpha, pattern scaling
};

// llama.cpp's architecture name for a model this engine loads, as convert_hf_to_gguf.py names it
// (Mistral is "llama"); "" when the family has none here.
std::string llama_cpp_architecture(const ModelConfig& config);

// The llama.cpp tensor name (without ".weight") of a linear module path of `config`'s family in any
// of its weight layouts: "model.layers.3.self_attn.q_proj" -> "blk.3.attn_q", "lm_head" -> "output";
// "" for a module llama.cpp has no tensor for.
std::string llama_cpp_linear_name(const ModelConfig& config, const std::string& module_path);

// Validates everything before writing. Throws lora::Error naming the folder, file and tensor.
LoraExportResult export_lora_gguf(const LoraExportOptions& options, const WriteCallbacks& callbacks = {});

// The JSON summary the CLI prints.
std::string lora_export_result_to_json(const LoraExportResult& result);

}  // namespace lora::gguf
