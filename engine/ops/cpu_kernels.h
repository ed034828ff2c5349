#pragma once
// Row and element kernels behind the CPU autograd nodes (cpu_ops.cpp; internal to engine/ops):
// plain loops over raw buffers that the compiler vectorises (AVX-512 / AVX2 clones chosen at run
// time), so that a softmax, a cross-entropy or a dropout mask reads and writes each element once,
// in its storage dtype, instead of the half-dozen full-size passes and fp32 copies that composing
// ATen ops costs. All arithmetic is fp32; bf16 buffers are read by widening and written rounded to
// nearest even (as c10::BFloat16 rounds). No libtorch here: callers split the work with
// at::parallel_for.
#include <cstdint>

namespace lora::cpu_kernels {

enum class Storage { Float32, BFloat16 };

// ---- cross-entropy over one row of logits -----------------------------------------------------
// log Σ exp(row[j]) over n entries.
float row_logsumexp(const void* row, Storage storage, int64_t n);
// out[j] = scale · (exp(row[j] - lse) - [j == target]): the gradient of scale · (lse - row[target]).
// out may be row itself.
void row_softmax_minus_onehot(const void* row, Storage storage, int64_t n, float lse, int64_t target, float scale,
                              void* out);
// Both in place with scale 1, each exponential computed once: returns the row's log-sum-exp (the same
// value as row_logsumexp) and leaves softmax - one-hot(target) in the row.
float row_logsumexp_softmax_minus_onehot(void* row, Storage storage, int64_t n, int64_t target);

// ---- attention softmax over one row of scores ------------------------------------------------
// In place: row[j] ← softmax_j(scale · row[j]) over the keys j < visible that `allowed` (may be null:
// all) lets through; every other entry of the n becomes 0. At least one key must be let through.
void row_masked_softmax(void* row, Storage storage, int64_t n, int64_t visible, const bool* allowed, float scale);
// In place: grad[j] ← scale · p[j] · (grad[j] - Σ_k p[k] grad[k]), the gradient of the scores from
// the gradient of the probabilities p (0 where masked, so masked entries get 0).
void row_softmax_backward(void* grad, const void* probs, Storage storage, int64_t n, float scale);

// ---- LoRA dropout from a counter-based hash ---------------------------------------------------
// Element i (a flat index into the layer's input) is kept when hash(seed, i) >= threshold
// (threshold = round(p · 2^32)): a function of (seed, i) only, so any split of the work over threads,
// and the backward pass, see the same mask.
bool dropout_keeps(uint64_t seed, uint32_t threshold, uint64_t index);
// out[i] = keep(i) ? scale · x[i] : 0 for i in [begin, end) (buffers indexed from element 0).
void dropout_forward(const void* x, void* out, Storage storage, int64_t begin, int64_t end, uint64_t seed,
                     uint32_t threshold, float scale);
// accumulator[i] += keep(i) ? scale · addend[i] : 0 for i in [begin, end).
void dropout_accumulate(void* accumulator, const void* addend, Storage storage, int64_t begin, int64_t end,
                        uint64_t seed, uint32_t threshold, float scale);
// LoRA's input gradient through the dropout without the [rows, n] product: for rows
// [row_begin, row_end) of grad_x [rows, n], grad_x[i, j] += keep(i·n + j) ? scale · (grad_down·a)[i, j] : 0,
// grad_down [rows, rank] and a [rank, n] in grad_x's storage, the product accumulated in fp32.
// rank <= kLowRankMax.
constexpr int64_t kLowRankMax = 64;
void dropout_low_rank_accumulate(void* grad_x, const void* grad_down, const void* a, Storage storage,
                                 int64_t row_begin, int64_t row_end, int64_t n, int64_t rank, uint64_t seed,
                                 uint32_t threshold, float scale);

// LoRA's down-projection of the dropped-out input, never stored: for rows [row_begin, row_end) of x
// [rows, n], down[i, k] = scale · Σ_j keep(i·n + j) · x[i, j] · a[k, j], a [rank, n] and down
// [rows, rank] in x's storage, each sum in fp32.
void dropout_low_rank_project(const void* x, const void* a, void* down, Storage storage, int64_t row_begin,
                              int64_t row_end, int64_t n, int64_t rank, uint64_t seed, uint32_t threshold,
                              float scale);
// A's gradient through the dropout, the dropped-out input never stored: for the columns
// [column_begin, column_end), grad_a[k, j] = scale · Σ_i grad_down[i, k] · keep(i·n + j) · x[i, j] over
// all rows, grad_a [rank, n] fp32, x and grad_down [rows, rank] in one storage; each sum in row order
// (the same for any split of the columns; split them in multiples of kColumnBlock, the kernel's panel).
constexpr int64_t kColumnBlock = 128;
void dropout_low_rank_grad(const void* x, const void* grad_down, float* grad_a, Storage storage,
                           int64_t column_begin, int64_t column_end, int64_t rows, int64_t n, int64_t rank,
                           uint64_t seed, uint32_t threshold, float scale);

// ---- RMSNorm (Hugging Face's: weight · to_dtype(x · rsqrt(mean(x²) + eps))) ---------------------
// One row of n: writes out, returns rsqrt(mean(x²) + eps).
float rmsnorm_row(const void* x, const void* weight, void* out, Storage storage, int64_t n, float eps);
// grad_x for one row, given rstd from the forward: with x̂ = x·rstd and g' = grad·weight,
// grad_x = rstd · (g' - x̂ · mean(g'·x̂)). The weight is frozen: no gradient for it.
void rmsnorm_backward_row(const void* grad, const void* x, const void* weight, float rstd, void* grad_x,
                          Storage storage, int64_t n);

// ---- SiLU-gated product silu(gate) · up (the Llama MLP) ----------------------------------------
void silu_mul(const void* gate, const void* up, void* out, Storage storage, int64_t begin, int64_t end);
void silu_mul_backward(const void* grad, const void* gate, const void* up, void* grad_gate, void* grad_up,
                       Storage storage, int64_t begin, int64_t end);

// ---- rotary position embedding over one head's row of dim (even) ------------------------------------
// forward: out = x·cos + rotate_half(x)·sin with rotate_half(x) = cat(-x[dim/2:], x[:dim/2]);
// inverse (its gradient): out = x·cos + cat((x·sin)[dim/2:], -(x·sin)[:dim/2]).
void rotary_row(const void* x, const void* cos, const void* sin, void* out, Storage storage, int64_t dim,
                bool inverse);

}  // namespace lora::cpu_kernels
