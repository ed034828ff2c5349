// Gemma 3: Gemma3ForCausalLM (model_type "gemma3_text", the 1B) and the language model inside the
// multimodal Gemma3ForConditionalGeneration checkpoints (model_type "gemma3", 4B/12B/27B), whose
// config.json nests the text model's fields under "text_config" and whose weights sit under
// "language_model.model." (the original hub files) or "model.language_model." (saved by
// transformers >= 4.52), beside a vision tower this engine does not run.
// The decoder: embeddings × sqrt(hidden_size), Gemma's RMSNorm x̂·(1 + w) in fp32, four norms per
// layer, q/k norms, attention scaled by query_pre_attn_scalar^-0.5, a GeGLU MLP with
// gelu_pytorch_tanh, sliding-window layers (their own RoPE base, rope_local_base_freq) between the
// global ones (rope_theta and rope_scaling), and final_logit_softcapping in Gemma3ForCausalLM.
#include <cmath>

#include "core_messages.h"
#include "model_family_support.h"

namespace lora::family_support {

namespace {

using nlohmann::json;

const char* const kTextConfig = "text_config";

bool is_multimodal(const ModelConfig& config) { return config.model_type == "gemma3"; }

// Gemma3TextConfig's fields, from `text` (config.json itself, or its text_config).
void parse_text(const JsonFields& text, ModelConfig& config) {
  // Gemma3TextConfig's size defaults.
  const SizeDefaults sizes{/*vocab_size=*/262208, /*hidden_size=*/2304, /*intermediate_size=*/9216,
                           /*num_hidden_layers=*/26, /*num_attention_heads=*/8, /*num_key_value_heads=*/4,
                           /*head_dim=*/256};
  read_sizes(text, sizes, config);
  // Gemma reads hidden_activation (hidden_act is not used by its MLP).
  read_activation(text, "hidden_activation", "gelu_pytorch_tanh", {"gelu_pytorch_tanh"}, config);
  config.rms_norm_eps = text.optional_positive_number("rms_norm_eps", 1e-6);
  config.max_position_embeddings = text.optional_positive_int("max_position_embeddings", 131072);
  RopeRules rope;
  rope.default_theta = 1000000.0;
  rope.per_layer_type = true;
  read_rope(text, rope, config);
  // transformers < 5: the sliding layers use rope_local_base_freq with no scaling; transformers 5
  // writes their dict under rope_parameters.sliding_attention (read above).
  if (config.sliding_rope_theta == 0) {
    config.sliding_rope_theta = text.optional_positive_number("rope_local_base_freq", 10000.0);
    config.sliding_rope_scaling = RopeScaling{};
  }
  set_bias_layout(config, text.optional_bool("attention_bias", false), false);
  config.query_pre_attn_scalar = text.optional_positive_number("query_pre_attn_scalar", 256);
  config.final_logit_softcapping = text.optional_positive_number("final_logit_softcapping", 0);
  config.attn_logit_softcapping = text.optional_positive_number("attn_logit_softcapping", 0);
  // null: no window (and then no layer slides).
  config.sliding_window =
      text.present("sliding_window") ? text.optional_positive_int("sliding_window", 0) : 4096;
  config.layer_types = read_layer_types(text, config.num_hidden_layers);
  if (config.layer_types.empty()) {
    // The pattern older files give: every pattern-th layer is global, the others slide.
    const int64_t pattern = text.optional_positive_int("sliding_window_pattern", 6);
    for (int64_t layer = 0; layer < config.num_hidden_layers; ++layer)
      config.layer_types.push_back((layer + 1) % pattern != 0 ? "sliding_attention" : "full_attention");
  }
  if (text.optional_bool("use_bidirectional_attention", false))
    text.invalid("use_bidirectional_attention", msg::Core::bidirectional_attention_not_supported);
  config.norm_style = NormStyle::OnePlusWeight;
  config.qk_norm = true;
  config.sandwich_norms = true;
  config.scale_embeddings = true;
}

void parse_gemma3(const JsonFields& root, ModelConfig& config) {
  if (!is_multimodal(config)) {
    read_architecture(root, "Gemma3ForCausalLM", config);
    parse_text(root, config);
    config.tie_word_embeddings = root.optional_bool("tie_word_embeddings", true);
    read_dtype(root, config);
    read_token_ids(root, {2}, {1}, config);
    return;
  }
  read_architecture(root, "Gemma3ForConditionalGeneration", config);
  static const json kEmpty = json::object();
  const json* text_object = &kEmpty;
  if (root.has(kTextConfig)) {
    if (!root.at(kTextConfig).is_object()) root.fail(kTextConfig, Message(msg::Core::expected_text_config));
    text_object = &root.at(kTextConfig);
  }
  const JsonFields text(*text_object, root.path(kTextConfig));
  if (text.has("model_type") && text.optional_string("model_type", "") != "gemma3_text")
    text.fail("model_type", Message(msg::Core::expected_gemma3_text));
  parse_text(text, config);
  // Gemma3ForConditionalGeneration's forward applies no final soft-capping (its text model's
  // Gemma3ForCausalLM head is not used).
  config.final_logit_softcapping = 0;
  // The head is tied unless the text model (which transformers asks) or the whole config says not.
  config.tie_word_embeddings = text.present("tie_word_embeddings") ? text.optional_bool("tie_word_embeddings", true)
                                                                   : root.optional_bool("tie_word_embeddings", true);
  read_dtype(root.has("torch_dtype") || root.has("dtype") ? root : text, config);
  const JsonFields& ids = root.present("eos_token_id") || root.present("bos_token_id") ? root : text;
  read_token_ids(ids, {2}, {1}, config);
  json extra = root.object();
  extra.erase(kTextConfig);
  config.multimodal_extra_json = extra.dump();
}

json text_fields(const ModelConfig& config) {
  if (config.qkv_bias != config.o_bias || config.mlp_bias || !config.qk_norm || !config.sandwich_norms ||
      !config.scale_embeddings || config.norm_style != NormStyle::OnePlusWeight)
    throw Error(msg::Core::cannot_write_gemma3_layout);
  json out = write_common(config, "Gemma3ForCausalLM");
  out["model_type"] = "gemma3_text";
  out.erase("hidden_act");
  out["hidden_activation"] = config.hidden_act;
  out["rope_local_base_freq"] = config.sliding_rope_theta > 0 ? config.sliding_rope_theta : 10000.0;
  out["attention_bias"] = config.attention_bias;
  const double scalar = config.query_pre_attn_scalar > 0 ? config.query_pre_attn_scalar
                                                         : static_cast<double>(config.head_dim);
  // An int where it is one, as Gemma's files have it (256).
  out["query_pre_attn_scalar"] = std::floor(scalar) == scalar && scalar < 1e15 ? json(static_cast<int64_t>(scalar))
                                                                               : json(scalar);
  out["final_logit_softcapping"] =
      config.final_logit_softcapping > 0 ? json(config.final_logit_softcapping) : json(nullptr);
  out["attn_logit_softcapping"] =
      config.attn_logit_softcapping > 0 ? json(config.attn_logit_softcapping) : json(nullptr);
  out["sliding_window"] = config.sliding_window > 0 ? json(config.sliding_window) : json(nullptr);
  std::vector<std::string> types;
  for (int64_t layer = 0; layer < config.num_hidden_layers; ++layer)
    types.push_back(config.layer_types.empty() || config.layer_types[layer] == "sliding_attention"
                        ? "sliding_attention"
                        : "full_attention");
  out["layer_types"] = types;
  // transformers < 4.53 reads only the pattern: give it where the layers follow one (Gemma's 6 first).
  auto follows = [&](int64_t pattern) {
    for (int64_t layer = 0; layer < config.num_hidden_layers; ++layer)
      if ((types[layer] == "sliding_attention") != ((layer + 1) % pattern != 0)) return false;
    return true;
  };
  if (follows(6)) {
    out["sliding_window_pattern"] = 6;
  } else {
    for (int64_t pattern = 1; pattern <= config.num_hidden_layers + 1; ++pattern)
      if (follows(pattern)) {
        out["sliding_window_pattern"] = pattern;
        break;
      }
  }
  out["pad_token_id"] = 0;
  if (!config.sliding_rope_scaling.type.empty()) {
    // Scaled RoPE on the sliding layers too: only transformers 5's per-layer-type form says that.
    auto dict = [](double theta, const RopeScaling& scaling) {
      json rope = scaling.type.empty() ? json{{"rope_type", "default"}} : rope_scaling_json(scaling);
      rope["rope_theta"] = theta;
      return rope;
    };
    out["rope_parameters"] = {{"full_attention", dict(config.rope_theta, config.rope_scaling)},
                              {"sliding_attention", dict(config.sliding_rope_theta, config.sliding_rope_scaling)}};
    out["rope_scaling"] = nullptr;
  }
  return out;
}

void write_gemma3(const ModelConfig& config, json& out) {
  if (!is_multimodal(config)) {
    out = text_fields(config);
    return;
  }
  json text = text_fields(config);
  out = config.multimodal_extra_json.empty() ? json::object() : json::parse(config.multimodal_extra_json);
  out["architectures"] = text["architectures"];
  if (config.architecture.empty()) out["architectures"] = json::array({"Gemma3ForConditionalGeneration"});
  out["model_type"] = "gemma3";
  out["torch_dtype"] = config.torch_dtype;
  out.erase("dtype");
  out["tie_word_embeddings"] = config.tie_word_embeddings;
  out["eos_token_id"] = text["eos_token_id"];
  out["bos_token_id"] = text["bos_token_id"];
  for (const char* moved : {"architectures", "torch_dtype"}) text.erase(moved);
  out["text_config"] = text;
}

std::vector<WeightLayout> gemma3_layouts(const ModelConfig& config) {
  if (!is_multimodal(config)) return {WeightLayout{}};
  return {WeightLayout{"model.language_model", "lm_head"}, WeightLayout{"language_model.model", "language_model.lm_head"}};
}

std::vector<std::string> gemma3_foreign_prefixes(const ModelConfig& config) {
  if (!is_multimodal(config)) return {};
  return {"vision_tower.", "multi_modal_projector.", "model.vision_tower.", "model.multi_modal_projector."};
}

}  // namespace

const ModelFamily& gemma3_family() {
  static const ModelFamily family = [] {
    ModelFamily f = plain_decoder_family("gemma3", "Gemma 3", {"gemma3_text", "gemma3"}, parse_gemma3, write_gemma3);
    f.layouts = gemma3_layouts;
    f.foreign_prefixes = gemma3_foreign_prefixes;
    return f;
  }();
  return family;
}

}  // namespace lora::family_support
