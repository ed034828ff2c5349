#pragma once
// llama.cpp's names for what the engine loads, as convert_hf_to_gguf.py writes them: the GGUF
// architecture of a family and the GGUF name of a decoder layer's tensor. Shared by the model and
// the adapter export, so the two files always agree.
#include <string>

#include "model_config.h"

namespace lora {

// "llama" (also for Mistral), "qwen2", "qwen3", "gemma3", "phi3"; "" for a family llama.cpp has none for here.
std::string gguf_architecture(const ModelConfig& config);

// The GGUF name of a decoder layer's tensor below "model.layers.N.": "self_attn.q_proj.weight" ->
// "attn_q.weight", "post_attention_layernorm.weight" -> "ffn_norm.weight" (Gemma 3:
// "post_attention_norm.weight"); "" for a tensor llama.cpp has no name for.
std::string gguf_block_tensor_name(const std::string& rest, const std::string& architecture);

}  // namespace lora
