#include "optimizer.h"

#include <ATen/ATen.h>
#include <torch/version.h>

#include <cmath>

#include "error.h"
#include "string_affix.h"
#include "training_messages.h"

// at::_fused_adamw_ (CUDA since libtorch 2.0) and the _foreach_ multi-tensor ops used for the norm.
#if TORCH_VERSION_MAJOR >= 2
#define LORA_HAVE_FUSED_ADAMW 1
#else
#define LORA_HAVE_FUSED_ADAMW 0
#endif

namespace lora {

namespace {

std::vector<at::Tensor> defined_gradients(const std::vector<std::pair<std::string, at::Tensor>>& params) {
  std::vector<at::Tensor> grads;
  for (const auto& [name, p] : params)
    if (p.grad().defined()) grads.push_back(p.grad());
  return grads;
}

bool fp32_cpu_contiguous(const at::Tensor& t) {
  return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous();
}

// torch.optim.AdamW's update of one fp32 tensor in one pass, each element through the same
// operations in the same order as the ATen ops of Optimizer::step (mul_, lerp_, mul_ and addcmul_,
// sqrt and div and add_, addcdiv_), in fp32 with the scalars rounded to fp32 as ATen rounds them.
// Seven passes of a few thousand elements each per LoRA factor were ~2.5% of the 58M step, mostly
// the cost of dispatching ~800 small ops (docs/PERFORMANCE.md).
void adamw_update(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, int64_t n, double lr,
                  double weight_decay, double beta1, double beta2, double eps, double bias_correction1,
                  double bias_correction2) {
  const float decay = static_cast<float>(1.0 - lr * weight_decay);
  const float weight = static_cast<float>(1.0 - beta1);
  const float beta2_f = static_cast<float>(beta2), one_minus_beta2 = static_cast<float>(1.0 - beta2);
  const float correction2 = static_cast<float>(std::sqrt(bias_correction2)), eps_f = static_cast<float>(eps);
  const float step = static_cast<float>(-lr / bias_correction1);
  // Branch-free loops (the compiler vectorises them; optimizer.cpp is built without errno for sqrt):
  // no decay multiplies by exactly 1, and at::lerp's two formulas (start + w·(end - start) for
  // w < 0.5, else end - (end - start)·(1 - w)) are chosen once.
  const float decay_factor = weight_decay != 0.0 ? decay : 1.0f;
  const auto update = [=](auto lerp) {
    // Four distinct tensors.
    float* __restrict p_out = param;
    const float* __restrict g_in = grad;
    float* __restrict m_out = exp_avg;
    float* __restrict v_out = exp_avg_sq;
    for (int64_t i = 0; i < n; ++i) {
      const float p = p_out[i] * decay_factor;
      const float g = g_in[i];
      const float new_m = lerp(m_out[i], g);
      const float new_v = v_out[i] * beta2_f + one_minus_beta2 * g * g;
      const float denom = std::sqrt(new_v) / correction2 + eps_f;
      m_out[i] = new_m;
      v_out[i] = new_v;
      p_out[i] = p + step * (new_m / denom);
    }
  };
  if (weight < 0.5f)
    update([weight](float start, float end) { return start + weight * (end - start); });
  else
    update([weight](float start, float end) { return end - (end - start) * (1.0f - weight); });
}

}  // namespace

at::Tensor gradient_norm(const std::vector<std::pair<std::string, at::Tensor>>& params) {
  at::NoGradGuard no_grad;
  const std::vector<at::Tensor> grads = defined_gradients(params);
  if (grads.empty()) return at::Tensor();
#if LORA_HAVE_FUSED_ADAMW
  // As clip_grad_norm_: the norm of the per-tensor norms, each computed by one multi-tensor kernel.
  const std::vector<at::Tensor> norms = at::_foreach_norm(grads, 2);
  return at::stack(norms).to(at::kFloat).norm();
#else
  at::Tensor squared;
  for (const at::Tensor& g : grads) {
    at::Tensor sq = g.to(at::kFloat).pow(2).sum();
    squared = squared.defined() ? squared.add_(sq) : sq;
  }
  return squared.sqrt();
#endif
}

void scale_gradients(const std::vector<std::pair<std::string, at::Tensor>>& params, double scale) {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> grads = defined_gradients(params);
  if (grads.empty()) return;
#if LORA_HAVE_FUSED_ADAMW
  at::_foreach_mul_(grads, at::Scalar(scale));
#else
  for (at::Tensor& g : grads) g.mul_(scale);
#endif
}

bool in_lora_plus_group(const std::string& name, const at::Tensor& param) {
  return ends_with(name, ".lora_B.weight") || param.dim() == 1;
}

Optimizer::Optimizer(OptimizerSettings settings, std::vector<std::pair<std::string, at::Tensor>> params)
    : settings_(std::move(settings)), params_(std::move(params)) {
  if (settings_.name != "adamw_torch" && settings_.name != "sgd")
    throw Error(msg::Training::optimizer_unknown, settings_.name);
  for (const auto& [name, p] : params_)
    lr_scales_.push_back(settings_.lora_plus_ratio != 1.0 && in_lora_plus_group(name, p) ? settings_.lora_plus_ratio
                                                                                        : 1.0);
  for (const auto& [name, p] : params_) {
    if (settings_.name == "adamw_torch") {
      exp_avg_.push_back(at::zeros_like(p));
      exp_avg_sq_.push_back(at::zeros_like(p));
    } else if (settings_.momentum != 0.0) {
      momentum_.push_back(at::zeros_like(p));
    }
  }
#if LORA_HAVE_FUSED_ADAMW
  // The fused kernel wants every tensor on one CUDA device in one floating dtype.
  if (settings_.name == "adamw_torch" && !params_.empty()) {
    const at::Tensor& first = params_.front().second;
    bool uniform = first.is_cuda() && at::isFloatingType(first.scalar_type());
    for (const auto& [name, p] : params_)
      uniform = uniform && p.device() == first.device() && p.scalar_type() == first.scalar_type() && p.is_contiguous();
    fused_ = uniform;
  }
  if (fused_) {
    for (const auto& [name, p] : params_)
      step_counts_.push_back(at::zeros({}, at::TensorOptions().dtype(at::kFloat).device(p.device())));
  }
#endif
}

double Optimizer::learning_rate_of(const std::string& name, double lr) const {
  for (size_t i = 0; i < params_.size(); ++i)
    if (params_[i].first == name) return lr * lr_scales_[i];
  return lr;
}

void Optimizer::zero_grad() {
  for (auto& [name, p] : params_) {
    if (p.grad().defined()) p.mutable_grad().reset();
  }
}

void Optimizer::step(double lr) {
  at::NoGradGuard no_grad;
  ++steps_;
  const auto& s = settings_;
#if LORA_HAVE_FUSED_ADAMW
  if (fused_) {
    // torch.optim.AdamW(fused=True): the step counts go up on the device first, then one kernel
    // per parameter group (LoRA+ has two learning rates) updates parameters and moments of every
    // tensor that has a gradient.
    std::map<double, std::vector<size_t>> groups;
    for (size_t i = 0; i < params_.size(); ++i)
      if (params_[i].second.grad().defined()) groups[lr_scales_[i]].push_back(i);
    for (const auto& [scale, members] : groups) {
      std::vector<at::Tensor> params, grads, exp_avgs, exp_avg_sqs, steps;
      for (size_t i : members) {
        const at::Tensor& p = params_[i].second;
        params.push_back(p);
        grads.push_back(p.grad());
        exp_avgs.push_back(exp_avg_[i]);
        exp_avg_sqs.push_back(exp_avg_sq_[i]);
        steps.push_back(step_counts_[i]);
      }
      at::_foreach_add_(steps, at::Scalar(1.0));
      at::_fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, /*max_exp_avg_sqs=*/{}, steps, lr * scale, s.beta1,
                        s.beta2, s.weight_decay, s.eps, /*amsgrad=*/false, /*maximize=*/false);
    }
    return;
  }
#endif
  const double base_lr = lr;
  for (size_t i = 0; i < params_.size(); ++i) {
    at::Tensor& p = params_[i].second;
    if (!p.grad().defined()) continue;
    const at::Tensor& grad = p.grad();
    const double lr = base_lr * lr_scales_[i];
    if (s.name == "adamw_torch") {
      // torch.optim.AdamW (decoupled weight decay, bias-corrected moments).
      const double bias_correction1 = 1.0 - std::pow(s.beta1, static_cast<double>(steps_));
      const double bias_correction2 = 1.0 - std::pow(s.beta2, static_cast<double>(steps_));
      if (fp32_cpu_contiguous(p) && fp32_cpu_contiguous(grad) && fp32_cpu_contiguous(exp_avg_[i]) &&
          fp32_cpu_contiguous(exp_avg_sq_[i])) {
        adamw_update(p.data_ptr<float>(), grad.data_ptr<float>(), exp_avg_[i].data_ptr<float>(),
                     exp_avg_sq_[i].data_ptr<float>(), p.numel(), lr, s.weight_decay, s.beta1, s.beta2, s.eps,
                     bias_correction1, bias_correction2);
        continue;
      }
      if (s.weight_decay != 0.0) p.mul_(1.0 - lr * s.weight_decay);
      exp_avg_[i].lerp_(grad, 1.0 - s.beta1);
      exp_avg_sq_[i].mul_(s.beta2).addcmul_(grad, grad, 1.0 - s.beta2);
      const at::Tensor denom = (exp_avg_sq_[i].sqrt() / std::sqrt(bias_correction2)).add_(s.eps);
      p.addcdiv_(exp_avg_[i], denom, -lr / bias_correction1);
    } else {
      at::Tensor d = s.weight_decay != 0.0 ? grad.add(p, s.weight_decay) : grad;
      if (s.momentum != 0.0) {
        if (steps_ == 1) {
          momentum_[i].copy_(d);
        } else {
          momentum_[i].mul_(s.momentum).add_(d);
        }
        d = momentum_[i];
      }
      p.add_(d, -lr);
    }
  }
}

std::vector<std::pair<std::string, at::Tensor>> Optimizer::state() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (size_t i = 0; i < params_.size(); ++i) {
    const std::string& name = params_[i].first;
    if (!exp_avg_.empty()) {
      out.emplace_back(name + ".exp_avg", exp_avg_[i]);
      out.emplace_back(name + ".exp_avg_sq", exp_avg_sq_[i]);
    }
    if (!momentum_.empty()) out.emplace_back(name + ".momentum", momentum_[i]);
  }
  return out;
}

void Optimizer::load_state(const std::map<std::string, at::Tensor>& state, int64_t steps_taken,
                           const std::string& source) {
  at::NoGradGuard no_grad;
  auto restore = [&](const std::string& key, at::Tensor& into) {
    auto it = state.find(key);
    if (it == state.end()) throw Error(msg::Training::optimizer_state_missing, source, key);
    if (it->second.sizes() != into.sizes())
      throw Error(msg::Training::optimizer_state_wrong_shape, source, key, c10::str(it->second.sizes()),
                  c10::str(into.sizes()));
    into.copy_(it->second);
  };
  for (size_t i = 0; i < params_.size(); ++i) {
    const std::string& name = params_[i].first;
    if (!exp_avg_.empty()) {
      restore(name + ".exp_avg", exp_avg_[i]);
      restore(name + ".exp_avg_sq", exp_avg_sq_[i]);
    }
    if (!momentum_.empty()) restore(name + ".momentum", momentum_[i]);
  }
  steps_ = steps_taken;
  for (at::Tensor& count : step_counts_) count.fill_(static_cast<double>(steps_taken));
}

}  // namespace lora
