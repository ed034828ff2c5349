#pragma once
// config.json of the model families in model_family.h (Llama, Qwen2 incl. Qwen1.5, Mistral, Qwen3,
// Gemma 3 text and multimodal, Phi-3/Phi-4). Absent or null optional fields take the defaults of the
// family's transformers config class; which fields are required is the family's choice (Llama /
// Qwen2 / Mistral: vocab_size, hidden_size, intermediate_size, num_hidden_layers and
// num_attention_heads; the newer families have transformers' defaults for every size).
// The fields below the "family structure" line say how the decoder is built: the transformer reads
// them, never the model_type, so a family is its config parsing plus these switches.
#include <cstdint>
#include <string>
#include <vector>

namespace lora {

struct RopeScaling {
  std::string type;  // "" (none), "linear", "llama3", "longrope"; read from rope_scaling ("rope_type"
                     // or older "type") or transformers 5's rope_parameters; which kinds a model
                     // may use is its family's choice, other kinds are an error
  double factor = 1.0;  // longrope: max_position_embeddings / original_max_position_embeddings when absent
  double low_freq_factor = 1.0;
  double high_freq_factor = 4.0;
  int64_t original_max_position_embeddings = 8192;
  // longrope (Phi-3): per-frequency divisors, the short ones while every position is below
  // original_max_position_embeddings, the long ones once a forward pass reaches past it.
  std::vector<double> short_factor, long_factor;
  double attention_factor = 0;  // cos/sin multiplier; 0 = sqrt(1 + ln(factor) / ln(original)) (1 if factor <= 1)
};

// How a norm applies its weight: Llama's weight · to_dtype(x̂), or Gemma's to_dtype(x̂ · (1 + weight))
// with the product in fp32.
enum class NormStyle { Weight, OnePlusWeight };

struct ModelConfig {
  std::string architecture;  // architectures[0], e.g. "LlamaForCausalLM"
  std::string model_type;    // one of supported_model_types() (model_family.h), e.g. "llama", "gemma3"
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;  // resolved: absent/null = num_attention_heads
  int64_t head_dim = 0;             // resolved: absent/null = hidden_size / num_attention_heads
  std::string hidden_act = "silu";  // "silu" ("swish" is read as silu) or "gelu_pytorch_tanh" (Gemma)
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
  // window in the rest is an error. Qwen3 / Gemma 3: the window of the layers layer_types marks
  // "sliding_attention".
  int64_t sliding_window = 0;
  std::string torch_dtype = "float32";  // "float32" | "bfloat16" | "float16" (from "dtype" or "torch_dtype")
  // From an int, a list or null. Absent: llama/mistral {1} / {2} (transformers' defaults), qwen2 none.
  std::vector<int64_t> bos_token_ids;
  std::vector<int64_t> eos_token_ids;

  // --- Family structure (set by the family's parser; defaults are the Llama decoder) ---
  NormStyle norm_style = NormStyle::Weight;
  bool qk_norm = false;         // q_norm / k_norm: RMSNorm over each head before RoPE (Qwen3, Gemma 3)
  bool sandwich_norms = false;  // Gemma: attention and MLP outputs normed (post_attention_layernorm,
                                // post_feedforward_layernorm) and the MLP input by pre_feedforward_layernorm
  bool scale_embeddings = false;      // embeddings × sqrt(hidden_size), the factor in the compute dtype (Gemma)
  double query_pre_attn_scalar = 0;   // attention scores × query_pre_attn_scalar^-0.5; 0 = head_dim (Gemma: 256)
  double final_logit_softcapping = 0; // 0 = none; else logits = c · tanh(logits / c) (Gemma3ForCausalLM)
  // Read and written back, not applied: transformers' Gemma 3 attention does not use it either.
  double attn_logit_softcapping = 0;
  bool fused_qkv = false;       // self_attn.qkv_proj = [q; k; v] rows (Phi-3)
  bool fused_gate_up = false;   // mlp.gate_up_proj = [gate; up] rows (Phi-3)
  double partial_rotary_factor = 1.0;  // RoPE over the first int(head_dim · factor) channels (Phi-4-mini 0.75)
  // Per layer "full_attention" | "sliding_attention"; empty = every layer slides when sliding_window > 0.
  std::vector<std::string> layer_types;
  // Sliding-window layers' own RoPE (Gemma 3's rope_local_base_freq); 0 = the full-attention RoPE.
  double sliding_rope_theta = 0;
  RopeScaling sliding_rope_scaling;
  // Phi-3's top-level original_max_position_embeddings (0 = absent).
  int64_t original_max_position_embeddings = 0;
  // Gemma 3 multimodal (model_type "gemma3"): the other top-level fields of config.json (vision
  // tower, image tokens), kept as JSON text so a written config describes the same checkpoint.
  std::string multimodal_extra_json;

  int64_t rotary_dim() const { return static_cast<int64_t>(static_cast<double>(head_dim) * partial_rotary_factor); }
  bool layer_is_sliding(int64_t layer) const {
    if (sliding_window <= 0) return false;
    if (layer_types.empty()) return true;
    return layer >= 0 && layer < static_cast<int64_t>(layer_types.size()) && layer_types[layer] == "sliding_attention";
  }
  int64_t attention_window(int64_t layer) const { return layer_is_sliding(layer) ? sliding_window : 0; }
  double attention_scale() const;  // query_pre_attn_scalar^-0.5 or head_dim^-0.5
};

// Throws lora::Error naming the file and the field for missing/mistyped fields, or naming an
// unsupported model_type and listing the supported ones.
ModelConfig load_model_config(const std::string& config_json_path);
ModelConfig parse_model_config(const std::string& json_text, const std::string& source_name);
// A config.json transformers loads (>= 4.43 for llama3 RoPE): key-sorted, indent 2, torch_dtype,
// rope_scaling with "rope_type", and each family's own fields (Qwen2's use_sliding_window /
// max_window_layers, Mistral's sliding_window, Gemma 3's text_config nesting, ...).
std::string model_config_to_json(const ModelConfig& config);

}  // namespace lora
