#pragma once
// The transformer's training ops: RMSNorm, rotary embedding, attention, the gated MLP product, the
// LoRA linear layer and the cross-entropy. Each has up to three implementations computing the same
// function, and one entry point (lora::ops::*, dispatch.cpp) that picks among them, so callers need
// no device or dtype checks of their own:
//   cpu        autograd nodes over vectorised loops (cpu_ops.cpp over cpu_kernels.*): CPU tensors of
//              fp32 or bf16, in fp32 arithmetic, one or two passes over memory, and only what backward
//              needs is kept (composing ATen ops reads and writes each tensor many times, upcasts bf16
//              to fresh fp32 copies and keeps every intermediate)
//   lean       ATen-only autograd nodes on any device (lean_ops.cpp): what CUDA trains with; they keep
//              as little as the cpu nodes, with ATen doing the arithmetic
//   reference  Hugging Face's eager code written with ATen ops (reference_ops.cpp): the fallback for
//              what neither node handles, and what the tests compare both against
// Attention on a libtorch with at::scaled_dot_product_attention (>= 2.1) takes that on every device.
// The implementations are public so that tests (test_fused_ops) and `lora-studio-cli check-ops`
// can run each one against the reference.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace lora {
struct QuantizedWeight;  // quantized_weight.h
}

namespace lora::ops {

// ---- entry points ---------------------------------------------------------------------------------

// Σ_i cross_entropy(logits[i], targets[i]) as an fp32 scalar. logits [N, V] in the compute dtype
// (no fp32 copy of them is made), targets [N] int64 in [0, V) (lora::Error otherwise). The gradient
// is written in the logits' dtype: softmax - one-hot, times the incoming gradient, into the logits'
// own buffer (they must not be used after backward, and the graph cannot be run backward twice).
at::Tensor cross_entropy_sum(const at::Tensor& logits, const at::Tensor& targets);

// cross_entropy_sum(hidden · weightᵀ, targets) with the output head in the same node, a band of
// `band_rows` rows at a time (0: linear_cross_entropy_band_rows), so the
// [N, vocab] logits are never held whole. hidden [N, H] and weight [V, H] (frozen: it gets no
// gradient) in one dtype; targets as above. The hidden states' gradient is made in forward, band by
// band, when hidden requires it (grad mode on), and only scaled in backward.
at::Tensor linear_cross_entropy_sum(const at::Tensor& hidden, const at::Tensor& weight, const at::Tensor& targets,
                                    int64_t band_rows = 0);
// The band linear_cross_entropy_sum takes for `rows` rows when given none: ~32 MiB of logits on the
// CPU, ~256 MiB elsewhere, but at least 256 rows (and at most `rows`).
int64_t linear_cross_entropy_band_rows(int64_t rows, int64_t vocab, bool on_cpu);

// softmax(scale · q·kᵀ over the keys each query may see) · v, with the softmax in fp32.
//   q [B, H, T, D], k and v [B, KV, S, D] with H a multiple of KV (grouped-query heads share a
//   key/value head without copying it per query head).
//   causal: query t sees keys s <= S - T + t (no cache: plain causal); otherwise `allowed` (bool
//   [B or 1, 1, T, S], true = may attend) or, undefined, every key. Every query must see one key.
// Without SDPA, the cpu node's backward keeps q, k, v and the probabilities in the compute dtype.
at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal,
                     const at::Tensor& allowed, double scale);

// Hugging Face's RMSNorm: weight · to_dtype(x · rsqrt(mean(x², -1) + eps)) with the statistics in
// fp32. A frozen weight (no requires_grad) is what the nodes handle; backward keeps x and one fp32
// number per row.
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);

// Gemma's RMSNorm: to_dtype(x · rsqrt(mean(x², -1) + eps) · (1 + weight)), everything in fp32 and
// one rounding at the end. The lean node on every device: backward keeps x, the fp32 (1 + weight)
// and one fp32 number per row. The weight is frozen.
at::Tensor rms_norm_one_plus(const at::Tensor& x, const at::Tensor& weight, double eps);

// Rotary position embedding of a projection's output, moved to the attention layout:
// x [B, T, heads·head_dim] (or [B, T, heads, head_dim]) → [B, heads, T, head_dim] contiguous, each
// head's row rotated: x·cos + rotate_half(x)·sin (cos/sin [B or 1, 1, T, head_dim] from
// RotaryEmbedding). One pass each way; backward keeps only the tables.
at::Tensor rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads,
                  int64_t head_dim);
// Partial rotary embedding (Phi-3 / Phi-4-mini): the first rotary_dim channels of each head rotated
// as rotary() does, the rest passed through; x [B, T, heads·head_dim] → [B, heads, T, head_dim].
// cos/sin [B or 1, 1, T, rotary_dim]. rotary_dim == head_dim is rotary() itself; a partial
// rotation is the reference composition on every device.
at::Tensor partial_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads,
                          int64_t head_dim, int64_t rotary_dim);

// silu(gate) · up, the gated MLP's product, computed once in fp32 per element.
at::Tensor silu_mul(const at::Tensor& gate, const at::Tensor& up);
// gelu_tanh(gate) · up (Gemma's GeGLU), as transformers computes it: gelu(approximate="tanh") in
// the compute dtype, then the product. The reference composition on every device.
at::Tensor gelu_tanh_mul(const at::Tensor& gate, const at::Tensor& up);

// The LoRA linear layer in training: x·Wᵀ + bias + scaling · dropout(x)·Aᵀ·Bᵀ, with W and bias
// frozen, A [r, in] and B [out, r] the fp32 masters (cast to x's dtype for the matmuls; their
// gradients arrive in fp32). The LoRA product is accumulated into the base output by one addmm.
// On the CPU, dropout (probability `dropout`, kept entries scaled by 1/(1-dropout)) draws its mask
// from a hash of (dropout_seed, element index): backward regenerates the mask instead of keeping
// the dropped input, and a thread split never changes it. dropout_seed comes from
// draw_dropout_seed. Off the CPU the mask comes from the device's generator (dropout_seed unused),
// which gradient checkpointing replays.
at::Tensor lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& lora_A,
                       const at::Tensor& lora_B, double scaling, double dropout, uint64_t dropout_seed);
// Several LoRA linear layers that read one input (q/k/v_proj), in training, as one node: member
// i's frozen weight is the i-th block of out_features[i] rows of `weight` [Σ out_features, in]
// (`bias` likewise, or undefined), its LoRA pair lora_A[i] [r_i, in] / lora_B[i] [out_i, r_i] (both
// undefined for a member without one), all with one scaling and one dropout mask on the shared
// input, as PEFT's one dropout on a fused qkv_proj has it. One matmul for the frozen weights, one
// for every down-projection, one for every up-projection (B's as one block-diagonal matrix), one
// for the input's gradient: at the Qwen2.5-0.5B shape q/k/v's step is about half the time of three
// separate lora_linear calls, whose k/v products are too narrow for AMX (docs/PERFORMANCE.md).
// Returns each member's output [..., out_i], views of one [N, Σ out] tensor. Throws lora::Error when
// the shapes do not fit together. Off the CPU (or with a weight lora_linear would not take to its
// node) each member runs through lora_linear with the same seed, so the mask is shared there too.
std::vector<at::Tensor> lora_linear_group(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                          const std::vector<int64_t>& out_features,
                                          const std::vector<at::Tensor>& lora_A, const std::vector<at::Tensor>& lora_B,
                                          double scaling, double dropout, uint64_t dropout_seed);
// DoRA (PEFT's use_dora; dora_ops.cpp, the ATen composition on every device): with
// scale = magnitude / ||W + scaling·B·A|| per output row (the norm in fp32 and detached from
// autograd, as PEFT's DoraLinearLayer has it), weight in x's dtype (for a quantized base its dense
// values), A, B and magnitude [out] the fp32 masters:
//   mask undefined (inference, or no dropout): scale·(x·Wᵀ + scaling·B·A·x) + bias
//   mask (dropout_mask's values):  x·Wᵀ + bias + (scale - 1)·(x̃·Wᵀ) + scale·scaling·B·A·x̃, x̃ = x·mask
// (PEFT applies both the magnitude's correction of the base output and the LoRA branch to the
// dropped-out input).
at::Tensor dora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& lora_A,
                       const at::Tensor& lora_B, const at::Tensor& magnitude, double scaling, const at::Tensor& mask);
// ||W + scaling·B·A|| over each row, fp32 [out], no gradient: DoRA's norm (and its initial magnitude).
at::Tensor dora_weight_norm(const at::Tensor& weight, const at::Tensor& lora_A, const at::Tensor& lora_B,
                            double scaling);
// A 64-bit seed from the default CPU generator: dropout masks stay a function of the generator
// state (the trainer re-seeds it per micro-batch; gradient checkpointing restores it to replay).
uint64_t draw_dropout_seed();
// The dropout mask lora_linear applies on the CPU: 1/(1-p) where kept, 0 where dropped, shaped and
// typed like x.
at::Tensor dropout_mask(const at::Tensor& x, double dropout, uint64_t dropout_seed);

// ---- the CPU nodes (cpu_ops.cpp) ---------------------------------------------------------------------
// CPU tensors of fp32 or bf16 (q, k, v of one dtype; the norm's weight 1-D and frozen; gate and up of
// one shape and dtype; the LoRA base weight in x's dtype and frozen), shapes as above: the entry
// points check these before choosing a node.
namespace cpu {
at::Tensor cross_entropy_sum(const at::Tensor& logits, const at::Tensor& targets);
at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal,
                     const at::Tensor& allowed, double scale);
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);
at::Tensor rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads, int64_t head_dim);
at::Tensor silu_mul(const at::Tensor& gate, const at::Tensor& up);
at::Tensor lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& lora_A,
                       const at::Tensor& lora_B, double scaling, double dropout, uint64_t dropout_seed);
std::vector<at::Tensor> lora_linear_group(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                          const std::vector<int64_t>& out_features,
                                          const std::vector<at::Tensor>& lora_A, const std::vector<at::Tensor>& lora_B,
                                          double scaling, double dropout, uint64_t dropout_seed);
// The scores per head that causal attention over `length` positions (no cache, no mask), with `group`
// query heads per key/value head in `dtype`, computes and keeps for backward: long sequences run in
// blocks of query rows that skip the blocks above the diagonal (length² for short ones).
int64_t causal_attention_score_elements(int64_t length, int64_t group, at::ScalarType dtype);
}  // namespace cpu

// ---- the lean nodes (lean_ops.cpp) ---------------------------------------------------------------------
// Any device; what each keeps for backward instead of every intermediate of the composition:
//   cross_entropy_sum  the logits in their own dtype and one fp32 number per row (no fp32 copy of
//                      the [N, vocab] logits, no saved log-softmax); the gradient overwrites the logits
//   rms_norm           x in its own dtype and one fp32 number per row (no fp32 copy of x)
//   rms_norm_one_plus  x, the fp32 (1 + weight) and one fp32 number per row
//   silu_mul           gate and up (silu(gate) is recomputed in backward)
//   lora_linear        x once (the dropped-out copy is redrawn in backward from the generator state the
//                      forward drew it with: no mask, no dropped copy per LoRA module)
namespace lean {
at::Tensor cross_entropy_sum(const at::Tensor& logits, const at::Tensor& targets);
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);
at::Tensor rms_norm_one_plus(const at::Tensor& x, const at::Tensor& weight, double eps);
at::Tensor silu_mul(const at::Tensor& gate, const at::Tensor& up);
// Dropout draws from x's device's default generator (re-seeded per micro-batch by the trainer;
// replayed by gradient checkpointing), kept entries scaled by 1/(1-dropout).
at::Tensor lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& lora_A,
                       const at::Tensor& lora_B, double scaling, double dropout);
// The 0/1 keep-mask lora_linear draws for an input shaped and typed like x from the generator's
// current state (advancing it as lora_linear does); kept entries are then scaled by 1/(1-dropout).
at::Tensor draw_keep_mask(const at::Tensor& x, double dropout);
}  // namespace lean

// ---- the reference compositions (reference_ops.cpp) ------------------------------------------------------
// The same functions composed from ATen ops, as Hugging Face's eager code computes them.
namespace reference {
at::Tensor cross_entropy_sum(const at::Tensor& logits, const at::Tensor& targets);
at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal,
                     const at::Tensor& allowed, double scale);
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);
at::Tensor rms_norm_one_plus(const at::Tensor& x, const at::Tensor& weight, double eps);
at::Tensor silu_mul(const at::Tensor& gate, const at::Tensor& up);
at::Tensor gelu_tanh_mul(const at::Tensor& gate, const at::Tensor& up);
// Returns the [B, heads, T, head_dim] result as a transposed view, as the eager code has it.
at::Tensor rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads, int64_t head_dim);
// Contiguous [B, heads, T, head_dim]; shapes as partial_rotary() checks them.
at::Tensor partial_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads,
                          int64_t head_dim, int64_t rotary_dim);
// `mask` as dropout_mask returns it (undefined: no dropout).
at::Tensor lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& lora_A,
                       const at::Tensor& lora_B, double scaling, const at::Tensor& mask);
}  // namespace reference

// ---- quantized frozen weights (quantized_linear.cpp; the storage in quantized_weight.h) ----------
// x·Wᵀ + bias with W stored quantized (NF4 / int8, QLoRA's base) and dequantized on the fly: W and
// bias get no gradient; x gets grad·W through the dequantized values. Nothing is kept for backward
// (W is dequantized again there). CPU fp32/bf16 x: the tile node (cpu::), dequantizing bands of
// quantized_tile_rows rows into one cache-sized buffer that feeds each matmul, so the dense matrix
// never exists; elsewhere (CUDA) the ATen node (lean::), the whole W dequantized per call.
// `weight` must outlive the autograd graph (the layer that owns it does).
int64_t quantized_tile_rows(int64_t in_features, int64_t element_size);
at::Tensor quantized_linear(const at::Tensor& x, const QuantizedWeight& weight, const at::Tensor& bias);
namespace cpu {
at::Tensor quantized_linear(const at::Tensor& x, const QuantizedWeight& weight, const at::Tensor& bias);
}
namespace lean {
at::Tensor quantized_linear(const at::Tensor& x, const QuantizedWeight& weight, const at::Tensor& bias);
}

}  // namespace lora::ops
