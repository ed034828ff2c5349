#pragma once
// The optimizers LoRA training offers, with torch.optim's update rules (AdamW with decoupled weight
// decay; plain SGD with weight decay added to the gradient). The state is a set of named tensors so a
// checkpoint stores it in safetensors and resume restores it exactly.
// On CUDA with libtorch 2.x, AdamW runs as one fused kernel over every parameter
// (at::_fused_adamw_, what torch.optim.AdamW(fused=True) calls) instead of ~7 kernels per tensor;
// the update is the same formula. Nothing here reads a value back to the host.
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

namespace lora {

struct OptimizerSettings {
  std::string name = "adamw_torch";  // "adamw_torch" | "sgd"
  double weight_decay = 0.0;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double momentum = 0.0;  // sgd only
  // LoRA+ (PEFT's create_loraplus_optimizer): a second parameter group, every lora_B factor and
  // every 1-D parameter (DoRA's magnitudes), updated at this multiple of the learning rate step()
  // is given, so the schedule scales both groups alike. 1 = plain LoRA, one group.
  double lora_plus_ratio = 1.0;
};

// True for the parameters LoRA+ puts in its faster group: a name ending in ".lora_B.weight" or a
// 1-D tensor (PEFT: "lora_B" in name or param.ndim == 1).
bool in_lora_plus_group(const std::string& name, const at::Tensor& param);

class Optimizer {
 public:
  // `params`: the trainable tensors (fp32 master weights), each with a stable name.
  Optimizer(OptimizerSettings settings, std::vector<std::pair<std::string, at::Tensor>> params);

  // One update of every parameter that has a gradient, at learning rate `lr` (the LoRA+ group at
  // lr · lora_plus_ratio).
  void step(double lr);
  // The learning rate the named parameter is updated with when step(lr) is called.
  double learning_rate_of(const std::string& name, double lr) const;
  // Drops the gradients (torch's zero_grad(set_to_none=True)): the next backward writes fresh
  // ones instead of adding to zeros, and no memory is held for them between steps.
  void zero_grad();
  // True when step() uses the fused multi-tensor AdamW kernel.
  bool fused() const { return fused_; }
  int64_t steps_taken() const { return steps_; }

  // Named state tensors ("<param>.exp_avg", "<param>.exp_avg_sq", "<param>.momentum") plus the step count.
  std::vector<std::pair<std::string, at::Tensor>> state() const;
  // Restores what state() returned; throws lora::Error naming a missing or mis-shaped entry.
  void load_state(const std::map<std::string, at::Tensor>& state, int64_t steps_taken, const std::string& source);

  const OptimizerSettings& settings() const { return settings_; }

 private:
  OptimizerSettings settings_;
  std::vector<std::pair<std::string, at::Tensor>> params_;
  std::vector<double> lr_scales_;  // per parameter: 1, or lora_plus_ratio for LoRA+'s group
  std::vector<at::Tensor> exp_avg_, exp_avg_sq_, momentum_;
  std::vector<at::Tensor> step_counts_;  // fused AdamW: per-parameter fp32 step on the device, as torch keeps it
  bool fused_ = false;
  int64_t steps_ = 0;
};

// The global L2 norm of the gradients of `params` (those that have one) as a 0-dim fp32 tensor on
// their device, without reading it back: torch.nn.utils.clip_grad_norm_'s total norm. Undefined
// when no parameter has a gradient.
at::Tensor gradient_norm(const std::vector<std::pair<std::string, at::Tensor>>& params);
// Multiplies every gradient by `scale` in place (one multi-tensor kernel on libtorch 2.x).
void scale_gradients(const std::vector<std::pair<std::string, at::Tensor>>& params, double scale);

}  // namespace lora
