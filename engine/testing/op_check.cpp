#include "op_check.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <functional>
#include <mutex>

#include "ops.h"

namespace lora {

namespace {

double relative_error(const at::Tensor& a, const at::Tensor& b) {
  const at::Tensor a32 = a.to(at::kFloat), b32 = b.to(at::kFloat);
  const double scale = std::max(b32.abs().max().item<double>(), 1e-12);
  return (a32 - b32).abs().max().item<double>() / scale;
}

struct ValueAndGrads {
  at::Tensor value;
  std::vector<at::Tensor> grads;
  bool inputs_intact = true;
};

// fn(inputs) and the gradients of Σ value·weights for every input that requires grad.
ValueAndGrads run(const TensorFunction& fn, const std::vector<at::Tensor>& inputs, const at::Tensor& weights) {
  std::vector<at::Tensor> leaves;
  for (const at::Tensor& t : inputs) leaves.push_back(t.detach().clone().requires_grad_(t.requires_grad()));
  ValueAndGrads out;
  out.value = fn(leaves);
  (out.value.to(at::kFloat) * weights).sum().backward();
  for (const at::Tensor& t : leaves) out.grads.push_back(t.requires_grad() ? t.grad() : at::Tensor());
  for (size_t i = 0; i < inputs.size(); ++i) out.inputs_intact = out.inputs_intact && at::equal(leaves[i], inputs[i]);
  return out;
}

}  // namespace

OpCheckResult compare_op(const std::string& name, const TensorFunction& tested, const TensorFunction& reference,
                         const std::vector<at::Tensor>& inputs, double tolerance, bool overwrites_inputs) {
  at::Tensor weights;
  {
    at::NoGradGuard no_grad;
    const at::Tensor shape_of = reference(inputs);
    weights = at::randn(shape_of.sizes(), at::TensorOptions().dtype(at::kFloat)).to(shape_of.device());
  }
  const ValueAndGrads t = run(tested, inputs, weights), r = run(reference, inputs, weights);
  OpCheckResult result{name, relative_error(t.value, r.value), 0, tolerance, overwrites_inputs || t.inputs_intact};
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].requires_grad()) continue;
    const double error = t.grads[i].defined() && r.grads[i].defined() ? relative_error(t.grads[i], r.grads[i]) : 1e30;
    result.gradient_error = std::max(result.gradient_error, error);
  }
  return result;
}

double op_tolerance(c10::ScalarType dtype) { return dtype == at::kFloat ? 2e-5 : 3e-2; }

std::vector<OpCheckResult> check_lean_ops(c10::Device device, c10::ScalarType dtype) {
  const double tolerance = op_tolerance(dtype);
  const auto random = [&](std::vector<int64_t> shape, at::ScalarType type, double scale, bool grad) {
    return (at::randn(shape, at::TensorOptions().dtype(at::kFloat)) * scale).to(device, type).requires_grad_(grad);
  };
  std::vector<OpCheckResult> results;

  const at::Tensor logits = random({7, 1003}, dtype, 3.0, true);
  const at::Tensor targets = at::randint(1003, {7}, at::TensorOptions().dtype(at::kLong)).to(device);
  results.push_back(compare_op(
      "cross_entropy_sum", [&](const auto& in) { return ops::lean::cross_entropy_sum(in[0], targets); },
      [&](const auto& in) { return ops::reference::cross_entropy_sum(in[0], targets); }, {logits}, tolerance,
      /*overwrites_inputs=*/true));

  const at::Tensor x = random({3, 5, 70}, dtype, 2.0, true);
  const at::Tensor norm_weight = (at::rand({70}) + 0.5).to(device, dtype);
  results.push_back(compare_op(
      "rms_norm", [&](const auto& in) { return ops::lean::rms_norm(in[0], norm_weight, 1e-6); },
      [&](const auto& in) { return ops::reference::rms_norm(in[0], norm_weight, 1e-6); }, {x}, tolerance));
  // Gemma's norm: the weight is an offset from 1 (zero-centred), hence a weight around 0 here.
  const at::Tensor offset_weight = (at::rand({70}) - 0.5).to(device, dtype);
  results.push_back(compare_op(
      "rms_norm_one_plus",
      [&](const auto& in) { return ops::lean::rms_norm_one_plus(in[0], offset_weight, 1e-6); },
      [&](const auto& in) { return ops::reference::rms_norm_one_plus(in[0], offset_weight, 1e-6); }, {x},
      tolerance));

  const at::Tensor gate = random({3, 5, 70}, dtype, 3.0, true), up = random({3, 5, 70}, dtype, 1.0, true);
  results.push_back(compare_op(
      "silu_mul", [&](const auto& in) { return ops::lean::silu_mul(in[0], in[1]); },
      [&](const auto& in) { return ops::reference::silu_mul(in[0], in[1]); }, {gate, up}, tolerance));

  const at::Tensor weight = random({45, 70}, dtype, 0.1, false), bias = random({45}, dtype, 0.1, false);
  const at::Tensor a = random({8, 70}, at::kFloat, 0.1, true), b = random({45, 8}, at::kFloat, 0.1, true);
  const at::Tensor input = random({3, 11, 70}, dtype, 1.0, true);
  at::Generator generator = at::globalContext().defaultGenerator(device);
  const auto generator_state = [&] {
    std::lock_guard<std::mutex> lock(generator.mutex());
    return generator.get_state();
  };
  const auto set_generator_state = [&](const at::Tensor& state) {
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
  };
  for (const double dropout : {0.0, 0.3}) {
    // The lean node draws its mask from the device generator: the reference gets the same draw.
    const at::Tensor start = generator_state();
    const at::Tensor mask =
        dropout > 0
            ? (ops::lean::draw_keep_mask(input.detach(), dropout).to(at::kFloat) / (1.0 - dropout)).to(dtype)
            : at::Tensor();
    results.push_back(compare_op(
        "lora_linear (dropout " + std::to_string(dropout).substr(0, 3) + ")",
        [&](const auto& in) {
          set_generator_state(start);
          return ops::lean::lora_linear(in[0], weight, bias, in[1], in[2], 2.0, dropout);
        },
        [&](const auto& in) { return ops::reference::lora_linear(in[0], weight, bias, in[1], in[2], 2.0, mask); },
        {input, a, b}, tolerance));
  }
  return results;
}

}  // namespace lora
