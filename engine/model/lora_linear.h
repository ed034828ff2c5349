#pragma once
// A linear layer of the transformer (q/k/v/o_proj, gate/up/down_proj, lm_head) with an optional
// LoRA branch: y = W·x + b + scaling · B·(A·dropout(x)).
// The base weight and bias are frozen (requires_grad false) and stay in the compute dtype; lora_A
// [r, in] and lora_B [out, r] are fp32 master weights, cast to the compute dtype inside forward so
// that autograd reaches them through the cast. B·(A·x) is computed as two thin matmuls, never B·A.
// Training on the CPU runs the layer as one fused autograd node (ops.h: ops::lora_linear),
// whose dropout mask is a hash of a seed drawn from the CPU generator instead of a saved mask.
// The factors are submodules named lora_A / lora_B holding a "weight", so the module tree's
// parameter names are PEFT's keys without the "base_model.model." prefix.
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <memory>

namespace lora {

// One factor of a LoRA pair: a module with a single parameter "weight".
class LoraFactor : public torch::nn::Module {
 public:
  LoraFactor(at::Tensor weight, bool trainable);
  at::Tensor weight;
};

class LoraLinear : public torch::nn::Module {
 public:
  // weight [out, in] and bias [out] (undefined for none) are the frozen base layer, already in the
  // compute dtype and on the compute device. owns_weight = false for a weight shared with another
  // module (the tied lm_head uses embed_tokens.weight): it is then not registered as a parameter of
  // this module, so parameter names stay one to one with checkpoint keys, and merge() refuses to
  // change it.
  LoraLinear(at::Tensor weight, at::Tensor bias, bool owns_weight = true);

  at::Tensor forward(const at::Tensor& x);

  int64_t in_features() const { return weight_.size(1); }
  int64_t out_features() const { return weight_.size(0); }
  const at::Tensor& weight() const { return weight_; }
  const at::Tensor& bias() const { return bias_; }
  bool owns_weight() const { return owns_weight_; }

  // Adds (or replaces) the LoRA branch. lora_A [r, in], lora_B [out, r], any dtype/device: stored as
  // fp32 on the base weight's device. trainable sets requires_grad on both factors.
  // Throws lora::Error when the shapes do not fit this layer.
  void attach_lora(const at::Tensor& lora_A, const at::Tensor& lora_B, double scaling, double dropout,
                   bool trainable);
  void detach_lora();  // unmerges first when merged
  bool has_lora() const { return lora_A_ != nullptr; }
  int64_t lora_rank() const { return has_lora() ? lora_A_->weight.size(0) : 0; }
  double lora_scaling() const { return scaling_; }
  double lora_dropout() const { return dropout_; }
  // The live fp32 factors (undefined without LoRA).
  at::Tensor lora_A() const { return has_lora() ? lora_A_->weight : at::Tensor(); }
  at::Tensor lora_B() const { return has_lora() ? lora_B_->weight : at::Tensor(); }
  void set_lora_trainable(bool trainable);

  // A disabled branch is skipped in forward (the base layer alone), without dropping the weights.
  void set_lora_enabled(bool enabled) { enabled_ = enabled; }
  bool lora_enabled() const { return enabled_; }

  // scaling · B·A as fp32 [out, in].
  at::Tensor delta_weight() const;
  // W ← W + scaling·B·A (computed in fp32, stored in W's dtype); forward then skips the branch.
  // unmerge() subtracts it again: exact in fp32, within bf16/fp16 rounding otherwise.
  // Throws lora::Error without LoRA or when the weight is shared (tied embeddings).
  void merge();
  void unmerge();
  bool merged() const { return merged_; }

 private:
  at::Tensor weight_, bias_;
  bool owns_weight_ = true;
  std::shared_ptr<LoraFactor> lora_A_, lora_B_;
  double scaling_ = 1.0;
  double dropout_ = 0.0;
  bool enabled_ = true;
  bool merged_ = false;
};

}  // namespace lora
