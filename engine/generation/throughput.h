#pragma once
// Counting a forward pass's floating-point work and measuring what the device's matmuls can do,
// so benchmarks can say how much of the hardware a run uses (bench forward now, bench train later).
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <cstdint>
#include <string>

#include "model_config.h"

namespace lora {

struct ForwardFlops {
  double matmul = 0.0;     // 2 × (weights of every linear layer, lm_head included) × tokens
  double attention = 0.0;  // QKᵀ and attention·V: 2 × 2 × batch × heads × T × T × head_dim per layer
  double total() const { return matmul + attention; }
};

// Parameters that take part in matmuls: q/k/v/o, gate/up/down of every layer and lm_head
// (the embedding is a lookup, norms and biases are not matmuls).
int64_t matmul_parameters(const ModelConfig& config);
// FLOPs of one forward pass over batch × seq_len tokens without a cache. Attention is counted over
// the full T × T score matrix, as the kernels compute it (the causal mask hides half of it).
ForwardFlops forward_flops(const ModelConfig& config, int64_t batch, int64_t seq_len);

struct MatmulPeak {
  double flops_per_second = 0.0;  // the best rate seen
  int64_t size = 0;               // the n of the n × n × n product that gave it
  bool transposed = false;        // whether its right-hand side was the transpose of a row-major matrix
};

// Best rate of square matrix products (n = 1024 and 2048 on CPUs, up to 8192 on CUDA) in `dtype`
// on `device`, the right-hand side row-major and transposed, each run `repeats` times after a
// warm-up, synchronising CUDA around the timing.
// A warm-up product slower than a second (no fast kernel for the dtype) is timed once, and larger
// sizes are skipped.
MatmulPeak measure_matmul_peak(c10::Device device, c10::ScalarType dtype, int repeats = 5);
// "n=1024" or "n=1024, B transposed": the product that gave the peak, for a report's line.
std::string matmul_peak_shape(const MatmulPeak& peak);

}  // namespace lora
