#pragma once
// Timing LoRA training steps on random token batches, through the same calls the trainer makes
// (CausalLM::forward_hidden + logits_from_hidden, summed cross-entropy / target count, backward,
// gradient clipping, lora::Optimizer), for `lora-studio-cli bench train`: tokens/s, where the step's
// time goes, the step's floating-point work and the process's peak memory.
#include <c10/core/Device.h>

#include <cstdint>
#include <string>
#include <vector>

namespace lora {

class CausalLM;
class ModelAdapter;

struct TrainStepBenchSettings {
  int64_t micro_batch = 4;
  int64_t seq_len = 256;      // every position is a target: tokens per step = micro_batch × seq_len
  int warmup_steps = 1;       // untimed steps first (allocator, oneDNN kernel selection)
  int timed_steps = 5;
  double learning_rate = 1e-4;
  double max_grad_norm = 1.0;  // as the trainer's default; 0 = no clipping
  uint64_t seed = 0;           // the random token ids
  bool profile = false;        // one more step after the timed ones with the op profiler on
};

// Wall-clock seconds of one optimizer step, split where the trainer's loop splits it.
struct TrainStepTimes {
  double forward = 0;    // forward pass, lm_head and the loss
  double backward = 0;   // loss.backward()
  double optimizer = 0;  // gradient norm, clipping, AdamW update, zero_grad
  double total() const { return forward + backward + optimizer; }
};

// One operator (an aten:: op or an autograd node such as "MmBackward0") with one set of input
// shapes in the profiled step: the lm_head's matmul and a q_proj's are separate entries.
struct OpProfile {
  std::string name;
  std::string input_shapes;  // "[1024,512] [512,32000]"; empty entries for non-tensor arguments are left out
  int64_t calls = 0;
  double self_seconds = 0;   // time in the op itself, without the ops it called
  double total_seconds = 0;  // including them
};

struct TrainStepBenchResult {
  int64_t tokens_per_step = 0;
  int64_t trainable_parameters = 0;
  std::vector<TrainStepTimes> steps;  // the timed steps
  TrainStepTimes mean;
  double best_step_seconds = 0;
  double tokens_per_second = 0;  // tokens_per_step / mean.total()
  double first_loss = 0;         // of the first (warm-up) step: ≈ ln(vocab) for a random model
  double last_loss = 0;
  std::vector<OpProfile> profile;  // by self time, largest first; empty unless settings.profile
  double profiled_step_seconds = 0;
};

// Peak memory of a run: on the CPU the process's resident-set high-water mark (VmHWM, which
// reset_peak_memory lowers to the current RSS through /proc/self/clear_refs so that a second run in
// one process is measured on its own; getrusage's ru_maxrss where that is not available); on CUDA
// the highest device memory in use seen by sample_peak_memory (cudaMemGetInfo, which includes the
// caching allocator's reserve).
class PeakMemory {
 public:
  explicit PeakMemory(c10::Device device) : device_(device) {}
  void reset();   // frees what the allocator caches (malloc_trim) and starts a new high-water mark
  void sample();  // CUDA: records the memory in use now; CPU: nothing (the kernel tracks it)
  int64_t peak_bytes() const;
  std::string what() const;  // how peak_bytes was measured, for the report
  // CUDA: the caching allocator's peak reservation from the driver (tensors + its cache), as
  // torch.cuda.max_memory_reserved; -1 elsewhere or without allocator statistics.
  int64_t peak_reserved_bytes() const;
  // CUDA: the highest device memory in use seen by sample() (cudaMemGetInfo: every process on
  // the device, the CUDA context included); 0 elsewhere.
  int64_t device_in_use_peak_bytes() const { return cuda_peak_; }

 private:
  c10::Device device_;
  bool rss_reset_ = false;
  int64_t cuda_peak_ = 0;
};

// Runs warmup + timed steps of LoRA training on `model` with `adapter` attached to it, which must be
// trainable (ModelAdapter::create). Inputs are uniform random ids [micro_batch, seq_len + 1]:
// positions 0..T-1 are the input, 1..T the targets. Throws lora::Error for a model without a
// trainable adapter, a sequence longer than the model's context, or settings below 1.
// `memory` (optional) is sampled after each phase (what CUDA's peak needs).
TrainStepBenchResult run_train_step_bench(CausalLM& model, const ModelAdapter& adapter,
                                          const TrainStepBenchSettings& settings, PeakMemory* memory = nullptr);

// Floating-point work of one LoRA training step over batch × seq_len tokens, counted as issue 3
// defines it ("4 × parameters × tokens, plus attention"):
//   frozen_matmul = 4 × (weights of every base linear layer, lm_head included) × tokens:
//                   2 for the forward product, 2 for the input gradient; frozen weights get no
//                   weight gradient. (Layer 0's q/k/v inputs need no gradient either; that
//                   saving, under 1% for usual shapes, is not subtracted.)
//   lora          = 6 × (LoRA factor parameters) × tokens: forward, input and weight gradients.
//   attention     = 3 × forward attention, forward attention = 2 × 2 × batch × heads × T × T ×
//                   head_dim per layer (QKᵀ and P·V over the full T × T matrix, as the kernels
//                   compute it); the backward pass does twice the forward's products.
// Norms, RoPE, softmax, the loss and the optimizer are not counted.
struct TrainStepFlops {
  double frozen_matmul = 0;
  double lora = 0;
  double attention = 0;
  double total() const { return frozen_matmul + lora + attention; }
};
TrainStepFlops train_step_flops(const CausalLM& model, int64_t batch, int64_t seq_len);

// The frozen products of one step over batch × seq_len tokens and nothing else, on the model's own
// weights, in the step's order and shapes: each decoder layer's products forward (the layers the
// engine runs as one product, q/k/v and gate/up, as one), the head in the bands the loss runs it in,
// forward and input gradient, then every input-gradient product in reverse (none for the first,
// whose input is the embedding). Each product reads the previous one's output, as the step's data
// flows, so caches hold what they would. What a step would take if everything else were free:
// `bench train --ceiling` sets it beside the step measured in the same run. `measured` is false
// (and the times 0) where the frozen weights are quantized: their products are not plain matmuls.
struct FrozenProductsTiming {
  bool measured = false;
  int64_t weights = 0;  // the products' weights: a layer group (q/k/v, gate/up) counts once, the head once
  double mean_seconds = 0;
  double best_seconds = 0;
};
FrozenProductsTiming time_frozen_products(CausalLM& model, int64_t batch, int64_t seq_len, int repeats);

}  // namespace lora
