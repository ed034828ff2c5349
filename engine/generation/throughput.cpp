#include "throughput.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace lora {
namespace {

void synchronize(c10::Device device) {
  // A small device→host copy waits for every queued kernel; it needs no CUDA header here,
  // so the same code builds against CPU-only and CUDA libtorch.
  if (device.is_cuda()) at::zeros({1}, at::TensorOptions().device(device)).cpu();
}

}  // namespace

int64_t matmul_parameters(const ModelConfig& c) {
  const int64_t q = c.hidden_size * c.num_attention_heads * c.head_dim;
  const int64_t kv = 2 * c.hidden_size * c.num_key_value_heads * c.head_dim;
  const int64_t o = c.num_attention_heads * c.head_dim * c.hidden_size;
  const int64_t mlp = 3 * c.hidden_size * c.intermediate_size;
  return c.num_hidden_layers * (q + kv + o + mlp) + c.hidden_size * c.vocab_size;
}

ForwardFlops forward_flops(const ModelConfig& c, int64_t batch, int64_t seq_len) {
  ForwardFlops flops;
  const double tokens = double(batch) * double(seq_len);
  flops.matmul = 2.0 * double(matmul_parameters(c)) * tokens;
  flops.attention = double(c.num_hidden_layers) * 2.0 * 2.0 * double(batch) * double(c.num_attention_heads) *
                    double(seq_len) * double(seq_len) * double(c.head_dim);
  return flops;
}

MatmulPeak measure_matmul_peak(c10::Device device, c10::ScalarType dtype, int repeats) {
  at::NoGradGuard no_grad;
  const std::vector<int64_t> sizes =
      device.is_cuda() ? std::vector<int64_t>{2048, 4096, 8192} : std::vector<int64_t>{1024, 2048};
  MatmulPeak best;
  for (int64_t n : sizes) {
    at::TensorOptions options = at::TensorOptions().device(device).dtype(dtype);
    at::Tensor a = at::randn({n, n}, options.dtype(at::kFloat)).to(dtype);
    at::Tensor b_rows = at::randn({n, n}, options.dtype(at::kFloat)).to(dtype);
    // Both layouts of the right-hand side: row-major, and the transpose of a row-major matrix, which
    // is how every model weight ([out, in]) is multiplied. oneDNN on AMX ran the second 1.25-1.4x
    // faster (2070 against 1570-1670 GFLOP/s at n = 1024, 2 threads), so a peak from the first alone
    // understated the machine and overstated every fraction of it.
    for (const bool transposed : {false, true}) {
      const at::Tensor b = transposed ? b_rows.t() : b_rows;
      const auto warm_up_start = std::chrono::steady_clock::now();
      at::Tensor out = at::mm(a, b);  // warm-up: kernel selection, oneDNN/cuBLAS setup
      synchronize(device);
      // A dtype with no fast kernel here (bf16 on a CPU without AVX-512: oneDNN's reference loops)
      // takes seconds per product: one timed product, and no other layout or larger size.
      const bool slow = std::chrono::duration<double>(std::chrono::steady_clock::now() - warm_up_start).count() > 1.0;
      for (int r = 0; r < (slow ? 1 : std::max(1, repeats)); ++r) {
        const auto start = std::chrono::steady_clock::now();
        at::mm_out(out, a, b);
        synchronize(device);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double rate = 2.0 * double(n) * double(n) * double(n) / seconds;
        if (rate > best.flops_per_second) best = {rate, n, transposed};
      }
      if (slow) return best;
    }
  }
  return best;
}

std::string matmul_peak_shape(const MatmulPeak& peak) {
  return "n=" + std::to_string(peak.size) + (peak.transposed ? ", B transposed" : "");
}

}  // namespace lora
