#include "model_family.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core_messages.h"
#include "dtype.h"
#include "error.h"
#include "model_family_support.h"

namespace lora {

using nlohmann::json;

const std::vector<const ModelFamily*>& model_families() {
  using namespace family_support;
  static const std::vector<const ModelFamily*> families = {&llama_family(),  &qwen2_family(),  &mistral_family(),
                                                           &qwen3_family(),  &gemma3_family(), &phi3_family()};
  return families;
}

const ModelFamily* find_model_family(const std::string& model_type) {
  for (const ModelFamily* family : model_families())
    if (std::find(family->model_types.begin(), family->model_types.end(), model_type) != family->model_types.end())
      return family;
  return nullptr;
}

std::string supported_model_types() {
  std::string list;
  for (const ModelFamily* family : model_families())
    for (const std::string& type : family->model_types) list += (list.empty() ? "" : ", ") + type;
  return list;
}

const ModelFamily& model_family_for(const std::string& model_type, const std::string& source) {
  if (const ModelFamily* family = find_model_family(model_type)) return *family;
  throw Error(msg::Core::model_type_not_supported, source, model_type, supported_model_types());
}

std::vector<std::string> all_lora_target_names() {
  std::vector<std::string> names;
  for (const ModelFamily* family : model_families()) {
    ModelConfig config;
    config.model_type = family->model_types.front();
    for (const std::string& name : family->lora_targets(config))
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

WeightLayout detect_weight_layout(const ModelConfig& config,
                                  const std::function<bool(const std::string&)>& has_tensor) {
  const std::vector<WeightLayout> layouts = model_family_for(config.model_type, "config.json").layouts(config);
  for (const WeightLayout& layout : layouts)
    if (has_tensor(layout.embedding())) return layout;
  return layouts.front();
}

std::string module_path_in_layout(const ModelConfig& config, const WeightLayout& layout, const std::string& path) {
  const ModelFamily* family = find_model_family(config.model_type);
  if (!family) return path;
  for (const WeightLayout& other : family->layouts(config)) {
    if (other.decoder == layout.decoder && other.lm_head == layout.lm_head) continue;
    if (path == other.lm_head) return layout.lm_head;
    if (path.rfind(other.decoder + ".", 0) == 0) return layout.decoder + path.substr(other.decoder.size());
  }
  return path;
}

bool is_foreign_tensor(const ModelConfig& config, const std::string& name) {
  const ModelFamily* family = find_model_family(config.model_type);
  if (!family) return false;
  for (const std::string& prefix : family->foreign_prefixes(config))
    if (name.rfind(prefix, 0) == 0) return true;
  return false;
}

namespace family_support {

std::vector<WeightLayout> standard_layouts(const ModelConfig&) { return {WeightLayout{}}; }
Message bias_state(bool on) { return {on ? msg::Core::bias_on : msg::Core::bias_off}; }
std::vector<std::string> no_foreign_prefixes(const ModelConfig&) { return {}; }
std::vector<std::string> llama_lora_targets(const ModelConfig&) {
  return {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
}

ModelFamily plain_decoder_family(const std::string& name, const std::string& display_name,
                                 const std::vector<std::string>& model_types, decltype(ModelFamily::parse) parse,
                                 decltype(ModelFamily::write) write) {
  ModelFamily family;
  family.name = name;
  family.display_name = display_name;
  family.model_types = model_types;
  family.parse = std::move(parse);
  family.write = std::move(write);
  family.layouts = standard_layouts;
  family.foreign_prefixes = no_foreign_prefixes;
  family.lora_targets = llama_lora_targets;
  return family;
}

void read_architecture(const JsonFields& fields, const std::string& fallback, ModelConfig& config) {
  config.architecture = fallback;
  if (!fields.has("architectures")) return;
  const json& list = fields.at("architectures");
  if (!list.is_array() || list.empty() || !list[0].is_string())
    fields.fail("architectures", Message(msg::Core::expected_architectures, fallback));
  config.architecture = list[0].get<std::string>();
}

void read_sizes(const JsonFields& fields, const SizeDefaults& defaults, ModelConfig& config) {
  // Bounds far above any real model (the largest have vocabularies of ~260k and widths of ~50k) that
  // keep every product of sizes (parameter counts, buffer sizes) well inside 64 bits.
  constexpr int64_t kMaxVocab = int64_t(1) << 24, kMaxWidth = int64_t(1) << 20, kMaxCount = int64_t(1) << 16;
  auto size = [&](const char* key, int64_t fallback, int64_t max) {
    return fallback > 0 ? fields.optional_int(key, fallback, 1, max) : fields.required_int(key, 1, max);
  };
  config.vocab_size = size("vocab_size", defaults.vocab_size, kMaxVocab);
  config.hidden_size = size("hidden_size", defaults.hidden_size, kMaxWidth);
  config.intermediate_size = size("intermediate_size", defaults.intermediate_size, kMaxWidth);
  config.num_hidden_layers = size("num_hidden_layers", defaults.num_hidden_layers, kMaxCount);
  config.num_attention_heads = size("num_attention_heads", defaults.num_attention_heads, kMaxCount);
  // Null means "one key/value head per query head" in every family; absent takes the family's default.
  config.num_key_value_heads = fields.optional_int(
      "num_key_value_heads",
      defaults.num_key_value_heads > 0 && !fields.present("num_key_value_heads") ? defaults.num_key_value_heads
                                                                                 : config.num_attention_heads,
      1, kMaxCount);
  const std::string& source = fields.source();
  if (fields.has("head_dim")) {
    config.head_dim = fields.optional_int("head_dim", 0, 1, kMaxCount);
  } else if (defaults.head_dim > 0 && !fields.present("head_dim")) {
    config.head_dim = defaults.head_dim;
  } else {
    if (config.hidden_size % config.num_attention_heads != 0)
      throw Error(msg::Core::hidden_size_not_divisible, source, config.hidden_size, config.num_attention_heads);
    config.head_dim = config.hidden_size / config.num_attention_heads;
  }
  if (config.num_attention_heads % config.num_key_value_heads != 0)
    throw Error(msg::Core::heads_not_multiple_of_kv_heads, source, config.num_attention_heads,
                config.num_key_value_heads);
  if (config.head_dim % 2 != 0)
    throw Error(msg::Core::head_dim_odd, source, config.head_dim);
}

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) text += (i == 0 ? "" : ", ") + names[i];
  return text;
}

// One dict of RoPE parameters (rope_scaling, rope_parameters, or one layer type's part of it).
void read_rope_dict(const JsonFields& rope, const std::string& dict_name, const RopeRules& rules,
                    const ModelConfig& config, double* theta, RopeScaling* scaling, double* partial_rotary_factor) {
  const std::string& source = rope.source();
  *theta = rope.optional_positive_number("rope_theta", *theta);
  *partial_rotary_factor = rope.optional_positive_number("partial_rotary_factor", *partial_rotary_factor);
  // Older files name the kind "type", newer ones "rope_type".
  std::string type = rope.has("rope_type") ? rope.optional_string("rope_type", "default")
                                           : rope.optional_string("type", "default");
  for (const auto& [alias, name] : rules.type_aliases)
    if (type == alias) type = name;
  const bool allowed = std::find(rules.scaling_types.begin(), rules.scaling_types.end(), type) !=
                       rules.scaling_types.end();
  *scaling = RopeScaling{};
  if (type == "default") return;
  if (!allowed)
    throw Error(msg::Core::rope_scaling_not_supported, source, dict_name, type, config.model_type,
                joined(rules.scaling_types));
  scaling->type = type;
  if (type == "linear") {
    if (!rope.has("factor")) rope.fail("factor", Message(msg::Core::expected_positive_number));
    scaling->factor = rope.optional_positive_number("factor", 1.0);
  } else if (type == "llama3") {
    for (const char* key : {"factor", "low_freq_factor", "high_freq_factor"})
      if (!rope.has(key)) rope.fail(key, Message(msg::Core::expected_positive_number));
    scaling->factor = rope.optional_positive_number("factor", 1.0);
    scaling->low_freq_factor = rope.optional_positive_number("low_freq_factor", 1.0);
    scaling->high_freq_factor = rope.optional_positive_number("high_freq_factor", 4.0);
    // transformers 5 fills a missing original length from max_position_embeddings.
    scaling->original_max_position_embeddings =
        rope.optional_positive_int("original_max_position_embeddings", config.max_position_embeddings);
    if (!(scaling->high_freq_factor > scaling->low_freq_factor))
      rope.invalid("high_freq_factor",
                   Message(msg::Core::high_freq_not_above_low, std::to_string(scaling->low_freq_factor)));
  } else if (type == "longrope") {
    for (const char* key : {"short_factor", "long_factor"})
      if (!rope.has(key)) rope.fail(key, Message(msg::Core::expected_number_list));
    scaling->short_factor = rope.optional_number_list("short_factor");
    scaling->long_factor = rope.optional_number_list("long_factor");
    const int64_t fallback_original = rules.original_max_position_embeddings > 0
                                          ? rules.original_max_position_embeddings
                                          : config.max_position_embeddings;
    scaling->original_max_position_embeddings =
        rope.optional_positive_int("original_max_position_embeddings", fallback_original);
    // As transformers: without a factor, the ratio of the extended to the pretrained context.
    scaling->factor = rope.optional_positive_number(
        "factor", static_cast<double>(config.max_position_embeddings) /
                      static_cast<double>(scaling->original_max_position_embeddings));
    scaling->attention_factor = rope.optional_positive_number("attention_factor", 0.0);
  }
}

bool is_layer_type_dict(const json& dict) {
  return dict.contains("full_attention") || dict.contains("sliding_attention");
}

}  // namespace

// The rope dict in effect: transformers >= 5 writes "rope_parameters" (theta inside, possibly one
// dict per layer type); older files write "rope_scaling" (null when there is none) and a top-level
// "rope_theta". As in transformers, a non-empty rope_scaling wins over rope_parameters.
void read_rope(const JsonFields& fields, const RopeRules& rules, ModelConfig& config) {
  const std::string& source = fields.source();
  const json* dict = nullptr;
  std::string dict_name;
  for (const char* key : {"rope_scaling", "rope_parameters"}) {
    if (!fields.has(key)) continue;
    const json& value = fields.at(key);
    if (!value.is_object()) fields.fail(key, Message(msg::Core::expected_object_or_null));
    if (value.empty()) continue;
    dict = &value;
    dict_name = fields.path(key).path();
    break;
  }
  config.rope_theta = fields.optional_positive_number("rope_theta", rules.default_theta);
  config.rope_scaling = RopeScaling{};
  config.sliding_rope_theta = 0;
  config.sliding_rope_scaling = RopeScaling{};
  double partial_rotary_factor = fields.optional_positive_number("partial_rotary_factor", 1.0);

  // rope_parameters may hold one dict per layer type ({"full_attention": {...}, ...}).
  const json* sliding_dict = nullptr;
  std::string sliding_name;
  if (dict && is_layer_type_dict(*dict)) {
    const json* chosen = nullptr;
    bool differ = false;
    for (auto item = dict->begin(); item != dict->end(); ++item) {
      if (!item.value().is_object())
        throw Error(msg::Core::rope_entry_not_object, source, dict_name + "." + item.key(),
                    describe_json(item.value()));
      if (chosen && *chosen != item.value()) differ = true;
      if (!chosen) chosen = &item.value();
    }
    if (differ && !rules.per_layer_type)
      throw Error(msg::Core::rope_differs_per_layer_type, source, dict_name);
    const std::string base_name = dict_name;
    if (differ) {
      if (dict->contains("sliding_attention")) {
        sliding_dict = &dict->at("sliding_attention");
        sliding_name = base_name + ".sliding_attention";
      }
      if (dict->contains("full_attention")) {
        chosen = &dict->at("full_attention");
        dict_name = base_name + ".full_attention";
      } else {
        dict_name = base_name + "." + std::string(dict->begin().key());
      }
    } else {
      dict_name = base_name + "." + std::string(dict->begin().key());
    }
    dict = chosen;
  }
  if (dict) {
    read_rope_dict(JsonFields(*dict, JsonPath(source, dict_name)), dict_name, rules, config, &config.rope_theta,
                   &config.rope_scaling, &partial_rotary_factor);
  }
  if (sliding_dict) {
    double theta = config.rope_theta, sliding_factor = partial_rotary_factor;
    read_rope_dict(JsonFields(*sliding_dict, JsonPath(source, sliding_name)), sliding_name, rules, config, &theta,
                   &config.sliding_rope_scaling, &sliding_factor);
    config.sliding_rope_theta = theta;
    if (sliding_factor != partial_rotary_factor)
      throw Error(msg::Core::sliding_partial_rotary_differs, source, sliding_name);
  }
  config.partial_rotary_factor = partial_rotary_factor;
  if (partial_rotary_factor != 1.0) {
    if (!rules.partial_rotary)
      throw Error(msg::Core::partial_rotary_not_supported, source, std::to_string(partial_rotary_factor),
                  config.model_type);
    if (!(partial_rotary_factor <= 1.0) || config.rotary_dim() < 2 || config.rotary_dim() % 2 != 0)
      throw Error(msg::Core::partial_rotary_bad_channels, source, std::to_string(partial_rotary_factor),
                  config.rotary_dim(), config.head_dim);
  }
}

void read_dtype(const JsonFields& fields, ModelConfig& config) {
  // transformers 5 writes "dtype", older versions "torch_dtype".
  const char* dtype_key = fields.has("dtype") ? "dtype" : "torch_dtype";
  config.torch_dtype = fields.optional_string(dtype_key, "float32");
  if (config.torch_dtype == "float") config.torch_dtype = "float32";
  if (config.torch_dtype == "half") config.torch_dtype = "float16";
  if (!is_precision_name(config.torch_dtype))
    fields.fail(dtype_key, Message(msg::Core::expected_torch_dtype));
}

void read_activation(const JsonFields& fields, const char* key, const std::string& fallback,
                     const std::vector<std::string>& supported, ModelConfig& config) {
  config.hidden_act = fields.optional_string(key, fallback);
  // transformers maps both names to the same SiLU module.
  if (config.hidden_act == "swish") config.hidden_act = "silu";
  if (std::find(supported.begin(), supported.end(), config.hidden_act) == supported.end())
    throw Error(msg::Core::activation_not_supported, fields.source(), key, config.hidden_act, joined(supported));
}

std::vector<std::string> read_layer_types(const JsonFields& fields, int64_t num_layers) {
  std::vector<std::string> types;
  if (!fields.has("layer_types")) return types;
  const json& value = fields.at("layer_types");
  const Message expected(msg::Core::expected_layer_types, num_layers);
  if (!value.is_array() || static_cast<int64_t>(value.size()) != num_layers) fields.fail("layer_types", expected);
  for (const json& item : value) {
    if (!item.is_string() ||
        (item.get<std::string>() != "full_attention" && item.get<std::string>() != "sliding_attention"))
      fields.fail("layer_types", expected);
    types.push_back(item.get<std::string>());
  }
  return types;
}

void read_token_ids(const JsonFields& fields, std::vector<int64_t> bos_default, std::vector<int64_t> eos_default,
                    ModelConfig& config) {
  config.bos_token_ids = fields.optional_token_ids("bos_token_id", std::move(bos_default));
  config.eos_token_ids = fields.optional_token_ids("eos_token_id", std::move(eos_default));
}

json rope_scaling_json(const RopeScaling& scaling) {
  if (scaling.type.empty()) return nullptr;
  json out = {{"rope_type", scaling.type}, {"factor", scaling.factor}};
  if (scaling.type == "llama3") {
    out["low_freq_factor"] = scaling.low_freq_factor;
    out["high_freq_factor"] = scaling.high_freq_factor;
    out["original_max_position_embeddings"] = scaling.original_max_position_embeddings;
  } else if (scaling.type == "longrope") {
    out["short_factor"] = scaling.short_factor;
    out["long_factor"] = scaling.long_factor;
    out["original_max_position_embeddings"] = scaling.original_max_position_embeddings;
    if (scaling.attention_factor > 0) out["attention_factor"] = scaling.attention_factor;
  }
  return out;
}

json token_ids_json(const std::vector<int64_t>& ids) {
  if (ids.empty()) return nullptr;
  if (ids.size() == 1) return ids[0];
  return ids;
}

json write_common(const ModelConfig& config, const std::string& default_architecture) {
  // nlohmann's object is key-sorted, like the sort_keys=True of transformers' to_json_string.
  json out;
  out["architectures"] = json::array({config.architecture.empty() ? default_architecture : config.architecture});
  out["model_type"] = config.model_type;
  out["vocab_size"] = config.vocab_size;
  out["hidden_size"] = config.hidden_size;
  out["intermediate_size"] = config.intermediate_size;
  out["num_hidden_layers"] = config.num_hidden_layers;
  out["num_attention_heads"] = config.num_attention_heads;
  out["num_key_value_heads"] = config.num_key_value_heads;
  out["head_dim"] = config.head_dim;
  out["hidden_act"] = config.hidden_act;
  out["rms_norm_eps"] = config.rms_norm_eps;
  out["rope_theta"] = config.rope_theta;
  out["rope_scaling"] = rope_scaling_json(config.rope_scaling);
  out["max_position_embeddings"] = config.max_position_embeddings;
  out["tie_word_embeddings"] = config.tie_word_embeddings;
  out["attention_dropout"] = 0.0;
  out["initializer_range"] = 0.02;
  out["use_cache"] = true;
  out["torch_dtype"] = config.torch_dtype;
  out["bos_token_id"] = token_ids_json(config.bos_token_ids);
  out["eos_token_id"] = token_ids_json(config.eos_token_ids);
  return out;
}

}  // namespace family_support
}  // namespace lora
