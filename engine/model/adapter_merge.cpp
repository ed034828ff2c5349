#include "adapter_merge.h"

#include <ATen/ATen.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "atomic_file.h"
#include "checkpoint.h"
#include "device.h"
#include "error.h"
#include "lora_adapter.h"
#include "model_config.h"
#include "model_family.h"
#include "safetensors.h"

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

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

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

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
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

bool is_floating(DType dtype) {
  return dtype == DType::F32 || dtype == DType::BF16 || dtype == DType::F16 || dtype == DType::F64;
}

DType dtype_from_scalar(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return DType::F32;
    case at::kBFloat16: return DType::BF16;
    case at::kHalf: return DType::F16;
    default: throw Error("internal error: unexpected merge output dtype");
  }
}

at::ScalarType scalar_from_dtype(DType dtype, const std::string& tensor) {
  switch (dtype) {
    case DType::BOOL: return at::kBool;
    case DType::U8: return at::kByte;
    case DType::I8: return at::kChar;
    case DType::I16: return at::kShort;
    case DType::F16: return at::kHalf;
    case DType::BF16: return at::kBFloat16;
    case DType::I32: return at::kInt;
    case DType::F32: return at::kFloat;
    case DType::F64: return at::kDouble;
    case DType::I64: return at::kLong;
    case DType::C64: return at::kComplexFloat;
    default:
      throw Error("tensor '" + tensor + "' has dtype " + dtype_name(dtype) + ", which this engine cannot convert");
  }
}

std::string dtype_config_name(DType dtype) {
  switch (dtype) {
    case DType::F32: return "float32";
    case DType::BF16: return "bfloat16";
    case DType::F16: return "float16";
    case DType::F64: return "float64";
    default: return dtype_name(dtype);
  }
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
  if (!in) throw Error(path + ": cannot be read");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw Error(path + ": read error");
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
    if (!fs::create_directory(path_, ec) || ec)
      throw Error(path_.string() + ": cannot create the temporary output folder (" +
                  (ec ? ec.message() : std::string("already exists")) + ")");
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

// The chat template the adapter was trained with (training_prompt.json of a run on conversations),
// "" when it was trained on another prompt format or the file is absent.
std::string trained_chat_template(const std::string& adapter_dir) {
  const fs::path path = fs::path(adapter_dir) / "training_prompt.json";
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return "";
  json prompt;
  try {
    prompt = json::parse(read_binary(path.string()));
  } catch (const json::exception& e) {
    throw Error(path.string() + ": not valid JSON (" + e.what() + ")");
  }
  if (!prompt.is_object() || prompt.value("template_type", json()) != "chat_template") return "";
  const auto found = prompt.find("chat_template");
  return found != prompt.end() && found->is_string() ? found->get<std::string>() : "";
}

// tokenizer_config.json with its chat_template (or the "default" one of a list) set to `chat_template`,
// for tools that read the template only from there; unchanged when it already is, or is not an object.
std::string with_chat_template(const std::string& config_text, const std::string& chat_template,
                               const std::string& source) {
  nlohmann::ordered_json config;
  try {
    config = nlohmann::ordered_json::parse(config_text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": not valid JSON (" + e.what() + ")");
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

std::string quoted(const std::string& text, const std::string& where) {
  try {
    return json(text).dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::exception&) {
    throw Error(where + ": tensor name '" + text + "' is not valid UTF-8");
  }
}

at::Tensor compute_tensor(const OutputTensor& planned, const Checkpoint& checkpoint) {
  at::Tensor base = checkpoint.tensor(planned.source);
  const at::ScalarType out_type = scalar_from_dtype(planned.dtype, planned.name);
  at::Tensor result;
  if (planned.lora) {
    // W' = W + scaling·B·A in fp32, then one rounding to the output dtype. `base` is our own copy,
    // so accumulating into it in place is safe.
    at::Tensor weight = base.to(at::kFloat);
    weight.addmm_(planned.lora->B.to(at::kFloat), planned.lora->A.to(at::kFloat), /*beta=*/1.0,
                  /*alpha=*/planned.scaling);
    result = weight.to(out_type);
  } else {
    result = base.to(out_type);
  }
  return result.contiguous();
}

// Writes one shard as safetensors' save_file does (tensors sorted by descending dtype size, then
// name; compact header with {"format":"pt"}; padded to 8 bytes), computing each tensor only when
// its bytes are due, so the shard never has to be in memory as a whole.
void write_shard(const std::string& path, std::vector<const OutputTensor*> tensors, const Checkpoint& checkpoint,
                 const std::function<void(const OutputTensor&)>& on_written) {
  std::sort(tensors.begin(), tensors.end(), [](const OutputTensor* a, const OutputTensor* b) {
    const size_t size_a = dtype_size(a->dtype), size_b = dtype_size(b->dtype);
    if (size_a != size_b) return size_a > size_b;
    return a->name < b->name;
  });
  std::string header = "{\"__metadata__\":{\"format\":\"pt\"}";
  uint64_t offset = 0;
  for (const OutputTensor* tensor : tensors) {
    std::string shape = "[";
    for (size_t i = 0; i < tensor->shape.size(); ++i) shape += (i ? "," : "") + std::to_string(tensor->shape[i]);
    shape += "]";
    header += "," + quoted(tensor->name, path) + ":{\"dtype\":\"" + dtype_name(tensor->dtype) + "\",\"shape\":" +
              shape + ",\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + tensor->nbytes) +
              "]}";
    offset += tensor->nbytes;
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');
  if (header.size() > kMaxSafetensorsHeaderBytes)
    throw Error(path + ": the safetensors header would be " + std::to_string(header.size()) +
                " bytes, above the limit readers accept; use a smaller --max-shard-size");

  uint8_t length_bytes[8];
  uint64_t length = header.size();
  for (int i = 0; i < 8; ++i, length >>= 8) length_bytes[i] = static_cast<uint8_t>(length & 0xFF);
  AtomicFileWriter writer(path);
  writer.write(length_bytes, sizeof(length_bytes));
  writer.write(header);
  for (const OutputTensor* tensor : tensors) {
    const at::Tensor data = compute_tensor(*tensor, checkpoint);
    const uint64_t nbytes = static_cast<uint64_t>(data.numel()) * data.element_size();
    if (nbytes != tensor->nbytes || data.sizes().vec() != tensor->shape)
      throw Error(path + ": internal error: tensor '" + tensor->name + "' came out as " +
                  shape_text(data.sizes().vec()) + ", planned " + shape_text(tensor->shape));
    writer.write(data.data_ptr(), nbytes);
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
    throw Error(what + ": '" + text + "' is not a size; expected e.g. 5GB, 500MB, 2GiB or a number of bytes");
  const double bytes = std::stod(number) * unit_it->second;
  if (!(bytes >= 1.0) || bytes > static_cast<double>(std::numeric_limits<uint64_t>::max() / 2))
    throw Error(what + ": '" + text + "' is out of range; expected at least 1 byte");
  return static_cast<uint64_t>(bytes);
}

MergeResult merge_adapter(const MergeOptions& options, const MergeCallback& callback) {
  // --- Read and check everything before writing anything. ---
  std::error_code ec;
  const fs::path model_dir(options.model_dir);
  if (options.model_dir.empty()) throw Error("no model folder given");
  if (!fs::is_directory(model_dir, ec))
    throw Error(options.model_dir + ": " + (fs::exists(model_dir, ec) ? "not a folder" : "no such folder") +
                "; expected the base model's Hugging Face folder");
  const std::string config_path = (model_dir / "config.json").string();
  if (!fs::exists(config_path, ec)) throw Error(options.model_dir + ": no config.json (not a Hugging Face model folder)");
  const ModelConfig model_config = load_model_config(config_path);
  const Checkpoint checkpoint = Checkpoint::open(options.model_dir);

  if (options.adapter_dir.empty()) throw Error("no adapter folder given");
  if (!fs::is_directory(options.adapter_dir, ec))
    throw Error(options.adapter_dir + ": " + (fs::exists(options.adapter_dir, ec) ? "not a folder" : "no such folder") +
                "; expected a PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors)");
  const LoraConfig lora_config = load_lora_config(options.adapter_dir);
  const WeightLayout layout =
      detect_weight_layout(model_config, [&](const std::string& name) { return checkpoint.contains(name); });
  // Factors written under the family's other layout (PEFT on another transformers version) apply
  // to this checkpoint's tensors of the same module.
  std::map<std::string, LoraFactors> factors;
  std::map<std::string, std::string> adapter_path;  // checkpoint module path -> the adapter file's path
  for (auto& [path, pair] : read_lora_weights(options.adapter_dir)) {
    const std::string moved = module_path_in_layout(model_config, layout, path);
    adapter_path[moved] = path;
    factors[moved] = std::move(pair);
  }
  auto factor_key = [&](const std::string& path, char which) {
    const auto found = adapter_path.find(path);
    return peft_lora_key(found == adapter_path.end() ? path : found->second, which);
  };
  const std::string adapter_file = (fs::path(options.adapter_dir) / "adapter_model.safetensors").string();
  const std::string adapter_config_file = (fs::path(options.adapter_dir) / "adapter_config.json").string();

  std::optional<DType> forced_dtype;
  if (options.dtype != "auto" && !options.dtype.empty())
    forced_dtype = dtype_from_scalar(dtype_from_string(options.dtype, "merge dtype"));
  if (options.max_shard_bytes == 0) throw Error("the maximum shard size must be at least 1 byte");

  // The model's linear layers and the tensor each one's weight is stored in. A tied head has no
  // weight of its own: it reads the embedding.
  const std::vector<std::string> names = checkpoint.names();
  std::map<std::string, std::string> linear_weight;  // module path -> base tensor name
  for (const std::string& name : names) {
    if (!ends_with(name, ".weight")) continue;
    const std::string path = name.substr(0, name.size() - 7);
    if (is_linear_module(path, layout) && checkpoint.info(name).shape.size() == 2) linear_weight[path] = name;
  }
  const std::string embedding = layout.embedding();
  const std::string head = layout.lm_head;
  if (model_config.tie_word_embeddings) {
    linear_weight.erase(head);
    if (checkpoint.contains(embedding)) linear_weight[head] = embedding;
  }

  // Targets that exist but are not linear layers (embeddings, norms, whole blocks): refused, as
  // loading the adapter refuses them.
  const bool all_linear = lora_config.target_modules.is_regex &&
                          [&] {
                            std::string regex = lora_config.target_modules.regex;
                            std::transform(regex.begin(), regex.end(), regex.begin(),
                                           [](unsigned char c) { return std::tolower(c); });
                            return regex == "all-linear";
                          }();
  if (!all_linear) {
    std::set<std::string> modules;
    for (const std::string& name : names)
      for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1))
        modules.insert(name.substr(0, dot));
    for (const std::string& module : modules) {
      if (linear_weight.count(module) || is_foreign_tensor(model_config, module + ".")) continue;
      if (targets(lora_config, model_config, module, /*is_output_layer=*/false))
        throw Error(adapter_config_file + ": target_modules selects '" + module +
                    "', which is not a linear layer of the model (LoRA merges into linear layers only)");
    }
  }

  struct Planned {
    const LoraFactors* factors;
    double scaling;
  };
  std::map<std::string, Planned> planned;  // module path -> delta
  std::vector<std::string> linear_paths;
  for (const auto& [path, weight] : linear_weight) linear_paths.push_back(path);
  std::sort(linear_paths.begin(), linear_paths.end(), natural_less);
  for (const std::string& path : linear_paths) {
    if (!targets(lora_config, model_config, path, /*is_output_layer=*/path == head)) continue;
    // A part that is not the language model (a vision tower) is merged where the adapter has
    // factors for it; adapters trained here have none.
    if (is_foreign_tensor(model_config, path + ".weight") && !factors.count(path)) continue;
    const std::string& weight_name = linear_weight.at(path);
    const std::vector<int64_t>& weight_shape = checkpoint.info(weight_name).shape;
    const int64_t rank = lora_rank_for(lora_config, path);
    const std::vector<int64_t> a_shape = {rank, weight_shape[1]};
    const std::vector<int64_t> b_shape = {weight_shape[0], rank};
    const auto found = factors.find(path);
    if (found == factors.end())
      throw Error(adapter_file + ": missing tensor '" + factor_key(path, 'A') +
                  "' (adapter_config.json's target_modules selects '" + path + "')");
    const std::string where = " (the model's '" + weight_name + "' is " + shape_text(weight_shape) +
                              "; is this adapter for a different model?)";
    if (found->second.A.sizes().vec() != a_shape)
      throw Error(adapter_file + ": tensor '" + factor_key(path, 'A') + "' has shape " +
                  shape_text(found->second.A.sizes().vec()) + ", expected " + shape_text(a_shape) +
                  " ([r, in_features])" + where);
    if (found->second.B.sizes().vec() != b_shape)
      throw Error(adapter_file + ": tensor '" + factor_key(path, 'B') + "' has shape " +
                  shape_text(found->second.B.sizes().vec()) + ", expected " + shape_text(b_shape) +
                  " ([out_features, r])" + where);
    const DType weight_dtype = checkpoint.info(weight_name).dtype;
    if (!is_floating(weight_dtype))
      throw Error(options.model_dir + ": tensor '" + weight_name + "' has dtype " + dtype_name(weight_dtype) +
                  "; a LoRA delta can only be merged into floating-point weights (quantized models cannot be merged)");
    planned[path] = Planned{&found->second, lora_scaling_for(lora_config, path)};
  }
  for (const auto& [path, pair] : factors) {
    if (planned.count(path)) continue;
    const bool exists = linear_weight.count(path) != 0;
    throw Error(adapter_file + ": tensor '" + factor_key(path, 'A') + "' is for '" + path + "', " +
                (exists ? std::string("which adapter_config.json's target_modules does not select")
                        : "which is not a linear layer of the model in " + options.model_dir) +
                "; is this adapter for a different model?");
  }
  if (planned.empty())
    throw Error(adapter_config_file + ": target_modules selects no linear layer of the model in " + options.model_dir);
  const bool untie = model_config.tie_word_embeddings && planned.count(head);
  const std::string head_weight = layout.lm_head_weight();

  // The merged checkpoint, in state-dict order.
  std::vector<std::string> ordered = names;
  std::sort(ordered.begin(), ordered.end(), state_dict_less);
  if (untie) {
    ordered.erase(std::remove(ordered.begin(), ordered.end(), head_weight), ordered.end());
    ordered.push_back(head_weight);
  }
  std::vector<OutputTensor> tensors;
  tensors.reserve(ordered.size());
  MergeResult result;
  for (const std::string& name : ordered) {
    OutputTensor tensor;
    tensor.name = name;
    tensor.source = (untie && name == head_weight) ? embedding : name;
    const TensorInfo& info = checkpoint.info(tensor.source);
    tensor.shape = info.shape;
    tensor.dtype = forced_dtype && is_floating(info.dtype) ? *forced_dtype : info.dtype;
    scalar_from_dtype(tensor.dtype, name);  // refuses what cannot be read before anything is written
    if (ends_with(name, ".weight")) {
      const std::string path = name.substr(0, name.size() - 7);
      const auto delta = planned.find(path);
      if (delta != planned.end() && linear_weight.at(path) == tensor.source) {
        tensor.lora = delta->second.factors;
        tensor.scaling = delta->second.scaling;
      }
    }
    int64_t elements = 1;
    for (int64_t dim : tensor.shape) elements *= dim;
    tensor.nbytes = static_cast<uint64_t>(elements) * dtype_size(tensor.dtype);
    result.num_parameters += elements;
    result.total_size += tensor.nbytes;
    tensors.push_back(std::move(tensor));
  }
  const auto shards = plan_shards(tensors, options.max_shard_bytes);

  // config.json: the base's bytes unless the dtype or the tie changes.
  std::string config_text = read_binary(config_path);
  const std::string out_dtype_name =
      forced_dtype ? dtype_config_name(*forced_dtype)
                   : dtype_config_name(checkpoint.contains(embedding) ? checkpoint.info(embedding).dtype
                                                                      : tensors.front().dtype);
  const bool dtype_changes = forced_dtype && out_dtype_name != model_config.torch_dtype;
  if (dtype_changes || untie) {
    nlohmann::ordered_json config_json;
    try {
      config_json = nlohmann::ordered_json::parse(config_text);
    } catch (const nlohmann::json::exception& e) {
      throw Error(config_path + ": not valid JSON (" + e.what() + ")");
    }
    if (dtype_changes) {
      // Newer transformers writes "dtype", older "torch_dtype": update whichever is there.
      const bool has_new = config_json.contains("dtype"), has_old = config_json.contains("torch_dtype");
      if (has_new) config_json["dtype"] = out_dtype_name;
      if (has_old || !has_new) config_json["torch_dtype"] = out_dtype_name;
      if (config_json.contains("text_config") && config_json["text_config"].is_object())
        for (const char* key : {"dtype", "torch_dtype"})
          if (config_json["text_config"].contains(key)) config_json["text_config"][key] = out_dtype_name;
    }
    if (untie) {
      config_json["tie_word_embeddings"] = false;
      // A multimodal Gemma 3 is tied through its text model's config (which transformers asks).
      if (config_json.contains("text_config") && config_json["text_config"].is_object())
        config_json["text_config"]["tie_word_embeddings"] = false;
    }
    config_text = config_json.dump(2) + "\n";
  }

  // --- The output folder. ---
  const fs::path output = without_trailing_slash(options.output_dir);
  if (options.output_dir.empty()) throw Error("no output folder given");
  if (same_folder(output, model_dir))
    throw Error(options.output_dir + ": is the base model's folder; write the merged model to a new folder");
  if (same_folder(output, options.adapter_dir))
    throw Error(options.output_dir + ": is the adapter's folder; write the merged model to a new folder");
  const bool output_exists = fs::exists(output, ec);
  if (output_exists && !fs::is_directory(output, ec))
    throw Error(options.output_dir + ": exists and is not a folder");
  if (output_exists) {
    const std::string existing = model_file_in(output);
    if (!existing.empty() && !options.force)
      throw Error(options.output_dir + ": already holds a model (" + existing +
                  "); choose a new folder, or allow replacing its model files (merge --force)");
  }
  fs::path parent = output.parent_path();
  if (parent.empty()) parent = ".";
  fs::create_directories(parent, ec);
  if (ec) throw Error(parent.string() + ": cannot create the folder (" + ec.message() + ")");

  // --- Write into a temporary folder beside the output. ---
  TemporaryFolder temp(parent / ("." + output.filename().string() + ".merging-" + std::to_string(::getpid())));
  const int64_t total = static_cast<int64_t>(tensors.size());
  int64_t done = 0;
  auto on_written = [&](const OutputTensor& tensor) {
    ++done;
    if (tensor.lora) ++result.merged_modules;
    if (callback && !callback(MergeProgress{done, total, tensor.name}))
      throw Error("merge cancelled; nothing was written to " + options.output_dir);
  };
  json weight_map = json::object();
  if (shards.size() == 1) {
    write_shard((temp.path() / "model.safetensors").string(), shards[0], checkpoint, on_written);
    result.files.push_back("model.safetensors");
  } else {
    for (size_t index = 0; index < shards.size(); ++index) {
      const std::string file = shard_file_name(index, shards.size());
      write_shard((temp.path() / file).string(), shards[index], checkpoint, on_written);
      for (const OutputTensor* tensor : shards[index]) weight_map[tensor->name] = file;
      result.files.push_back(file);
    }
    // As transformers writes it: json.dumps(index, indent=2, sort_keys=True) + "\n".
    const json index = {{"metadata", {{"total_parameters", result.num_parameters}, {"total_size", result.total_size}}},
                        {"weight_map", weight_map}};
    write_file_atomically((temp.path() / "model.safetensors.index.json").string(), index.dump(2) + "\n");
    result.files.push_back("model.safetensors.index.json");
  }
  const std::string trained_template = trained_chat_template(options.adapter_dir);
  for (const std::string& name : kCopiedFiles) {
    const fs::path source = model_dir / name;
    if (!fs::is_regular_file(source, ec)) continue;
    std::string bytes = read_binary(source.string());
    if (name == "tokenizer_config.json" && !trained_template.empty())
      bytes = with_chat_template(bytes, trained_template, source.string());
    write_file_atomically((temp.path() / name).string(), bytes);
    result.files.push_back(name);
  }
  if (!trained_template.empty()) {
    // The merged model answers in the format the adapter learned: chat_template.jinja, which
    // transformers, llama.cpp's converter and the Models page read first.
    write_file_atomically((temp.path() / "chat_template.jinja").string(), trained_template);
    if (std::find(result.files.begin(), result.files.end(), "chat_template.jinja") == result.files.end())
      result.files.push_back("chat_template.jinja");
  }
  // config.json last: a folder with a config is a model folder, so it appears only when the rest is there.
  write_file_atomically((temp.path() / "config.json").string(), config_text);
  result.files.push_back("config.json");

  // --- Move into place. ---
  if (!fs::exists(output, ec) || fs::is_empty(output, ec)) {
    if (fs::exists(output, ec)) fs::remove(output, ec);
    fs::rename(temp.path(), output, ec);
    if (ec) throw Error(options.output_dir + ": cannot move the merged model into place (" + ec.message() + ")");
    sync_folder(output.parent_path().empty() ? std::string(".") : output.parent_path().string());
  } else {
    // An existing folder keeps its other files. Model files the new model does not have go first
    // (a stale model.safetensors would shadow a new index), then the new files move in one by one,
    // the weights before the index and config.json last, each rename atomic.
    const std::set<std::string> new_files(result.files.begin(), result.files.end());
    for (const auto& entry : fs::directory_iterator(output, ec)) {
      const std::string name = entry.path().filename().string();
      if (is_model_file(name) && !new_files.count(name) && entry.is_regular_file()) {
        fs::remove(entry.path(), ec);
        if (ec) throw Error(entry.path().string() + ": cannot remove the old model file (" + ec.message() + ")");
      }
    }
    for (const std::string& name : result.files) {
      fs::rename(temp.path() / name, output / name, ec);
      if (ec) throw Error((output / name).string() + ": cannot move the merged file into place (" + ec.message() + ")");
    }
    sync_folder(output.string());
  }
  result.output_dir = output.string();
  result.tensors = total;
  result.shards = static_cast<int>(shards.size());
  result.dtype = out_dtype_name;
  result.untied_lm_head = untie;
  if (lora_config.use_rslora)
    result.notes.push_back(
        "the adapter uses rsLoRA (scaling lora_alpha/sqrt(r)); the merged weights include that scaling exactly, "
        "but llama.cpp's convert_lora_to_gguf.py ignores use_rslora and would scale the adapter by lora_alpha/r: "
        "for llama.cpp, convert this merged model rather than the adapter");
  if (untie)
    result.notes.push_back(
        "the adapter changes lm_head, which the base model ties to the input embedding: the merged model has "
        "its own lm_head.weight and tie_word_embeddings false (the embedding is unchanged)");
  if (forced_dtype && out_dtype_name != model_config.torch_dtype)
    result.notes.push_back("weights stored as " + out_dtype_name + " (the base model is " + model_config.torch_dtype +
                           ")");
  return result;
}

std::string merge_result_to_json(const MergeResult& result) {
  const json object = {{"output_dir", result.output_dir},
                       {"files", result.files},
                       {"tensors", result.tensors},
                       {"merged_modules", result.merged_modules},
                       {"num_parameters", result.num_parameters},
                       {"total_size", result.total_size},
                       {"shards", result.shards},
                       {"dtype", result.dtype},
                       {"untied_lm_head", result.untied_lm_head},
                       {"notes", result.notes}};
  return object.dump();
}

}  // namespace lora
