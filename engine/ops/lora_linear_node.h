#pragma once
// The arithmetic both LoRA linear autograd nodes share (internal to engine/ops): cpu_ops.cpp's
// (CPU kernels; dropout a hash of a seed) and lean_ops.cpp's (ATen on any device; dropout redrawn
// from the device generator). y = x·Wᵀ + bias + scaling·(dropout(x)·Aᵀ)·Bᵀ with W and bias frozen
// and A [r, in], B [out, r] the fp32 masters, cast to x's dtype for the matmuls (their gradients
// come back in fp32).
// The dropped-out input is never kept: the node's hooks produce it again in backward.
#include <ATen/core/Tensor.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace lora::lora_node {

// How a node's dropout enters (unused when dropout is 0), none of them keeping the dropped-out input:
// `project(flat_x, a)` gives dropout(flat_x)·aᵀ [N, r] in x's dtype, in forward; `grad_a(grad_down,
// flat_x)` gives A's gradient grad_downᵀ·dropout(flat_x) [r, in] in fp32; `add_dropped_grad(grad_x,
// grad_down, a)` adds the LoRA branch's input gradient grad_down·a ([N, r]·[r, in]) where the input
// was kept, rescaled, to grad_x [N, in].
struct DropoutHooks {
  std::function<at::Tensor(const at::Tensor& flat_x, const at::Tensor& a)> project;
  std::function<at::Tensor(const at::Tensor& grad_down, const at::Tensor& flat_x)> grad_a;
  std::function<void(at::Tensor& grad_x, const at::Tensor& grad_down, const at::Tensor& a)> add_dropped_grad;
};

// The LoRA branch's pieces, through the hooks when dropout is on: dropout(flat_x)·aᵀ; A's gradient
// (fp32); grad_x += the branch's input gradient.
at::Tensor down_projection(const at::Tensor& flat_x, const at::Tensor& a, double dropout, const DropoutHooks& hooks);
at::Tensor a_gradient(const at::Tensor& grad_down, const at::Tensor& flat_x, double dropout,
                      const DropoutHooks& hooks);
void add_input_gradient(at::Tensor& grad_x, const at::Tensor& grad_down, const at::Tensor& a, double dropout,
                        const DropoutHooks& hooks);
// B's gradient, scaling·gradᵀ·down for grad [N, out] and down [N, r], as fp32 [out, r].
at::Tensor b_gradient(const at::Tensor& grad, const at::Tensor& down, double scaling);

// The CPU dropout (cpu_ops.cpp), shared by the dense and the quantized CPU nodes: element i of the
// input is kept when a hash of (seed, i) clears round(p·2^32), kept values scaled by 1/(1-p); the
// mask is a function of (seed, i) only, so backward computes it again.
DropoutHooks cpu_hashed_dropout(double p, uint64_t seed);

// Computes y and saves what backward needs (ctx->saved_data also holds the node's own dropout state).
at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                   const c10::optional<at::Tensor>& bias, const at::Tensor& lora_A, const at::Tensor& lora_B,
                   double scaling, double dropout, const DropoutHooks& hooks);

// The gradients of x, weight, bias, lora_A, lora_B (those that need one), then `trailing` undefined
// ones for the node's non-tensor arguments.
torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                        const torch::autograd::variable_list& grad_outputs,
                                        const DropoutHooks& hooks, size_t trailing);

// A group of LoRA linear layers over one input (ops.h: lora_linear_group): which rows of the
// concatenated weight each member owns and its rank (0: no LoRA pair).
struct GroupLayout {
  std::vector<int64_t> out_features;
  std::vector<int64_t> ranks;
};

// The group's outputs (views of one [N, Σ out] tensor), saving what group_backward needs. lora_A and
// lora_B hold the pairs of the members whose rank is not 0, in member order.
torch::autograd::variable_list group_forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                                             const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                                             at::TensorList lora_A, at::TensorList lora_B, const GroupLayout& layout,
                                             double scaling, double dropout, const DropoutHooks& hooks);
// The gradients of x, weight, bias, each lora_A, each lora_B, then `trailing` undefined ones.
torch::autograd::variable_list group_backward(torch::autograd::AutogradContext* ctx,
                                              const torch::autograd::variable_list& grad_outputs,
                                              const GroupLayout& layout, const DropoutHooks& hooks, size_t trailing);

}  // namespace lora::lora_node
