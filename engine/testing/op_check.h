#pragma once
// Checks that a training op (engine/ops) computes what its reference composition computes: the
// value and every gradient, as a relative error against a tolerance for the dtype. test_fused_ops
// uses it on the CPU; `lora-studio-cli check-ops` runs check_lean_ops on a CUDA machine
// (scripts/device-check.sh), where no Qt test can be built.
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <functional>
#include <string>
#include <vector>

namespace lora {

struct OpCheckResult {
  std::string name;          // "rms_norm", "lora_linear (dropout 0.3)", ...
  double value_error = 0;    // max |a - b| / max |b| of the outputs
  double gradient_error = 0; // the worst of the inputs' gradients, same measure
  double tolerance = 0;
  bool inputs_intact = true;  // no input was written to (a node must not overwrite what it saved)
  bool passed() const { return value_error < tolerance && gradient_error < tolerance && inputs_intact; }
};

using TensorFunction = std::function<at::Tensor(const std::vector<at::Tensor>&)>;

// tested(inputs) against reference(inputs): values, and the gradients of Σ value·w (w random, the
// same for both) for every input that requires grad. `overwrites_inputs`: the op's contract lets its
// backward reuse its input's memory (the cross-entropies write the gradient over the logits).
OpCheckResult compare_op(const std::string& name, const TensorFunction& tested, const TensorFunction& reference,
                         const std::vector<at::Tensor>& inputs, double tolerance, bool overwrites_inputs = false);

// fp32: summation order only; bf16: one or two roundings of 2^-8 relative apart.
double op_tolerance(c10::ScalarType dtype);

// Each lean node (ops::lean) against its reference composition on `device` in `dtype` (float32 or
// bfloat16), small random inputs; the LoRA linear with and without dropout (the reference gets the
// mask the node drew).
std::vector<OpCheckResult> check_lean_ops(c10::Device device, c10::ScalarType dtype);

}  // namespace lora
