#include "model_info.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

#include "checkpoint.h"
#include "error.h"
#include "model_messages.h"
#include "model_config.h"
#include "model_family.h"
#include "string_affix.h"

namespace lora {

ModelInfo read_model_info(const std::string& model_dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(model_dir)) throw Error(msg::Model::folder_not_a_folder, model_dir);
  const fs::path dir(model_dir);
  if (!fs::exists(dir / "config.json")) throw Error(msg::Model::folder_no_config_json, model_dir);
  const ModelConfig config = load_model_config((dir / "config.json").string());
  const Checkpoint checkpoint = Checkpoint::open(model_dir);

  ModelInfo info;
  info.architecture = config.architecture;
  info.model_type = config.model_type;
  const ModelFamily& family = model_family_for(config.model_type, model_dir);
  info.family = family.display_name;
  info.lora_targets = family.lora_targets(config);
  const WeightLayout layout =
      detect_weight_layout(config, [&](const std::string& name) { return checkpoint.contains(name); });
  info.num_layers = config.num_hidden_layers;
  info.hidden_size = config.hidden_size;
  info.vocab_size = config.vocab_size;
  info.context_length = config.max_position_embeddings;
  info.size_bytes = static_cast<int64_t>(checkpoint.size_bytes());
  // The dtype most of the weight bytes are stored in.
  std::map<std::string, int64_t> bytes_by_dtype;
  for (const auto& name : checkpoint.names()) {
    if (ends_with(name, "rotary_emb.inv_freq")) continue;  // a buffer some old checkpoints carry
    if (config.tie_word_embeddings && name == layout.lm_head_weight()) continue;  // ignored when tied
    const TensorInfo& tensor = checkpoint.info(name);
    info.num_parameters += tensor.numel();
    bytes_by_dtype[torch_dtype_name(tensor.dtype)] += static_cast<int64_t>(tensor.end - tensor.begin);
  }
  info.dtype = config.torch_dtype;
  int64_t most = -1;
  for (const auto& [dtype, bytes] : bytes_by_dtype)
    if (bytes > most) most = bytes, info.dtype = dtype;
  if (fs::exists(dir / "tokenizer.json"))
    info.tokenizer = "tokenizer.json";  // preferred by transformers' fast tokenizers, and by ours
  else if (fs::exists(dir / "tokenizer.model"))
    info.tokenizer = "sentencepiece";
  return info;
}

std::string model_info_to_json(const ModelInfo& info) {
  nlohmann::ordered_json out;
  out["architecture"] = info.architecture;
  out["model_type"] = info.model_type;
  out["num_parameters"] = info.num_parameters;
  out["num_layers"] = info.num_layers;
  out["hidden_size"] = info.hidden_size;
  out["vocab_size"] = info.vocab_size;
  out["dtype"] = info.dtype;
  out["tokenizer"] = info.tokenizer.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(info.tokenizer);
  out["context_length"] = info.context_length;
  out["size_bytes"] = info.size_bytes;
  return out.dump();
}

}  // namespace lora
