#include "gguf_size_estimate.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

#include "checkpoint.h"
#include "dtype.h"
#include "error.h"
#include "export_messages.h"
#include "gguf_names.h"
#include "gguf_tokenizer_metadata.h"
#include "gguf_writer.h"
#include "merged_weights.h"
#include "model_config.h"
#include "model_family.h"
#include "safetensors.h"
#include "tokenizer.h"
#include "training_prompt_file.h"

namespace lora::gguf {
namespace {

namespace fs = std::filesystem;

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string config_path_of(const std::string& model_dir) { return (fs::path(model_dir) / "config.json").string(); }

void check_model_folder(const std::string& model_dir) {
  std::error_code ec;
  if (model_dir.empty() || !fs::is_directory(model_dir, ec)) throw Error(msg::Export::model_folder_missing, model_dir);
  if (!fs::exists(config_path_of(model_dir), ec)) throw Error(msg::Export::model_folder_no_config, model_dir);
}

struct Planned {
  std::string name;
  std::vector<int64_t> shape;
  int layer = -1;
};

// Values of the right size for keys the estimate does not compute (hyperparameters, general.*):
// a few hundred bytes, next to a tokenizer of hundreds of kilobytes.
void add_model_keys(GgufWriter& writer, const std::string& arch, ExportType type, const std::string& model_dir) {
  writer.add_string("general.architecture", arch);
  writer.add_string("general.type", "model");
  writer.add_string("general.name", fs::path(model_dir).filename().string());
  for (const char* key : {"block_count", "context_length", "embedding_length", "feed_forward_length",
                          "attention.head_count", "attention.head_count_kv", "attention.key_length",
                          "attention.value_length", "vocab_size", "rope.dimension_count"})
    writer.add_uint32(arch + "." + key, 0);
  writer.add_float32(arch + ".rope.freq_base", 0);
  writer.add_float32(arch + ".attention.layer_norm_rms_epsilon", 0);
  writer.add_uint32("general.file_type", file_type_number(type));
  writer.add_uint32("general.quantization_version", 2);
}

void count_type(GgufSizeEstimate& estimate, TensorType type) { ++estimate.tensors_by_type[tensor_type_traits(type).name]; }

}  // namespace

ExportType default_gguf_type(const std::string& model_dir) {
  check_model_folder(model_dir);
  const ModelConfig config = load_model_config(config_path_of(model_dir));
  const Checkpoint checkpoint = Checkpoint::open(model_dir);
  const WeightLayout layout = detect_weight_layout(config, [&](const std::string& name) { return checkpoint.contains(name); });
  if (checkpoint.contains(layout.embedding()) && std::string(dtype_name(checkpoint.info(layout.embedding()).dtype)) == "BF16")
    return ExportType::bf16;
  return ExportType::f16;
}

GgufSizeEstimate estimate_model_gguf_size(const std::string& model_dir, const std::string& adapter_dir,
                                          std::optional<ExportType> type) {
  check_model_folder(model_dir);
  const std::string config_path = config_path_of(model_dir);
  GgufSizeEstimate estimate;
  estimate.type = type ? *type : default_gguf_type(model_dir);

  // The tensors as gguf_model_export.cpp names them (the merged model's when there is an adapter).
  ModelConfig config;
  WeightLayout layout;
  std::vector<std::string> names;
  std::function<std::vector<int64_t>(const std::string&)> shape_of;
  bool has_output = false;
  std::string trained_template;
  auto checkpoint = std::make_shared<Checkpoint>(Checkpoint::open(model_dir));
  if (adapter_dir.empty()) {
    config = load_model_config(config_path);
    layout = detect_weight_layout(config, [&](const std::string& name) { return checkpoint->contains(name); });
    names = checkpoint->names();
    shape_of = [checkpoint](const std::string& name) { return checkpoint->info(name).shape; };
    has_output = !config.tie_word_embeddings && checkpoint->contains(layout.lm_head_weight());
  } else {
    std::shared_ptr<MergedWeights> merged = MergedWeights::open(model_dir, adapter_dir);
    config = merged->config();
    layout = merged->layout();
    names = merged->names();
    shape_of = [merged](const std::string& name) { return merged->shape(name); };
    const bool head_in_names = std::find(names.begin(), names.end(), layout.lm_head_weight()) != names.end();
    has_output = head_in_names && (!config.tie_word_embeddings || merged->untied_lm_head());
    trained_template = merged->trained_chat_template();
  }
  const std::string arch = gguf_architecture(config);
  if (arch.empty()) throw Error(msg::Export::gguf_unknown_architecture, config_path, config.model_type);

  const std::string decoder = layout.decoder + ".";
  std::vector<Planned> planned;
  for (const std::string& name : names) {
    if (is_foreign_tensor(config, name) || ends_with(name, "rotary_emb.inv_freq")) continue;
    Planned tensor;
    if (name == layout.lm_head_weight()) {
      if (!has_output) continue;
      tensor.name = "output.weight";
    } else if (name == layout.embedding()) {
      tensor.name = "token_embd.weight";
    } else if (starts_with(name, decoder + "norm.")) {
      tensor.name = "output_norm." + name.substr(decoder.size() + 5);
    } else if (starts_with(name, decoder + "layers.")) {
      const std::string rest = name.substr(decoder.size() + 7);
      const size_t dot = rest.find('.');
      const std::string mapped = dot == std::string::npos ? "" : gguf_block_tensor_name(rest.substr(dot + 1), arch);
      if (mapped.empty()) throw Error(msg::Export::gguf_unknown_tensor, model_dir, name, arch);
      tensor.layer = std::stoi(rest.substr(0, dot));
      tensor.name = "blk." + rest.substr(0, dot) + "." + mapped;
    } else {
      throw Error(msg::Export::gguf_unknown_tensor, model_dir, name, arch);
    }
    tensor.shape = shape_of(name);
    planned.push_back(std::move(tensor));
  }
  if (arch == "llama" && config.rope_scaling.type == "llama3") planned.push_back({"rope_freqs.weight", {config.head_dim / 2}, -1});
  if (arch == "phi3" && config.rope_scaling.type == "longrope" && !config.rope_scaling.long_factor.empty()) {
    const auto length = static_cast<int64_t>(config.rope_scaling.long_factor.size());
    planned.push_back({"rope_factors_long.weight", {length}, -1});
    planned.push_back({"rope_factors_short.weight", {length}, -1});
  }
  // The export's order: the attn_v counters of llama-quantize's mixture depend on it.
  std::stable_sort(planned.begin(), planned.end(), [](const Planned& a, const Planned& b) {
    if (a.layer != b.layer) return a.layer < b.layer;
    return a.name < b.name;
  });
  auto is_attn_v = [](const std::string& name) {
    return name.find("attn_v.weight") != std::string::npos || name.find("attn_qkv.weight") != std::string::npos;
  };
  const int attn_v_count = static_cast<int>(std::count_if(planned.begin(), planned.end(),
                                                          [&](const Planned& tensor) { return is_attn_v(tensor.name); }));

  GgufWriter writer;
  add_model_keys(writer, arch, estimate.type, model_dir);
  const std::unique_ptr<Tokenizer> tokenizer = Tokenizer::load(model_dir);
  TokenizerMetadataOptions tokenizer_options;
  tokenizer_options.model_dir = model_dir;
  tokenizer_options.vocab_size = config.vocab_size;
  tokenizer_options.chat_template = trained_template;
  tokenizer_options.config_bos_ids = config.bos_token_ids;
  tokenizer_options.config_eos_ids = config.eos_token_ids;
  write_tokenizer_metadata(writer, *tokenizer, tokenizer_options);

  int attn_v_index = 0;
  for (const Planned& tensor : planned) {
    TensorPlacement placement;
    placement.name = tensor.name;
    placement.torch_shape = tensor.shape;
    placement.layer = tensor.layer;
    placement.layer_count = static_cast<int>(config.num_hidden_layers);
    placement.attn_v_index = attn_v_index;
    placement.attn_v_count = attn_v_count;
    placement.model_has_output = has_output;
    const TensorType tensor_type = choose_tensor_type(estimate.type, placement);
    if (is_attn_v(tensor.name)) ++attn_v_index;
    writer.add_tensor(tensor.name, tensor.shape, tensor_type, [](const ByteSink&) {});
    estimate.tensor_bytes += tensor_bytes(tensor_type, tensor.shape);
    count_type(estimate, tensor_type);
  }
  estimate.tensors = static_cast<int64_t>(planned.size());
  estimate.file_size = writer.file_size();
  return estimate;
}

GgufSizeEstimate estimate_lora_gguf_size(const std::string& adapter_dir, const std::string& type) {
  GgufSizeEstimate estimate;
  estimate.type = type == "f16" ? ExportType::f16 : ExportType::f32;
  const TensorType tensor_type = type == "f16" ? TensorType::f16 : TensorType::f32;
  const auto weights = SafetensorsFile::open((fs::path(adapter_dir) / "adapter_model.safetensors").string());
  GgufWriter writer;
  for (const char* key : {"general.architecture", "general.type", "adapter.type", "general.name"})
    writer.add_string(key, "adapter-name");
  writer.add_float32("adapter.lora.alpha", 0);
  int index = 0;
  for (const TensorInfo& info : weights->tensors()) {
    // llama.cpp's names are about as long as "blk.NN.attn_q.weight.lora_a"; the exact ones need the base model.
    writer.add_tensor("blk." + std::to_string(index++) + ".ffn_gate.weight.lora_a", info.shape, tensor_type,
                      [](const ByteSink&) {});
    estimate.tensor_bytes += tensor_bytes(tensor_type, info.shape);
    count_type(estimate, tensor_type);
  }
  estimate.tensors = index;
  estimate.file_size = writer.file_size();
  return estimate;
}

}  // namespace lora::gguf
