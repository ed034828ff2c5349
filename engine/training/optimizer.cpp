#include "optimizer.h"

#include <ATen/ATen.h>

#include <cmath>

#include "error.h"

namespace lora {

Optimizer::Optimizer(OptimizerSettings settings, std::vector<std::pair<std::string, at::Tensor>> params)
    : settings_(std::move(settings)), params_(std::move(params)) {
  if (settings_.name != "adamw_torch" && settings_.name != "sgd")
    throw Error("unknown optimizer '" + settings_.name + "' (expected adamw_torch or sgd)");
  for (const auto& [name, p] : params_) {
    if (settings_.name == "adamw_torch") {
      exp_avg_.push_back(at::zeros_like(p));
      exp_avg_sq_.push_back(at::zeros_like(p));
    } else if (settings_.momentum != 0.0) {
      momentum_.push_back(at::zeros_like(p));
    }
  }
}

void Optimizer::zero_grad() {
  for (auto& [name, p] : params_) {
    if (p.grad().defined()) p.mutable_grad().zero_();
  }
}

void Optimizer::step(double lr) {
  at::NoGradGuard no_grad;
  ++steps_;
  const auto& s = settings_;
  for (size_t i = 0; i < params_.size(); ++i) {
    at::Tensor& p = params_[i].second;
    if (!p.grad().defined()) continue;
    const at::Tensor& grad = p.grad();
    if (s.name == "adamw_torch") {
      // torch.optim.AdamW (decoupled weight decay, bias-corrected moments).
      if (s.weight_decay != 0.0) p.mul_(1.0 - lr * s.weight_decay);
      exp_avg_[i].lerp_(grad, 1.0 - s.beta1);
      exp_avg_sq_[i].mul_(s.beta2).addcmul_(grad, grad, 1.0 - s.beta2);
      const double bias_correction1 = 1.0 - std::pow(s.beta1, static_cast<double>(steps_));
      const double bias_correction2 = 1.0 - std::pow(s.beta2, static_cast<double>(steps_));
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
    if (it == state.end()) throw Error(source + ": optimizer state '" + key + "' is missing");
    if (it->second.sizes() != into.sizes())
      throw Error(source + ": optimizer state '" + key + "' has shape " + c10::str(it->second.sizes()) +
                  ", expected " + c10::str(into.sizes()));
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
}

}  // namespace lora
