#include "lora_linear.h"

#include <ATen/ATen.h>

#include <string>

#include "error.h"
#include "model_messages.h"
#include "ops.h"
#include "quantized_linear.h"
#include "quantized_weight.h"
#include "shape_text.h"

namespace lora {

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

LoraLinear::LoraLinear(std::shared_ptr<const QuantizedWeight> quantized, at::ScalarType compute_dtype, at::Tensor bias)
    : quantized_(std::move(quantized)), compute_dtype_(compute_dtype) {
  if (!quantized_) throw Error(msg::Model::base_weight_not_2d);
  if (bias.defined()) bias_ = register_parameter("bias", std::move(bias), /*requires_grad=*/false);
}

int64_t LoraLinear::in_features() const { return quantized_ ? quantized_->in_features : weight_.size(1); }
int64_t LoraLinear::out_features() const { return quantized_ ? quantized_->out_features : weight_.size(0); }

at::Tensor LoraLinear::dense_weight() const {
  if (!quantized_) return weight_;
  at::NoGradGuard no_grad;
  return quantized_->dequantize(compute_dtype_);
}

c10::Device LoraLinear::base_device() const { return quantized_ ? quantized_->device() : weight_.device(); }

at::Tensor LoraLinear::base_forward(const at::Tensor& x) const {
  return quantized_ ? ops::quantized_linear(x, *quantized_, bias_) : at::linear(x, weight_, bias_);
}

at::Tensor LoraLinear::forward(const at::Tensor& x) {
  if (!has_lora() || !enabled_ || merged_) return base_forward(x);
  if (has_dora()) {
    // The ATen composition in training and inference alike. Dropout as the LoRA node draws it:
    // on the CPU a hash of a seed from the CPU generator, elsewhere the device generator, so that
    // gradient checkpointing's recomputation replays the same mask.
    at::Tensor mask;
    if (is_training() && dropout_ > 0.0)
      mask = x.is_cpu() ? ops::dropout_mask(x, dropout_, ops::draw_dropout_seed())
                        : ops::lean::draw_keep_mask(x, dropout_).to(at::kFloat).div_(1.0 - dropout_).to(x.scalar_type());
    return ops::dora_linear(x, dense_weight(), bias_, lora_A_->weight, lora_B_->weight, magnitude_->weight, scaling_,
                            mask);
  }
  // Training: one autograd node for base + LoRA (ops.h: CPU kernels with a hashed dropout mask,
  // elsewhere the lean node with the mask redrawn from the device generator). Chosen by training mode
  // alone, not by grad mode, so that a checkpointed block's no-grad forward and its recomputation
  // draw the same masks.
  if (is_training() && quantized_) {
    const uint64_t seed = dropout_ > 0.0 && x.is_cpu() ? ops::draw_dropout_seed() : 0;
    // QLoRA on the CPU: one node, the tile kernel's base and the dense node's LoRA branch.
    const bool tiled = x.is_cpu() && quantized_->device().is_cpu() &&
                       (x.scalar_type() == at::kFloat || x.scalar_type() == at::kBFloat16);
    if (tiled)
      return ops::cpu::quantized_lora_linear(x, *quantized_, bias_, lora_A_->weight, lora_B_->weight, scaling_,
                                             dropout_, seed);
    // Elsewhere the quantized base node (gradient to x only) plus the LoRA branch composed from ATen
    // ops, its dropout mask drawn as the LoRA node draws it.
    at::Tensor dropped = x;
    if (dropout_ > 0.0)
      dropped = x.is_cpu() ? x * ops::dropout_mask(x, dropout_, seed)
                           : x * ops::lean::draw_keep_mask(x, dropout_).to(x.scalar_type()).div_(1.0 - dropout_);
    const at::Tensor a = lora_A_->weight.to(x.scalar_type()), b = lora_B_->weight.to(x.scalar_type());
    return base_forward(x).add(at::linear(at::linear(dropped, a), b), scaling_);
  }
  if (is_training())
    return ops::lora_linear(x, weight_, bias_, lora_A_->weight, lora_B_->weight, scaling_, dropout_,
                            dropout_ > 0.0 && x.is_cpu() ? ops::draw_dropout_seed() : 0);
  // Inference: no dropout; the fp32 masters cast to the compute dtype, so the matmuls run at the base
  // layer's speed.
  const auto dtype = x.scalar_type();
  const at::Tensor a = lora_A_->weight.to(dtype);
  const at::Tensor b = lora_B_->weight.to(dtype);
  return base_forward(x).add(at::linear(at::linear(x, a), b), scaling_);
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
  const auto options = at::TensorOptions().dtype(at::kFloat).device(base_device());
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
  if (has_dora()) {
    unregister_module("lora_magnitude_vector");
    magnitude_.reset();
  }
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
  if (has_dora()) magnitude_->weight.set_requires_grad(trainable);
}

void LoraLinear::attach_dora(const at::Tensor& magnitude, bool trainable) {
  if (!has_lora()) throw Error(msg::Model::dora_needs_lora);
  if (!magnitude.defined() || magnitude.dim() != 1 || magnitude.size(0) != out_features())
    throw Error(msg::Model::dora_magnitude_shape, magnitude.defined() ? shape_text(magnitude) : "[]", out_features());
  if (merged_) unmerge();
  const auto options = at::TensorOptions().dtype(at::kFloat).device(base_device());
  at::Tensor value = magnitude.detach().to(options, /*non_blocking=*/false, /*copy=*/true).contiguous();
  if (has_dora()) unregister_module("lora_magnitude_vector");
  magnitude_ = register_module("lora_magnitude_vector", std::make_shared<LoraFactor>(std::move(value), trainable));
}

void LoraLinear::init_dora(bool trainable) {
  if (!has_lora()) throw Error(msg::Model::dora_needs_lora);
  if (merged_) unmerge();
  attach_dora(dora_weight_norm(), trainable);
}

at::Tensor LoraLinear::dora_weight_norm() const {
  if (!has_lora()) throw Error(msg::Model::layer_has_no_lora);
  return ops::dora_weight_norm(dense_weight(), lora_A_->weight, lora_B_->weight, scaling_);
}

at::Tensor LoraLinear::delta_weight() const {
  if (!has_lora()) throw Error(msg::Model::layer_has_no_lora);
  at::NoGradGuard no_grad;
  return at::matmul(lora_B_->weight, lora_A_->weight).mul_(scaling_);
}

void LoraLinear::merge() {
  if (merged_) return;
  if (!owns_weight_) throw Error(msg::Model::merge_into_shared_weight);
  if (quantized_) throw Error(msg::Model::merge_into_quantized_weight);
  const at::Tensor delta = delta_weight();
  at::NoGradGuard no_grad;
  if (has_dora()) {
    // PEFT's DoraLinearVariant.merge: (m / ||W + ΔW||) · (W + ΔW), the norm kept for unmerge.
    merged_norm_ = dora_weight_norm();
    const at::Tensor scale = magnitude_->weight.div(merged_norm_).unsqueeze(1);
    weight_.copy_(dense_weight().to(at::kFloat).add(delta).mul_(scale));
    merged_ = true;
    return;
  }
  weight_.copy_(weight_.to(at::kFloat).add_(delta));
  merged_ = true;
}

void LoraLinear::unmerge() {
  if (!merged_) return;
  const at::Tensor delta = delta_weight();
  at::NoGradGuard no_grad;
  if (has_dora() && merged_norm_.defined()) {
    const at::Tensor scale = magnitude_->weight.div(merged_norm_).unsqueeze(1);
    weight_.copy_(weight_.to(at::kFloat).div(scale).sub_(delta));
    merged_norm_ = at::Tensor();
    merged_ = false;
    return;
  }
  weight_.copy_(weight_.to(at::kFloat).sub_(delta));
  merged_ = false;
}

LoraLinearGroup::LoraLinearGroup(std::vector<std::shared_ptr<LoraLinear>> members, at::Tensor weight)
    : members_(std::move(members)), weight_(std::move(weight)) {}

bool LoraLinearGroup::runs_as_one() const {
  if (!weight_.defined() || members_.empty() || !members_.front()->is_training()) return false;
  const auto* base = static_cast<const char*>(weight_.data_ptr());
  int64_t row = 0;
  bool any_pair = false;
  const LoraLinear* first_pair = nullptr;
  for (const auto& member : members_) {
    const at::Tensor& w = member->weight();
    if (member->quantized() || member->merged() || member->has_dora() || !w.defined() || !w.is_contiguous() ||
        w.size(1) != weight_.size(1) || w.scalar_type() != weight_.scalar_type() ||
        w.data_ptr() != base + row * weight_.size(1) * weight_.element_size() ||
        member->bias().defined() != members_.front()->bias().defined())
      return false;
    row += w.size(0);
    if (!member->has_lora() || !member->lora_enabled()) continue;
    if (first_pair && (member->lora_scaling() != first_pair->lora_scaling() ||
                       member->lora_dropout() != first_pair->lora_dropout()))
      return false;
    if (!first_pair) first_pair = member.get();
    any_pair = true;
  }
  return any_pair && row == weight_.size(0);
}

std::vector<at::Tensor> LoraLinearGroup::forward(const at::Tensor& x) const {
  std::vector<at::Tensor> outputs;
  if (!runs_as_one()) {
    for (const auto& member : members_) outputs.push_back(member->forward(x));
    return outputs;
  }
  std::vector<int64_t> out_features;
  std::vector<at::Tensor> lora_A, lora_B, biases;
  double scaling = 1.0, dropout = 0.0;
  for (const auto& member : members_) {
    out_features.push_back(member->out_features());
    if (member->bias().defined()) biases.push_back(member->bias());
    const bool pair = member->has_lora() && member->lora_enabled();
    lora_A.push_back(pair ? member->lora_A() : at::Tensor());
    lora_B.push_back(pair ? member->lora_B() : at::Tensor());
    if (pair) {
      scaling = member->lora_scaling();
      dropout = member->lora_dropout();
    }
  }
  const at::Tensor bias = biases.empty() ? at::Tensor() : at::cat(biases);
  return ops::lora_linear_group(x, weight_, bias, out_features, lora_A, lora_B, scaling, dropout,
                                dropout > 0.0 && x.is_cpu() ? ops::draw_dropout_seed() : 0);
}

}  // namespace lora
