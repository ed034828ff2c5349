// The lean nodes of ops.h: ATen-only autograd functions on any device (CUDA trains with them).
#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>

#include "error.h"
#include "ops_messages.h"
#include "lora_linear_node.h"
#include "ops.h"

namespace lora::ops::lean {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Rows of logits turned into fp32 at a time: bounds the temporary to ~64 MB whatever the batch.
int64_t rows_per_chunk(int64_t vocab) { return std::max<int64_t>(1, (int64_t{1} << 24) / std::max<int64_t>(1, vocab)); }

// ---- cross-entropy -------------------------------------------------------------------------------
struct LeanCrossEntropyNode : public torch::autograd::Function<LeanCrossEntropyNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& logits_in, const at::Tensor& targets_in) {
    const at::Tensor logits = logits_in.contiguous();
    const at::Tensor targets = targets_in.to(at::kLong).contiguous();
    const int64_t rows = logits.size(0), vocab = logits.size(1);
    if (targets.is_cpu()) {  // on a device the check would cost a host sync per step; the trainer's ids are checked at load
      const int64_t* target = targets.data_ptr<int64_t>();
      for (int64_t i = 0; i < rows; ++i)
        if (target[i] < 0 || target[i] >= vocab)
          throw Error(msg::Ops::cross_entropy_target_outside_vocabulary, target[i], i, vocab);
    }
    at::Tensor lse = at::empty({rows}, logits.options().dtype(at::kFloat));
    const int64_t chunk = rows_per_chunk(vocab);
    for (int64_t begin = 0; begin < rows; begin += chunk) {
      const int64_t end = std::min(rows, begin + chunk);
      lse.slice(0, begin, end).copy_(at::logsumexp(logits.slice(0, begin, end).to(at::kFloat), {-1}));
    }
    const at::Tensor target_logits = logits.gather(1, targets.unsqueeze(1)).squeeze(1).to(at::kFloat);
    ctx->save_for_backward({logits, targets, lse});
    return (lse - target_logits).sum();
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    at::Tensor logits = saved[0];
    const at::Tensor &targets = saved[1], &lse = saved[2];
    // As the CPU node: the gradient overwrites the saved logits (nothing reads them after the loss),
    // so the step never holds a second [N, vocab] buffer. Scaled by the incoming gradient as a device
    // tensor: no host sync.
    if (ctx->saved_data.count("logits_overwritten"))
      throw Error(msg::Ops::cross_entropy_backward_twice);
    ctx->saved_data["logits_overwritten"] = true;
    const at::Tensor scale = grad_outputs[0].to(at::kFloat);
    const int64_t rows = logits.size(0), vocab = logits.size(1);
    const int64_t chunk = rows_per_chunk(vocab);
    for (int64_t begin = 0; begin < rows; begin += chunk) {
      const int64_t end = std::min(rows, begin + chunk);
      at::Tensor rows_logits = logits.slice(0, begin, end);
      const at::Tensor index = targets.slice(0, begin, end).unsqueeze(1);
      at::Tensor softmax = rows_logits.to(at::kFloat).sub_(lse.slice(0, begin, end).unsqueeze(1)).exp_();
      softmax.scatter_(1, index, softmax.gather(1, index).sub_(1.0));
      rows_logits.copy_(softmax.mul_(scale));
    }
    return {logits, at::Tensor()};
  }
};

// ---- RMSNorm ------------------------------------------------------------------------------------------
struct LeanRmsNormNode : public torch::autograd::Function<LeanRmsNormNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight_in, double eps) {
    const at::Tensor weight = weight_in.to(x.scalar_type());
    const at::Tensor x32 = x.to(at::kFloat);
    const at::Tensor rstd = x32.pow(2).mean(-1, /*keepdim=*/true).add_(eps).rsqrt_();
    // Hugging Face's order: normalise in fp32, round to the compute dtype, then scale by the weight.
    at::Tensor out = at::mul(x32, rstd).to(x.scalar_type()).mul_(weight);
    ctx->save_for_backward({x, weight, rstd});
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &weight = saved[1], &rstd = saved[2];
    const at::Tensor g = at::mul(grad_outputs[0], weight).to(at::kFloat);
    // Out of place: for an fp32 x, x.to(kFloat) is x itself, and the saved input must stay intact.
    const at::Tensor normalised = at::mul(x, rstd);  // fp32 by type promotion (rstd is fp32)
    const at::Tensor projection = at::mul(g, normalised).mean(-1, /*keepdim=*/true);
    at::Tensor grad_x = normalised.mul_(projection).neg_().add_(g).mul_(rstd).to(x.scalar_type());
    return {grad_x, at::Tensor(), at::Tensor()};
  }
};

// ---- Gemma's RMSNorm: x̂ · (1 + w), all in fp32, one rounding -------------------------------------------
struct LeanRmsNormOnePlusNode : public torch::autograd::Function<LeanRmsNormOnePlusNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight, double eps) {
    const at::Tensor scale = weight.to(at::kFloat).add(1.0);
    const at::Tensor x32 = x.to(at::kFloat);
    const at::Tensor rstd = x32.pow(2).mean(-1, /*keepdim=*/true).add_(eps).rsqrt_();
    at::Tensor out = at::mul(x32, rstd).mul_(scale).to(x.scalar_type());
    ctx->save_for_backward({x, scale, rstd});
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &scale = saved[1], &rstd = saved[2];
    const at::Tensor g = grad_outputs[0].to(at::kFloat).mul(scale);
    const at::Tensor normalised = at::mul(x, rstd);  // fp32 by type promotion
    const at::Tensor projection = at::mul(g, normalised).mean(-1, /*keepdim=*/true);
    at::Tensor grad_x = normalised.mul_(projection).neg_().add_(g).mul_(rstd).to(x.scalar_type());
    return {grad_x, at::Tensor(), at::Tensor()};
  }
};

// ---- SiLU-gated product ------------------------------------------------------------------------------
struct LeanSiluMulNode : public torch::autograd::Function<LeanSiluMulNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& gate, const at::Tensor& up) {
    ctx->save_for_backward({gate, up});
    return at::silu(gate).mul_(up);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &gate = saved[0], &up = saved[1];
    const at::Tensor& grad = grad_outputs[0];
    at::Tensor grad_gate, grad_up;
    if (ctx->needs_input_grad(1)) grad_up = at::silu(gate).mul_(grad);
    if (ctx->needs_input_grad(0)) grad_gate = at::silu_backward(at::mul(grad, up), gate);
    return {grad_gate, grad_up};
  }
};

// ---- LoRA linear ---------------------------------------------------------------------------------------
at::Generator generator_for(const at::Tensor& x) { return at::globalContext().defaultGenerator(x.device()); }

at::Tensor generator_state(at::Generator& generator) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void set_generator_state(at::Generator& generator, const at::Tensor& state) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

// Puts a generator back to the state it had when the guard was made, also when the draw in between
// throws (a CUDA out-of-memory in backward, the step's peak).
class GeneratorStateGuard {
 public:
  explicit GeneratorStateGuard(at::Generator generator)
      : generator_(std::move(generator)), saved_(generator_state(generator_)) {}
  ~GeneratorStateGuard() { set_generator_state(generator_, saved_); }
  GeneratorStateGuard(const GeneratorStateGuard&) = delete;
  GeneratorStateGuard& operator=(const GeneratorStateGuard&) = delete;

 private:
  at::Generator generator_;
  at::Tensor saved_;
};

// The 0/1 mask, redrawn in backward with the generator put back where the forward found it (and
// then returned to where it was, so the draws that follow are unchanged).
at::Tensor redraw_keep_mask(const at::Tensor& x, double dropout, const at::Tensor& state_at_forward) {
  at::Generator generator = generator_for(x);
  const GeneratorStateGuard restore(generator);
  set_generator_state(generator, state_at_forward);
  return draw_keep_mask(x, dropout);
}

// Dropout off the CPU: the 0/1 mask from the device generator, drawn in forward and redrawn once in
// backward from the state the forward drew it with (for the input and the gradient alike).
lora_node::DropoutHooks generator_dropout(double p, const at::Tensor& state_at_forward) {
  const double keep_scale = 1.0 / (1.0 - p);
  auto mask = std::make_shared<at::Tensor>();
  const auto mask_like = [p, state_at_forward, mask](const at::Tensor& like) {
    if (!mask->defined())
      *mask = state_at_forward.defined() ? redraw_keep_mask(like, p, state_at_forward) : draw_keep_mask(like, p);
    return *mask;
  };
  lora_node::DropoutHooks hooks;
  const auto drop = [mask_like, keep_scale](const at::Tensor& flat_x) {
    return at::mul(flat_x, mask_like(flat_x)).mul_(keep_scale);
  };
  hooks.project = [drop](const at::Tensor& flat_x, const at::Tensor& a) { return at::mm(drop(flat_x), a.t()); };
  hooks.grad_a = [drop](const at::Tensor& grad_down, const at::Tensor& flat_x) {
    return at::mm(grad_down.t(), drop(flat_x)).to(at::kFloat);
  };
  hooks.add_dropped_grad = [mask_like, keep_scale](at::Tensor& grad_x, const at::Tensor& grad_down,
                                                    const at::Tensor& a) {
    grad_x.add_(at::mul(at::mm(grad_down, a), mask_like(grad_x)).mul_(keep_scale));
  };
  return hooks;
}

struct LeanLoraLinearNode : public torch::autograd::Function<LeanLoraLinearNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                            const c10::optional<at::Tensor>& bias, const at::Tensor& lora_A, const at::Tensor& lora_B,
                            double scaling, double dropout) {
    if (dropout > 0) {
      at::Generator generator = generator_for(x);
      ctx->saved_data["generator_state"] = generator_state(generator);
    }
    return lora_node::forward(ctx, x, weight, bias, lora_A, lora_B, scaling, dropout,
                              generator_dropout(dropout, at::Tensor()));
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const double dropout = ctx->saved_data["dropout"].toDouble();
    const at::Tensor state = dropout > 0 ? ctx->saved_data["generator_state"].toTensor() : at::Tensor();
    return lora_node::backward(ctx, grad_outputs, generator_dropout(dropout, state), /*trailing=*/2);
  }
};

}  // namespace

at::Tensor cross_entropy_sum(const at::Tensor& logits, const at::Tensor& targets) {
  return LeanCrossEntropyNode::apply(logits, targets);
}

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  return LeanRmsNormNode::apply(x, weight, eps);
}

at::Tensor rms_norm_one_plus(const at::Tensor& x, const at::Tensor& weight, double eps) {
  return LeanRmsNormOnePlusNode::apply(x, weight, eps);
}

at::Tensor silu_mul(const at::Tensor& gate, const at::Tensor& up) { return LeanSiluMulNode::apply(gate, up); }

at::Tensor lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& lora_A,
                       const at::Tensor& lora_B, double scaling, double dropout) {
  return LeanLoraLinearNode::apply(x, weight, bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt, lora_A,
                                   lora_B, scaling, dropout);
}

at::Tensor draw_keep_mask(const at::Tensor& x, double dropout) {
  return at::empty(x.sizes(), x.options()).bernoulli_(1.0 - dropout);
}

}  // namespace lora::ops::lean
