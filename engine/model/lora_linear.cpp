#include "lora_linear.h"

#include <ATen/ATen.h>

#include <string>

#include "error.h"
#include "model_messages.h"
#include "ops.h"

namespace lora {

namespace {

std::string shape_text(const at::Tensor& tensor) {
  std::string text = "[";
  for (int64_t d = 0; d < tensor.dim(); ++d) text += (d ? ", " : "") + std::to_string(tensor.size(d));
  return text + "]";
}

}  // namespace

LoraFactor::LoraFactor(at::Tensor weight_value, bool trainable) {
  weight = register_parameter("weight", std::move(weight_value), trainable);
}

LoraLinear::LoraLinear(at::Tensor weight, at::Tensor bias, bool owns_weight) : owns_weight_(owns_weight) {
  if (!weight.defined() || weight.dim() != 2) throw Error(msg::Model::base_weight_not_2d);
  if (owns_weight_) {
    weight_ = register_parameter("weight", std::move(weight), /*requires_grad=*/false);
  } else {
    weight_ = std::move(weight);
  }
  if (bias.defined()) bias_ = register_parameter("bias", std::move(bias), /*requires_grad=*/false);
}

at::Tensor LoraLinear::forward(const at::Tensor& x) {
  if (!has_lora() || !enabled_ || merged_) return at::linear(x, weight_, bias_);
  // Training: one autograd node for base + LoRA (ops.h: CPU kernels with a hashed dropout mask,
  // elsewhere the lean node with the mask redrawn from the device generator). Chosen by training mode
  // alone, not by grad mode, so that a checkpointed block's no-grad forward and its recomputation
  // draw the same masks.
  if (is_training())
    return ops::lora_linear(x, weight_, bias_, lora_A_->weight, lora_B_->weight, scaling_, dropout_,
                            dropout_ > 0.0 && x.is_cpu() ? ops::draw_dropout_seed() : 0);
  // Inference: no dropout; the fp32 masters cast to the compute dtype, so the matmuls run at the base
  // layer's speed.
  const auto dtype = x.scalar_type();
  const at::Tensor a = lora_A_->weight.to(dtype);
  const at::Tensor b = lora_B_->weight.to(dtype);
  return at::linear(x, weight_, bias_).add(at::linear(at::linear(x, a), b), scaling_);
}

void LoraLinear::attach_lora(const at::Tensor& lora_A, const at::Tensor& lora_B, double scaling, double dropout,
                             bool trainable) {
  if (!lora_A.defined() || !lora_B.defined() || lora_A.dim() != 2 || lora_B.dim() != 2)
    throw Error(msg::Model::factors_not_2d);
  const int64_t rank = lora_A.size(0);
  if (rank <= 0) throw Error(msg::Model::rank_not_positive, shape_text(lora_A));
  if (lora_A.size(1) != in_features())
    throw Error(msg::Model::lora_a_shape, shape_text(lora_A), rank, in_features());
  if (lora_B.size(0) != out_features() || lora_B.size(1) != rank)
    throw Error(msg::Model::lora_b_shape, shape_text(lora_B), out_features(), rank);
  if (dropout < 0.0 || dropout >= 1.0) throw Error(msg::Model::dropout_out_of_range, std::to_string(dropout));
  if (has_lora()) detach_lora();
  const auto options = at::TensorOptions().dtype(at::kFloat).device(weight_.device());
  at::Tensor a = lora_A.detach().to(options, /*non_blocking=*/false, /*copy=*/true).contiguous();
  at::Tensor b = lora_B.detach().to(options, /*non_blocking=*/false, /*copy=*/true).contiguous();
  lora_A_ = register_module("lora_A", std::make_shared<LoraFactor>(std::move(a), trainable));
  lora_B_ = register_module("lora_B", std::make_shared<LoraFactor>(std::move(b), trainable));
  scaling_ = scaling;
  dropout_ = dropout;
  enabled_ = true;
  merged_ = false;
}

void LoraLinear::detach_lora() {
  if (!has_lora()) return;
  if (merged_) unmerge();
  unregister_module("lora_A");
  unregister_module("lora_B");
  lora_A_.reset();
  lora_B_.reset();
  scaling_ = 1.0;
  dropout_ = 0.0;
}

void LoraLinear::set_lora_trainable(bool trainable) {
  if (!has_lora()) return;
  lora_A_->weight.set_requires_grad(trainable);
  lora_B_->weight.set_requires_grad(trainable);
}

at::Tensor LoraLinear::delta_weight() const {
  if (!has_lora()) throw Error(msg::Model::layer_has_no_lora);
  at::NoGradGuard no_grad;
  return at::matmul(lora_B_->weight, lora_A_->weight).mul_(scaling_);
}

void LoraLinear::merge() {
  if (merged_) return;
  if (!owns_weight_) throw Error(msg::Model::merge_into_shared_weight);
  const at::Tensor delta = delta_weight();
  at::NoGradGuard no_grad;
  weight_.copy_(weight_.to(at::kFloat).add_(delta));
  merged_ = true;
}

void LoraLinear::unmerge() {
  if (!merged_) return;
  const at::Tensor delta = delta_weight();
  at::NoGradGuard no_grad;
  weight_.copy_(weight_.to(at::kFloat).sub_(delta));
  merged_ = false;
}

}  // namespace lora
