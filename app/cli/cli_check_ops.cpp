// lora-studio-cli check-ops: the lean training ops against their ATen compositions on a device
// (values and gradients), for machines where the Qt tests cannot be built (the CUDA check script).
#include <cstdio>
#include <iostream>
#include <string>

#include <ATen/ATen.h>

#include "cli_command.h"
#include "device.h"
#include "error.h"
#include "op_check.h"

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(Runs each lean training op (cross-entropy, RMSNorm, SiLU·up, the LoRA linear layer with and
without dropout: the autograd nodes CUDA trains with) and the plain ATen composition it replaces
on small random inputs, and prints the relative error of the values and gradients. Exit status 1
when any is beyond the tolerance of the dtype.

Options:
  --device cpu|cuda[:N]       (default cuda when available, else cpu)
  --dtype float32|bfloat16    (default: both))";

int run_check_ops(const Args& args) {
  args.check_known({"device", "dtype"});
  lora::ComputeOptions options;
  options.device = args.get("device", "auto");
  const c10::Device device = lora::resolve_compute_target(options, "float32").device;
  std::vector<c10::ScalarType> dtypes = {at::kFloat, at::kBFloat16};
  if (args.has("dtype")) dtypes = {lora::dtype_from_string(args.get("dtype"), "--dtype")};
  at::manual_seed(20261128);
  bool all_passed = true;
  std::printf("%-28s %-9s %12s %12s %10s\n", "op", "dtype", "value err", "grad err", "tolerance");
  for (const c10::ScalarType dtype : dtypes) {
    for (const lora::OpCheckResult& check : lora::check_lean_ops(device, dtype)) {
      std::printf("%-28s %-9s %12.3g %12.3g %10.0e %s%s\n", check.name.c_str(), lora::dtype_to_string(dtype).c_str(),
                  check.value_error, check.gradient_error, check.tolerance, check.passed() ? "ok" : "FAILED",
                  check.inputs_intact ? "" : " (an input was overwritten)");
      all_passed = all_passed && check.passed();
    }
  }
  std::cout << "CHECK lean ops on " << device.str() << ": " << (all_passed ? "PASS" : "FAIL") << "\n";
  return all_passed ? 0 : 1;
}

const CliCommandRegistration registration({
    "check-ops",
    "check-ops [--device D] [--dtype float32|bfloat16]",
    kHelp,
    {},
    run_check_ops,
    {{"precision", "dtype"}},
});

}  // namespace
}  // namespace cli
