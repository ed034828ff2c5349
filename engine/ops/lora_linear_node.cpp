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

at::Tensor b_gradient(const at::Tensor& grad, const at::Tensor& down, double scaling) {
  // Formed as (downᵀ·grad)ᵀ: with the narrow [N, r] factor on the left, oneDNN reads the wide [N, out]
  // gradient as it lies instead of transposed; 1.1-1.9x faster at r 16-48 on warm data (Intel Xeon
  // with AMX), within noise inside a training step (docs/PERFORMANCE.md).
  const at::Tensor transposed = at::mm(down.t(), grad);  // [r, out]
  return at::empty({grad.size(1), down.size(1)}, grad.options().dtype(at::kFloat)).copy_(transposed.t()).mul_(scaling);
}

void add_input_gradient(at::Tensor& grad_x, const at::Tensor& grad_down, const at::Tensor& a, double dropout,
                        const DropoutHooks& hooks) {
  if (dropout > 0)
    hooks.add_dropped_grad(grad_x, grad_down, a);
  else
    grad_x.addmm_(grad_down, a);
}

namespace {

// x·Wᵀ + bias + scaling·(dropout(x)·aᵀ)·bᵀ as [N, out] (a, b already in x's dtype), saving what
// backward needs: the base product, then the LoRA product accumulated into it by one addmm.
at::Tensor base_plus_lora(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                          const c10::optional<at::Tensor>& bias, const at::Tensor& a, const at::Tensor& b,
                          double scaling, double dropout, const DropoutHooks& hooks) {
  const at::Tensor flat_x = x.reshape({-1, weight.size(1)}).contiguous();
  at::Tensor y = at::linear(flat_x, weight, bias.has_value() ? *bias : at::Tensor());
  const at::Tensor down = down_projection(flat_x, a, dropout, hooks);  // [N, r]
  y.addmm_(down, b.t(), /*beta=*/1, /*alpha=*/scaling);
  ctx->save_for_backward({flat_x, weight, a, b, down});
  ctx->saved_data["scaling"] = scaling;
  ctx->saved_data["dropout"] = dropout;
  ctx->saved_data["input_sizes"] = x.sizes().vec();
  ctx->saved_data["has_bias"] = bias.has_value();
  return y;
}

}  // namespace

at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                   const c10::optional<at::Tensor>& bias, const at::Tensor& lora_A, const at::Tensor& lora_B,
                   double scaling, double dropout, const DropoutHooks& hooks) {
  const at::Tensor a = lora_A.to(x.scalar_type()), b = lora_B.to(x.scalar_type());
  const at::Tensor y = base_plus_lora(ctx, x, weight, bias, a, b, scaling, dropout, hooks);
  std::vector<int64_t> out_sizes = x.sizes().vec();
  out_sizes.back() = weight.size(0);
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
  if (need_b) grad_b = b_gradient(grad, down, scaling);  // [out, r]
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

namespace {

// The members' output gradients as one [rows, Σ out] tensor. When they arrive as the column blocks
// of one such tensor, in order (the SiLU node writes gate's and up's so), that tensor is taken as
// it is; otherwise they are joined (an unused output's gradient is zero).
at::Tensor joined_gradient(const variable_list& grads, const std::vector<int64_t>& out_features, int64_t rows,
                           const at::TensorOptions& options) {
  int64_t total = 0;
  for (const int64_t out : out_features) total += out;
  const at::Tensor& first = grads[0];
  bool blocks_of_one = first.defined() && first.dim() >= 2;
  for (size_t i = 0, column = 0; blocks_of_one && i < out_features.size(); column += out_features[i++]) {
    const at::Tensor& g = grads[i];
    blocks_of_one = g.defined() && g.dim() == first.dim() && g.numel() == rows * out_features[i] &&
                    g.size(-1) == out_features[i] && g.stride(-1) == 1 && g.scalar_type() == first.scalar_type() &&
                    g.storage().data() == first.storage().data() &&
                    g.storage_offset() == first.storage_offset() + static_cast<int64_t>(column);
    // The leading dimensions flatten into rows `total` apart.
    for (int64_t d = g.dim() - 2, expected = total; blocks_of_one && d >= 0; expected *= g.size(d--))
      blocks_of_one = g.size(d) == 1 || g.stride(d) == expected;
  }
  if (blocks_of_one &&
      (first.storage_offset() + rows * total) * static_cast<int64_t>(first.element_size()) <=
          static_cast<int64_t>(first.storage().nbytes()))
    return first.as_strided({rows, total}, {total, 1}, first.storage_offset());
  std::vector<at::Tensor> member_grads;
  for (size_t i = 0; i < out_features.size(); ++i)
    member_grads.push_back(grads[i].defined() ? grads[i].reshape({rows, out_features[i]})
                                              : at::zeros({rows, out_features[i]}, options));
  return at::cat(member_grads, 1);
}

}  // namespace

variable_list group_forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                            const c10::optional<at::Tensor>& bias, at::TensorList lora_A, at::TensorList lora_B,
                            const GroupLayout& layout, double scaling, double dropout, const DropoutHooks& hooks) {
  const int64_t total_out = weight.size(0);
  // The members' B's as one block-diagonal [Σ out, Σ r] matrix: one up-projection for all of them
  // (its zero blocks cost FLOPs, not passes over the [N, Σ out] output, which is what the call is
  // bound by).
  const at::Tensor a = at::cat(lora_A, 0).to(x.scalar_type());
  at::Tensor b = at::zeros({total_out, a.size(0)}, x.options());
  for (size_t i = 0, pair = 0, row = 0, column = 0; i < layout.out_features.size(); ++i) {
    if (layout.ranks[i] > 0) {
      b.narrow(0, row, layout.out_features[i]).narrow(1, column, layout.ranks[i]).copy_(lora_B[pair++]);
      column += layout.ranks[i];
    }
    row += layout.out_features[i];
  }
  const at::Tensor y = base_plus_lora(ctx, x, weight, bias, a, b, scaling, dropout, hooks);
  variable_list outputs;
  std::vector<int64_t> out_sizes = x.sizes().vec();
  for (size_t i = 0, row = 0; i < layout.out_features.size(); row += layout.out_features[i++]) {
    out_sizes.back() = layout.out_features[i];
    outputs.push_back(y.narrow(1, row, layout.out_features[i]).view(out_sizes));
  }
  return outputs;
}

variable_list group_backward(AutogradContext* ctx, const variable_list& grad_outputs, const GroupLayout& layout,
                             const DropoutHooks& hooks, size_t trailing) {
  const auto saved = ctx->get_saved_variables();
  const at::Tensor &flat_x = saved[0], &weight = saved[1], &a = saved[2], &b = saved[3], &down = saved[4];
  const double scaling = ctx->saved_data["scaling"].toDouble();
  const double dropout = ctx->saved_data["dropout"].toDouble();
  const int64_t rows = flat_x.size(0);
  const at::Tensor grad = joined_gradient(grad_outputs, layout.out_features, rows, flat_x.options());  // [N, Σ out]
  // needs_input_grad counts the tensors that went in: x, weight, [bias,] the A's, the B's.
  const size_t first_a = ctx->saved_data["has_bias"].toBool() ? 3 : 2;
  size_t pairs = 0;
  for (const int64_t rank : layout.ranks) pairs += rank > 0;
  bool need_a = false, need_b = false;
  for (size_t pair = 0; pair < pairs; ++pair) {
    need_a = need_a || ctx->needs_input_grad(first_a + pair);
    need_b = need_b || ctx->needs_input_grad(first_a + pairs + pair);
  }
  const bool need_x = ctx->needs_input_grad(0);

  variable_list grads = {at::Tensor(), at::Tensor(), at::Tensor()};
  grads.resize(3 + 2 * pairs);
  if (need_b) {
    const at::Tensor grad_b = b_gradient(grad, down, scaling);  // [Σ out, Σ r]
    for (size_t i = 0, pair = 0, row = 0, column = 0; i < layout.out_features.size(); ++i) {
      if (layout.ranks[i] > 0) {
        grads[3 + pairs + pair++] =
            grad_b.narrow(0, row, layout.out_features[i]).narrow(1, column, layout.ranks[i]).contiguous();
        column += layout.ranks[i];
      }
      row += layout.out_features[i];
    }
  }
  if (need_a || need_x) {
    const at::Tensor grad_down = at::mm(grad, b).mul_(scaling);  // [N, Σ r]
    if (need_a) {
      const at::Tensor grad_a = a_gradient(grad_down, flat_x, dropout, hooks);  // [Σ r, in]
      for (size_t i = 0, pair = 0, row = 0; i < layout.ranks.size(); ++i)
        if (layout.ranks[i] > 0) {
          grads[3 + pair++] = grad_a.narrow(0, row, layout.ranks[i]).contiguous();
          row += layout.ranks[i];
        }
    }
    if (need_x) {
      at::Tensor grad_x = at::mm(grad, weight);  // [N, in]
      add_input_gradient(grad_x, grad_down, a, dropout, hooks);
      grads[0] = grad_x.view(ctx->saved_data["input_sizes"].toIntVector());
    }
  }
  grads.resize(grads.size() + trailing);
  return grads;
}

}  // namespace lora::lora_node
