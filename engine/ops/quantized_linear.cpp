// ops::quantized_linear (ops.h): the linear layer over a quantized frozen weight. Two autograd
// nodes with one contract: y = x·Wᵀ + bias, the gradient reaching x through the dequantized W
// (grad·W) and none reaching W or bias. Neither keeps W dense between forward and backward; they
// keep nothing at all (grad_x needs only the incoming gradient and W), and backward dequantizes again.
//   tile   CPU, fp32/bf16 x: W dequantized a tile of rows at a time into a buffer that stays in
//          cache, each tile feeding one matmul (forward: a column band of y; backward: accumulated
//          into grad_x); the whole matrix never exists dense.
//   aten   any device: the whole W dequantized by ATen ops per call (what CUDA runs; the tests run
//          it on the CPU against the tile node).
#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>

#include "error.h"
#include "ops.h"
#include "ops_messages.h"
#include "quantized_weight.h"

namespace lora::ops {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

const QuantizedWeight& weight_of(AutogradContext* ctx) {
  return *reinterpret_cast<const QuantizedWeight*>(ctx->saved_data["weight"].toInt());
}

// y [N, out] = flat_x [N, in] · Wᵀ, a band of rows of W at a time.
at::Tensor tiled_forward(const at::Tensor& flat_x, const QuantizedWeight& weight) {
  const int64_t out = weight.out_features, in = weight.in_features;
  at::Tensor y = at::empty({flat_x.size(0), out}, flat_x.options());
  const int64_t rows = quantized_tile_rows(in, flat_x.element_size());
  at::Tensor tile = at::empty({rows, in}, flat_x.options());
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
  at::Tensor grad_x = at::zeros({grad.size(0), in}, grad.options());
  const int64_t rows = quantized_tile_rows(in, grad.element_size());
  at::Tensor tile = at::empty({rows, in}, grad.options());
  for (int64_t row0 = 0; row0 < out; row0 += rows) {
    const int64_t count = std::min(rows, out - row0);
    at::Tensor band = count == rows ? tile : tile.narrow(0, 0, count);
    dequantize_rows(weight, row0, count, band);
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

at::Tensor apply(const at::Tensor& x, const QuantizedWeight& weight, const at::Tensor& bias, bool tiled) {
  if (x.dim() < 1 || x.size(-1) != weight.in_features || !at::isFloatingType(x.scalar_type()))
    throw Error(msg::Ops::quantized_linear_bad_input, weight.in_features, x.dim() < 1 ? 0 : x.size(-1));
  return QuantizedLinearNode::apply(x, bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt,
                                    reinterpret_cast<int64_t>(&weight), tiled);
}

}  // namespace

int64_t quantized_tile_rows(int64_t in_features, int64_t element_size) {
  // A 256 KiB band stays in L2 beside the matmul's own working set; 16 to 256 rows.
  const int64_t rows = (256 * 1024) / std::max<int64_t>(1, in_features * element_size);
  return std::max<int64_t>(16, std::min<int64_t>(256, rows));
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
}  // namespace cpu

namespace lean {
at::Tensor quantized_linear(const at::Tensor& x, const QuantizedWeight& weight, const at::Tensor& bias) {
  return apply(x, weight, bias, /*tiled=*/false);
}
}  // namespace lean

}  // namespace lora::ops
