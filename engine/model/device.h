#pragma once
// Where and in what precision the engine computes, and how many CPU threads it uses.
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <cstdint>
#include <string>

#include "message.h"
#include "tensor_dtype.h"  // dtype_to_string / dtype_from_string, used with ComputeOptions::dtype

namespace lora {

struct ComputeOptions {
  std::string device = "auto";  // "auto" | "cpu" | "cuda" | "cuda:N"
  std::string dtype = "auto";   // "auto" | "float32" | "bfloat16" | "float16"
  int threads = 0;              // 0 = number of cores
  // The decoder's frozen linear weights stored quantized (QLoRA; quantized_weight.h): "none" |
  // "nf4" | "int8"; embeddings, norms and lm_head stay dense. double_quant: nf4's absmax values
  // quantized again. A pre-quantized bitsandbytes checkpoint loads quantized whatever this says.
  std::string quantize = "none";
  bool double_quant = false;
};

struct ComputeTarget {
  c10::Device device = c10::Device(c10::kCPU);
  c10::ScalarType dtype = c10::kFloat;  // the dtype matmuls run in; norms/softmax/loss stay fp32
  Message description() const;          // "CUDA: NVIDIA H100 (bf16)" / "CPU, 2 threads (bf16 via AMX)"
  std::string describe() const;         // description() in English
};

bool cpu_has_bf16();  // AVX-512 BF16 or AMX-BF16, detected at run time (CPUID + the OS saving the registers)
bool cpu_has_amx_bf16();
int cpu_core_count();               // logical cores this process may run on
void set_cpu_threads(int threads);  // 0 = number of cores (libtorch itself defaults to 1 on some machines)
// Picks the device and the compute dtype; "auto" dtype follows the checkpoint's dtype where the
// device computes in it, else bf16 on CPUs with bf16 units, else fp32. On a CUDA GPU with bf16
// matrix units (compute capability 8.0 and up) "auto" is bf16 for fp32 checkpoints too: fp32
// weights there cost twice the memory and run the matmuls at a fraction of the bf16 rate.
// checkpoint_dtype: "float32" | "bfloat16" | "float16" (anything else counts as float32).
// Throws lora::Error for an unknown device/dtype name or a CUDA device that is not there.
ComputeTarget resolve_compute_target(const ComputeOptions& options, const std::string& checkpoint_dtype);

// `tensor` on `device`. From host memory to a CUDA device the copy goes through pinned memory
// without waiting: the host does not block on the kernels already queued (an ordinary .to(cuda)
// from pageable memory synchronises the stream). Elsewhere it is an ordinary .to(device).
at::Tensor to_device_without_waiting(const at::Tensor& tensor, const c10::Device& device);

// Compute capability major version of CUDA device `index` (8 = Ampere, 9 = Hopper), 0 when unknown.
int cuda_compute_capability_major(int index);

// Memory the engine is using, for progress displays.
struct MemoryInUse {
  int64_t process_rss_bytes = 0;  // resident set size of this process
  int64_t cuda_used_bytes = -1;   // memory in use on the current CUDA device (total - free); -1 without CUDA
  int64_t cuda_total_bytes = -1;
};
MemoryInUse memory_in_use();
// The one number to show for a run on `device`: CUDA memory in use on a CUDA device, else the process RSS.
int64_t memory_in_use_bytes(const c10::Device& device);

}  // namespace lora
