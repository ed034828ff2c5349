// Phi-3 (Phi3ForCausalLM: Phi-3/3.5-mini, Phi-4-mini, Phi-4): the Llama decoder with q/k/v fused
// into one self_attn.qkv_proj and gate/up into one mlp.gate_up_proj (LoRA targets them by those
// names, as PEFT does), RoPE over the first partial_rotary_factor of each head, and longrope
// scaling (short factors while the positions stay within original_max_position_embeddings, long
// ones past it, cos/sin times an attention factor).
#include "core_messages.h"
#include "model_family_support.h"

namespace lora::family_support {

namespace {

void parse_phi3(const JsonFields& fields, ModelConfig& config) {
  read_architecture(fields, "Phi3ForCausalLM", config);
  // Phi3Config's size defaults (Phi-3-mini).
  const SizeDefaults sizes{/*vocab_size=*/32064, /*hidden_size=*/3072, /*intermediate_size=*/8192,
                           /*num_hidden_layers=*/32, /*num_attention_heads=*/32};
  read_sizes(fields, sizes, config);
  read_activation(fields, "hidden_act", "silu", {"silu"}, config);
  config.rms_norm_eps = fields.optional_positive_number("rms_norm_eps", 1e-5);
  config.max_position_embeddings = fields.optional_positive_int("max_position_embeddings", 4096);
  config.original_max_position_embeddings = fields.optional_positive_int("original_max_position_embeddings", 4096);
  RopeRules rope;
  rope.scaling_types = {"longrope"};
  rope.type_aliases = {{"su", "longrope"}, {"yarn", "longrope"}};  // as Phi3Config renames them
  rope.partial_rotary = true;
  rope.original_max_position_embeddings = config.original_max_position_embeddings;
  read_rope(fields, rope, config);
  if (config.rope_scaling.type == "longrope") {
    // Phi3Config's check: one factor per rotated channel pair.
    const int64_t pairs = static_cast<int64_t>(static_cast<double>(config.hidden_size / config.num_attention_heads) *
                                               config.partial_rotary_factor) / 2;
    const std::string dict = fields.has("rope_scaling") && fields.at("rope_scaling").is_object() &&
                                     !fields.at("rope_scaling").empty()
                                 ? "rope_scaling"
                                 : "rope_parameters";
    for (const auto& [name, list] : {std::make_pair("short_factor", &config.rope_scaling.short_factor),
                                     std::make_pair("long_factor", &config.rope_scaling.long_factor)})
      if (static_cast<int64_t>(list->size()) != pairs || pairs != config.rotary_dim() / 2)
        throw Error(msg::Core::phi3_factor_count, fields.source(), dict + "." + name, list->size(),
                    config.rotary_dim() / 2, config.rotary_dim());
  }
  config.tie_word_embeddings = fields.optional_bool("tie_word_embeddings", false);
  set_bias_layout(config, false, false);
  config.fused_qkv = true;
  config.fused_gate_up = true;
  // null (the default): no window; a number: every layer slides.
  config.sliding_window = fields.optional_positive_int("sliding_window", 0);
  read_dtype(fields, config);
  read_token_ids(fields, {1}, {32000}, config);
}

void write_phi3(const ModelConfig& config, nlohmann::json& out) {
  if (config.qkv_bias || config.o_bias || config.mlp_bias || !config.fused_qkv || !config.fused_gate_up)
    throw Error(msg::Core::cannot_write_phi3_layout);
  if (!config.rope_scaling.type.empty() && config.rope_scaling.type != "longrope")
    throw Error(msg::Core::cannot_write_phi3_scaling, config.rope_scaling.type);
  out = write_common(config, "Phi3ForCausalLM");
  if (config.head_dim * config.num_attention_heads == config.hidden_size) out.erase("head_dim");
  if (!config.rope_scaling.type.empty()) out["rope_scaling"]["type"] = "longrope";  // what transformers < 4.45 reads
  out["original_max_position_embeddings"] = config.original_max_position_embeddings > 0
                                                ? config.original_max_position_embeddings
                                                : config.max_position_embeddings;
  if (config.partial_rotary_factor != 1.0) out["partial_rotary_factor"] = config.partial_rotary_factor;
  out["sliding_window"] = config.sliding_window > 0 ? nlohmann::json(config.sliding_window) : nlohmann::json(nullptr);
  out["resid_pdrop"] = 0.0;
  out["embd_pdrop"] = 0.0;
}

std::vector<std::string> phi3_lora_targets(const ModelConfig&) {
  return {"qkv_proj", "o_proj", "gate_up_proj", "down_proj"};
}

}  // namespace

const ModelFamily& phi3_family() {
  static const ModelFamily family = [] {
    ModelFamily f = plain_decoder_family("phi3", "Phi-3 / Phi-4", {"phi3"}, parse_phi3, write_phi3);
    f.lora_targets = phi3_lora_targets;
    f.target_aliases = {{"q_proj", "qkv_proj"}, {"k_proj", "qkv_proj"}, {"v_proj", "qkv_proj"},
                        {"gate_proj", "gate_up_proj"}, {"up_proj", "gate_up_proj"}};
    return f;
  }();
  return family;
}

}  // namespace lora::family_support
