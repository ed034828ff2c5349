#pragma once
// Fused training ops: autograd functions that do in one or two passes over memory what composing
// ATen ops does in many (each of those ops reads and writes its whole tensor, upcasts bf16 to a fresh
// fp32 copy, and keeps its own inputs for backward). They compute the same functions as the
// compositions in `unfused::` (Hugging Face's Llama code written with ATen ops), in fp32 arithmetic
// over fp32 or bf16 storage, and keep only what their backward needs.
// The fused paths run on CPU tensors of fp32 or bf16; anything else (CUDA, fp16) takes the lean
// ATen node of lean_ops.h (or, where that does not apply, the `unfused::` composition), so callers
// need no device checks of their own.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lora {

// Σ_i cross_entropy(logits[i], targets[i]) as an fp32 scalar. logits [N, V] in the compute dtype
// (no fp32 copy of them is made), targets [N] int64 in [0, V) (lora::Error otherwise). The gradient
// is written in the logits' dtype: softmax - one-hot, times the incoming gradient, into the logits'
// own buffer (they must not be used after backward, and the graph cannot be run backward twice).
at::Tensor fused_cross_entropy_sum(const at::Tensor& logits, const at::Tensor& targets);

// softmax(scale · q·kᵀ over the keys each query may see) · v, with the softmax in fp32.
//   q [B, H, T, D], k and v [B, KV, S, D] with H a multiple of KV (grouped-query heads share a
//   key/value head without copying it per query head).
//   causal: query t sees keys s <= S - T + t (no cache: plain causal); otherwise `allowed` (bool
//   [B or 1, 1, T, S], true = may attend) or, undefined, every key. Every query must see one key.
// Backward keeps q, k, v and the probabilities in the compute dtype, nothing in fp32.
at::Tensor fused_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal,
                           const at::Tensor& allowed, double scale);

// Hugging Face's RMSNorm: weight · to_dtype(x · rsqrt(mean(x², -1) + eps)) with the statistics in
// fp32. A frozen weight (no requires_grad) is what the fused path handles; backward keeps x and one
// fp32 number per row.
at::Tensor fused_rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);

// Gemma's RMSNorm: to_dtype(x · rsqrt(mean(x², -1) + eps) · (1 + weight)), everything in fp32 and
// one rounding at the end. One ATen-only autograd node on every device (lean_ops.h): backward keeps
// x, the fp32 (1 + weight) and one fp32 number per row. The weight is frozen.
at::Tensor fused_rms_norm_one_plus(const at::Tensor& x, const at::Tensor& weight, double eps);

// Rotary position embedding of a projection's output, moved to the attention layout:
// x [B, T, heads·head_dim] (or [B, T, heads, head_dim]) → [B, heads, T, head_dim] contiguous, each
// head's row rotated: x·cos + rotate_half(x)·sin (cos/sin [B or 1, 1, T, head_dim] from
// RotaryEmbedding). One pass each way; backward keeps only the tables.
at::Tensor fused_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads,
                        int64_t head_dim);

// silu(gate) · up, the gated MLP's product, computed once in fp32 per element.
at::Tensor fused_silu_mul(const at::Tensor& gate, const at::Tensor& up);
// gelu_tanh(gate) · up (Gemma's GeGLU), as transformers computes it: gelu(approximate="tanh") in
// the compute dtype, then the product. An ATen composition on every device.
at::Tensor gelu_tanh_mul(const at::Tensor& gate, const at::Tensor& up);

// Partial rotary embedding (Phi-3 / Phi-4-mini): the first rotary_dim channels of each head rotated
// as fused_rotary does, the rest passed through; x [B, T, heads·head_dim] → [B, heads, T, head_dim].
// cos/sin [B or 1, 1, T, rotary_dim]. rotary_dim == head_dim is fused_rotary itself; a partial
// rotation is an ATen composition on every device.
at::Tensor partial_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads,
                          int64_t head_dim, int64_t rotary_dim);

// The LoRA linear layer in training: x·Wᵀ + bias + scaling · dropout(x)·Aᵀ·Bᵀ, with W and bias
// frozen, A [r, in] and B [out, r] the fp32 masters (cast to x's dtype for the matmuls; their
// gradients arrive in fp32). The LoRA product is accumulated into the base output by one addmm.
// Dropout (probability `dropout`, kept entries scaled by 1/(1-dropout)) draws its mask from a hash
// of (dropout_seed, element index): backward regenerates the mask instead of keeping the dropped
// input, and a thread split never changes it. dropout_seed comes from draw_dropout_seed.
at::Tensor fused_lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                             const at::Tensor& lora_A, const at::Tensor& lora_B, double scaling, double dropout,
                             uint64_t dropout_seed);
// A 64-bit seed from the default CPU generator: dropout masks stay a function of the generator
// state (the trainer re-seeds it per micro-batch; gradient checkpointing restores it to replay).
uint64_t draw_dropout_seed();
// The dropout mask fused_lora_linear applies: 1/(1-p) where kept, 0 where dropped, shaped and typed like x.
at::Tensor dropout_mask(const at::Tensor& x, double dropout, uint64_t dropout_seed);

// The same functions composed from ATen ops, as Hugging Face's eager code computes them: the
// fallbacks of the fused ops and the references their tests compare against.
namespace unfused {
at::Tensor cross_entropy_sum(const at::Tensor& logits, const at::Tensor& targets);
at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal,
                     const at::Tensor& allowed, double scale);
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);
at::Tensor rms_norm_one_plus(const at::Tensor& x, const at::Tensor& weight, double eps);
at::Tensor silu_mul(const at::Tensor& gate, const at::Tensor& up);
// Returns the [B, heads, T, head_dim] result as a transposed view, as the eager code has it.
at::Tensor rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads, int64_t head_dim);
// `mask` as dropout_mask returns it (undefined: no dropout).
at::Tensor lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& lora_A,
                       const at::Tensor& lora_B, double scaling, const at::Tensor& mask);
}  // namespace unfused

}  // namespace lora
