#include "gguf_model_plan.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "checkpoint.h"
#include "dtype.h"
#include "error.h"
#include "export_messages.h"
#include "gguf_names.h"
#include "merged_weights.h"
#include "string_affix.h"

namespace lora::gguf {
namespace {

namespace fs = std::filesystem;

bool is_attn_v(const std::string& gguf_name) {
  return gguf_name.find("attn_v.weight") != std::string::npos || gguf_name.find("attn_qkv.weight") != std::string::npos;
}

}  // namespace

ModelWeightSource open_model_weights(const std::string& model_dir, const std::string& adapter_dir) {
  ModelWeightSource source;
  std::error_code ec;
  if (model_dir.empty() || !fs::is_directory(model_dir, ec)) throw Error(msg::Export::model_folder_missing, model_dir);
  source.model_dir = model_dir;
  source.config_path = (fs::path(model_dir) / "config.json").string();
  if (!fs::exists(source.config_path, ec)) throw Error(msg::Export::model_folder_no_config, model_dir);
  auto checkpoint = std::make_shared<Checkpoint>(Checkpoint::open(model_dir));
  if (adapter_dir.empty()) {
    source.config = load_model_config(source.config_path);
    source.layout = detect_weight_layout(source.config, [&](const std::string& name) { return checkpoint->contains(name); });
    source.names = checkpoint->names();
    source.shape = [checkpoint](const std::string& name) { return checkpoint->info(name).shape; };
    source.tensor = [checkpoint](const std::string& name) { return checkpoint->tensor(name).to(at::kFloat); };
    source.has_output = !source.config.tie_word_embeddings && checkpoint->contains(source.layout.lm_head_weight());
  } else {
    std::shared_ptr<MergedWeights> merged = MergedWeights::open(model_dir, adapter_dir);
    source.config = merged->config();
    source.layout = merged->layout();
    source.names = merged->names();
    source.shape = [merged](const std::string& name) { return merged->shape(name); };
    source.tensor = [merged](const std::string& name) { return merged->tensor(name); };
    const bool head_in_names =
        std::find(source.names.begin(), source.names.end(), source.layout.lm_head_weight()) != source.names.end();
    source.has_output = head_in_names && (!source.config.tie_word_embeddings || merged->untied_lm_head());
    source.trained_template = merged->trained_chat_template();
    source.merged_modules = merged->merged_modules();
  }
  const std::string embedding = source.layout.embedding();
  if (checkpoint->contains(embedding)) source.embedding_dtype = dtype_name(checkpoint->info(embedding).dtype);
  return source;
}

std::string gguf_architecture_of(const ModelWeightSource& source) {
  std::string architecture = gguf_architecture(source.config);
  if (architecture.empty())
    throw Error(msg::Export::gguf_unknown_architecture, source.config_path, source.config.model_type);
  return architecture;
}

TokenizerMetadataOptions tokenizer_metadata_options(const ModelWeightSource& source) {
  TokenizerMetadataOptions options;
  options.model_dir = source.model_dir;
  options.vocab_size = source.config.vocab_size;
  options.chat_template = source.trained_template;
  options.config_bos_ids = source.config.bos_token_ids;
  options.config_eos_ids = source.config.eos_token_ids;
  return options;
}

ExportType default_export_type(const ModelWeightSource& source) {
  return source.embedding_dtype == dtype_name(DType::BF16) ? ExportType::bf16 : ExportType::f16;
}

std::vector<float> llama3_rope_divisors(double theta, int64_t head_dim, const RopeScaling& scaling) {
  const double low_wavelen = scaling.original_max_position_embeddings / scaling.low_freq_factor;
  const double high_wavelen = scaling.original_max_position_embeddings / scaling.high_freq_factor;
  std::vector<float> divisors;
  for (int64_t i = 0; i < head_dim; i += 2) {
    const float exponent = static_cast<float>(i) / static_cast<float>(head_dim);
    const float freq = 1.0f / std::pow(static_cast<float>(theta), exponent);
    const double wavelen = 2 * M_PI / freq;
    if (wavelen < high_wavelen) {
      divisors.push_back(1.0f);
    } else if (wavelen > low_wavelen) {
      divisors.push_back(static_cast<float>(scaling.factor));
    } else {
      const double smooth = (scaling.original_max_position_embeddings / wavelen - scaling.low_freq_factor) /
                            (scaling.high_freq_factor - scaling.low_freq_factor);
      divisors.push_back(static_cast<float>(1 / ((1 - smooth) / scaling.factor + smooth)));
    }
  }
  return divisors;
}

std::vector<PlannedTensor> plan_model_tensors(const ModelWeightSource& source, const std::string& arch, ExportType type) {
  const ModelConfig& config = source.config;
  const std::string decoder = source.layout.decoder + ".";
  std::vector<PlannedTensor> planned;
  for (const std::string& name : source.names) {
    if (is_foreign_tensor(config, name) || ends_with(name, "rotary_emb.inv_freq")) continue;
    PlannedTensor tensor;
    tensor.source = name;
    if (name == source.layout.lm_head_weight()) {
      if (!source.has_output) continue;
      tensor.name = "output.weight";
    } else if (name == source.layout.embedding()) {
      tensor.name = "token_embd.weight";
    } else if (starts_with(name, decoder + "norm.")) {
      tensor.name = "output_norm." + name.substr(decoder.size() + 5);
    } else if (starts_with(name, decoder + "layers.")) {
      const std::string rest = name.substr(decoder.size() + 7);
      const size_t dot = rest.find('.');
      const std::string mapped = dot == std::string::npos ? "" : gguf_block_tensor_name(rest.substr(dot + 1), arch);
      if (mapped.empty()) throw Error(msg::Export::gguf_unknown_tensor, source.model_dir, name, arch);
      tensor.layer = std::stoi(rest.substr(0, dot));
      tensor.name = "blk." + rest.substr(0, dot) + "." + mapped;
    } else {
      throw Error(msg::Export::gguf_unknown_tensor, source.model_dir, name, arch);
    }
    tensor.shape = source.shape(name);
    planned.push_back(std::move(tensor));
  }
  // Tensors llama.cpp reads that the checkpoint does not hold: the export computes their values.
  auto add_computed = [&](const char* name, int64_t length) {
    PlannedTensor tensor;
    tensor.name = name;
    tensor.shape = {length};
    planned.push_back(std::move(tensor));
  };
  if (arch == "llama" && config.rope_scaling.type == "llama3") add_computed("rope_freqs.weight", config.head_dim / 2);
  if (arch == "phi3" && config.rope_scaling.type == "longrope" && !config.rope_scaling.long_factor.empty()) {
    add_computed("rope_factors_long.weight", static_cast<int64_t>(config.rope_scaling.long_factor.size()));
    add_computed("rope_factors_short.weight", static_cast<int64_t>(config.rope_scaling.short_factor.size()));
  }
  std::stable_sort(planned.begin(), planned.end(), [](const PlannedTensor& a, const PlannedTensor& b) {
    if (a.layer != b.layer) return a.layer < b.layer;
    return a.name < b.name;
  });

  const int attn_v_count = static_cast<int>(
      std::count_if(planned.begin(), planned.end(), [](const PlannedTensor& tensor) { return is_attn_v(tensor.name); }));
  int attn_v_index = 0;
  for (PlannedTensor& tensor : planned) {
    TensorPlacement placement;
    placement.name = tensor.name;
    placement.torch_shape = tensor.shape;
    placement.layer = tensor.layer;
    placement.layer_count = static_cast<int>(config.num_hidden_layers);
    placement.attn_v_index = attn_v_index;
    placement.attn_v_count = attn_v_count;
    placement.model_has_output = source.has_output;
    tensor.type = choose_tensor_type(type, placement);
    if (is_attn_v(tensor.name)) ++attn_v_index;
  }
  return planned;
}

}  // namespace lora::gguf
