#pragma once
// What the model_family_<name>.cpp files share: readers for the config.json fields most families
// have in common (with each family's defaults and rules), the common part of the writer, and the
// list of families. Internal to engine/core.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "error.h"
#include "json_reader.h"
#include "model_family.h"

namespace lora::family_support {

// Defaults of the size fields; 0 = the field is required.
struct SizeDefaults {
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;  // 0 = num_attention_heads
  int64_t head_dim = 0;             // 0 = hidden_size / num_attention_heads
};

// architectures[0], or `fallback` when absent.
void read_architecture(const JsonFields& fields, const std::string& fallback, ModelConfig& config);
// vocab_size, hidden_size, intermediate_size, num_hidden_layers, num_attention_heads,
// num_key_value_heads, head_dim, with their consistency checks.
void read_sizes(const JsonFields& fields, const SizeDefaults& defaults, ModelConfig& config);

struct RopeRules {
  double default_theta = 10000.0;
  std::vector<std::string> scaling_types = {"linear", "llama3"};  // accepted besides "default"
  // Older names of a kind: {"su", "longrope"} reads "su" as "longrope".
  std::vector<std::pair<std::string, std::string>> type_aliases;
  bool partial_rotary = false;  // partial_rotary_factor other than 1 is accepted
  // rope_parameters may give sliding_attention layers their own dict (into sliding_rope_*).
  bool per_layer_type = false;
  // Where a longrope dict without original_max_position_embeddings takes it from (0: max_position_embeddings).
  int64_t original_max_position_embeddings = 0;
};
// rope_theta, rope_scaling / rope_parameters, partial_rotary_factor. Needs max_position_embeddings
// read first (llama3 and longrope fall back to it).
void read_rope(const JsonFields& fields, const RopeRules& rules, ModelConfig& config);
// "dtype" (transformers 5) or "torch_dtype"; float32 when absent.
void read_dtype(const JsonFields& fields, ModelConfig& config);
// The activation in `key` ("swish" is read as "silu"); an error lists `supported`.
void read_activation(const JsonFields& fields, const char* key, const std::string& fallback,
                     const std::vector<std::string>& supported, ModelConfig& config);
// layer_types: a list of "full_attention" / "sliding_attention", one per layer.
std::vector<std::string> read_layer_types(const JsonFields& fields, int64_t num_layers);
// The bos/eos ids with the class defaults for absent ones.
void read_token_ids(const JsonFields& fields, std::vector<int64_t> bos_default, std::vector<int64_t> eos_default,
                    ModelConfig& config);

// The fields every family writes the same way: architectures, model_type, the sizes, head_dim,
// hidden_act, rms_norm_eps, rope_theta, rope_scaling, max_position_embeddings, tie_word_embeddings,
// attention_dropout, initializer_range, use_cache, torch_dtype, bos/eos_token_id.
nlohmann::json write_common(const ModelConfig& config, const std::string& default_architecture);
nlohmann::json rope_scaling_json(const RopeScaling& scaling);  // null for none
nlohmann::json token_ids_json(const std::vector<int64_t>& ids);

// The Llama decoder's common fields, in the order the checks run: architectures, the sizes (with
// `sizes`' defaults; Llama's are all required), hidden_act (silu), rms_norm_eps (1e-6),
// max_position_embeddings (default_context), RoPE (linear / llama3), tie_word_embeddings (false).
// Llama, Qwen2, Mistral and Qwen3 add their own after it.
void read_llama_like(const JsonFields& fields, const std::string& default_architecture, int64_t default_context,
                     ModelConfig& config, const SizeDefaults& sizes = SizeDefaults{});
// The bias layout config.json's attention_bias and mlp_bias describe: attention_bias on q/k/v/o,
// mlp_bias on gate/up/down.
void set_bias_layout(ModelConfig& config, bool attention_bias, bool mlp_bias);

// The families (one file each).
const ModelFamily& llama_family();
const ModelFamily& qwen2_family();
const ModelFamily& mistral_family();
const ModelFamily& qwen3_family();
const ModelFamily& gemma3_family();
const ModelFamily& phi3_family();

// "on" / "off", for the writers' refusals of bias layouts their config.json cannot express.
Message bias_state(bool on);

// A plain single-decoder layout: "model" + "lm_head".
std::vector<WeightLayout> standard_layouts(const ModelConfig&);
std::vector<std::string> no_foreign_prefixes(const ModelConfig&);
// q/k/v/o_proj and gate/up/down_proj.
std::vector<std::string> llama_lora_targets(const ModelConfig&);
// A family of the plain decoder's parts (standard_layouts, no_foreign_prefixes, llama_lora_targets)
// with its names and readers.
ModelFamily plain_decoder_family(const std::string& name, const std::string& display_name,
                                 const std::vector<std::string>& model_types, decltype(ModelFamily::parse) parse,
                                 decltype(ModelFamily::write) write);

}  // namespace lora::family_support
