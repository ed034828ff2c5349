#pragma once
// PEFT LoRA adapters: adapter_config.json (which modules, rank, alpha, rsLoRA, dropout, per-module
// rank/alpha patterns, layers_to_transform) and adapter_model.safetensors with PEFT's keys
// "base_model.model.<module path>.lora_A.weight" / ".lora_B.weight".
// Module matching follows PEFT's check_target_module_exists and get_pattern_key.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lora {

// A set of module paths as PEFT writes it: a list of names (a module matches when its path equals
// a name or ends with ".name") or one Python-style regex that the whole path must match.
struct ModuleSelector {
  std::vector<std::string> names;
  std::string regex;
  bool is_regex = false;
  bool empty() const { return !is_regex && names.empty(); }
};

struct LoraConfig {
  // "all-linear" (any case) as regex is PEFT's shorthand for every linear layer except lm_head.
  ModuleSelector target_modules;
  ModuleSelector exclude_modules;  // newer PEFT; empty = none
  int64_t r = 8;
  double lora_alpha = 8;
  double lora_dropout = 0.0;
  bool use_rslora = false;                      // scaling alpha/sqrt(r) instead of alpha/r
  bool use_dora = false;                        // DoRA: each module also has a lora_magnitude_vector [out]
  std::map<std::string, int64_t> rank_pattern;  // key (matched as a path suffix regex) -> rank
  std::map<std::string, double> alpha_pattern;  // key -> alpha
  std::vector<int64_t> layers_to_transform;     // empty = every layer (applies to a target list only, as in PEFT)
  std::vector<std::string> layers_pattern;      // empty = any "<name>.<index>." in the path
  std::string base_model_name_or_path;
  std::string task_type = "CAUSAL_LM";
  bool inference_mode = true;
};

// Parses adapter_config.json text. Throws lora::Error naming `source` and the field when peft_type
// is not LORA, a field is missing or has the wrong type, or the adapter needs what this engine
// does not run (bias other than "none", modules_to_save, layer_replication, lora_bias).
LoraConfig parse_lora_config(const std::string& json_text, const std::string& source);
LoraConfig load_lora_config(const std::string& adapter_dir);  // <dir>/adapter_config.json
// adapter_config.json as PEFT writes it: every field, keys sorted, indent 2.
std::string lora_config_to_json(const LoraConfig& config);

// PEFT's matching for a module path such as "model.layers.0.self_attn.q_proj". is_output_layer
// marks lm_head, which "all-linear" leaves out.
bool lora_targets_module(const LoraConfig& config, const std::string& module_path, bool is_output_layer = false);
int64_t lora_rank_for(const LoraConfig& config, const std::string& module_path);
double lora_alpha_for(const LoraConfig& config, const std::string& module_path);
double lora_scaling_for(const LoraConfig& config, const std::string& module_path);  // alpha/r or alpha/sqrt(r)

// "base_model.model.<module_path>.lora_A.weight" (factor 'A') / ".lora_B.weight" (factor 'B').
std::string peft_lora_key(const std::string& module_path, char factor);

// "base_model.model.<module_path>.lora_magnitude_vector": DoRA's magnitude as PEFT saves it (no
// ".weight" suffix).
std::string peft_magnitude_key(const std::string& module_path);

struct LoraFactors {
  at::Tensor A;  // [r, in]
  at::Tensor B;  // [out, r]
  at::Tensor magnitude;  // [out], DoRA only (undefined for plain LoRA)
};

// Reads <dir>/adapter_model.safetensors into module path -> factors (CPU tensors in the file's dtype),
// with DoRA's magnitude where the file has "<module>.lora_magnitude_vector" (older PEFT:
// ".lora_magnitude_vector.weight"; 1-D). Whether every module must have one (use_dora) is the
// caller's check against adapter_config.json.
// Throws lora::Error naming the file and key for a key that is not a LoRA factor of a module, a
// module with only one of its two factors, or a non-floating dtype.
std::map<std::string, LoraFactors> read_lora_weights(const std::string& adapter_dir);

// Writes an adapter folder (adapter_config.json + adapter_model.safetensors), each file atomically.
// tensors: PEFT keys -> tensors (any device/dtype; written in their dtype, contiguous, on the CPU).
void write_lora_adapter(const std::string& adapter_dir, const LoraConfig& config,
                        const std::vector<std::pair<std::string, at::Tensor>>& tensors);

}  // namespace lora
