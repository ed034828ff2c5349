// DoRA's linear layer (ops.h: dora_linear), composed from ATen ops on every device as PEFT's
// DoraLinearLayer.forward and DoraLinearVariant.forward compute it. The fused CPU LoRA node serves
// plain LoRA only: DoRA needs the row norms of the whole W + scaling·B·A at every forward anyway.
#include <ATen/ATen.h>

#include "ops.h"

namespace lora::ops {

at::Tensor dora_weight_norm(const at::Tensor& weight, const at::Tensor& lora_A, const at::Tensor& lora_B,
                            double scaling) {
  // Detached, as DoRA (section 4.3) and PEFT treat it: a constant for backward. fp32 whatever the
  // compute dtype, so that a bf16 model's norm does not round each of its `in` squares.
  at::NoGradGuard no_grad;
  const at::Tensor combined =
      at::addmm(weight.to(at::kFloat), lora_B.detach().to(at::kFloat), lora_A.detach().to(at::kFloat), 1.0, scaling);
  return at::linalg_vector_norm(combined, 2, at::IntArrayRef{1}, /*keepdim=*/false, at::kFloat);
}

at::Tensor dora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& lora_A,
                       const at::Tensor& lora_B, const at::Tensor& magnitude, double scaling, const at::Tensor& mask) {
  const auto dtype = x.scalar_type();
  const at::Tensor weight_norm = dora_weight_norm(weight, lora_A, lora_B, scaling);
  // magnitude / ||W + s·B·A||: the magnitude's gradient flows through this, the norm's does not.
  const at::Tensor scale = magnitude.div(weight_norm).to(dtype);
  const at::Tensor w = weight.to(dtype);
  const at::Tensor a = lora_A.to(dtype);
  const at::Tensor b = lora_B.to(dtype);
  if (!mask.defined()) {
    // PEFT without dropout: result + (scale - 1)·(result - bias) + scale·s·B·A·x, which is
    // scale·(x·Wᵀ + s·B·A·x) + bias.
    const at::Tensor combined = at::linear(x, w).add(at::linear(at::linear(x, a), b), scaling);
    at::Tensor out = combined.mul(scale);
    return bias.defined() ? out.add(bias) : out;
  }
  // PEFT with dropout: the base output keeps the whole x, while both the magnitude's correction of
  // it, (scale - 1)·W·x̃, and the LoRA branch see the dropped-out x̃.
  const at::Tensor dropped = x.mul(mask.to(dtype));
  const at::Tensor result = at::linear(x, w, bias);
  const at::Tensor dropped_base = at::linear(dropped, w);
  const at::Tensor lora = at::linear(at::linear(dropped, a), b);
  return result.add(dropped_base.mul(scale - 1.0)).add(lora.mul(scale), scaling);
}

}  // namespace lora::ops
