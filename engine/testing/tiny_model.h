#pragma once
// Tiny random checkpoints in the real Hugging Face layout (config.json, model.safetensors or shards
// with model.safetensors.index.json, generation_config.json, tokenizer files): for tests and the demo,
// since no real weights can be downloaded. Seeded and deterministic: same options, same bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "model_config.h"

namespace lora {

struct TinyModelOptions {
  std::string arch = "llama";     // "llama" | "qwen2" | "mistral" | "qwen3" | "gemma3_text" | "phi3"
  std::string tokenizer_path;     // a folder with tokenizer files, or a tokenizer.json / tokenizer.model file
  std::string dtype = "float32";  // stored dtype: "float32" | "bfloat16" | "float16"
  bool tied = false;              // tie_word_embeddings (no lm_head.weight in the file)
  int shards = 1;                 // > 1: model-0000K-of-0000N.safetensors + index
  uint64_t seed = 0;
  bool overwrite = false;         // replace config/weights already in the folder
  int64_t vocab_size = 0;         // 0 = the tokenizer's size (ids incl. added tokens), or 512 without one
  int64_t hidden_size = 64;
  int64_t intermediate_size = 128;
  int64_t num_layers = 2;
  int64_t num_heads = 4;
  int64_t num_kv_heads = 2;
  int64_t head_dim = 0;           // 0 = hidden_size / num_heads (written to config.json where the family reads it)
  int64_t max_position_embeddings = 2048;
  double rope_theta = 0;          // 0 = the architecture's usual value (llama/phi3 1e4, the others 1e6)
  RopeScaling rope_scaling;       // type "" = none
  // mistral / phi3: every layer's window; qwen3: every layer's (use_sliding_window); gemma3_text:
  // the window of its sliding layers (every layer but each 6th); 0 = none (gemma3_text: 4096).
  int64_t sliding_window = 0;
  double partial_rotary_factor = 1.0;  // phi3: RoPE over this fraction of each head
  // normal(0, std) for linear/embedding weights (and biases); norms are the identity (weight 1,
  // Gemma's (1 + w) weight 0)
  double init_std = 0.02;
};

struct TinyModelInfo {
  int64_t vocab_size = 0;
  int64_t num_parameters = 0;
  std::string tokenizer;           // "tokenizer.json" | "sentencepiece" | "" (none copied)
  std::vector<std::string> files;  // written, relative to the model folder
};

// Throws lora::Error for bad options, an unreadable tokenizer, or a folder already holding a model
// (unless overwrite).
TinyModelInfo write_tiny_model(const std::string& model_dir, const TinyModelOptions& options);

// Number of token ids a tokenizer defines (highest id + 1, added tokens included), read from
// tokenizer.json or tokenizer.model in a folder, or from such a file.
int64_t tokenizer_vocab_size(const std::string& tokenizer_path);

}  // namespace lora
