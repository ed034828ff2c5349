#pragma once
// The model families the engine runs, one description each: which config.json model_type values a
// family reads, how it parses and writes its config (model_family_<name>.cpp), where its weights
// live in a checkpoint, which tensors of a checkpoint are not the language model's, and which
// linear layers LoRA can target. The config reader, the loader, the transformer (through the
// structure fields of ModelConfig), LoRA target discovery, merge, the tiny-model maker and the
// Models page all ask here, so a new family is one model_family_<name>.cpp plus one line in
// model_family.cpp's list (and its tests).
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <utility>
#include <vector>

#include "model_config.h"

namespace lora {

class JsonFields;

// Where the language model's weights are in a checkpoint; the module tree uses the same paths, so
// its parameter names are the checkpoint keys and its LoRA keys are PEFT's.
struct WeightLayout {
  std::string decoder = "model";   // prefix of embed_tokens, layers.N, norm
  std::string lm_head = "lm_head"; // the output head (absent from the file when tied)
  std::string embedding() const { return decoder + ".embed_tokens.weight"; }
  std::string lm_head_weight() const { return lm_head + ".weight"; }
};

struct ModelFamily {
  std::string name;                      // "gemma3"
  std::string display_name;              // "Gemma 3", for the window
  std::vector<std::string> model_types;  // the config.json model_type values it reads, e.g. {"gemma3_text", "gemma3"}
  // Reads config.json (its whole object) into `config`; config.model_type is already set.
  std::function<void(const JsonFields& root, ModelConfig& config)> parse;
  // Writes the config.json object transformers would write for `config`. Throws lora::Error when
  // the config holds something this family's file cannot express.
  std::function<void(const ModelConfig& config, nlohmann::json& out)> write;
  // The weight layouts a checkpoint of this model_type may use, the one to write new files in first
  // (Gemma 3 multimodal: transformers >= 4.52's and the original hub layout).
  std::function<std::vector<WeightLayout>(const ModelConfig& config)> layouts;
  // Tensor name prefixes of parts that are not the language model (a vision tower): loading skips
  // them, merging copies them unchanged.
  std::function<std::vector<std::string>(const ModelConfig& config)> foreign_prefixes;
  // The linear layers of a decoder layer, by PEFT target name, in module order.
  std::function<std::vector<std::string>(const ModelConfig& config)> lora_targets;
  // Names other families use for a layer this one has fused: {"q_proj", "qkv_proj"}, ... A new
  // adapter asked for "q_proj" on Phi-3 gets "qkv_proj" (the adapter records the fused name).
  std::vector<std::pair<std::string, std::string>> target_aliases;
};

// Every family, in the order they are listed to the user.
const std::vector<const ModelFamily*>& model_families();
// nullptr when no family reads `model_type`.
const ModelFamily* find_model_family(const std::string& model_type);
// Throws lora::Error "<source>: model_type \"X\" is not supported (supported: llama, qwen2, ...)".
const ModelFamily& model_family_for(const std::string& model_type, const std::string& source);
// "llama, qwen2, mistral, qwen3, gemma3_text, gemma3, phi3"
std::string supported_model_types();
// Every LoRA target name any family has ("q_proj", ..., "qkv_proj", "gate_up_proj"), for validating
// training settings before a model is loaded.
std::vector<std::string> all_lora_target_names();

// The layout of `config`'s family whose embedding `has_tensor` finds (the first layout when none
// does, so the error names the tensor a plain checkpoint would have).
WeightLayout detect_weight_layout(const ModelConfig& config, const std::function<bool(const std::string&)>& has_tensor);
// A module path written for another layout of the same family ("language_model.model.layers.0.mlp"
// in an adapter for a "model.language_model" checkpoint), moved to `layout`; unchanged otherwise.
std::string module_path_in_layout(const ModelConfig& config, const WeightLayout& layout, const std::string& path);
// True when `name` belongs to a part of the checkpoint that is not the language model.
bool is_foreign_tensor(const ModelConfig& config, const std::string& name);

}  // namespace lora
