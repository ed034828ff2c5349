#pragma once
// Merging a PEFT LoRA adapter into its base model, W' = W + scaling·B·A, written as a complete
// Hugging Face model folder (config.json, generation_config.json, tokenizer files, safetensors
// weights sharded as transformers' save_pretrained shards them).
//
// The merge streams: one tensor at a time is read from the base checkpoint, merged in fp32, cast
// to the output dtype and written straight into its shard file, so a model of any size merges in
// the memory of its largest tensor (in fp32) rather than of the whole model.
//
// Tied embeddings: when the adapter targets lm_head of a model with tie_word_embeddings, the
// output head is untied: lm_head.weight = embed_tokens.weight + scaling·B·A is written and
// config.json gets "tie_word_embeddings": false (the embedding itself stays unchanged, which is
// what the adapter computed). Merging into the shared tensor would change the input embeddings too.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "message.h"

namespace lora {

// transformers' save_pretrained default (max_shard_size="5GB").
constexpr uint64_t kDefaultMaxShardBytes = 5000000000ULL;

struct MergeOptions {
  std::string model_dir;
  std::string adapter_dir;
  std::string output_dir;
  // "auto" keeps every tensor's stored dtype; "float32" | "bfloat16" | "float16" casts the floating
  // tensors (config.json's torch_dtype follows).
  std::string dtype = "auto";
  uint64_t max_shard_bytes = kDefaultMaxShardBytes;
  // Replace the model files of an output folder that already holds a model (other files stay).
  bool force = false;
};

struct MergeProgress {
  int64_t tensors_done = 0;
  int64_t tensors_total = 0;
  std::string tensor;  // the one just written
};
// Return false to cancel: the merge throws lora::Error and leaves no output behind.
using MergeCallback = std::function<bool(const MergeProgress&)>;

struct MergeResult {
  std::string output_dir;
  std::vector<std::string> files;  // written, relative to output_dir, in the order written
  int64_t tensors = 0;             // in the merged checkpoint
  int64_t merged_modules = 0;      // linear layers that received a LoRA delta
  int64_t num_parameters = 0;
  uint64_t total_size = 0;         // bytes of tensor data (the index's metadata.total_size)
  int shards = 1;
  std::string dtype;               // "float32" | "bfloat16" | "float16" (of the embedding when mixed)
  bool untied_lm_head = false;
  std::vector<Message> notes;      // things the user should know (rsLoRA and llama.cpp, untied head)
};

// Validates everything (model, adapter, shapes, the output folder) before writing anything, then
// writes into a hidden temporary folder beside output_dir and moves the result into place at the
// end: a failure or a cancel leaves no half-written model. Throws lora::Error naming the folder,
// file and tensor: a missing model or adapter folder, an adapter tensor whose shape does not fit
// the model (naming the PEFT key and both shapes), an adapter key for a module the model does not
// have or that is not a linear layer, an output folder that already holds a model without force,
// an output folder that is the model or adapter folder.
MergeResult merge_adapter(const MergeOptions& options, const MergeCallback& callback = {});

// "5GB" (10^9), "500MB", "2GiB" (2^30), "1.5GB", "123" (bytes): what transformers accepts for
// max_shard_size. Throws lora::Error naming `what` for anything else or for zero.
uint64_t parse_size_bytes(const std::string& text, const std::string& what);

// The JSON summary `lora-studio-cli merge` prints.
std::string merge_result_to_json(const MergeResult& result);

}  // namespace lora
