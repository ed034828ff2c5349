// Qwen2 (Qwen2ForCausalLM; Qwen1.5 and Qwen2.5 too): the Llama decoder with q/k/v biases.
#include "core_messages.h"
#include "model_family_support.h"

namespace lora::family_support {

namespace {

// Qwen2 ignores sliding_window unless use_sliding_window is true; then layers from
// max_window_layers on use it. Only "every layer" or "none" is supported.
void read_qwen2_sliding_window(const JsonFields& fields, ModelConfig& config) {
  config.sliding_window = 0;
  if (!fields.optional_bool("use_sliding_window", false)) return;
  const int64_t window = fields.optional_positive_int("sliding_window", 4096);
  const int64_t first_sliding_layer = fields.optional_non_negative_int("max_window_layers", 28);
  if (first_sliding_layer >= config.num_hidden_layers) return;  // no layer slides
  if (first_sliding_layer > 0)
    throw Error(msg::Core::qwen2_partial_sliding_window, fields.source(), first_sliding_layer);
  config.sliding_window = window;
}

}  // namespace

const ModelFamily& qwen2_family() {
  static const ModelFamily family = plain_decoder_family(
      "qwen2", "Qwen2", {"qwen2"},
      [](const JsonFields& fields, ModelConfig& config) {
        read_llama_like(fields, "Qwen2ForCausalLM", 32768, config);
        // Qwen2 always has q/k/v biases and no o_proj bias, whatever attention_bias says.
        set_bias_layout(config, false, false);
        config.qkv_bias = true;
        read_qwen2_sliding_window(fields, config);
        read_dtype(fields, config);
        // Qwen2Config has no token id defaults.
        read_token_ids(fields, {}, {}, config);
      },
      [](const ModelConfig& config, nlohmann::json& out) {
        if (!config.qkv_bias || config.o_bias || config.mlp_bias)
          throw Error(msg::Core::cannot_write_bias_layout, "qwen2", bias_state(config.qkv_bias),
                      bias_state(config.o_bias), bias_state(config.mlp_bias));
        out = write_common(config, "Qwen2ForCausalLM");
        // Qwen2 before transformers 4.5x derives head_dim itself: write it only where it is read.
        if (config.head_dim * config.num_attention_heads == config.hidden_size) out.erase("head_dim");
        const bool sliding = config.sliding_window > 0;
        out["use_sliding_window"] = sliding;
        out["sliding_window"] = sliding ? nlohmann::json(config.sliding_window) : nlohmann::json(nullptr);
        out["max_window_layers"] = sliding ? 0 : config.num_hidden_layers;
      });
  return family;
}

}  // namespace lora::family_support
