#pragma once
// The optimizers LoRA training offers, with torch.optim's update rules (AdamW with decoupled weight
// decay; plain SGD with weight decay added to the gradient). The state is a set of named tensors so a
// checkpoint stores it in safetensors and resume restores it exactly.
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
};

class Optimizer {
 public:
  // `params`: the trainable tensors (fp32 master weights), each with a stable name.
  Optimizer(OptimizerSettings settings, std::vector<std::pair<std::string, at::Tensor>> params);

  // One update of every parameter that has a gradient, at learning rate `lr`.
  void step(double lr);
  void zero_grad();
  int64_t steps_taken() const { return steps_; }

  // Named state tensors ("<param>.exp_avg", "<param>.exp_avg_sq", "<param>.momentum") plus the step count.
  std::vector<std::pair<std::string, at::Tensor>> state() const;
  // Restores what state() returned; throws lora::Error naming a missing or mis-shaped entry.
  void load_state(const std::map<std::string, at::Tensor>& state, int64_t steps_taken, const std::string& source);

  const OptimizerSettings& settings() const { return settings_; }

 private:
  OptimizerSettings settings_;
  std::vector<std::pair<std::string, at::Tensor>> params_;
  std::vector<at::Tensor> exp_avg_, exp_avg_sq_, momentum_;
  int64_t steps_ = 0;
};

}  // namespace lora
