#include "model_config.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "error.h"

namespace lora {
namespace {

using nlohmann::json;

const char* kSupportedModelTypes = "llama, qwen2, mistral";

std::string describe(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  switch (value.type()) {
    case json::value_t::string: return "a string (" + text + ")";
    case json::value_t::boolean: return "a boolean (" + text + ")";
    case json::value_t::number_float: return "a floating-point number (" + text + ")";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer (" + text + ")";
    case json::value_t::array: return "an array (" + text + ")";
    case json::value_t::object: return "an object (" + text + ")";
    case json::value_t::null: return "null";
    default: return text;
  }
}

// Typed access to one JSON object of config.json, each error naming the file and the field.
class FieldReader {
 public:
  FieldReader(const json& object, std::string source, std::string prefix = "")
      : object_(object), source_(std::move(source)), prefix_(std::move(prefix)) {}

  // Present and not null (Hugging Face treats null as "use the default" for optional fields).
  bool has(const char* key) const { return object_.contains(key) && !object_.at(key).is_null(); }
  bool present(const char* key) const { return object_.contains(key); }
  const json& at(const char* key) const { return object_.at(key); }

  [[noreturn]] void fail(const char* key, const std::string& expected) const {
    if (!object_.contains(key))
      throw Error(source_ + ": missing required field '" + prefix_ + key + "' (" + expected + ")");
    throw Error(source_ + ": field '" + prefix_ + key + "' is " + describe(object_.at(key)) + "; expected " + expected);
  }
  [[noreturn]] void invalid(const char* key, const std::string& why) const {
    throw Error(source_ + ": field '" + prefix_ + key + "' " + why);
  }

  int64_t required_positive_int(const char* key) const {
    if (!has(key)) fail(key, "a positive integer");
    return positive_int(key);
  }
  int64_t optional_positive_int(const char* key, int64_t fallback) const {
    return has(key) ? positive_int(key) : fallback;
  }
  double optional_positive_number(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    const json& value = at(key);
    if (!value.is_number()) fail(key, "a positive number");
    const double number = value.get<double>();
    if (!(number > 0) || !std::isfinite(number)) fail(key, "a positive number");
    return number;
  }
  bool optional_bool(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!at(key).is_boolean()) fail(key, "true or false");
    return at(key).get<bool>();
  }
  std::string optional_string(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    if (!at(key).is_string()) fail(key, "a string");
    return at(key).get<std::string>();
  }
  // An int, a list of ints, or null/absent (then `fallback`).
  std::vector<int64_t> optional_token_ids(const char* key, std::vector<int64_t> fallback) const {
    if (!object_.contains(key)) return fallback;
    const json& value = at(key);
    if (value.is_null()) return {};
    std::vector<int64_t> ids;
    auto take = [&](const json& id) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0)
        fail(key, "a non-negative token id, a list of them, or null");
      ids.push_back(id.get<int64_t>());
    };
    if (value.is_array()) {
      for (const json& id : value) take(id);
    } else {
      take(value);
    }
    return ids;
  }

 private:
  int64_t positive_int(const char* key) const {
    const json& value = at(key);
    if (!value.is_number_integer()) fail(key, "a positive integer");
    if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
      fail(key, "a positive integer that fits 64 bits");
    const int64_t number = value.get<int64_t>();
    if (number <= 0) fail(key, "a positive integer");
    return number;
  }

  const json& object_;
  std::string source_;
  std::string prefix_;
};

std::string default_architecture(const std::string& model_type) {
  if (model_type == "llama") return "LlamaForCausalLM";
  if (model_type == "qwen2") return "Qwen2ForCausalLM";
  return "MistralForCausalLM";
}

// The rope dict in effect: transformers >= 5 writes "rope_parameters" (theta inside, possibly one
// dict per layer type); older files write "rope_scaling" (null when there is none) and a top-level
// "rope_theta". As in transformers, a non-empty rope_scaling wins over rope_parameters.
void parse_rope(const FieldReader& fields, const std::string& source, ModelConfig& config) {
  const json* dict = nullptr;
  std::string dict_name;
  for (const char* key : {"rope_scaling", "rope_parameters"}) {
    if (!fields.has(key)) continue;
    const json& value = fields.at(key);
    if (!value.is_object()) fields.fail(key, "an object or null");
    if (value.empty()) continue;
    dict = &value;
    dict_name = key;
    break;
  }
  // rope_parameters may hold one dict per layer type ({"full_attention": {...}, ...}).
  if (dict && (dict->contains("full_attention") || dict->contains("sliding_attention"))) {
    const json* chosen = nullptr;
    for (auto item = dict->begin(); item != dict->end(); ++item) {
      if (!item.value().is_object())
        throw Error(source + ": field '" + dict_name + "." + item.key() + "' is " + describe(item.value()) +
                    "; expected an object of RoPE parameters");
      if (chosen && *chosen != item.value())
        throw Error(source + ": field '" + dict_name + "' gives different RoPE parameters per layer type; "
                    "one set for all layers is supported");
      chosen = &item.value();
    }
    dict_name += "." + std::string(dict->begin().key());
    dict = chosen;
  }

  config.rope_theta = fields.optional_positive_number("rope_theta", 10000.0);
  config.rope_scaling = RopeScaling{};
  double partial_rotary_factor = fields.optional_positive_number("partial_rotary_factor", 1.0);
  if (dict) {
    const FieldReader rope(*dict, source, dict_name + ".");
    config.rope_theta = rope.optional_positive_number("rope_theta", config.rope_theta);
    partial_rotary_factor = rope.optional_positive_number("partial_rotary_factor", partial_rotary_factor);
    // Older files name the kind "type", newer ones "rope_type".
    const std::string type = rope.has("rope_type") ? rope.optional_string("rope_type", "default")
                                                   : rope.optional_string("type", "default");
    if (type == "linear") {
      config.rope_scaling.type = "linear";
      if (!rope.has("factor")) rope.fail("factor", "a positive number");
      config.rope_scaling.factor = rope.optional_positive_number("factor", 1.0);
    } else if (type == "llama3") {
      config.rope_scaling.type = "llama3";
      for (const char* key : {"factor", "low_freq_factor", "high_freq_factor"})
        if (!rope.has(key)) rope.fail(key, "a positive number");
      config.rope_scaling.factor = rope.optional_positive_number("factor", 1.0);
      config.rope_scaling.low_freq_factor = rope.optional_positive_number("low_freq_factor", 1.0);
      config.rope_scaling.high_freq_factor = rope.optional_positive_number("high_freq_factor", 4.0);
      // transformers 5 fills a missing original length from max_position_embeddings.
      config.rope_scaling.original_max_position_embeddings =
          rope.optional_positive_int("original_max_position_embeddings", config.max_position_embeddings);
      if (!(config.rope_scaling.high_freq_factor > config.rope_scaling.low_freq_factor))
        rope.invalid("high_freq_factor", "must be greater than low_freq_factor (" +
                                             std::to_string(config.rope_scaling.low_freq_factor) + ")");
    } else if (type != "default") {
      throw Error(source + ": field '" + dict_name + "' asks for RoPE scaling \"" + type +
                  "\", which is not supported (supported: linear, llama3, or none)");
    }
  }
  if (partial_rotary_factor != 1.0)
    throw Error(source + ": partial_rotary_factor " + std::to_string(partial_rotary_factor) +
                " is not supported for " + config.model_type + " (RoPE over the whole head is)");
}

void parse_sliding_window(const FieldReader& fields, const std::string& source, ModelConfig& config) {
  config.sliding_window = 0;
  if (config.model_type == "mistral") {
    // MistralConfig defaults to 4096 when the key is absent; null (Mistral v0.2 and later) means none.
    config.sliding_window = fields.present("sliding_window") ? fields.optional_positive_int("sliding_window", 0) : 4096;
  } else if (config.model_type == "qwen2") {
    // Qwen2 ignores sliding_window unless use_sliding_window is true; then layers from
    // max_window_layers on use it.
    if (!fields.optional_bool("use_sliding_window", false)) return;
    const int64_t window = fields.optional_positive_int("sliding_window", 4096);
    int64_t first_sliding_layer = 28;
    if (fields.has("max_window_layers")) {
      const json& value = fields.at("max_window_layers");
      if (!value.is_number_integer() || value.get<int64_t>() < 0)
        fields.fail("max_window_layers", "a non-negative integer");
      first_sliding_layer = value.get<int64_t>();
    }
    if (first_sliding_layer >= config.num_hidden_layers) return;  // no layer slides
    if (first_sliding_layer > 0)
      throw Error(source + ": use_sliding_window with max_window_layers " + std::to_string(first_sliding_layer) +
                  " (full attention in the first layers, a sliding window in the rest) is not supported; "
                  "only all layers or none");
    config.sliding_window = window;
  }
}

}  // namespace

ModelConfig parse_model_config(const std::string& json_text, const std::string& source_name) {
  const std::string& source = source_name;
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& error) {
    std::string reason = error.what();
    const size_t tag_end = reason.find("] ");
    if (tag_end != std::string::npos) reason = reason.substr(tag_end + 2);
    throw Error(source + ": not valid JSON: " + reason);
  }
  if (!root.is_object()) throw Error(source + ": expected a JSON object, found " + describe(root));
  const FieldReader fields(root, source);

  ModelConfig config;
  if (!fields.has("model_type")) fields.fail("model_type", "one of " + std::string(kSupportedModelTypes));
  config.model_type = fields.optional_string("model_type", "");
  if (config.model_type != "llama" && config.model_type != "qwen2" && config.model_type != "mistral")
    throw Error(source + ": model_type \"" + config.model_type + "\" is not supported (supported: " +
                kSupportedModelTypes + ")");
  const bool is_llama = config.model_type == "llama";
  const bool is_qwen2 = config.model_type == "qwen2";

  config.architecture = default_architecture(config.model_type);
  if (fields.has("architectures")) {
    const json& list = fields.at("architectures");
    if (!list.is_array() || list.empty() || !list[0].is_string())
      fields.fail("architectures", "a list of class names such as [\"" + config.architecture + "\"]");
    config.architecture = list[0].get<std::string>();
  }

  config.vocab_size = fields.required_positive_int("vocab_size");
  config.hidden_size = fields.required_positive_int("hidden_size");
  config.intermediate_size = fields.required_positive_int("intermediate_size");
  config.num_hidden_layers = fields.required_positive_int("num_hidden_layers");
  config.num_attention_heads = fields.required_positive_int("num_attention_heads");
  config.num_key_value_heads = fields.optional_positive_int("num_key_value_heads", config.num_attention_heads);
  if (fields.has("head_dim")) {
    config.head_dim = fields.optional_positive_int("head_dim", 0);
  } else {
    if (config.hidden_size % config.num_attention_heads != 0)
      throw Error(source + ": hidden_size " + std::to_string(config.hidden_size) +
                  " is not divisible by num_attention_heads " + std::to_string(config.num_attention_heads) +
                  " (and no head_dim is given)");
    config.head_dim = config.hidden_size / config.num_attention_heads;
  }
  if (config.num_attention_heads % config.num_key_value_heads != 0)
    throw Error(source + ": num_attention_heads " + std::to_string(config.num_attention_heads) +
                " is not a multiple of num_key_value_heads " + std::to_string(config.num_key_value_heads) +
                " (each key/value head must serve the same number of query heads)");
  if (config.head_dim % 2 != 0)
    throw Error(source + ": head_dim " + std::to_string(config.head_dim) + " is odd; rotary embeddings need it even");

  // transformers maps both names to the same SiLU module.
  config.hidden_act = fields.optional_string("hidden_act", "silu");
  if (config.hidden_act == "swish") config.hidden_act = "silu";
  if (config.hidden_act != "silu")
    throw Error(source + ": hidden_act \"" + config.hidden_act + "\" is not supported (supported: silu)");

  config.rms_norm_eps = fields.optional_positive_number("rms_norm_eps", 1e-6);
  const int64_t default_context = is_llama ? 2048 : is_qwen2 ? 32768 : 4096 * 32;
  config.max_position_embeddings = fields.optional_positive_int("max_position_embeddings", default_context);
  parse_rope(fields, source, config);
  config.tie_word_embeddings = fields.optional_bool("tie_word_embeddings", false);

  // Llama: attention_bias puts a bias on q/k/v/o. Qwen2 always has q/k/v biases and no o bias.
  // Mistral's attention has no biases at all (MistralAttention ignores attention_bias).
  config.attention_bias = fields.optional_bool("attention_bias", false);
  config.mlp_bias = is_llama ? fields.optional_bool("mlp_bias", false) : false;
  config.qkv_bias = is_qwen2 ? true : is_llama ? config.attention_bias : false;
  config.o_bias = is_llama ? config.attention_bias : false;
  if (!is_llama) config.attention_bias = false;  // a Llama-only field

  parse_sliding_window(fields, source, config);

  // transformers 5 writes "dtype", older versions "torch_dtype".
  const char* dtype_key = fields.has("dtype") ? "dtype" : "torch_dtype";
  config.torch_dtype = fields.optional_string(dtype_key, "float32");
  if (config.torch_dtype == "float") config.torch_dtype = "float32";
  if (config.torch_dtype == "half") config.torch_dtype = "float16";
  if (config.torch_dtype != "float32" && config.torch_dtype != "bfloat16" && config.torch_dtype != "float16")
    fields.fail(dtype_key, "\"float32\", \"bfloat16\" or \"float16\"");

  // Absent ids take the class defaults of transformers (Llama/Mistral: <s>=1, </s>=2; Qwen2: none).
  const bool sentencepiece_defaults = !is_qwen2;
  config.bos_token_ids = fields.optional_token_ids("bos_token_id", sentencepiece_defaults ? std::vector<int64_t>{1}
                                                                                          : std::vector<int64_t>{});
  config.eos_token_ids = fields.optional_token_ids("eos_token_id", sentencepiece_defaults ? std::vector<int64_t>{2}
                                                                                          : std::vector<int64_t>{});
  return config;
}

ModelConfig load_model_config(const std::string& config_json_path) {
  return parse_model_config(read_text_file(config_json_path), config_json_path);
}

std::string model_config_to_json(const ModelConfig& config) {
  const bool is_llama = config.model_type == "llama";
  const bool is_qwen2 = config.model_type == "qwen2";
  const bool is_mistral = config.model_type == "mistral";
  if (!is_llama && !is_qwen2 && !is_mistral)
    throw Error("cannot write config.json for model_type \"" + config.model_type + "\" (supported: " +
                kSupportedModelTypes + ")");
  // The biases are implied by the architecture (and, for Llama, attention_bias): refuse a
  // combination whose config.json would describe other tensors than the checkpoint has.
  const bool expected_qkv = is_qwen2 || (is_llama && config.attention_bias);
  const bool expected_o = is_llama && config.attention_bias;
  if (config.qkv_bias != expected_qkv || config.o_bias != expected_o || (config.mlp_bias && !is_llama))
    throw Error("cannot write config.json: " + config.model_type + " with q/k/v bias " +
                (config.qkv_bias ? "on" : "off") + ", o_proj bias " + (config.o_bias ? "on" : "off") +
                ", mlp bias " + (config.mlp_bias ? "on" : "off") +
                " cannot be expressed (Qwen2: q/k/v only; Llama: attention_bias for all four; Mistral: none)");
  // nlohmann's object is key-sorted, like the sort_keys=True of transformers' to_json_string.
  json out;
  out["architectures"] = json::array({config.architecture.empty() ? default_architecture(config.model_type)
                                                                   : config.architecture});
  out["model_type"] = config.model_type;
  out["vocab_size"] = config.vocab_size;
  out["hidden_size"] = config.hidden_size;
  out["intermediate_size"] = config.intermediate_size;
  out["num_hidden_layers"] = config.num_hidden_layers;
  out["num_attention_heads"] = config.num_attention_heads;
  out["num_key_value_heads"] = config.num_key_value_heads;
  // Qwen2 before transformers 4.5x derives head_dim itself: write it only where it is read.
  if (!is_qwen2 || config.head_dim * config.num_attention_heads != config.hidden_size)
    out["head_dim"] = config.head_dim;
  out["hidden_act"] = config.hidden_act;
  out["rms_norm_eps"] = config.rms_norm_eps;
  out["rope_theta"] = config.rope_theta;
  if (config.rope_scaling.type.empty()) {
    out["rope_scaling"] = nullptr;
  } else {
    json scaling = {{"rope_type", config.rope_scaling.type}, {"factor", config.rope_scaling.factor}};
    if (config.rope_scaling.type == "llama3") {
      scaling["low_freq_factor"] = config.rope_scaling.low_freq_factor;
      scaling["high_freq_factor"] = config.rope_scaling.high_freq_factor;
      scaling["original_max_position_embeddings"] = config.rope_scaling.original_max_position_embeddings;
    }
    out["rope_scaling"] = scaling;
  }
  out["max_position_embeddings"] = config.max_position_embeddings;
  out["tie_word_embeddings"] = config.tie_word_embeddings;
  if (is_llama) {
    out["attention_bias"] = config.attention_bias;
    out["mlp_bias"] = config.mlp_bias;
  }
  if (is_mistral) out["sliding_window"] = config.sliding_window > 0 ? json(config.sliding_window) : json(nullptr);
  if (is_qwen2) {
    const bool sliding = config.sliding_window > 0;
    out["use_sliding_window"] = sliding;
    out["sliding_window"] = sliding ? json(config.sliding_window) : json(nullptr);
    out["max_window_layers"] = sliding ? 0 : config.num_hidden_layers;
  }
  out["attention_dropout"] = 0.0;
  out["initializer_range"] = 0.02;
  out["use_cache"] = true;
  out["torch_dtype"] = config.torch_dtype;
  auto ids = [](const std::vector<int64_t>& list) {
    if (list.empty()) return json(nullptr);
    if (list.size() == 1) return json(list[0]);
    return json(list);
  };
  out["bos_token_id"] = ids(config.bos_token_ids);
  out["eos_token_id"] = ids(config.eos_token_ids);
  return out.dump(2) + "\n";
}

}  // namespace lora
