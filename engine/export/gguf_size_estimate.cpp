#include "gguf_size_estimate.h"

#include <filesystem>
#include <memory>
#include <vector>

#include "gguf_model_plan.h"
#include "gguf_tokenizer_metadata.h"
#include "gguf_writer.h"
#include "safetensors.h"
#include "tokenizer.h"

namespace lora::gguf {
namespace {

namespace fs = std::filesystem;

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
  return default_export_type(open_model_weights(model_dir, ""));
}

GgufSizeEstimate estimate_model_gguf_size(const std::string& model_dir, const std::string& adapter_dir,
                                          std::optional<ExportType> type) {
  // The tensors as export_model_gguf plans them (the merged model's when there is an adapter).
  const ModelWeightSource source = open_model_weights(model_dir, adapter_dir);
  const std::string arch = gguf_architecture_of(source);
  GgufSizeEstimate estimate;
  estimate.type = type ? *type : default_export_type(source);
  const std::vector<PlannedTensor> planned = plan_model_tensors(source, arch, estimate.type);

  GgufWriter writer;
  add_model_keys(writer, arch, estimate.type, model_dir);
  const std::unique_ptr<Tokenizer> tokenizer = Tokenizer::load(model_dir);
  write_tokenizer_metadata(writer, *tokenizer, tokenizer_metadata_options(source));

  for (const PlannedTensor& tensor : planned) {
    writer.add_tensor(tensor.name, tensor.shape, tensor.type, [](const ByteSink&) {});
    estimate.tensor_bytes += tensor_bytes(tensor.type, tensor.shape);
    count_type(estimate, tensor.type);
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
