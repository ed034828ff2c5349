#pragma once
// Lean training ops for devices the CPU kernels of fused_ops.h do not serve (CUDA above all): the
// same functions as the `unfused::` compositions, written with ATen ops on any device, as autograd
// nodes that keep only what their backward needs instead of every intermediate the composition
// leaves behind:
//   cross_entropy_sum  the logits in their own dtype and one fp32 number per row (no fp32 copy of
//                      the [N, vocab] logits, no saved log-softmax); the gradient overwrites the logits
//   rms_norm           x in its own dtype and one fp32 number per row (no fp32 copy of x)
//   silu_mul           gate and up (silu(gate) is recomputed in backward)
//   lora_linear        x once (the dropped-out copy is redrawn in backward from the generator state the
//                      forward drew it with: no mask, no dropped copy per LoRA module)
// fused_ops.h routes to these; they are public so tests can run them on the CPU.
#include <ATen/core/Tensor.h>

namespace lora::lean {

at::Tensor cross_entropy_sum(const at::Tensor& logits, const at::Tensor& targets);
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);
// Gemma's to_dtype(x̂ · (1 + weight)) in fp32: keeps x, the fp32 (1 + weight) and one fp32 number per row.
at::Tensor rms_norm_one_plus(const at::Tensor& x, const at::Tensor& weight, double eps);
at::Tensor silu_mul(const at::Tensor& gate, const at::Tensor& up);
// Dropout draws from x's device's default generator (re-seeded per micro-batch by the trainer;
// replayed by gradient checkpointing), kept entries scaled by 1/(1-dropout).
at::Tensor lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& lora_A,
                       const at::Tensor& lora_B, double scaling, double dropout);
// The 0/1 keep-mask lora_linear draws for an input shaped and typed like x from the generator's
// current state (advancing it as lora_linear does); kept entries are then scaled by 1/(1-dropout).
at::Tensor draw_keep_mask(const at::Tensor& x, double dropout);

}  // namespace lora::lean
