#pragma once
// The tensors of a Hugging Face model folder: model.safetensors, or shards listed by
// model.safetensors.index.json. Tensors are handed out as libtorch tensors.
// Which files count is what transformers' from_pretrained loads: model.safetensors first, else the
// index. A folder holding only differently named *.safetensors (consolidated.safetensors, ...) is
// refused with an error listing them, rather than guessed at: transformers would not load it either.
#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bnb_checkpoint.h"
#include "safetensors.h"

namespace lora {

class GgufWeights;  // gguf_checkpoint.h: a folder prepared from a .gguf file

class Checkpoint {
 public:
  // Throws lora::Error naming the folder/file when there is no checkpoint, the index is
  // malformed, a shard name is unsafe (absolute, "..", separators) or a shard is missing.
  // With an index, the checkpoint's tensors are exactly the weight_map's entries, each of which
  // must exist in the shard it names; other tensors in the shards are ignored.
  static Checkpoint open(const std::string& model_dir);

  std::vector<std::string> names() const;  // sorted
  bool contains(const std::string& name) const;
  const TensorInfo& info(const std::string& name) const;  // throws naming the tensor when absent
  // A CPU tensor over a copy of the data, in the file's dtype (a folder prepared from a .gguf file:
  // see gguf_checkpoint.h; quantized tensors come as float32). Throws naming the tensor
  // (and the expected shape when one is given and differs; an empty expected_shape checks nothing).
  at::Tensor tensor(const std::string& name, const std::vector<int64_t>& expected_shape = {}) const;
  // The tensor's bytes in place, with no copy: a read-only CPU tensor over the mapped file (in the
  // file's dtype) that keeps the file mapped while it lives. Its pages load only as they are read,
  // and being clean file pages the kernel may drop and re-read them instead of swapping: for a
  // table read a few rows at a time (the token embeddings) only those rows ever take memory.
  // Nothing may write to it (the mapping is read-only). Undefined when the tensor is not a plain
  // tensor of a mapped safetensors file (a .gguf folder, a bitsandbytes weight, bytes in memory, an
  // offset not aligned to its element size, a dtype libtorch lacks).
  at::Tensor mapped_tensor(const std::string& name) const;
  uint64_t size_bytes() const;  // sum of the safetensors files (or the .gguf file's size)
  // The .gguf file the weights come from (a folder with gguf_checkpoint.h's weight map); "" otherwise.
  std::string gguf_path() const;

  // A pre-quantized bitsandbytes 4-bit weight (bnb_checkpoint.h) appears under its own name as the
  // dense tensor it stands for: info() gives the dense dtype and shape, tensor() the dequantized
  // values (in that dtype), and its companions (absmax, quant_map, quant_state, ...) are not among
  // names(). quantized() gives the stored form itself (CPU tensors); it throws for a dense tensor.
  bool is_quantized(const std::string& name) const;
  QuantizedWeight quantized(const std::string& name) const;

 private:
  struct QuantizedEntry {
    BnbQuantState state;
    TensorInfo info;  // the dense tensor's name, dtype and shape (no bytes in any file)
  };
  at::Tensor raw_tensor(const std::string& name) const;  // companions too, as stored

  std::vector<std::shared_ptr<SafetensorsFile>> files_;
  std::shared_ptr<GgufWeights> gguf_;  // set for a folder prepared from a .gguf file; where_ indexes its tensors
  std::vector<std::pair<std::string, size_t>> where_;  // sorted by name: tensor -> file index
  std::map<std::string, QuantizedEntry> quantized_;    // by weight name
  std::set<std::string> hidden_;                       // the quantized weights' companions
};

// Gives back the resident pages of a tensor made by Checkpoint::mapped_tensor (read again from the
// file when next needed); does nothing to any other tensor. For a table read a few rows at a time:
// without it the rows a long run has looked up (and their neighbours, which a page fault maps
// too) pile up until the whole table is resident.
void release_mapped_pages(const at::Tensor& tensor);

// Conversions between libtorch tensors and safetensors.
// A CPU copy in the file's dtype (the tensor's mapped pages are released afterwards): BOOL, U8, I8, I16, F16, BF16, I32, F32, F64, I64, C64. The
// unsigned 16/32/64-bit and fp8 dtypes have no libtorch 1.13 type: lora::Error naming the tensor.
at::Tensor tensor_from_safetensors(const SafetensorsFile& file, const TensorInfo& info);
// Atomic write of named CPU/CUDA tensors (made contiguous, moved to CPU) in the given order.
// Throws lora::Error for an undefined tensor, a dtype safetensors cannot name, or a failed write.
void save_tensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                  const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

}  // namespace lora
