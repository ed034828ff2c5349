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
#include <vector>

namespace lora {

struct QuantizedWeight;

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
  // A quantized frozen base (QLoRA: NF4 or int8, quantized_weight.h), on the compute device, with
  // `compute_dtype` what forward computes in and dense_weight() returns. The layer has no
  // "weight" parameter then (weight() is undefined); forward dequantizes on the fly (ops.h:
  // quantized_linear; training on the CPU runs base and LoRA branch as one node,
  // quantized_linear.h) and the base gets no gradient, the input does.
  LoraLinear(std::shared_ptr<const QuantizedWeight> quantized, at::ScalarType compute_dtype, at::Tensor bias);

  at::Tensor forward(const at::Tensor& x);

  int64_t in_features() const;
  int64_t out_features() const;
  const at::Tensor& weight() const { return weight_; }
  // The frozen base weight as a dense [out, in] tensor in the compute dtype: weight() itself, or,
  // for a quantized base (QLoRA), its dequantized values. Code that needs W's values (DoRA's norm,
  // merge, export) goes through this, never through weight() directly.
  at::Tensor dense_weight() const;
  // The quantized base, or null for a dense one.
  bool quantized() const { return quantized_ != nullptr; }
  const std::shared_ptr<const QuantizedWeight>& quantized_weight() const { return quantized_; }
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

  // DoRA (PEFT's use_dora): a magnitude per output row on top of the LoRA pair (ops.h:
  // dora_linear). attach_dora takes a magnitude [out] (stored fp32, registered as the parameter
  // "lora_magnitude_vector.weight"); init_dora starts it as PEFT does, at the row norms of
  // W + scaling·B·A (the rows of W for a fresh pair). Both need the LoRA pair first and throw
  // lora::Error otherwise or for a wrong shape; attach_lora and detach_lora drop the magnitude.
  // Forward then runs the ATen composition in training too (not the fused CPU LoRA node).
  void attach_dora(const at::Tensor& magnitude, bool trainable);
  void init_dora(bool trainable);
  bool has_dora() const { return magnitude_ != nullptr; }
  // The live fp32 magnitude [out] (undefined without DoRA).
  at::Tensor lora_magnitude() const { return has_dora() ? magnitude_->weight : at::Tensor(); }
  // ||W + scaling·B·A|| per row, fp32 [out], detached: what the magnitude is divided by.
  at::Tensor dora_weight_norm() const;

  // scaling · B·A as fp32 [out, in].
  at::Tensor delta_weight() const;
  // W ← W + scaling·B·A (computed in fp32, stored in W's dtype); forward then skips the branch.
  // With DoRA, W ← (magnitude / ||W + scaling·B·A||) · (W + scaling·B·A), as PEFT merges it; the
  // norm is kept so that unmerge() can divide it out again.
  // unmerge() subtracts it again: exact in fp32, within bf16/fp16 rounding otherwise.
  // Throws lora::Error without LoRA or when the weight is shared (tied embeddings).
  void merge();
  void unmerge();
  bool merged() const { return merged_; }

 private:
  at::Tensor base_forward(const at::Tensor& x) const;  // x·Wᵀ + bias, dense or quantized
  c10::Device base_device() const;

  at::Tensor weight_, bias_;
  std::shared_ptr<const QuantizedWeight> quantized_;  // QLoRA's base, else null
  at::ScalarType compute_dtype_ = at::kFloat;         // of a quantized base
  bool owns_weight_ = true;
  std::shared_ptr<LoraFactor> lora_A_, lora_B_;
  std::shared_ptr<LoraFactor> magnitude_;  // DoRA, else null
  at::Tensor merged_norm_;                 // DoRA's norm at merge(), for unmerge()
  double scaling_ = 1.0;
  double dropout_ = 0.0;
  bool enabled_ = true;
  bool merged_ = false;
};

// Linear layers that read one input and whose frozen weights are the row blocks of one tensor,
// in order (q/k/v_proj; the loader makes them so). In training, when their LoRA branches share a
// scaling and a dropout (as a run's do) and none is merged, quantized or DoRA, they run as one node
// (ops.h: lora_linear_group: one matmul each for the frozen weights, the down- and the
// up-projections, one dropout mask for the shared input); otherwise, or once a member's weight is
// no longer a view of the shared tensor, each layer's own forward.
class LoraLinearGroup {
 public:
  LoraLinearGroup() = default;
  LoraLinearGroup(std::vector<std::shared_ptr<LoraLinear>> members, at::Tensor weight);
  // One output per member, [..., out_i].
  std::vector<at::Tensor> forward(const at::Tensor& x) const;

 private:
  bool runs_as_one() const;
  std::vector<std::shared_ptr<LoraLinear>> members_;
  at::Tensor weight_;  // [Σ out, in]
};

}  // namespace lora
