#include "lora_linear_node.h"

#include <ATen/ATen.h>

namespace lora::lora_node {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

at::Tensor down_projection(const at::Tensor& flat_x, const at::Tensor& a, double dropout, const DropoutHooks& hooks) {
  return dropout > 0 ? hooks.project(flat_x, a) : at::mm(flat_x, a.t());
}

at::Tensor a_gradient(const at::Tensor& grad_down, const at::Tensor& flat_x, double dropout,
                      const DropoutHooks& hooks) {
  return dropout > 0 ? hooks.grad_a(grad_down, flat_x) : at::mm(grad_down.t(), flat_x).to(at::kFloat);
}

void add_input_gradient(at::Tensor& grad_x, const at::Tensor& grad_down, const at::Tensor& a, double dropout,
                        const DropoutHooks& hooks) {
  if (dropout > 0)
    hooks.add_dropped_grad(grad_x, grad_down, a);
  else
    grad_x.addmm_(grad_down, a);
}

at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                   const c10::optional<at::Tensor>& bias, const at::Tensor& lora_A, const at::Tensor& lora_B,
                   double scaling, double dropout, const DropoutHooks& hooks) {
  const int64_t in = weight.size(1), out_features = weight.size(0);
  const at::Tensor flat_x = x.reshape({-1, in}).contiguous();
  const at::Tensor a = lora_A.to(x.scalar_type()), b = lora_B.to(x.scalar_type());
  at::Tensor y = at::linear(flat_x, weight, bias.has_value() ? *bias : at::Tensor());
  const at::Tensor down = down_projection(flat_x, a, dropout, hooks);  // [N, r]
  // The LoRA product accumulated into the base output by one addmm.
  y.addmm_(down, b.t(), /*beta=*/1, /*alpha=*/scaling);
  ctx->save_for_backward({flat_x, weight, a, b, down});
  ctx->saved_data["scaling"] = scaling;
  ctx->saved_data["dropout"] = dropout;
  ctx->saved_data["input_sizes"] = x.sizes().vec();
  ctx->saved_data["has_bias"] = bias.has_value();
  std::vector<int64_t> out_sizes = x.sizes().vec();
  out_sizes.back() = out_features;
  return y.view(out_sizes);
}

variable_list backward(AutogradContext* ctx, const variable_list& grad_outputs, const DropoutHooks& hooks,
                       size_t trailing) {
  const auto saved = ctx->get_saved_variables();
  const at::Tensor &flat_x = saved[0], &weight = saved[1], &a = saved[2], &b = saved[3], &down = saved[4];
  const double scaling = ctx->saved_data["scaling"].toDouble();
  const double dropout = ctx->saved_data["dropout"].toDouble();
  const at::Tensor grad = grad_outputs[0].reshape({-1, weight.size(0)}).contiguous();  // [N, out]
  // needs_input_grad counts the tensors that went in: x, weight, [bias,] lora_A, lora_B.
  const bool has_bias = ctx->saved_data["has_bias"].toBool();
  const size_t a_index = has_bias ? 3 : 2;
  const bool need_x = ctx->needs_input_grad(0), need_a = ctx->needs_input_grad(a_index),
             need_b = ctx->needs_input_grad(a_index + 1);

  at::Tensor grad_a, grad_b, grad_x;
  if (need_b) grad_b = at::mm(grad.t(), down).to(at::kFloat).mul_(scaling);  // [out, r]
  if (need_a || need_x) {
    const at::Tensor grad_down = at::mm(grad, b).mul_(scaling);  // [N, r]
    if (need_a) grad_a = a_gradient(grad_down, flat_x, dropout, hooks);  // [r, in]
    if (need_x) {
      grad_x = at::mm(grad, weight);  // [N, in]
      add_input_gradient(grad_x, grad_down, a, dropout, hooks);
      grad_x = grad_x.view(ctx->saved_data["input_sizes"].toIntVector());
    }
  }
  // One per argument of the node's forward (an absent bias keeps its slot), then its non-tensor ones.
  variable_list grads = {grad_x, at::Tensor(), at::Tensor(), grad_a, grad_b};
  grads.resize(grads.size() + trailing);
  return grads;
}

}  // namespace lora::lora_node
