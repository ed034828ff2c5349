#pragma once
// config.json of Hugging Face Llama / Qwen2 (incl. Qwen1.5) / Mistral checkpoints.
// Absent or null optional fields take the defaults of transformers' LlamaConfig / Qwen2Config /
// MistralConfig; required are model_type, vocab_size, hidden_size, intermediate_size,
// num_hidden_layers and num_attention_heads.
#include <cstdint>
#include <string>
#include <vector>

namespace lora {

struct RopeScaling {
  std::string type;  // "" (none), "linear", "llama3"; read from rope_scaling ("rope_type" or older
                     // "type") or transformers 5's rope_parameters; other kinds are an error
  double factor = 1.0;
  double low_freq_factor = 1.0;
  double high_freq_factor = 4.0;
  int64_t original_max_position_embeddings = 8192;
};

struct ModelConfig {
  std::string architecture;  // architectures[0], e.g. "LlamaForCausalLM"
  std::string model_type;    // "llama" | "qwen2" | "mistral"
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;  // resolved: absent/null = num_attention_heads
  int64_t head_dim = 0;             // resolved: absent/null = hidden_size / num_attention_heads
  std::string hidden_act = "silu";  // the only one supported ("swish" is read as silu)
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;  // top-level rope_theta, or rope_parameters.rope_theta
  RopeScaling rope_scaling;
  int64_t max_position_embeddings = 2048;
  bool tie_word_embeddings = false;
  bool attention_bias = false;  // q/k/v/o bias (Llama); Qwen2 has q/k/v bias only: see qkv_bias
  bool qkv_bias = false;        // resolved: true for qwen2, attention_bias for llama, false for mistral
  bool o_bias = false;          // resolved: attention_bias for llama, false otherwise
  bool mlp_bias = false;        // llama only
  // 0 = none. Mistral: null = none, absent = 4096. Qwen2: none unless use_sliding_window, and then
  // only "every layer" (max_window_layers 0) is supported; full attention in the first layers and a
  // window in the rest is an error.
  int64_t sliding_window = 0;
  std::string torch_dtype = "float32";  // "float32" | "bfloat16" | "float16" (from "dtype" or "torch_dtype")
  // From an int, a list or null. Absent: llama/mistral {1} / {2} (transformers' defaults), qwen2 none.
  std::vector<int64_t> bos_token_ids;
  std::vector<int64_t> eos_token_ids;
};

// Throws lora::Error naming the file and the field for missing/mistyped fields or an unsupported model_type.
ModelConfig load_model_config(const std::string& config_json_path);
ModelConfig parse_model_config(const std::string& json_text, const std::string& source_name);
// A config.json transformers loads (>= 4.43 for llama3 RoPE): key-sorted, indent 2, torch_dtype,
// rope_scaling with "rope_type", Qwen2's use_sliding_window/max_window_layers, Mistral's sliding_window.
std::string model_config_to_json(const ModelConfig& config);

}  // namespace lora
