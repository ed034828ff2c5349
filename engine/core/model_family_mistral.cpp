// Mistral (MistralForCausalLM): the Llama decoder without biases, with a sliding window.
#include "core_messages.h"
#include "model_family_support.h"

namespace lora::family_support {

const ModelFamily& mistral_family() {
  static const ModelFamily family = plain_decoder_family(
      "mistral", "Mistral", {"mistral"},
      [](const JsonFields& fields, ModelConfig& config) {
        read_llama_like(fields, "MistralForCausalLM", 4096 * 32, config);
        // MistralAttention has no biases at all (it ignores attention_bias).
        set_bias_layout(config, false, false);
        // MistralConfig defaults to 4096 when the key is absent; null (v0.2 and later) means none.
        config.sliding_window =
            fields.present("sliding_window") ? fields.optional_positive_int("sliding_window", 0) : 4096;
        read_dtype(fields, config);
        read_token_ids(fields, {1}, {2}, config);
      },
      [](const ModelConfig& config, nlohmann::json& out) {
        if (config.qkv_bias || config.o_bias || config.mlp_bias)
          throw Error(msg::Core::cannot_write_bias_layout, "mistral", bias_state(config.qkv_bias),
                      bias_state(config.o_bias), bias_state(config.mlp_bias));
        out = write_common(config, "MistralForCausalLM");
        out["sliding_window"] =
            config.sliding_window > 0 ? nlohmann::json(config.sliding_window) : nlohmann::json(nullptr);
      });
  return family;
}

}  // namespace lora::family_support
