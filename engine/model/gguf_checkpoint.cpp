#include "gguf_checkpoint.h"

#include <ATen/ATen.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "error.h"
#include "gguf_file.h"
#include "json_reader.h"
#include "model_messages.h"

namespace lora {

std::shared_ptr<GgufWeights> GgufWeights::open(const std::string& map_path) {
  using nlohmann::json;
  const json map = parse_json_object_file(map_path);
  const JsonPath at(map_path);
  const std::string gguf_path = require_string(map, "gguf", at);
  auto weights = std::make_shared<GgufWeights>();
  weights->file_ = gguf::GgufFile::open(gguf_path);
  const json& tensors = require_field(map, "tensors", at);
  if (!tensors.is_array()) throw Error(msg::Model::gguf_map_malformed, map_path, "tensors");
  for (size_t i = 0; i < tensors.size(); ++i) {
    const json& item = tensors[i];
    const JsonPath item_at = (at / "tensors")[i];
    if (!item.is_object()) throw Error(msg::Model::gguf_map_malformed, map_path, item_at.path());
    TensorInfo info;
    Source source;
    info.name = require_string(item, "name", item_at);
    const std::string gguf_name = require_string(item, "gguf", item_at);
    source.transform = read_string(item, "transform", "", item_at);
    source.heads = read_int(item, "heads", 0, item_at, 0, int64_t(1) << 20);
    source.tensor = weights->file_->find_tensor(gguf_name);
    if (!source.tensor) throw Error(msg::Model::gguf_map_tensor_missing, map_path, gguf_name, gguf_path);
    if (source.transform != "" && source.transform != "unpermute_rope" && source.transform != "minus_one")
      throw Error(msg::Model::gguf_map_transform_unknown, map_path, info.name, source.transform);
    info.shape = source.tensor->torch_shape;
    if (source.transform == "unpermute_rope") {
      const int64_t rows = info.shape.empty() ? 0 : info.shape[0];
      if (source.heads <= 0 || rows % (2 * source.heads) != 0)
        throw Error(msg::Model::gguf_map_heads, gguf_path, gguf_name, rows, source.heads);
    }
    switch (source.tensor->type) {
      case gguf::TensorType::f32: info.dtype = DType::F32; break;
      case gguf::TensorType::f16: info.dtype = DType::F16; break;
      default: info.dtype = DType::BF16; break;  // stored as bf16, or quantized (see the header)
    }
    info.end = static_cast<uint64_t>(source.tensor->numel) * dtype_size(info.dtype);
    if (!weights->index_.emplace(info.name, weights->infos_.size()).second)
      throw Error(msg::Model::gguf_map_name_repeated, map_path, info.name);
    weights->infos_.push_back(std::move(info));
    weights->sources_.push_back(std::move(source));
  }
  return weights;
}

const TensorInfo* GgufWeights::find(const std::string& name) const {
  const auto found = index_.find(name);
  return found == index_.end() ? nullptr : &infos_[found->second];
}

const std::string& GgufWeights::gguf_path() const { return file_->path(); }
uint64_t GgufWeights::file_size() const { return file_->file_size(); }

at::Tensor GgufWeights::tensor(const std::string& name) const {
  const auto found = index_.find(name);
  if (found == index_.end()) throw Error(msg::Model::checkpoint_no_tensor, file_->path(), name);
  const Source& source = sources_[found->second];
  const gguf::GgufTensorInfo& stored = *source.tensor;
  at::Tensor tensor;
  if (stored.type == gguf::TensorType::f16 || stored.type == gguf::TensorType::bf16) {
    const auto dtype = stored.type == gguf::TensorType::f16 ? at::kHalf : at::kBFloat16;
    tensor = at::empty(stored.torch_shape, at::TensorOptions().dtype(dtype));
    if (stored.nbytes > 0) std::memcpy(tensor.data_ptr(), file_->tensor_data(stored), stored.nbytes);
  } else {
    tensor = at::empty(stored.torch_shape, at::TensorOptions().dtype(at::kFloat));
    file_->read_f32(stored, 0, stored.numel, tensor.data_ptr<float>());
  }
  // The values are copied out: the mapped pages need not stay resident while the rest loads.
  file_->release(stored);
  if (source.transform == "unpermute_rope") {
    // The converter stored each head's rows as (half, 2) pairs for llama.cpp's RoPE; back to (2, half).
    const std::vector<int64_t> shape = tensor.sizes().vec();
    std::vector<int64_t> split = {source.heads, shape[0] / source.heads / 2, 2};
    for (size_t i = 1; i < shape.size(); ++i) split.push_back(shape[i]);
    tensor = tensor.reshape(split).transpose(1, 2).reshape(shape).contiguous();
  } else if (source.transform == "minus_one") {
    tensor = (tensor.to(at::kFloat) - 1.0f).to(tensor.scalar_type());
  }
  return tensor;
}

}  // namespace lora
