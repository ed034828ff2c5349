#pragma once
// The weights of a model folder prepared from a .gguf file (export/gguf_model_import.h): the folder
// holds config.json, the tokenizer files and kGgufWeightMapFile instead of safetensors, and
// Checkpoint reads each tensor from the GGUF through this class, dequantized on request (one
// tensor at a time: a quantized file is never expanded whole).
//
// kGgufWeightMapFile: {"gguf": PATH, "tensors": [{"name": HF name, "gguf": GGUF name,
// "transform": "" | "unpermute_rope" | "minus_one", "heads": N}]}: "unpermute_rope" undoes the Q/K
// row permutation convert_hf_to_gguf.py applies for the llama architecture (heads = that
// projection's head count), "minus_one" Gemma's norms stored as 1 + w.
//
// Reported dtypes: F32, F16 and BF16 tensors as stored; quantized tensors (Q8_0, Q4_K, ...) as BF16,
// the precision they load in by default (2 bytes per weight: a 7B Q4 file needs about 14 GB, not 28),
// while tensor() hands them out as the exact float32 dequantization, so --dtype float32 computes
// with exactly the values llama.cpp's dequantization gives.
#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "safetensors.h"

namespace lora {

namespace gguf {
class GgufFile;
struct GgufTensorInfo;
}  // namespace gguf

inline constexpr const char* kGgufWeightMapFile = "gguf_weights.json";

class GgufWeights {
 public:
  // Reads the map and opens the GGUF it names. Throws lora::Error naming the map file (a malformed
  // entry, a GGUF tensor that is not in the file, an unknown transform) or the GGUF (its own errors).
  static std::shared_ptr<GgufWeights> open(const std::string& map_path);

  const std::vector<TensorInfo>& tensors() const { return infos_; }  // Hugging Face names, map order
  const TensorInfo* find(const std::string& name) const;
  // The tensor as the Hugging Face checkpoint held it (see above for the dtype). Throws naming the
  // GGUF and the tensor when it is not in the map.
  at::Tensor tensor(const std::string& name) const;
  const std::string& gguf_path() const;
  uint64_t file_size() const;

 private:
  struct Source {
    const gguf::GgufTensorInfo* tensor = nullptr;
    std::string transform;
    int64_t heads = 0;
  };
  std::shared_ptr<gguf::GgufFile> file_;
  std::vector<TensorInfo> infos_;
  std::vector<Source> sources_;
  std::map<std::string, size_t> index_;
};

}  // namespace lora
