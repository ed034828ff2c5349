// ops::quantized_linear (ops.h): the linear layer over a quantized frozen weight. Two autograd
// nodes with one contract: y = x·Wᵀ + bias, the gradient reaching x through the dequantized W
// (grad·W) and none reaching W or bias. Neither keeps W dense between forward and backward; they
// keep nothing at all (grad_x needs only the incoming gradient and W), and backward dequantizes again.
//   tile   CPU, fp32/bf16 x: W dequantized a tile of rows at a time into a buffer that stays in
//          cache, each tile feeding one matmul (forward: a column band of y; backward: accumulated
//          into grad_x); the whole matrix never exists dense.
//   aten   any device: the whole W dequantized by ATen ops per call (what CUDA runs; the tests run
//          it on the CPU against the tile node).
// And the CPU training node of a LoRA layer over a quantized base (quantized_linear.h): the tile
// node's base with the LoRA branch in the same node, as the dense CPU LoRA node (cpu_ops.cpp,
// lora_linear_node.cpp) computes it.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>


#include <algorithm>

#include "error.h"
#include "lora_linear_node.h"
#include "ops.h"
#include "ops_messages.h"
#include "quantized_linear.h"
#include "quantized_weight.h"

namespace lora::ops {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

const QuantizedWeight& weight_of(AutogradContext* ctx) {
  return *reinterpret_cast<const QuantizedWeight*>(ctx->saved_data["weight"].toInt());
}

// The dequantized band, [rows, in]: one buffer per thread, kept from call to call. A fresh one per
// call (4 MiB, seven a decoder layer) came from the heap once its mmap threshold had grown, and the
// small tensors allocated between two calls split the freed bands, so a forward pass left the heap
// ~10 MiB a layer larger: 244 MiB of the nf4 peak at TinyLlama's shape (docs/PERFORMANCE.md).
at::Tensor band_buffer(int64_t rows, int64_t in, at::ScalarType dtype) {
  thread_local at::Tensor bytes;  // a thread's are freed when it ends (the main thread's before libtorch's statics)
  const int64_t needed = rows * in * static_cast<int64_t>(c10::elementSize(dtype));
  if (!bytes.defined() || bytes.numel() < needed) {
    bytes.reset();
    bytes = at::empty({needed}, at::TensorOptions().dtype(at::kByte));
  }
  return bytes.narrow(0, 0, needed).view(dtype).view({rows, in});
}

// y [N, out] = flat_x [N, in] · Wᵀ, a band of rows of W at a time.
at::Tensor tiled_forward(const at::Tensor& flat_x, const QuantizedWeight& weight) {
  const int64_t out = weight.out_features, in = weight.in_features;
  at::Tensor y = at::empty({flat_x.size(0), out}, flat_x.options());
  const int64_t rows = quantized_tile_rows(in, flat_x.element_size());
  const at::Tensor tile = band_buffer(rows, in, flat_x.scalar_type());
  for (int64_t row0 = 0; row0 < out; row0 += rows) {
    const int64_t count = std::min(rows, out - row0);
    at::Tensor band = count == rows ? tile : tile.narrow(0, 0, count);
    dequantize_rows(weight, row0, count, band);
    at::Tensor y_band = y.narrow(1, row0, count);
    at::mm_out(y_band, flat_x, band.t());
  }
  return y;
}

// grad_x [N, in] = grad [N, out] · W, accumulated band by band.
at::Tensor tiled_backward(const at::Tensor& grad, const QuantizedWeight& weight) {
  const int64_t out = weight.out_features, in = weight.in_features;
  at::Tensor grad_x = at::empty({grad.size(0), in}, grad.options());
  const int64_t rows = quantized_tile_rows(in, grad.element_size());
  const at::Tensor tile = band_buffer(rows, in, grad.scalar_type());
  for (int64_t row0 = 0; row0 < out; row0 += rows) {
    const int64_t count = std::min(rows, out - row0);
    at::Tensor band = count == rows ? tile : tile.narrow(0, 0, count);
    dequantize_rows(weight, row0, count, band);
    if (row0 == 0)
      at::mm_out(grad_x, grad.narrow(1, 0, count), band);
    else
      grad_x.addmm_(grad.narrow(1, row0, count), band);
  }
  return grad_x;
}

struct QuantizedLinearNode : public torch::autograd::Function<QuantizedLinearNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const c10::optional<at::Tensor>& bias,
                            int64_t weight_address, bool tiled) {
    const auto& weight = *reinterpret_cast<const QuantizedWeight*>(weight_address);
    ctx->saved_data["weight"] = weight_address;
    ctx->saved_data["tiled"] = tiled;
    ctx->saved_data["input_sizes"] = x.sizes().vec();
    const at::Tensor flat_x = x.reshape({-1, weight.in_features}).contiguous();
    at::Tensor y = tiled ? tiled_forward(flat_x, weight)
                         : at::mm(flat_x, weight.dequantize(x.scalar_type()).t());
    if (bias.has_value() && bias->defined()) y.add_(*bias);
    std::vector<int64_t> out_sizes = x.sizes().vec();
    out_sizes.back() = weight.out_features;
    return y.view(out_sizes);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const QuantizedWeight& weight = weight_of(ctx);
    at::Tensor grad_x;
    if (ctx->needs_input_grad(0)) {
      const at::Tensor grad = grad_outputs[0].reshape({-1, weight.out_features}).contiguous();
      grad_x = ctx->saved_data["tiled"].toBool() ? tiled_backward(grad, weight)
                                                 : at::mm(grad, weight.dequantize(grad.scalar_type()));
      grad_x = grad_x.view(ctx->saved_data["input_sizes"].toIntVector());
    }
    return {grad_x, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// ---- the quantized base with its LoRA branch -------------------------------------------------------
// y = x·Wᵀ + bias + scaling·(dropout(x)·Aᵀ)·Bᵀ with W quantized (tile kernel) and frozen. Keeps x,
// the cast factors and the [N, r] down-projection; never W (backward dequantizes it again, tile by
// tile) nor the dropped-out input (redrawn from the seed).
struct QuantizedLoraNode : public torch::autograd::Function<QuantizedLoraNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& lora_A,
                            const at::Tensor& lora_B, const c10::optional<at::Tensor>& bias, int64_t weight_address,
                            double scaling, double dropout, int64_t seed) {
    const auto& weight = *reinterpret_cast<const QuantizedWeight*>(weight_address);
    const lora_node::DropoutHooks dropping = lora_node::cpu_hashed_dropout(dropout, static_cast<uint64_t>(seed));
    const at::Tensor flat_x = x.reshape({-1, weight.in_features}).contiguous();
    const at::Tensor a = lora_A.to(x.scalar_type()), b = lora_B.to(x.scalar_type());
    at::Tensor y = tiled_forward(flat_x, weight);
    if (bias.has_value() && bias->defined()) y.add_(*bias);
    const at::Tensor down = lora_node::down_projection(flat_x, a, dropout, dropping);  // [N, r]
    y.addmm_(down, b.t(), /*beta=*/1, /*alpha=*/scaling);
    ctx->save_for_backward({flat_x, a, b, down});
    ctx->saved_data["weight"] = weight_address;
    ctx->saved_data["scaling"] = scaling;
    ctx->saved_data["dropout"] = dropout;
    ctx->saved_data["seed"] = seed;
    ctx->saved_data["input_sizes"] = x.sizes().vec();
    std::vector<int64_t> out_sizes = x.sizes().vec();
    out_sizes.back() = weight.out_features;
    return y.view(out_sizes);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &flat_x = saved[0], &a = saved[1], &b = saved[2], &down = saved[3];
    const QuantizedWeight& weight = weight_of(ctx);
    const double scaling = ctx->saved_data["scaling"].toDouble();
    const double dropout = ctx->saved_data["dropout"].toDouble();
    const lora_node::DropoutHooks dropping =
        lora_node::cpu_hashed_dropout(dropout, static_cast<uint64_t>(ctx->saved_data["seed"].toInt()));
    const at::Tensor grad = grad_outputs[0].reshape({-1, weight.out_features}).contiguous();  // [N, out]
    const bool need_x = ctx->needs_input_grad(0), need_a = ctx->needs_input_grad(1),
               need_b = ctx->needs_input_grad(2);
    at::Tensor grad_x, grad_a, grad_b;
    if (need_b) grad_b = lora_node::b_gradient(grad, down, scaling);  // [out, r]
    if (need_a || need_x) {
      const at::Tensor grad_down = at::mm(grad, b).mul_(scaling);  // [N, r]
      if (need_a) grad_a = lora_node::a_gradient(grad_down, flat_x, dropout, dropping);
      if (need_x) {
        grad_x = tiled_backward(grad, weight);  // [N, in]
        lora_node::add_input_gradient(grad_x, grad_down, a, dropout, dropping);
        grad_x = grad_x.view(ctx->saved_data["input_sizes"].toIntVector());
      }
    }
    // x, lora_A, lora_B, bias, then the four non-tensor arguments
    return {grad_x, grad_a, grad_b, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

at::Tensor apply(const at::Tensor& x, const QuantizedWeight& weight, const at::Tensor& bias, bool tiled) {
  if (x.dim() < 1 || x.size(-1) != weight.in_features || !at::isFloatingType(x.scalar_type()))
    throw Error(msg::Ops::quantized_linear_bad_input, weight.in_features, x.dim() < 1 ? 0 : x.size(-1));
  return QuantizedLinearNode::apply(x, bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt,
                                    reinterpret_cast<int64_t>(&weight), tiled);
}

}  // namespace

int64_t quantized_tile_rows(int64_t in_features, int64_t element_size) {
  // Bands of at most 4 MiB, a multiple of 16 rows (16 to 1024): each band is one matmul (and one
  // parallel region of the dequantizer), and the matmul of a few tokens runs well below its speed
  // on a narrow band (measured on 2 cores, 128 tokens x 1024: bands of 256 rows 45% slower than 1024,
  // the old 47-row bands of 256 KiB half speed). A small layer is then one band; a large one never
  // exists dense.
  const int64_t rows = (4 * 1024 * 1024) / std::max<int64_t>(1, in_features * element_size) / 16 * 16;
  return std::max<int64_t>(16, std::min<int64_t>(1024, rows));
}

at::Tensor quantized_linear(const at::Tensor& x, const QuantizedWeight& weight, const at::Tensor& bias) {
  const bool tiled = x.device().is_cpu() && weight.device().is_cpu() &&
                     (x.scalar_type() == at::kFloat || x.scalar_type() == at::kBFloat16);
  return apply(x, weight, bias, tiled);
}

namespace cpu {
at::Tensor quantized_linear(const at::Tensor& x, const QuantizedWeight& weight, const at::Tensor& bias) {
  return apply(x, weight, bias, /*tiled=*/true);
}

at::Tensor quantized_lora_linear(const at::Tensor& x, const QuantizedWeight& weight, const at::Tensor& bias,
                                const at::Tensor& lora_A, const at::Tensor& lora_B, double scaling, double dropout,
                                uint64_t dropout_seed) {
  if (x.dim() < 1 || x.size(-1) != weight.in_features || !x.is_cpu() || !weight.device().is_cpu() ||
      (x.scalar_type() != at::kFloat && x.scalar_type() != at::kBFloat16))
    throw Error(msg::Ops::quantized_linear_bad_input, weight.in_features, x.dim() < 1 ? 0 : x.size(-1));
  return QuantizedLoraNode::apply(x, lora_A, lora_B,
                                  bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt,
                                  reinterpret_cast<int64_t>(&weight), scaling, dropout,
                                  static_cast<int64_t>(dropout_seed));
}
}  // namespace cpu

namespace lean {
at::Tensor quantized_linear(const at::Tensor& x, const QuantizedWeight& weight, const at::Tensor& bias) {
  return apply(x, weight, bias, /*tiled=*/false);
}
}  // namespace lean

}  // namespace lora::ops
