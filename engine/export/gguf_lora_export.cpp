#include "gguf_lora_export.h"

#include "gguf_names.h"
#include "shape_text.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "checkpoint.h"
#include "error.h"
#include "export_messages.h"
#include "lora_adapter.h"
#include "model_family.h"
#include "model_messages.h"
#include "string_affix.h"

namespace lora::gguf {
namespace {

namespace fs = std::filesystem;

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

// Decoder-layer linear modules and the llama.cpp tensor each becomes (gguf-py's tensor_mapping.py for
// these families). Phi-3's fused gate_up_proj is llama.cpp's ffn_up, split there at run time as
// transformers splits it ([gate; up] rows).
// The family's layouts, the one `has_tensor` finds first.
std::vector<WeightLayout> layouts_of(const ModelConfig& config) {
  const ModelFamily* family = find_model_family(config.model_type);
  return family ? family->layouts(config) : std::vector<WeightLayout>{WeightLayout{}};
}

// PEFT's target matching for a path in this checkpoint's layout or in the family's other layouts (an
// adapter's regex may name the layout of the transformers version it was trained with).
bool targets(const LoraConfig& lora_config, const ModelConfig& model_config, const std::string& path,
             bool is_output_layer) {
  if (lora_targets_module(lora_config, path, is_output_layer)) return true;
  for (const WeightLayout& layout : layouts_of(model_config)) {
    const std::string moved = module_path_in_layout(model_config, layout, path);
    if (moved != path && lora_targets_module(lora_config, moved, is_output_layer)) return true;
  }
  return false;
}

// convert_hf_to_gguf.py's LlamaModel.permute on the rows of `rows` ([n_head * head_dim, ...]): within
// each head the rotary halves are interleaved, (head, 2, head_dim/2) -> (head, head_dim/2, 2), because
// llama.cpp's llama architecture rotates adjacent pairs where transformers rotates halves.
at::Tensor permute_rows_for_rope(const at::Tensor& rows, int64_t n_head) {
  const int64_t n_rows = rows.size(0);
  return rows.reshape({n_head, 2, n_rows / n_head / 2, rows.size(1)}).transpose(1, 2).reshape({n_rows, rows.size(1)})
      .contiguous();
}

struct PlannedPair {
  std::string module_path;  // in the checkpoint's layout
  std::string adapter_path;  // as the adapter file names it
  std::string gguf_name;    // "blk.3.attn_q.weight"
  const LoraFactors* factors = nullptr;
  int64_t rope_heads = 0;   // > 0: lora_b's rows permuted for that many heads
  double b_factor = 1.0;    // multiplies lora_b (rank/alpha pattern scaling)
};

void check_folder(const std::string& dir, bool is_model) {
  std::error_code ec;
  if (dir.empty()) throw Error(is_model ? msg::Model::merge_no_model_folder : msg::Model::merge_no_adapter_folder);
  if (!fs::is_directory(dir, ec)) {
    if (is_model)
      throw Error(fs::exists(dir, ec) ? msg::Model::merge_model_not_a_folder : msg::Model::merge_model_missing, dir);
    throw Error(fs::exists(dir, ec) ? msg::Model::merge_adapter_not_a_folder : msg::Model::merge_adapter_missing, dir);
  }
}

// Modules target_modules selects that are not linear layers (the embedding, norms, whole blocks).
void refuse_non_linear_targets(const LoraConfig& lora_config, const ModelConfig& model_config,
                               const Checkpoint& checkpoint, const WeightLayout& layout,
                               const std::string& adapter_config_file) {
  std::string regex = lora_config.target_modules.regex;
  std::transform(regex.begin(), regex.end(), regex.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lora_config.target_modules.is_regex && regex == "all-linear") return;
  std::set<std::string> modules;
  for (const std::string& name : checkpoint.names())
    for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1))
      modules.insert(name.substr(0, dot));
  for (const std::string& module : modules) {
    if (is_foreign_tensor(model_config, module + ".")) continue;
    const bool linear = module == layout.lm_head ||
                        (ends_with(module, "_proj") && checkpoint.contains(module + ".weight") &&
                         checkpoint.info(module + ".weight").shape.size() == 2);
    if (!linear && targets(lora_config, model_config, module, /*is_output_layer=*/false))
      throw Error(msg::Export::lora_gguf_target_not_linear, adapter_config_file, module);
  }
}

}  // namespace

std::string llama_cpp_architecture(const ModelConfig& config) { return gguf_architecture(config); }

std::string llama_cpp_linear_name(const ModelConfig& config, const std::string& module_path) {
  for (const WeightLayout& layout : layouts_of(config)) {
    if (module_path == layout.lm_head) return "output";
    const std::string prefix = layout.decoder + ".layers.";
    if (!starts_with(module_path, prefix)) continue;
    const size_t dot = module_path.find('.', prefix.size());
    if (dot == std::string::npos || dot == prefix.size()) continue;
    const std::string index = module_path.substr(prefix.size(), dot - prefix.size());
    if (!std::all_of(index.begin(), index.end(), [](unsigned char c) { return std::isdigit(c); })) continue;
    // Only linear layers: their GGUF names are those of their weights without ".weight".
    const std::string name = gguf_block_tensor_name(module_path.substr(dot + 1) + ".weight", llama_cpp_architecture(config));
    if (starts_with(name, "attn_") || starts_with(name, "ffn_")) {
      if (name.find("norm") == std::string::npos)
        return "blk." + std::to_string(std::stoll(index)) + "." + name.substr(0, name.size() - std::string(".weight").size());
    }
  }
  return "";
}

LoraExportResult export_lora_gguf(const LoraExportOptions& options, const WriteCallbacks& callbacks) {
  check_folder(options.model_dir, /*is_model=*/true);
  check_folder(options.adapter_dir, /*is_model=*/false);
  if (options.output_path.empty()) throw Error(msg::Export::lora_gguf_no_output);
  std::error_code ec;
  if (fs::is_directory(options.output_path, ec)) throw Error(msg::Export::lora_gguf_output_is_folder, options.output_path);
  const std::string type_name = options.type.empty() ? "f32" : options.type;
  if (type_name != "f32" && type_name != "f16") throw Error(msg::Export::lora_gguf_type, type_name);
  const TensorType tensor_type = type_name == "f16" ? TensorType::f16 : TensorType::f32;

  const std::string config_path = (fs::path(options.model_dir) / "config.json").string();
  if (!fs::exists(config_path, ec)) throw Error(msg::Model::folder_no_config_json, options.model_dir);
  const ModelConfig model_config = load_model_config(config_path);
  const std::string architecture = llama_cpp_architecture(model_config);
  if (architecture.empty()) throw Error(msg::Export::lora_gguf_architecture, config_path, model_config.model_type);
  const Checkpoint checkpoint = Checkpoint::open(options.model_dir);
  const WeightLayout layout =
      detect_weight_layout(model_config, [&](const std::string& name) { return checkpoint.contains(name); });

  const LoraConfig lora_config = load_lora_config(options.adapter_dir);
  // llama.cpp applies a LoRA GGUF as W + scale·B·A; DoRA's per-row magnitude has no place in it.
  if (lora_config.use_dora)
    throw Error(msg::Export::lora_gguf_dora_unsupported, (fs::path(options.adapter_dir) / "adapter_config.json").string());
  const std::string adapter_file = (fs::path(options.adapter_dir) / "adapter_model.safetensors").string();
  const std::string adapter_config_file = (fs::path(options.adapter_dir) / "adapter_config.json").string();
  std::map<std::string, LoraFactors> factors;
  std::map<std::string, std::string> adapter_paths;
  for (auto& [path, pair] : read_lora_weights(options.adapter_dir)) {
    const std::string moved = module_path_in_layout(model_config, layout, path);
    adapter_paths[moved] = path;
    factors[moved] = std::move(pair);
  }
  if (factors.empty()) throw Error(msg::Export::lora_gguf_no_tensors, adapter_file);
  refuse_non_linear_targets(lora_config, model_config, checkpoint, layout, adapter_config_file);

  // llama.cpp: scale = alpha / r with r = lora_b's ne[0] (the pair's own rank). One alpha for the file: the
  // one that gives the adapter's default modules PEFT's scaling.
  const double default_rank = static_cast<double>(lora_config.r);
  const float alpha = static_cast<float>(lora_config.use_rslora ? lora_config.lora_alpha * std::sqrt(default_rank)
                                                                : lora_config.lora_alpha);

  std::vector<PlannedPair> pairs;
  for (const auto& [path, pair] : factors) {
    const std::string key_a = peft_lora_key(adapter_paths.at(path), 'A');
    const bool is_head = path == layout.lm_head;
    const std::string weight_name = path + ".weight";
    if (is_head && model_config.tie_word_embeddings)
      throw Error(msg::Export::lora_gguf_tied_head, adapter_file, options.model_dir);
    const std::string gguf_base = llama_cpp_linear_name(model_config, path);
    if (!checkpoint.contains(weight_name) || checkpoint.info(weight_name).shape.size() != 2)
      throw Error(msg::Model::merge_tensor_not_linear, adapter_file, key_a, path, options.model_dir);
    if (gguf_base.empty()) throw Error(msg::Export::lora_gguf_module_unmapped, adapter_file, key_a, path);
    if (!targets(lora_config, model_config, path, is_head))
      throw Error(msg::Model::merge_tensor_not_selected, adapter_file, key_a, path);
    const std::vector<int64_t>& weight_shape = checkpoint.info(weight_name).shape;
    const int64_t rank = lora_rank_for(lora_config, path);
    const std::vector<int64_t> a_shape = {rank, weight_shape[1]}, b_shape = {weight_shape[0], rank};
    if (pair.A.sizes().vec() != a_shape)
      throw Error(msg::Model::merge_a_shape, adapter_file, key_a, shape_text(pair.A.sizes().vec()), shape_text(a_shape),
                  weight_name, shape_text(weight_shape));
    if (pair.B.sizes().vec() != b_shape)
      throw Error(msg::Model::merge_b_shape, adapter_file, peft_lora_key(adapter_paths.at(path), 'B'),
                  shape_text(pair.B.sizes().vec()), shape_text(b_shape), weight_name, shape_text(weight_shape));

    PlannedPair planned;
    planned.module_path = path;
    planned.adapter_path = adapter_paths.at(path);
    planned.gguf_name = gguf_base + ".weight";
    planned.factors = &pair;
    if (architecture == "llama") {
      if (ends_with(path, ".q_proj")) planned.rope_heads = model_config.num_attention_heads;
      if (ends_with(path, ".k_proj")) planned.rope_heads = model_config.num_key_value_heads;
    }
    const bool default_scaling = rank == lora_config.r && lora_alpha_for(lora_config, path) == lora_config.lora_alpha;
    if (!default_scaling) {
      // What llama.cpp will multiply by, computed as it does (float), against PEFT's scaling.
      const float llama_scale = alpha != 0.0f ? alpha / static_cast<float>(rank) : 1.0f;
      planned.b_factor = lora_scaling_for(lora_config, path) / static_cast<double>(llama_scale);
    }
    pairs.push_back(std::move(planned));
  }
  std::sort(pairs.begin(), pairs.end(), [](const PlannedPair& a, const PlannedPair& b) {
    // Layer order, as a state dict lists them.
    auto key = [](const std::string& name) {
      if (!starts_with(name, "blk.")) return std::make_pair(int64_t(1) << 40, name);
      const size_t dot = name.find('.', 4);
      return std::make_pair(static_cast<int64_t>(std::stoll(name.substr(4, dot - 4))), name.substr(dot));
    };
    return key(a.gguf_name) < key(b.gguf_name);
  });

  LoraExportResult result;
  result.output_path = options.output_path;
  result.architecture = architecture;
  result.alpha = alpha;
  result.type = type_name;
  result.modules = static_cast<int64_t>(pairs.size());
  for (const PlannedPair& pair : pairs) result.rescaled_modules += pair.b_factor != 1.0;
  if (lora_config.use_rslora) result.notes.emplace_back(msg::Export::lora_gguf_note_rslora, number_text(alpha));
  if (result.rescaled_modules > 0) result.notes.emplace_back(msg::Export::lora_gguf_note_patterns, result.rescaled_modules);

  GgufWriter writer;
  writer.add_string("general.architecture", architecture);
  writer.add_string("general.type", "adapter");
  writer.add_string("general.name", fs::path(options.adapter_dir).lexically_normal().filename().empty()
                                        ? fs::path(options.adapter_dir).lexically_normal().parent_path().filename().string()
                                        : fs::path(options.adapter_dir).lexically_normal().filename().string());
  writer.add_string("adapter.type", "lora");
  writer.add_float32("adapter.lora.alpha", alpha);
  writer.add_uint32("general.quantization_version", 2);  // gguf-py's GGML_QUANT_VERSION, as the converter writes

  const at::ScalarType scalar_type = tensor_type == TensorType::f16 ? at::kHalf : at::kFloat;
  auto emit = [scalar_type](const at::Tensor& tensor, const ByteSink& sink) {
    const at::Tensor out = tensor.to(scalar_type).contiguous();
    sink(out.data_ptr(), static_cast<size_t>(out.numel()) * out.element_size());
  };
  for (const PlannedPair& pair : pairs) {
    const LoraFactors* f = pair.factors;
    writer.add_tensor(pair.gguf_name + ".lora_a", f->A.sizes().vec(), tensor_type,
                      [f, emit](const ByteSink& sink) { emit(f->A.to(at::kFloat), sink); });
    const int64_t heads = pair.rope_heads;
    const double factor = pair.b_factor;
    writer.add_tensor(pair.gguf_name + ".lora_b", f->B.sizes().vec(), tensor_type,
                      [f, emit, heads, factor](const ByteSink& sink) {
                        at::Tensor b = f->B.to(at::kFloat);
                        // The ratio in double, one rounding to float32 (then to f16 when asked).
                        if (factor != 1.0) b = (f->B.to(at::kDouble) * factor).to(at::kFloat);
                        if (heads > 0) b = permute_rows_for_rope(b, heads);
                        emit(b, sink);
                      });
  }
  result.file_size = writer.file_size();
  writer.write(options.output_path, callbacks);
  return result;
}

std::string lora_export_result_to_json(const LoraExportResult& result) {
  nlohmann::ordered_json json;
  json["output"] = result.output_path;
  json["general.type"] = "adapter";
  json["architecture"] = result.architecture;
  json["alpha"] = result.alpha;
  json["type"] = result.type;
  json["modules"] = result.modules;
  json["rescaled_modules"] = result.rescaled_modules;
  json["file_size"] = result.file_size;
  json["notes"] = nlohmann::ordered_json::array();
  for (const Message& note : result.notes) json["notes"].push_back(note.english());
  return json.dump(2);
}

}  // namespace lora::gguf
