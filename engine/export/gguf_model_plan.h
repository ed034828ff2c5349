#pragma once
// A model GGUF planned before any weight is read: where the weights come from (the checkpoint, or
// the checkpoint with an adapter merged in) and each tensor's GGUF name, shape, layer and type.
// export_model_gguf writes this plan and estimate_model_gguf_size sizes it, so the estimate counts
// the tensors and per-tensor types the export writes.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gguf_quantize.h"
#include "gguf_tokenizer_metadata.h"
#include "model_config.h"
#include "model_family.h"

namespace lora::gguf {

struct ModelWeightSource {
  std::string model_dir;
  std::string config_path;
  ModelConfig config;
  WeightLayout layout;
  std::vector<std::string> names;
  std::function<std::vector<int64_t>(const std::string&)> shape;
  std::function<at::Tensor(const std::string&)> tensor;  // float32, read only when called
  bool has_output = false;                               // a head of its own (not tied)
  std::string embedding_dtype;                           // safetensors' name, "BF16", ...
  std::string trained_template;                          // the adapter's chat template, "" without one
  int64_t merged_modules = 0;
};

// The model in model_dir, with the adapter in adapter_dir merged in when it is not "". Throws
// lora::Error naming the folder when it holds no model (or the adapter's errors).
ModelWeightSource open_model_weights(const std::string& model_dir, const std::string& adapter_dir);

// GGUF's architecture name for the source's family; throws lora::Error naming config.json for one
// llama.cpp has no name for.
std::string gguf_architecture_of(const ModelWeightSource& source);

// The tokenizer metadata's options for the source: its folder, vocab_size, special ids, and the
// chat template the adapter was trained with.
TokenizerMetadataOptions tokenizer_metadata_options(const ModelWeightSource& source);

// The type export-gguf picks without --type: bf16 when the model's embedding is stored in bf16, else f16.
ExportType default_export_type(const ModelWeightSource& source);

struct PlannedTensor {
  std::string source;  // checkpoint name; "" for tensors the export computes (rope_freqs, rope factors)
  std::string name;    // GGUF name
  std::vector<int64_t> shape;
  int layer = -1;
  TensorType type = TensorType::f32;
};

// Llama 3's rope_freqs tensor: the divisor transformers' llama3 RoPE applies to each of the head_dim / 2
// frequencies of theta.
std::vector<float> llama3_rope_divisors(double theta, int64_t head_dim, const RopeScaling& scaling);

// Every tensor of the GGUF in llama.cpp's own order (outside the blocks first, then by layer:
// llama-quantize's attn_v counters walk it), each with `type`'s mixture applied. `arch` is
// gguf_architecture_of(source). Throws lora::Error naming the folder and tensor for a checkpoint
// tensor the architecture has no GGUF name for.
std::vector<PlannedTensor> plan_model_tensors(const ModelWeightSource& source, const std::string& arch, ExportType type);

}  // namespace lora::gguf
