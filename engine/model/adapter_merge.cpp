#include "adapter_merge.h"

#include <ATen/ATen.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "atomic_file.h"
#include "checkpoint.h"
#include "error.h"
#include "lora_adapter.h"
#include "merged_weights.h"
#include "model_config.h"
#include "model_family.h"
#include "model_messages.h"
#include "safetensors.h"
#include "shape_text.h"
#include "string_affix.h"
#include "tensor_dtype.h"
#include "training_prompt_file.h"

namespace lora {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Files of a model folder that are carried over unchanged (those present): generation settings
// and every file a Hugging Face tokenizer may consist of.
const std::vector<std::string> kCopiedFiles = {
    "generation_config.json", "tokenizer.json",      "tokenizer.model",    "tokenizer_config.json",
    "special_tokens_map.json", "added_tokens.json",  "chat_template.jinja", "chat_template.json",
    "vocab.json",              "merges.txt"};

// Weight files transformers would load from a folder (and that a new model must not leave behind).
bool is_weight_file(const std::string& name) {
  return name == "model.safetensors.index.json" || (starts_with(name, "model") && ends_with(name, ".safetensors")) ||
         (starts_with(name, "pytorch_model") && (ends_with(name, ".bin") || ends_with(name, ".bin.index.json")));
}

bool is_model_file(const std::string& name) {
  if (name == "config.json" || is_weight_file(name)) return true;
  return std::find(kCopiedFiles.begin(), kCopiedFiles.end(), name) != kCopiedFiles.end();
}

// The first file that makes `dir` a model folder, or "".
std::string model_file_in(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "config.json", ec)) return "config.json";
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (is_weight_file(name)) return name;
  }
  return "";
}

// "model.layers.10.mlp" after "model.layers.9.mlp": digit runs compare as numbers, so the output
// lists layers in model order, as a state dict does.
bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t i_end = i, j_end = j;
      while (i_end < a.size() && std::isdigit(static_cast<unsigned char>(a[i_end]))) ++i_end;
      while (j_end < b.size() && std::isdigit(static_cast<unsigned char>(b[j_end]))) ++j_end;
      // Numbers without leading zeros: the longer run is the larger number.
      std::string x = a.substr(i, i_end - i), y = b.substr(j, j_end - j);
      x.erase(0, std::min(x.find_first_not_of('0'), x.size() - 1));
      y.erase(0, std::min(y.find_first_not_of('0'), y.size() - 1));
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// The state-dict order transformers saves in: the decoder's tensors first, the output head last.
bool state_dict_less(const std::string& a, const std::string& b) {
  const bool a_head = starts_with(a, "lm_head.") || starts_with(a, "language_model.lm_head."),
             b_head = starts_with(b, "lm_head.") || starts_with(b, "language_model.lm_head.");
  if (a_head != b_head) return b_head;
  return natural_less(a, b);
}

// The linear layers LoRA can target, as CausalLM builds them: the projections and the output head.
bool is_linear_module(const std::string& path, const WeightLayout& layout) {
  const std::string last = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
  return path == layout.lm_head || ends_with(last, "_proj");
}

// target_modules as PEFT applies it, to the module's path in any of the family's layouts (an
// adapter's regex may name the layout of the transformers version it was trained with).
bool targets(const LoraConfig& lora_config, const ModelConfig& model_config, const std::string& path,
             bool is_output_layer) {
  if (lora_targets_module(lora_config, path, is_output_layer)) return true;
  const ModelFamily* family = find_model_family(model_config.model_type);
  if (!family) return false;
  for (const WeightLayout& layout : family->layouts(model_config)) {
    const std::string moved = module_path_in_layout(model_config, layout, path);
    if (moved != path && lora_targets_module(lora_config, moved, is_output_layer)) return true;
  }
  return false;
}

std::string read_binary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(msg::Model::file_unreadable, path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw Error(msg::Model::file_read_error, path);
  return bytes.str();
}

// One tensor of the merged checkpoint and how to compute it.
struct OutputTensor {
  std::string name;
  std::string source;  // base tensor it starts from (embed_tokens for an untied head)
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t nbytes = 0;
  const LoraFactors* lora = nullptr;  // null: copied (and cast)
  double scaling = 0;
};

// A removed-on-failure temporary folder.
class TemporaryFolder {
 public:
  explicit TemporaryFolder(fs::path path) : path_(std::move(path)) {
    std::error_code ec;
    fs::remove_all(path_, ec);  // a leftover of a killed run with the same process id
    if (!fs::create_directory(path_, ec) || ec) {
      if (ec) throw Error(msg::Model::merge_temp_folder_failed, path_, ec.message());
      throw Error(msg::Model::merge_temp_folder_exists, path_);
    }
  }
  ~TemporaryFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// tokenizer_config.json with its chat_template (or the "default" one of a list) set to `chat_template`,
// for tools that read the template only from there; unchanged when it already is, or is not an object.
std::string with_chat_template(const std::string& config_text, const std::string& chat_template,
                               const std::string& source) {
  nlohmann::ordered_json config;
  try {
    config = nlohmann::ordered_json::parse(config_text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(msg::Model::json_invalid, source, e.what());
  }
  if (!config.is_object()) return config_text;
  auto found = config.find("chat_template");
  if (found != config.end() && found->is_array()) {
    for (auto& entry : *found)
      if (entry.is_object() && entry.value("name", json()) == "default") entry["template"] = chat_template;
  } else {
    if (found != config.end() && found->is_string() && *found == chat_template) return config_text;
    config["chat_template"] = chat_template;
  }
  return config.dump(2) + "\n";
}

// The libtorch type a planned tensor is computed in; refuses, naming the tensor, a dtype libtorch
// cannot hold.
at::ScalarType output_scalar_type(const OutputTensor& tensor) {
  at::ScalarType type;
  if (!to_scalar_type(tensor.dtype, &type))
    throw Error(msg::Model::merge_dtype_not_convertible, tensor.name, dtype_name(tensor.dtype));
  return type;
}

at::Tensor compute_tensor(const OutputTensor& planned, const Checkpoint& checkpoint) {
  at::Tensor base = checkpoint.tensor(planned.source);
  const at::ScalarType out_type = output_scalar_type(planned);
  at::Tensor result;
  if (planned.lora) {
    // W' = W + scaling·B·A in fp32, then one rounding to the output dtype. `base` is our own copy,
    // so accumulating into it in place is safe.
    at::Tensor weight = base.to(at::kFloat);
    weight.addmm_(planned.lora->B.to(at::kFloat), planned.lora->A.to(at::kFloat), /*beta=*/1.0,
                  /*alpha=*/planned.scaling);
    if (planned.lora->magnitude.defined()) {
      // DoRA, as PEFT merges it: W' = (m / ||W + scaling·B·A||) · (W + scaling·B·A), row by row
      // (the norm in fp32 here; PEFT takes it in the weight's dtype).
      const at::Tensor norm = at::linalg_vector_norm(weight, 2, at::IntArrayRef{1}, false, at::kFloat);
      weight.mul_(planned.lora->magnitude.to(at::kFloat).div(norm).unsqueeze(1));
    }
    result = weight.to(out_type);
  } else {
    result = base.to(out_type);
  }
  return result.contiguous();
}

// A shard's tensors in the order safetensors' save_file writes them (descending dtype size, then
// name), so the files match what transformers' save_pretrained writes byte for byte.
std::vector<const OutputTensor*> in_save_file_order(std::vector<const OutputTensor*> tensors) {
  std::sort(tensors.begin(), tensors.end(), [](const OutputTensor* a, const OutputTensor* b) {
    const size_t size_a = dtype_size(a->dtype), size_b = dtype_size(b->dtype);
    if (size_a != size_b) return size_a > size_b;
    return a->name < b->name;
  });
  return tensors;
}

std::vector<SafetensorsEntry> shard_entries(const std::vector<const OutputTensor*>& tensors) {
  std::vector<SafetensorsEntry> entries;
  entries.reserve(tensors.size());
  for (const OutputTensor* tensor : tensors) entries.push_back(SafetensorsEntry{tensor->name, tensor->dtype, tensor->shape});
  return entries;
}

// Writes one shard (header with {"format":"pt"}), computing each tensor only when its bytes are
// due, so the shard never has to be in memory as a whole.
void write_shard(const std::string& path, const std::vector<const OutputTensor*>& tensors,
                 const Checkpoint& checkpoint, const std::function<void(const OutputTensor&)>& on_written) {
  SafetensorsWriter writer(path, shard_entries(tensors));
  for (const OutputTensor* tensor : tensors) {
    const at::Tensor data = compute_tensor(*tensor, checkpoint);
    const uint64_t nbytes = static_cast<uint64_t>(data.numel()) * data.element_size();
    if (nbytes != tensor->nbytes || data.sizes().vec() != tensor->shape)
      throw Error(msg::Model::merge_tensor_not_as_planned, path, tensor->name, shape_text(data.sizes().vec()),
                  shape_text(tensor->shape));
    writer.write_next(data.data_ptr(), nbytes);
    on_written(*tensor);
  }
  writer.commit();
  // Read it back through the validating reader: a shard we cannot load ourselves must not ship.
  SafetensorsFile::open(path);
}


// transformers' sharding (huggingface_hub's split_state_dict_into_shards_factory): tensors in
// state-dict order; a tensor larger than the limit gets a shard of its own; otherwise a new shard
// starts when the next tensor would push the current one over the limit.
std::vector<std::vector<const OutputTensor*>> plan_shards(const std::vector<OutputTensor>& tensors,
                                                          uint64_t max_shard_bytes) {
  std::vector<std::vector<const OutputTensor*>> shards;
  std::vector<const OutputTensor*> current;
  uint64_t current_size = 0;
  for (const OutputTensor& tensor : tensors) {
    if (tensor.nbytes > max_shard_bytes) {
      shards.push_back({&tensor});
      continue;
    }
    if (current_size + tensor.nbytes > max_shard_bytes) {
      shards.push_back(std::move(current));
      current.clear();
      current_size = 0;
    }
    current.push_back(&tensor);
    current_size += tensor.nbytes;
  }
  if (!current.empty()) shards.push_back(std::move(current));
  return shards;
}

std::string shard_file_name(size_t index, size_t count) {
  char name[64];
  std::snprintf(name, sizeof(name), "model-%05zu-of-%05zu.safetensors", index + 1, count);
  return name;
}

fs::path without_trailing_slash(const std::string& path) {
  fs::path result = fs::path(path).lexically_normal();
  if (result.filename().empty() && result.has_parent_path()) result = result.parent_path();
  return result;
}

bool same_folder(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}


// --- Planning: everything the merge will write, decided and checked before anything is written. ---

struct Delta {
  const LoraFactors* factors;
  double scaling;
};

struct MergePlan {
  MergePlan() = default;
  MergePlan(const MergePlan&) = delete;  // tensors and shards point into the plan
  MergePlan& operator=(const MergePlan&) = delete;

  fs::path model_dir;
  std::string config_path;
  ModelConfig model_config;
  Checkpoint checkpoint;
  LoraConfig lora_config;
  WeightLayout layout;
  std::string adapter_file;         // <adapter>/adapter_model.safetensors, for messages
  std::string adapter_config_file;  // <adapter>/adapter_config.json
  // Factors by this checkpoint's module path (the adapter may use the family's other layout),
  // and the module path each was stored under in the adapter file.
  std::map<std::string, LoraFactors> factors;
  std::map<std::string, std::string> adapter_path;
  std::optional<DType> forced_dtype;  // --dtype other than auto

  std::map<std::string, std::string> linear_weight;  // linear module path -> base tensor holding its weight
  std::map<std::string, Delta> deltas;               // module path -> what is added to it
  bool untie = false;                                // lm_head gets its own weight (see adapter_merge.h)

  std::vector<OutputTensor> tensors;                     // state-dict order
  std::vector<std::vector<const OutputTensor*>> shards;  // each in the order its file holds them
  int64_t num_parameters = 0;
  uint64_t total_size = 0;

  std::string config_text;  // the output's config.json
  std::string dtype_name;   // MergeResult::dtype
  fs::path output;          // the output folder, without a trailing slash
  fs::path parent;          // the folder it is in (exists)
  std::string trained_template;  // the chat template the adapter was trained with, or ""

  // The PEFT key of a module's factor as the adapter file spells it.
  std::string factor_key(const std::string& path, char which) const {
    const auto found = adapter_path.find(path);
    return peft_lora_key(found == adapter_path.end() ? path : found->second, which);
  }
};

// The model and adapter folders, read and checked.
void read_inputs(const MergeOptions& options, MergePlan& plan) {
  std::error_code ec;
  plan.model_dir = fs::path(options.model_dir);
  if (options.model_dir.empty()) throw Error(msg::Model::merge_no_model_folder);
  if (!fs::is_directory(plan.model_dir, ec))
    throw Error(fs::exists(plan.model_dir, ec) ? msg::Model::merge_model_not_a_folder : msg::Model::merge_model_missing,
                options.model_dir);
  plan.config_path = (plan.model_dir / "config.json").string();
  if (!fs::exists(plan.config_path, ec))
    throw Error(msg::Model::folder_no_config_json, options.model_dir);
  plan.model_config = load_model_config(plan.config_path);
  plan.checkpoint = Checkpoint::open(options.model_dir);

  if (options.adapter_dir.empty()) throw Error(msg::Model::merge_no_adapter_folder);
  if (!fs::is_directory(options.adapter_dir, ec))
    throw Error(fs::exists(options.adapter_dir, ec) ? msg::Model::merge_adapter_not_a_folder
                                                    : msg::Model::merge_adapter_missing,
                options.adapter_dir);
  plan.lora_config = load_lora_config(options.adapter_dir);
  plan.layout = detect_weight_layout(plan.model_config,
                                     [&](const std::string& name) { return plan.checkpoint.contains(name); });
  // Factors written under the family's other layout (PEFT on another transformers version) apply
  // to this checkpoint's tensors of the same module.
  for (auto& [path, pair] : read_lora_weights(options.adapter_dir)) {
    const std::string moved = module_path_in_layout(plan.model_config, plan.layout, path);
    plan.adapter_path[moved] = path;
    plan.factors[moved] = std::move(pair);
  }
  plan.adapter_file = (fs::path(options.adapter_dir) / "adapter_model.safetensors").string();
  plan.adapter_config_file = (fs::path(options.adapter_dir) / "adapter_config.json").string();

  if (options.dtype != "auto" && !options.dtype.empty())
    plan.forced_dtype = precision_from_string(options.dtype, "merge dtype");
  if (options.max_shard_bytes == 0) throw Error(msg::Model::merge_shard_size_zero);
}

// The model's linear layers and the tensor each one's weight is stored in. A tied head has no
// weight of its own: it reads the embedding.
void find_linear_weights(MergePlan& plan) {
  for (const std::string& name : plan.checkpoint.names()) {
    if (!ends_with(name, ".weight")) continue;
    const std::string path = name.substr(0, name.size() - 7);
    if (is_linear_module(path, plan.layout) && plan.checkpoint.info(name).shape.size() == 2)
      plan.linear_weight[path] = name;
  }
  if (plan.model_config.tie_word_embeddings) {
    plan.linear_weight.erase(plan.layout.lm_head);
    if (plan.checkpoint.contains(plan.layout.embedding()))
      plan.linear_weight[plan.layout.lm_head] = plan.layout.embedding();
  }
}

// Targets that exist but are not linear layers (embeddings, norms, whole blocks): refused, as
// loading the adapter refuses them.
void refuse_non_linear_targets(const MergePlan& plan) {
  std::string regex = plan.lora_config.target_modules.regex;
  std::transform(regex.begin(), regex.end(), regex.begin(), [](unsigned char c) { return std::tolower(c); });
  if (plan.lora_config.target_modules.is_regex && regex == "all-linear") return;
  std::set<std::string> modules;
  for (const std::string& name : plan.checkpoint.names())
    for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1))
      modules.insert(name.substr(0, dot));
  for (const std::string& module : modules) {
    if (plan.linear_weight.count(module) || is_foreign_tensor(plan.model_config, module + ".")) continue;
    if (targets(plan.lora_config, plan.model_config, module, /*is_output_layer=*/false))
      throw Error(msg::Model::merge_target_not_linear, plan.adapter_config_file, module);
  }
}

// Which LoRA pair goes into which linear layer, each pair's shapes checked against the layer.
void plan_deltas(const MergeOptions& options, MergePlan& plan) {
  const std::string& head = plan.layout.lm_head;
  std::vector<std::string> linear_paths;
  for (const auto& [path, weight] : plan.linear_weight) linear_paths.push_back(path);
  std::sort(linear_paths.begin(), linear_paths.end(), natural_less);
  for (const std::string& path : linear_paths) {
    if (!targets(plan.lora_config, plan.model_config, path, /*is_output_layer=*/path == head)) continue;
    // A part that is not the language model (a vision tower) is merged where the adapter has
    // factors for it; adapters trained here have none.
    if (is_foreign_tensor(plan.model_config, path + ".weight") && !plan.factors.count(path)) continue;
    const std::string& weight_name = plan.linear_weight.at(path);
    const std::vector<int64_t>& weight_shape = plan.checkpoint.info(weight_name).shape;
    const int64_t rank = lora_rank_for(plan.lora_config, path);
    const std::vector<int64_t> a_shape = {rank, weight_shape[1]};
    const std::vector<int64_t> b_shape = {weight_shape[0], rank};
    const auto found = plan.factors.find(path);
    if (found == plan.factors.end())
      throw Error(msg::Model::adapter_tensor_missing_for_target, plan.adapter_file, plan.factor_key(path, 'A'), path);
    if (found->second.A.sizes().vec() != a_shape)
      throw Error(msg::Model::merge_a_shape, plan.adapter_file, plan.factor_key(path, 'A'),
                  shape_text(found->second.A.sizes().vec()), shape_text(a_shape), weight_name,
                  shape_text(weight_shape));
    if (found->second.B.sizes().vec() != b_shape)
      throw Error(msg::Model::merge_b_shape, plan.adapter_file, plan.factor_key(path, 'B'),
                  shape_text(found->second.B.sizes().vec()), shape_text(b_shape), weight_name,
                  shape_text(weight_shape));
    const at::Tensor& magnitude = found->second.magnitude;
    const std::string magnitude_key =
        peft_magnitude_key(plan.adapter_path.count(path) ? plan.adapter_path.at(path) : path);
    if (plan.lora_config.use_dora && !magnitude.defined())
      throw Error(msg::Model::adapter_magnitude_missing, plan.adapter_file, magnitude_key);
    if (!plan.lora_config.use_dora && magnitude.defined())
      throw Error(msg::Model::adapter_magnitude_without_dora, plan.adapter_file, magnitude_key);
    if (magnitude.defined() && magnitude.size(0) != weight_shape[0])
      throw Error(msg::Model::adapter_magnitude_shape, plan.adapter_file, magnitude_key,
                  shape_text(magnitude.sizes().vec()), weight_shape[0]);
    const DType weight_dtype = plan.checkpoint.info(weight_name).dtype;
    if (!is_floating_dtype(weight_dtype))
      throw Error(msg::Model::merge_weight_not_floating, options.model_dir, weight_name, dtype_name(weight_dtype));
    plan.deltas[path] = Delta{&found->second, lora_scaling_for(plan.lora_config, path)};
  }
  for (const auto& [path, pair] : plan.factors) {
    if (plan.deltas.count(path)) continue;
    if (plan.linear_weight.count(path))
      throw Error(msg::Model::merge_tensor_not_selected, plan.adapter_file, plan.factor_key(path, 'A'), path);
    throw Error(msg::Model::merge_tensor_not_linear, plan.adapter_file, plan.factor_key(path, 'A'), path,
                options.model_dir);
  }
  if (plan.deltas.empty())
    throw Error(msg::Model::merge_targets_no_linear_layer, plan.adapter_config_file, options.model_dir);
  plan.untie = plan.model_config.tie_word_embeddings && plan.deltas.count(head);
}

// The merged checkpoint, in state-dict order: each tensor's source, dtype and delta; then the shards.
void plan_tensors(const MergeOptions& options, MergePlan& plan) {
  const std::string head_weight = plan.layout.lm_head_weight();
  std::vector<std::string> ordered = plan.checkpoint.names();
  std::sort(ordered.begin(), ordered.end(), state_dict_less);
  if (plan.untie) {
    ordered.erase(std::remove(ordered.begin(), ordered.end(), head_weight), ordered.end());
    ordered.push_back(head_weight);
  }
  plan.tensors.reserve(ordered.size());
  for (const std::string& name : ordered) {
    OutputTensor tensor;
    tensor.name = name;
    tensor.source = (plan.untie && name == head_weight) ? plan.layout.embedding() : name;
    const TensorInfo& info = plan.checkpoint.info(tensor.source);
    tensor.shape = info.shape;
    tensor.dtype = plan.forced_dtype && is_floating_dtype(info.dtype) ? *plan.forced_dtype : info.dtype;
    output_scalar_type(tensor);  // refuses what cannot be read before anything is written
    if (ends_with(name, ".weight")) {
      const std::string path = name.substr(0, name.size() - 7);
      const auto delta = plan.deltas.find(path);
      if (delta != plan.deltas.end() && plan.linear_weight.at(path) == tensor.source) {
        tensor.lora = delta->second.factors;
        tensor.scaling = delta->second.scaling;
      }
    }
    int64_t elements = 1;
    for (int64_t dim : tensor.shape) elements *= dim;
    tensor.nbytes = static_cast<uint64_t>(elements) * dtype_size(tensor.dtype);
    plan.num_parameters += elements;
    plan.total_size += tensor.nbytes;
    plan.tensors.push_back(std::move(tensor));
  }
  for (auto& shard : plan_shards(plan.tensors, options.max_shard_bytes))
    plan.shards.push_back(in_save_file_order(std::move(shard)));
}

// config.json: the base's bytes unless the dtype or the tie changes.
void plan_config(MergePlan& plan) {
  plan.config_text = read_binary(plan.config_path);
  const std::string embedding = plan.layout.embedding();
  plan.dtype_name = torch_dtype_name(plan.forced_dtype ? *plan.forced_dtype
                                     : plan.checkpoint.contains(embedding) ? plan.checkpoint.info(embedding).dtype
                                                                           : plan.tensors.front().dtype);
  const bool dtype_changes = plan.forced_dtype && plan.dtype_name != plan.model_config.torch_dtype;
  // A bitsandbytes 4-bit base merges into its dequantized weights, as PEFT's merge_and_unload
  // dequantizes them: the output is a dense model, whose config.json must not claim quantization.
  const bool dequantized = plan.config_text.find("\"quantization_config\"") != std::string::npos;
  if (!dtype_changes && !plan.untie && !dequantized) return;
  nlohmann::ordered_json config_json;
  try {
    config_json = nlohmann::ordered_json::parse(plan.config_text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(msg::Model::json_invalid, plan.config_path, e.what());
  }
  if (dtype_changes) {
    // Newer transformers writes "dtype", older "torch_dtype": update whichever is there.
    const bool has_new = config_json.contains("dtype"), has_old = config_json.contains("torch_dtype");
    if (has_new) config_json["dtype"] = plan.dtype_name;
    if (has_old || !has_new) config_json["torch_dtype"] = plan.dtype_name;
    if (config_json.contains("text_config") && config_json["text_config"].is_object())
      for (const char* key : {"dtype", "torch_dtype"})
        if (config_json["text_config"].contains(key)) config_json["text_config"][key] = plan.dtype_name;
  }
  if (dequantized) config_json.erase("quantization_config");
  if (plan.untie) {
    config_json["tie_word_embeddings"] = false;
    // A multimodal Gemma 3 is tied through its text model's config (which transformers asks).
    if (config_json.contains("text_config") && config_json["text_config"].is_object())
      config_json["text_config"]["tie_word_embeddings"] = false;
  }
  plan.config_text = config_json.dump(2) + "\n";
}

// The output folder: not the model's or the adapter's, not holding a model unless forced; its
// parent is created.
void plan_output_folder(const MergeOptions& options, MergePlan& plan) {
  std::error_code ec;
  plan.output = without_trailing_slash(options.output_dir);
  if (options.output_dir.empty()) throw Error(msg::Model::merge_no_output_folder);
  if (same_folder(plan.output, plan.model_dir))
    throw Error(msg::Model::merge_output_is_model, options.output_dir);
  if (same_folder(plan.output, options.adapter_dir))
    throw Error(msg::Model::merge_output_is_adapter, options.output_dir);
  const bool output_exists = fs::exists(plan.output, ec);
  if (output_exists && !fs::is_directory(plan.output, ec))
    throw Error(msg::Model::merge_output_not_a_folder, options.output_dir);
  if (output_exists) {
    const std::string existing = model_file_in(plan.output);
    if (!existing.empty() && !options.force)
      throw Error(msg::Model::merge_output_holds_model, options.output_dir, existing);
  }
  plan.parent = plan.output.parent_path();
  if (plan.parent.empty()) plan.parent = ".";
  fs::create_directories(plan.parent, ec);
  if (ec) throw Error(msg::Model::folder_not_created, plan.parent, ec.message());
}

std::string weights_file_name(const MergePlan& plan, size_t shard) {
  return plan.shards.size() == 1 ? std::string("model.safetensors") : shard_file_name(shard, plan.shards.size());
}

// A shard whose header readers would refuse (tens of thousands of tensors in one file).
void check_shard_headers(const MergePlan& plan) {
  for (size_t index = 0; index < plan.shards.size(); ++index) {
    const std::string path = (plan.output / weights_file_name(plan, index)).string();
    const uint64_t size = SafetensorsWriter::header(path, shard_entries(plan.shards[index])).size();
    if (size > kMaxSafetensorsHeaderBytes)
      throw Error(msg::Model::merge_header_too_large, path, size);
  }
}

// The inputs read and every output tensor planned: what a merge writes and MergedWeights serves.
void plan_merged_tensors(const MergeOptions& options, MergePlan& plan) {
  read_inputs(options, plan);
  find_linear_weights(plan);
  refuse_non_linear_targets(plan);
  plan_deltas(options, plan);
  plan_tensors(options, plan);
}

std::unique_ptr<MergePlan> plan_merge(const MergeOptions& options) {
  auto plan = std::make_unique<MergePlan>();
  plan_merged_tensors(options, *plan);
  plan_config(*plan);
  plan_output_folder(options, *plan);
  check_shard_headers(*plan);
  const std::optional<TrainingPromptFile> training_prompt = read_training_prompt(options.adapter_dir);
  plan->trained_template = training_prompt ? training_prompt->trained_chat_template() : "";
  return plan;
}

// --- Writing: the plan streamed into a temporary folder beside the output, then moved into place. ---

// The new model files into an existing folder, which keeps its other files. Model files the new
// model does not have go first (a stale model.safetensors would shadow a new index), then the new
// files move in one by one, the weights before the index and config.json last, each rename atomic.
void move_into_existing_folder(const fs::path& temp, const fs::path& output, const std::vector<std::string>& files) {
  std::error_code ec;
  const std::set<std::string> new_files(files.begin(), files.end());
  for (const auto& entry : fs::directory_iterator(output, ec)) {
    const std::string name = entry.path().filename().string();
    if (is_model_file(name) && !new_files.count(name) && entry.is_regular_file()) {
      fs::remove(entry.path(), ec);
      if (ec) throw Error(msg::Model::merge_old_file_not_removed, entry.path(), ec.message());
    }
  }
  for (const std::string& name : files) {
    fs::rename(temp / name, output / name, ec);
    if (ec) throw Error(msg::Model::merge_file_not_moved, output / name, ec.message());
  }
  sync_folder(output.string());
}

MergeResult write_merge(const MergePlan& plan, const MergeOptions& options, const MergeCallback& callback) {
  std::error_code ec;
  MergeResult result;
  TemporaryFolder temp(plan.parent /
                       ("." + plan.output.filename().string() + ".merging-" + std::to_string(::getpid())));
  const int64_t total = static_cast<int64_t>(plan.tensors.size());
  int64_t done = 0;
  auto on_written = [&](const OutputTensor& tensor) {
    ++done;
    if (tensor.lora) ++result.merged_modules;
    if (callback && !callback(MergeProgress{done, total, tensor.name}))
      throw Error(msg::Model::merge_cancelled, options.output_dir);
  };
  json weight_map = json::object();
  for (size_t index = 0; index < plan.shards.size(); ++index) {
    const std::string file = weights_file_name(plan, index);
    write_shard((temp.path() / file).string(), plan.shards[index], plan.checkpoint, on_written);
    for (const OutputTensor* tensor : plan.shards[index]) weight_map[tensor->name] = file;
    result.files.push_back(file);
  }
  if (plan.shards.size() > 1) {
    // As transformers writes it: json.dumps(index, indent=2, sort_keys=True) + "\n".
    const json index = {{"metadata", {{"total_parameters", plan.num_parameters}, {"total_size", plan.total_size}}},
                        {"weight_map", weight_map}};
    write_file_atomically((temp.path() / "model.safetensors.index.json").string(), index.dump(2) + "\n");
    result.files.push_back("model.safetensors.index.json");
  }
  for (const std::string& name : kCopiedFiles) {
    const fs::path source = plan.model_dir / name;
    if (!fs::is_regular_file(source, ec)) continue;
    std::string bytes = read_binary(source.string());
    if (name == "tokenizer_config.json" && !plan.trained_template.empty())
      bytes = with_chat_template(bytes, plan.trained_template, source.string());
    write_file_atomically((temp.path() / name).string(), bytes);
    result.files.push_back(name);
  }
  if (!plan.trained_template.empty()) {
    // The merged model answers in the format the adapter learned: chat_template.jinja, which
    // transformers, llama.cpp's converter and the Models page read first.
    write_file_atomically((temp.path() / "chat_template.jinja").string(), plan.trained_template);
    if (std::find(result.files.begin(), result.files.end(), "chat_template.jinja") == result.files.end())
      result.files.push_back("chat_template.jinja");
  }
  // config.json last: a folder with a config is a model folder, so it appears only when the rest is there.
  write_file_atomically((temp.path() / "config.json").string(), plan.config_text);
  result.files.push_back("config.json");

  const fs::path& output = plan.output;
  if (!fs::exists(output, ec) || fs::is_empty(output, ec)) {
    if (fs::exists(output, ec)) fs::remove(output, ec);
    fs::rename(temp.path(), output, ec);
    if (ec) throw Error(msg::Model::merge_model_not_moved, options.output_dir, ec.message());
    sync_folder(output.parent_path().empty() ? std::string(".") : output.parent_path().string());
  } else {
    move_into_existing_folder(temp.path(), output, result.files);
  }
  result.output_dir = output.string();
  result.tensors = total;
  result.num_parameters = plan.num_parameters;
  result.total_size = plan.total_size;
  result.shards = static_cast<int>(plan.shards.size());
  result.dtype = plan.dtype_name;
  result.untied_lm_head = plan.untie;
  if (plan.lora_config.use_rslora) result.notes.emplace_back(msg::Model::merge_note_rslora);
  if (plan.untie) result.notes.emplace_back(msg::Model::merge_note_untied_head);
  if (plan.forced_dtype && plan.dtype_name != plan.model_config.torch_dtype)
    result.notes.emplace_back(msg::Model::merge_note_dtype, plan.dtype_name, plan.model_config.torch_dtype);
  return result;
}

}  // namespace

uint64_t parse_size_bytes(const std::string& text, const std::string& what) {
  std::string trimmed = text;
  trimmed.erase(0, trimmed.find_first_not_of(" \t"));
  trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
  size_t digits_end = 0;
  while (digits_end < trimmed.size() &&
         (std::isdigit(static_cast<unsigned char>(trimmed[digits_end])) || trimmed[digits_end] == '.'))
    ++digits_end;
  std::string number = trimmed.substr(0, digits_end);
  std::string unit = trimmed.substr(digits_end);
  unit.erase(0, unit.find_first_not_of(' '));
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::toupper(c); });
  static const std::map<std::string, double> kUnits = {
      {"", 1.0},      {"B", 1.0},      {"KB", 1e3},  {"MB", 1e6},  {"GB", 1e9},  {"TB", 1e12},
      {"KIB", 1024.0}, {"MIB", 1048576.0}, {"GIB", 1073741824.0}, {"TIB", 1099511627776.0}};
  const auto unit_it = kUnits.find(unit);
  const bool number_ok = !number.empty() && number != "." && std::count(number.begin(), number.end(), '.') <= 1;
  if (!number_ok || unit_it == kUnits.end())
    throw Error(msg::Model::size_invalid, what, text);
  const double bytes = std::stod(number) * unit_it->second;
  if (!(bytes >= 1.0) || bytes > static_cast<double>(std::numeric_limits<uint64_t>::max() / 2))
    throw Error(msg::Model::size_out_of_range, what, text);
  return static_cast<uint64_t>(bytes);
}

MergeResult merge_adapter(const MergeOptions& options, const MergeCallback& callback) {
  const std::unique_ptr<MergePlan> plan = plan_merge(options);
  return write_merge(*plan, options, callback);
}

// --- MergedWeights (merged_weights.h): the same plan, computed on demand instead of written. ---

struct MergedWeights::Impl {
  std::unique_ptr<MergePlan> plan;
  std::map<std::string, const OutputTensor*> by_name;
};

MergedWeights::MergedWeights() : impl_(std::make_unique<Impl>()) {}
MergedWeights::~MergedWeights() = default;

std::unique_ptr<MergedWeights> MergedWeights::open(const std::string& model_dir, const std::string& adapter_dir) {
  MergeOptions options;
  options.model_dir = model_dir;
  options.adapter_dir = adapter_dir;
  options.dtype = "float32";
  std::unique_ptr<MergedWeights> weights(new MergedWeights());
  auto plan = std::make_unique<MergePlan>();
  plan_merged_tensors(options, *plan);
  const std::optional<TrainingPromptFile> training_prompt = read_training_prompt(adapter_dir);
  plan->trained_template = training_prompt ? training_prompt->trained_chat_template() : "";
  for (const OutputTensor& tensor : plan->tensors) weights->impl_->by_name[tensor.name] = &tensor;
  weights->impl_->plan = std::move(plan);
  return weights;
}

const ModelConfig& MergedWeights::config() const { return impl_->plan->model_config; }
const WeightLayout& MergedWeights::layout() const { return impl_->plan->layout; }
std::vector<std::string> MergedWeights::names() const {
  std::vector<std::string> names;
  for (const OutputTensor& tensor : impl_->plan->tensors) names.push_back(tensor.name);
  return names;
}
std::vector<int64_t> MergedWeights::shape(const std::string& name) const {
  const auto found = impl_->by_name.find(name);
  if (found == impl_->by_name.end()) return impl_->plan->checkpoint.info(name).shape;  // throws naming it
  return found->second->shape;
}
at::Tensor MergedWeights::tensor(const std::string& name) const {
  const auto found = impl_->by_name.find(name);
  if (found == impl_->by_name.end()) return impl_->plan->checkpoint.tensor(name);  // throws naming it
  return compute_tensor(*found->second, impl_->plan->checkpoint).to(at::kFloat);
}
bool MergedWeights::untied_lm_head() const { return impl_->plan->untie; }
int64_t MergedWeights::merged_modules() const { return static_cast<int64_t>(impl_->plan->deltas.size()); }
const std::string& MergedWeights::trained_chat_template() const { return impl_->plan->trained_template; }

std::string merge_result_to_json(const MergeResult& result) {
  std::vector<std::string> notes;
  for (const Message& note : result.notes) notes.push_back(note.english());
  const json object = {{"output_dir", result.output_dir},
                       {"files", result.files},
                       {"tensors", result.tensors},
                       {"merged_modules", result.merged_modules},
                       {"num_parameters", result.num_parameters},
                       {"total_size", result.total_size},
                       {"shards", result.shards},
                       {"dtype", result.dtype},
                       {"untied_lm_head", result.untied_lm_head},
                       {"notes", notes}};
  return object.dump();
}

}  // namespace lora
