#include "checkpoint.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "error.h"
#include "gguf_checkpoint.h"
#include "json_reader.h"
#include "model_messages.h"
#include "shape_text.h"
#include "string_affix.h"
#include "tensor_dtype.h"

namespace lora {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A shard name from the index must be a plain file name inside the model folder: an index
// from the internet must not make us read /etc/passwd or ../../secret.safetensors.
void check_shard_name(const std::string& index_path, const std::string& tensor, const std::string& shard) {
  Message why;
  if (shard.empty()) why = Message(msg::Model::shard_name_empty);
  else if (shard.front() == '/') why = Message(msg::Model::shard_name_absolute);
  else if (shard.find("..") != std::string::npos) why = Message(msg::Model::shard_name_parent_dir);
  else if (shard.find('/') != std::string::npos || shard.find('\\') != std::string::npos)
    why = Message(msg::Model::shard_name_separator);
  if (!why.empty()) throw Error(msg::Model::index_shard_name_unsafe, index_path, tensor, shard, why);
}

}  // namespace

at::Tensor tensor_from_safetensors(const SafetensorsFile& file, const TensorInfo& info) {
  at::ScalarType type;
  if (!to_scalar_type(info.dtype, &type))
    throw Error(msg::Model::tensor_dtype_not_in_libtorch, file.path(), info.name, dtype_name(info.dtype),
                scalar_type_dtype_list());
  at::Tensor tensor = at::empty(info.shape, at::TensorOptions().dtype(type).device(at::kCPU));
  // The copy is what the caller keeps: the mapped pages would otherwise stay resident until the
  // file closes, so a model's load held the whole checkpoint beside the weights made from it. They
  // are given back a slice at a time, so a large tensor (an lm_head of 128k x 4096) is never
  // resident twice: its pages and its copy.
  constexpr uint64_t kSlice = 8u << 20;
  uint8_t* copy = static_cast<uint8_t*>(tensor.data_ptr());
  const uint8_t* stored = file.data(info);
  for (uint64_t done = 0; done < info.nbytes(); done += kSlice) {
    const uint64_t length = std::min(kSlice, info.nbytes() - done);
    std::memcpy(copy + done, stored + done, length);
    file.release(info, done, length);
  }
  return tensor;
}

Checkpoint Checkpoint::open(const std::string& model_dir) {
  std::error_code error;
  if (!fs::is_directory(model_dir, error))
    throw Error(fs::exists(model_dir, error) ? msg::Model::model_folder_not_a_folder : msg::Model::model_folder_missing,
                model_dir);
  const fs::path dir(model_dir);
  Checkpoint checkpoint;

  // A folder prepared from a .gguf file: its weights come from the GGUF (gguf_checkpoint.h).
  const fs::path gguf_map = dir / kGgufWeightMapFile;
  if (fs::exists(gguf_map, error)) {
    checkpoint.gguf_ = GgufWeights::open(gguf_map.string());
    const std::vector<TensorInfo>& tensors = checkpoint.gguf_->tensors();
    for (size_t i = 0; i < tensors.size(); ++i) checkpoint.where_.emplace_back(tensors[i].name, i);
    std::sort(checkpoint.where_.begin(), checkpoint.where_.end());
    return checkpoint;
  }

  // The same precedence as transformers' from_pretrained: the single file first, then the index.
  const fs::path single = dir / "model.safetensors";
  const fs::path index = dir / "model.safetensors.index.json";
  if (fs::exists(single, error)) {
    auto file = SafetensorsFile::open(single.string());
    for (const TensorInfo& info : file->tensors()) checkpoint.where_.emplace_back(info.name, 0);
    checkpoint.files_.push_back(std::move(file));
  } else if (fs::exists(index, error)) {
    const std::string index_path = index.string();
    const json parsed = parse_json_file(index_path);
    if (!parsed.is_object() || !parsed.contains("weight_map") || !parsed.at("weight_map").is_object())
      throw Error(msg::Model::index_not_weight_map, index_path);
    const json& weight_map = parsed.at("weight_map");
    if (weight_map.empty()) throw Error(msg::Model::index_weight_map_empty, index_path);
    std::map<std::string, size_t> shard_index;
    for (auto item = weight_map.begin(); item != weight_map.end(); ++item) {
      if (!item.value().is_string())
        throw Error(msg::Model::index_entry_not_string, index_path, item.key());
      const std::string shard = item.value().get<std::string>();
      check_shard_name(index_path, item.key(), shard);
      auto found = shard_index.find(shard);
      if (found == shard_index.end()) {
        const fs::path shard_path = dir / shard;
        if (!fs::exists(shard_path, error))
          throw Error(msg::Model::index_shard_missing, index_path, shard, item.key(), shard_path.string());
        checkpoint.files_.push_back(SafetensorsFile::open(shard_path.string()));
        found = shard_index.emplace(shard, checkpoint.files_.size() - 1).first;
      }
      if (!checkpoint.files_[found->second]->find(item.key()))
        throw Error(msg::Model::index_tensor_not_in_shard, index_path, item.key(), shard,
                    checkpoint.files_[found->second]->path());
      checkpoint.where_.emplace_back(item.key(), found->second);
    }
  } else {
    // transformers loads only these two names; a differently named file is not a checkpoint to it either.
    std::string found;
    for (const auto& entry : fs::directory_iterator(dir, error)) {
      const std::string name = entry.path().filename().string();
      if (name.size() > 12 && (name.compare(name.size() - 12, 12, ".safetensors") == 0 ||
                               name == "pytorch_model.bin" || name.rfind("pytorch_model-", 0) == 0))
        found += (found.empty() ? "" : ", ") + name;
    }
    if (found.empty()) throw Error(msg::Model::checkpoint_missing, model_dir);
    throw Error(msg::Model::checkpoint_missing_found_others, model_dir, found);
  }
  std::sort(checkpoint.where_.begin(), checkpoint.where_.end());

  // bitsandbytes 4-bit weights: one quant-state entry each names the weight it describes.
  for (const auto& [name, file_index] : checkpoint.where_) {
    if (ends_with(name, kBnbFp4StateSuffix))
      throw Error(msg::Model::bnb_fp4_unsupported, checkpoint.files_[file_index]->path(), name);
    if (!ends_with(name, kBnbNf4StateSuffix)) continue;
    const std::string weight = name.substr(0, name.size() - std::string(kBnbNf4StateSuffix).size());
    const std::string source = checkpoint.files_[file_index]->path();
    QuantizedEntry entry;
    entry.state = parse_bnb_quant_state(source, weight, checkpoint.raw_tensor(name));
    entry.info.name = weight;
    entry.info.dtype = entry.state.dtype;
    entry.info.shape = entry.state.shape;
    entry.info.end = static_cast<uint64_t>(entry.info.numel()) * dtype_size(entry.state.dtype);
    for (const std::string& companion : bnb_companion_names(weight, entry.state.nested))
      checkpoint.hidden_.insert(companion);
    checkpoint.quantized_.emplace(weight, std::move(entry));
  }
  for (const auto& [weight, entry] : checkpoint.quantized_)
    if (!std::binary_search(checkpoint.where_.begin(), checkpoint.where_.end(), std::make_pair(weight, size_t(0)),
                            [](const auto& a, const auto& b) { return a.first < b.first; }))
      throw Error(msg::Model::bnb_part_missing, model_dir, weight, weight, "uint8 [(n + 1) / 2, 1]");
  return checkpoint;
}

at::Tensor Checkpoint::raw_tensor(const std::string& name) const {
  auto it = std::lower_bound(where_.begin(), where_.end(), std::make_pair(name, size_t(0)));
  if (it == where_.end() || it->first != name) {
    if (files_.size() == 1) throw Error(msg::Model::checkpoint_no_tensor, files_[0]->path(), name);
    throw Error(msg::Model::checkpoint_shards_no_tensor, name);
  }
  const SafetensorsFile& file = *files_[it->second];
  return tensor_from_safetensors(file, *file.find(name));
}

namespace {

// What keeps a mapped tensor's file open, and which bytes of it the tensor is.
struct MappedTensorContext {
  std::shared_ptr<SafetensorsFile> file;
  const TensorInfo* info;
};
void delete_mapped_tensor_context(void* context) { delete static_cast<MappedTensorContext*>(context); }

}  // namespace

at::Tensor Checkpoint::mapped_tensor(const std::string& name) const {
  if (gguf_ || quantized_.count(name) || hidden_.count(name)) return {};
  auto it = std::lower_bound(where_.begin(), where_.end(), std::make_pair(name, size_t(0)));
  if (it == where_.end() || it->first != name) return {};
  const std::shared_ptr<SafetensorsFile>& file = files_[it->second];
  const TensorInfo& info = *file->find(name);
  at::ScalarType type;
  if (!file->is_mapped() || !to_scalar_type(info.dtype, &type) || info.nbytes() == 0) return {};
  void* bytes = const_cast<uint8_t*>(file->data(info));  // only read: see the header
  if (reinterpret_cast<uintptr_t>(bytes) % c10::elementSize(type) != 0) return {};
  return at::for_blob(bytes, info.shape)
      .context(new MappedTensorContext{file, &info}, &delete_mapped_tensor_context)
      .options(at::TensorOptions().dtype(type).device(at::kCPU))
      .make_tensor();
}

void release_mapped_pages(const at::Tensor& tensor) {
  if (!tensor.defined() || !tensor.has_storage()) return;
  const c10::DataPtr& data = tensor.storage().data_ptr();
  if (data.get_deleter() != &delete_mapped_tensor_context) return;  // not from mapped_tensor: never touched
  const auto* context = static_cast<const MappedTensorContext*>(data.get_context());
  context->file->release(*context->info);
}

bool Checkpoint::is_quantized(const std::string& name) const { return quantized_.count(name) > 0; }

QuantizedWeight Checkpoint::quantized(const std::string& name) const {
  auto found = quantized_.find(name);
  if (found == quantized_.end()) info(name);  // throws naming an absent tensor
  if (found == quantized_.end()) throw Error(msg::Model::bnb_part_missing, name, name, name + kBnbNf4StateSuffix, "nf4");
  const std::string source = files_.size() == 1 ? files_[0]->path() : name;
  return read_bnb_nf4(source, found->second.state, [&](const std::string& part) { return raw_tensor(part); });
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> result;
  result.reserve(where_.size());
  for (const auto& entry : where_)
    if (!hidden_.count(entry.first)) result.push_back(entry.first);
  return result;
}

bool Checkpoint::contains(const std::string& name) const {
  if (hidden_.count(name)) return false;
  auto it = std::lower_bound(where_.begin(), where_.end(), std::make_pair(name, size_t(0)));
  return it != where_.end() && it->first == name;
}

const TensorInfo& Checkpoint::info(const std::string& name) const {
  if (gguf_) {
    const TensorInfo* found = gguf_->find(name);
    if (!found) throw Error(msg::Model::checkpoint_no_tensor, gguf_->gguf_path(), name);
    return *found;
  }
  auto quantized = quantized_.find(name);
  if (quantized != quantized_.end()) return quantized->second.info;
  auto it = std::lower_bound(where_.begin(), where_.end(), std::make_pair(name, size_t(0)));
  if (it == where_.end() || it->first != name || hidden_.count(name)) {
    if (files_.size() == 1) throw Error(msg::Model::checkpoint_no_tensor, files_[0]->path(), name);
    throw Error(msg::Model::checkpoint_shards_no_tensor, name);
  }
  return *files_[it->second]->find(name);
}

at::Tensor Checkpoint::tensor(const std::string& name, const std::vector<int64_t>& expected_shape) const {
  if (gguf_) {
    const TensorInfo& stored = info(name);  // throws naming an absent tensor
    if (!expected_shape.empty() && stored.shape != expected_shape)
      throw Error(msg::Model::checkpoint_tensor_shape, gguf_->gguf_path(), name, shape_text(stored.shape),
                  shape_text(expected_shape));
    return gguf_->tensor(name);
  }
  auto quantized_entry = quantized_.find(name);
  if (quantized_entry != quantized_.end()) {
    const TensorInfo& dense = quantized_entry->second.info;
    if (!expected_shape.empty() && dense.shape != expected_shape)
      throw Error(msg::Model::checkpoint_tensor_shape, name, name, shape_text(dense.shape), shape_text(expected_shape));
    const QuantizedWeight weight = quantized(name);
    return weight.dequantize(weight.value_dtype);
  }
  if (hidden_.count(name)) info(name);  // throws naming it
  auto it = std::lower_bound(where_.begin(), where_.end(), std::make_pair(name, size_t(0)));
  if (it == where_.end() || it->first != name) info(name);  // throws naming the tensor
  const SafetensorsFile& file = *files_[it->second];
  const TensorInfo& tensor_info = *file.find(name);
  if (!expected_shape.empty() && tensor_info.shape != expected_shape)
    throw Error(msg::Model::checkpoint_tensor_shape, file.path(), name, shape_text(tensor_info.shape),
                shape_text(expected_shape));
  return tensor_from_safetensors(file, tensor_info);
}

std::string Checkpoint::gguf_path() const { return gguf_ ? gguf_->gguf_path() : std::string(); }

uint64_t Checkpoint::size_bytes() const {
  if (gguf_) return gguf_->file_size();
  uint64_t total = 0;
  for (const auto& file : files_) total += file->file_size();
  return total;
}

void save_tensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                  const std::map<std::string, std::string>& metadata) {
  std::vector<at::Tensor> host;  // keeps the CPU copies alive until written
  std::vector<TensorToWrite> to_write;
  host.reserve(tensors.size());
  to_write.reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) {
    if (!tensor.defined()) throw Error(msg::Model::save_tensor_undefined, path, name);
    TensorToWrite entry;
    entry.name = name;
    if (!from_scalar_type(tensor.scalar_type(), &entry.dtype))
      throw Error(msg::Model::save_tensor_dtype, path, name, std::string(c10::toString(tensor.scalar_type())));
    at::Tensor cpu = tensor.device().is_cpu() ? tensor.contiguous() : tensor.to(at::kCPU).contiguous();
    if (cpu.is_conj()) cpu = cpu.resolve_conj();
    if (cpu.is_neg()) cpu = cpu.resolve_neg();
    entry.shape = cpu.sizes().vec();
    entry.data = cpu.data_ptr();
    entry.nbytes = cpu.numel() * cpu.element_size();
    host.push_back(std::move(cpu));
    to_write.push_back(std::move(entry));
  }
  write_safetensors(path, to_write, metadata);
}

}  // namespace lora
