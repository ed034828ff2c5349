#pragma once
// The memory pre-flight: what a LoRA training run will need at its peak on its device, part by part,
// worked out from the model's shapes and the settings before anything is loaded, against what the
// device has; and when it does not fit, which single changes make it fit and what each would need.
// The parts model what the engine itself keeps (transformer.cpp, the ops' autograd nodes, the
// trainer's loss and optimizer); the runtime overhead is measured (docs/PERFORMANCE.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memory_budget.h"
#include "message.h"
#include "model_config.h"
#include "training_settings.h"

namespace lora {

// What the estimate needs of a model: its config.json and the dtype its weights are stored in.
struct ModelShape {
  ModelConfig config;
  std::string stored_dtype = "float32";  // "float32" | "bfloat16" | "float16"
  // The weights are in safetensors files (not a folder prepared from a .gguf): on the CPU, token
  // embeddings stored in the compute dtype are read in place from the file, not copied.
  bool safetensors = true;
  // LoRA targets and rank come from settings, or from settings.init_adapter's adapter_config.json
  // when one is named (read by estimate_training_memory(settings)).
};

struct TrainingMemoryParts {
  uint64_t frozen_weights = 0;   // base weights as training holds them (quantized decoder linears, the rest in the compute dtype)
  uint64_t adapter = 0;          // LoRA factors (fp32 masters), their gradients and the optimizer's state
  uint64_t activations = 0;      // what the forward pass keeps for backward, plus backward's largest temporaries
  uint64_t logits_and_loss = 0;  // the head's logits over the target tokens and what the cross-entropy keeps
  uint64_t overhead = 0;         // the runtime: libtorch, the allocator, the tokenizer
  uint64_t total() const { return frozen_weights + adapter + activations + logits_and_loss + overhead; }
};

enum class MemoryChange { QuantizeNf4, GradientCheckpointing, MicroBatch, CutoffLength, AllTogether };

struct MemorySuggestion {
  MemoryChange change = MemoryChange::QuantizeNf4;
  int64_t value = 0;     // the micro-batch size or cutoff length suggested (0 for the others)
  uint64_t peak = 0;     // the expected peak with this change
  bool fits = false;
};

struct MemoryEstimate {
  bool on_gpu = false;
  std::string compute_dtype;  // "float32" | "bfloat16" | "float16"
  std::string quantize = "none";
  int64_t micro_batch = 0, cutoff = 0, trainable_parameters = 0, vocab_size = 0;
  bool gradient_checkpointing = false;
  TrainingMemoryParts parts;
  uint64_t activations_with_checkpointing = 0, activations_without_checkpointing = 0;
  // While the weights are read: the weights copied so far beside the one tensor being read (its
  // mapped pages, and its conversion or quantization). Host memory only, and rarely above training.
  uint64_t loading_peak = 0;
  std::optional<MemoryAvailable> available;
  std::vector<MemorySuggestion> suggestions;  // only when it does not fit

  uint64_t peak() const { return parts.total() > loading_peak ? parts.total() : loading_peak; }
  // Unknown availability counts as fitting: the pre-flight then informs and never blocks.
  bool fits() const { return !available || peak() <= available->bytes; }
};

// The run `settings` describes: reads <model_dir>/config.json and the checkpoint's headers (no
// weights), resolves the device and precision as the trainer will, and reads what the device has.
// Throws lora::Error as loading the model would (no config.json, unsupported model, bad device).
MemoryEstimate estimate_training_memory(const TrainingSettings& settings);

// The same from a shape: `on_gpu` and `compute_dtype` as resolve_compute_target gives them. No
// suggestions unless `available` is given and the peak exceeds it.
MemoryEstimate estimate_training_memory(const ModelShape& model, const TrainingSettings& settings, bool on_gpu,
                                        const std::string& compute_dtype,
                                        const std::optional<MemoryAvailable>& available);

// The breakdown as lines for a person (the CLI prints their English; the window translates them):
// the total against what is available, each part, and the suggestions when it does not fit.
std::vector<Message> describe_memory_estimate(const MemoryEstimate& estimate);
Message memory_estimate_summary(const MemoryEstimate& estimate);  // the first of those lines
// The same as one JSON object (bytes as integers), for `train --dry-run --json` and scripts.
std::string memory_estimate_to_json(const MemoryEstimate& estimate);

}  // namespace lora
