// Llama (LlamaForCausalLM): the plain decoder every other family starts from.
#include "core_messages.h"
#include "model_family_support.h"

namespace lora::family_support {

void read_llama_like(const JsonFields& fields, const std::string& default_architecture, int64_t default_context,
                     ModelConfig& config, const SizeDefaults& sizes) {
  read_architecture(fields, default_architecture, config);
  read_sizes(fields, sizes, config);
  read_activation(fields, "hidden_act", "silu", {"silu"}, config);
  config.rms_norm_eps = fields.optional_positive_number("rms_norm_eps", 1e-6);
  config.max_position_embeddings = fields.optional_positive_int("max_position_embeddings", default_context);
  read_rope(fields, RopeRules{}, config);
  config.tie_word_embeddings = fields.optional_bool("tie_word_embeddings", false);
}

void set_bias_layout(ModelConfig& config, bool attention_bias, bool mlp_bias) {
  config.attention_bias = attention_bias;
  config.qkv_bias = attention_bias;
  config.o_bias = attention_bias;
  config.mlp_bias = mlp_bias;
}

const ModelFamily& llama_family() {
  static const ModelFamily family = plain_decoder_family(
      "llama", "Llama", {"llama"},
      [](const JsonFields& fields, ModelConfig& config) {
        read_llama_like(fields, "LlamaForCausalLM", 2048, config);
        const bool attention_bias = fields.optional_bool("attention_bias", false);
        set_bias_layout(config, attention_bias, fields.optional_bool("mlp_bias", false));
        config.sliding_window = 0;
        read_dtype(fields, config);
        // LlamaConfig's defaults: <s> = 1, </s> = 2.
        read_token_ids(fields, {1}, {2}, config);
      },
      [](const ModelConfig& config, nlohmann::json& out) {
        if (config.qkv_bias != config.attention_bias || config.o_bias != config.attention_bias)
          throw Error(msg::Core::cannot_write_bias_layout, "llama", bias_state(config.qkv_bias),
                      bias_state(config.o_bias), bias_state(config.mlp_bias));
        out = write_common(config, "LlamaForCausalLM");
        out["attention_bias"] = config.attention_bias;
        out["mlp_bias"] = config.mlp_bias;
      });
  return family;
}

}  // namespace lora::family_support
