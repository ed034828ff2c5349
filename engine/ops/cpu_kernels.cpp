// The kernels are written once (cpu_kernels_impl.inc) with GCC vector extensions and compiled three
// times: for x86-64-v4 (AVX-512), x86-64-v3 (AVX2 + FMA) and the baseline the project builds for,
// each under `#pragma GCC target` so that every inlined helper is compiled for that instruction set
// (with target_clones only the entry points are, and GCC then builds vector operands lane by lane).
// The copy to run is picked once from the CPU's features.
#include "cpu_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define LORA_INLINE inline __attribute__((always_inline))
// No fused multiply-adds the source does not write: in fp32 the kernels then round exactly as the
// eager ATen compositions do (x·cos + rotate_half(x)·sin rounds each product), so the fp32 model
// matches Hugging Face's logits to the last bits the tests check.
#pragma GCC optimize("fp-contract=off")
// The vectors only live inside always-inline helpers: no call boundary passes one, so GCC's notes
// about their calling convention do not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

// `#pragma GCC target("arch=...")` needs GCC 11; other compilers and CPUs get the baseline build only.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11 && defined(__x86_64__)
#define LORA_KERNEL_VARIANTS 1
#pragma GCC push_options
#pragma GCC target("arch=x86-64-v4")
#define LORA_KERNEL_NS avx512
#define LORA_KERNEL_FMA_BITS 512
#include "cpu_kernels_impl.inc"
#undef LORA_KERNEL_FMA_BITS
#undef LORA_KERNEL_NS
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("arch=x86-64-v3")
#define LORA_KERNEL_NS avx2
#define LORA_KERNEL_FMA_BITS 256
#include "cpu_kernels_impl.inc"
#undef LORA_KERNEL_FMA_BITS
#undef LORA_KERNEL_NS
#pragma GCC pop_options
#else
#define LORA_KERNEL_VARIANTS 0
#endif

#define LORA_KERNEL_NS baseline
#define LORA_KERNEL_FMA_BITS 0
#include "cpu_kernels_impl.inc"
#undef LORA_KERNEL_FMA_BITS
#undef LORA_KERNEL_NS

namespace lora::cpu_kernels {

namespace {

enum class Isa { Baseline, Avx2, Avx512 };

Isa detect_isa() {
#if LORA_KERNEL_VARIANTS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("bmi2") &&
      __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
    return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
      __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("f16c"))
    return Isa::Avx2;
#endif
  return Isa::Baseline;
}

Isa isa() {
  static const Isa detected = detect_isa();
  return detected;
}

}  // namespace

#if LORA_KERNEL_VARIANTS
#define LORA_CALL(function, ...)                                         \
  switch (isa()) {                                                       \
    case Isa::Avx512: return avx512::function(__VA_ARGS__);             \
    case Isa::Avx2: return avx2::function(__VA_ARGS__);                 \
    default: return baseline::function(__VA_ARGS__);                    \
  }
#else
#define LORA_CALL(function, ...) return baseline::function(__VA_ARGS__);
#endif

float row_logsumexp(const void* row, Storage storage, int64_t n) { LORA_CALL(row_logsumexp, row, storage, n) }

float row_logsumexp_softmax_minus_onehot(void* row, Storage storage, int64_t n, int64_t target) {
  LORA_CALL(row_logsumexp_softmax_minus_onehot, row, storage, n, target)
}

void row_softmax_minus_onehot(const void* row, Storage storage, int64_t n, float lse, int64_t target, float scale,
                              void* out) {
  LORA_CALL(row_softmax_minus_onehot, row, storage, n, lse, target, scale, out)
}

void row_masked_softmax(void* row, Storage storage, int64_t n, int64_t visible, const bool* allowed, float scale) {
  LORA_CALL(row_masked_softmax, row, storage, n, visible, allowed, scale)
}

void row_softmax_backward(void* grad, const void* probs, Storage storage, int64_t n, float scale) {
  LORA_CALL(row_softmax_backward, grad, probs, storage, n, scale)
}

bool dropout_keeps(uint64_t seed, uint32_t threshold, uint64_t index) {
  return baseline::dropout_keeps(seed, threshold, index);
}

void dropout_forward(const void* x, void* out, Storage storage, int64_t begin, int64_t end, uint64_t seed,
                     uint32_t threshold, float scale) {
  LORA_CALL(dropout_forward, x, out, storage, begin, end, seed, threshold, scale)
}

void dropout_accumulate(void* accumulator, const void* addend, Storage storage, int64_t begin, int64_t end,
                        uint64_t seed, uint32_t threshold, float scale) {
  LORA_CALL(dropout_accumulate, accumulator, addend, storage, begin, end, seed, threshold, scale)
}

void dropout_low_rank_accumulate(void* grad_x, const void* grad_down, const void* a, Storage storage,
                                 int64_t row_begin, int64_t row_end, int64_t n, int64_t rank, uint64_t seed,
                                 uint32_t threshold, float scale) {
  LORA_CALL(dropout_low_rank_accumulate, grad_x, grad_down, a, storage, row_begin, row_end, n, rank, seed, threshold,
            scale)
}

void dropout_low_rank_project(const void* x, const void* a, void* down, Storage storage, int64_t row_begin,
                              int64_t row_end, int64_t n, int64_t rank, uint64_t seed, uint32_t threshold,
                              float scale) {
  LORA_CALL(dropout_low_rank_project, x, a, down, storage, row_begin, row_end, n, rank, seed, threshold, scale)
}

void dropout_low_rank_grad(const void* x, const void* grad_down, float* grad_a, Storage storage,
                           int64_t column_begin, int64_t column_end, int64_t rows, int64_t n, int64_t rank,
                           uint64_t seed, uint32_t threshold, float scale) {
  LORA_CALL(dropout_low_rank_grad, x, grad_down, grad_a, storage, column_begin, column_end, rows, n, rank, seed,
            threshold, scale)
}

float rmsnorm_row(const void* x, const void* weight, void* out, Storage storage, int64_t n, float eps) {
  LORA_CALL(rmsnorm_row, x, weight, out, storage, n, eps)
}

void rmsnorm_backward_row(const void* grad, const void* x, const void* weight, float rstd, void* grad_x,
                          Storage storage, int64_t n) {
  LORA_CALL(rmsnorm_backward_row, grad, x, weight, rstd, grad_x, storage, n)
}

void silu_mul(const void* gate, const void* up, void* out, Storage storage, int64_t begin, int64_t end) {
  LORA_CALL(silu_mul, gate, up, out, storage, begin, end)
}

void silu_mul_backward(const void* grad, const void* gate, const void* up, void* grad_gate, void* grad_up,
                       Storage storage, int64_t begin, int64_t end) {
  LORA_CALL(silu_mul_backward, grad, gate, up, grad_gate, grad_up, storage, begin, end)
}

void rotary_row(const void* x, const void* cos, const void* sin, void* out, Storage storage, int64_t dim,
                bool inverse) {
  LORA_CALL(rotary_row, x, cos, sin, out, storage, dim, inverse)
}

#undef LORA_CALL

}  // namespace lora::cpu_kernels
