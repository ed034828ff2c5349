// Qwen3 (Qwen3ForCausalLM, the dense models): the Llama decoder with an explicit head_dim that may
// differ from hidden_size / num_attention_heads, q_norm / k_norm (RMSNorm over each head of the
// queries and keys before RoPE), attention_bias on q/k/v/o, and sliding-window attention in the
// layers from max_window_layers on when use_sliding_window is set.
#include "core_messages.h"
#include "model_family_support.h"

namespace lora::family_support {

namespace {

void parse_qwen3(const JsonFields& fields, ModelConfig& config) {
  // Qwen3Config's size defaults (the 8B's shape).
  const SizeDefaults sizes{/*vocab_size=*/151936, /*hidden_size=*/4096, /*intermediate_size=*/22016,
                           /*num_hidden_layers=*/32, /*num_attention_heads=*/32, /*num_key_value_heads=*/32,
                           /*head_dim=*/128};
  read_llama_like(fields, "Qwen3ForCausalLM", 32768, config, sizes);
  set_bias_layout(config, fields.optional_bool("attention_bias", false), false);
  config.qk_norm = true;

  // sliding_window counts only with use_sliding_window; layer_types (newer files) or
  // max_window_layers (older ones) say which layers use it.
  config.sliding_window = 0;
  config.layer_types = read_layer_types(fields, config.num_hidden_layers);
  if (fields.optional_bool("use_sliding_window", false)) {
    config.sliding_window = fields.optional_positive_int("sliding_window", 0);
    if (config.layer_types.empty() && config.sliding_window > 0) {
      const int64_t first_sliding_layer = fields.optional_non_negative_int("max_window_layers", 28);
      for (int64_t layer = 0; layer < config.num_hidden_layers; ++layer)
        config.layer_types.push_back(layer >= first_sliding_layer ? "sliding_attention" : "full_attention");
    }
  }
  read_dtype(fields, config);
  read_token_ids(fields, {}, {}, config);
}

void write_qwen3(const ModelConfig& config, nlohmann::json& out) {
  if (config.qkv_bias != config.o_bias || config.mlp_bias || !config.qk_norm)
    throw Error(msg::Core::cannot_write_qwen3_layout);
  out = write_common(config, "Qwen3ForCausalLM");
  out["attention_bias"] = config.attention_bias;
  const bool sliding = config.sliding_window > 0;
  out["use_sliding_window"] = sliding;
  out["sliding_window"] = sliding ? nlohmann::json(config.sliding_window) : nlohmann::json(nullptr);
  int64_t first_sliding_layer = config.num_hidden_layers;
  for (int64_t layer = config.num_hidden_layers - 1; layer >= 0 && config.layer_is_sliding(layer); --layer)
    first_sliding_layer = layer;
  out["max_window_layers"] = sliding ? first_sliding_layer : config.num_hidden_layers;
  if (sliding) {
    std::vector<std::string> types;
    for (int64_t layer = 0; layer < config.num_hidden_layers; ++layer)
      types.push_back(config.layer_is_sliding(layer) ? "sliding_attention" : "full_attention");
    out["layer_types"] = types;
  }
}

}  // namespace

const ModelFamily& qwen3_family() {
  static const ModelFamily family = plain_decoder_family("qwen3", "Qwen3", {"qwen3"}, parse_qwen3, write_qwen3);
  return family;
}

}  // namespace lora::family_support
