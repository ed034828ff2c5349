#include "device.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <dlfcn.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "error.h"
#include "model_messages.h"

namespace lora {

namespace {

#if defined(__x86_64__) || defined(__i386__)
struct X86Features {
  bool avx512_bf16 = false;
  bool amx_bf16 = false;
};

uint64_t read_xcr0() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

X86Features detect_x86_features() {
  X86Features features;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return features;
  const bool osxsave = (ecx >> 27) & 1;
  if (!osxsave) return features;  // the OS does not save extended registers: no AVX at all
  const uint64_t xcr0 = read_xcr0();
  // AVX-512 needs the OS to save XMM/YMM (bits 1-2) and opmask/ZMM state (bits 5-7).
  const bool os_avx512 = (xcr0 & 0xE6) == 0xE6;
  // AMX needs XTILECFG and XTILEDATA (bits 17-18); Linux also wants a per-process permission
  // request, which oneDNN makes itself before using the tiles.
  const bool os_amx = (xcr0 & (3ull << 17)) == (3ull << 17);

  if (__get_cpuid_max(0, nullptr) < 7) return features;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  const bool avx512f = (ebx >> 16) & 1;
  const bool amx_bf16 = (edx >> 22) & 1;
  const bool amx_tile = (edx >> 24) & 1;
  const unsigned max_subleaf = eax;
  bool avx512_bf16 = false;
  if (max_subleaf >= 1) {
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    avx512_bf16 = (eax >> 5) & 1;
  }
  features.avx512_bf16 = avx512f && avx512_bf16 && os_avx512;
  features.amx_bf16 = amx_bf16 && amx_tile && os_amx && os_avx512;
  return features;
}

const X86Features& x86_features() {
  static const X86Features features = detect_x86_features();
  return features;
}
#endif

// The CUDA runtime is already loaded when libtorch was built with CUDA; looking its entry points up
// at run time keeps this file free of CUDA headers, so it builds the same against CPU-only libtorch.
template <typename Function>
Function cuda_runtime_function(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_DEFAULT, name));
}

std::string cuda_device_name(int index) {
  using GetProperties = int (*)(void*, int);
  auto get = cuda_runtime_function<GetProperties>("cudaGetDeviceProperties_v2");
  if (!get) get = cuda_runtime_function<GetProperties>("cudaGetDeviceProperties");
  if (!get) return "";
  // cudaDeviceProp starts with `char name[256]`; the rest of it is far smaller than this buffer.
  alignas(16) static thread_local char properties[16384];
  std::memset(properties, 0, sizeof(properties));
  if (get(properties, index) != 0) return "";
  return std::string(properties, strnlen(properties, 256));
}

}  // namespace

int cuda_compute_capability_major(int index) {
  // cudaDeviceGetAttribute(int* value, cudaDeviceAttr attribute, int device); attribute 75 is
  // cudaDevAttrComputeCapabilityMajor (a stable value of the CUDA runtime's enum).
  using GetAttribute = int (*)(int*, int, int);
  auto get = cuda_runtime_function<GetAttribute>("cudaDeviceGetAttribute");
  int major = 0;
  if (!get || get(&major, 75, index) != 0) return 0;
  return major;
}

bool cpu_has_bf16() {
#if defined(__x86_64__) || defined(__i386__)
  return x86_features().avx512_bf16 || x86_features().amx_bf16;
#else
  return false;
#endif
}

bool cpu_has_amx_bf16() {
#if defined(__x86_64__) || defined(__i386__)
  return x86_features().amx_bf16;
#else
  return false;
#endif
}

int cpu_core_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int count = CPU_COUNT(&set);
    if (count > 0) return count;
  }
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? static_cast<int>(hardware) : 1;
}

void set_cpu_threads(int threads) {
  if (threads < 0) throw Error(msg::Model::cpu_threads_negative, threads);
  const int wanted = threads == 0 ? cpu_core_count() : threads;
  if (at::get_num_threads() != wanted) at::set_num_threads(wanted);
}

ComputeTarget resolve_compute_target(const ComputeOptions& options, const std::string& checkpoint_dtype) {
  ComputeTarget target;
  const std::string& device = options.device;
  if (device.empty() || device == "auto") {
    target.device = torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  } else if (device == "cpu") {
    target.device = c10::Device(c10::kCPU);
  } else if (device == "cuda" || device.rfind("cuda:", 0) == 0) {
    int index = 0;
    if (device.size() > 5) {
      const std::string number = device.substr(5);
      if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 4)
        throw Error(msg::Model::cuda_device_malformed, device);
      index = std::stoi(number);
    }
    if (!torch::cuda::is_available())
      throw Error(msg::Model::cuda_unavailable, device);
    const int count = static_cast<int>(torch::cuda::device_count());
    if (index >= count)
      throw Error(msg::Model::cuda_device_absent, device, count);
    target.device = c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
  } else {
    throw Error(msg::Model::device_unknown, device);
  }

  const bool on_cuda = target.device.is_cuda();
  if (options.dtype.empty() || options.dtype == "auto") {
    DType stored = DType::F32;  // what is not a precision name counts as float32
    parse_precision(checkpoint_dtype, &stored);
    if (on_cuda) {
      // A GPU computes in every one of these: keep a half-precision checkpoint's precision, and
      // train/infer fp32 checkpoints in bf16 where the GPU has bf16 tensor cores.
      const bool bf16_units = cuda_compute_capability_major(target.device.has_index() ? target.device.index() : 0) >= 8;
      target.dtype = stored == DType::BF16 ? c10::kBFloat16
                     : stored == DType::F16 ? c10::kHalf
                     : bf16_units          ? c10::kBFloat16
                                           : c10::kFloat;
    } else if (stored == DType::BF16 || stored == DType::F16) {
      // CPUs have no fast fp16 matmul; bf16 keeps the range of fp16 weights and runs on AVX-512/AMX.
      target.dtype = cpu_has_bf16() ? c10::kBFloat16 : c10::kFloat;
    } else {
      target.dtype = c10::kFloat;
    }
  } else {
    target.dtype = dtype_from_string(options.dtype, "compute dtype");
    if (!on_cuda && target.dtype == c10::kHalf)
      throw Error(msg::Model::float16_on_cpu);
  }
  if (!on_cuda) set_cpu_threads(options.threads);
  return target;
}

Message ComputeTarget::description() const {
  const std::string precision = precision_short_name(dtype);
  if (device.is_cuda()) {
    const int index = device.has_index() ? device.index() : 0;
    const std::string name = cuda_device_name(index);
    if (name.empty()) return Message(msg::Model::target_cuda, Message(msg::Model::cuda_device_number, index), precision);
    return Message(msg::Model::target_cuda, name, precision);
  }
  MessageArg computing = precision;
  if (dtype == c10::kBFloat16 && (cpu_has_amx_bf16() || cpu_has_bf16()))
    computing = Message(msg::Model::precision_via_units, precision, cpu_has_amx_bf16() ? "AMX" : "AVX-512");
  const int threads = at::get_num_threads();
  if (threads == 1) return Message(msg::Model::target_cpu_one_thread, computing);
  return Message(msg::Model::target_cpu_threads, threads, computing);
}

std::string ComputeTarget::describe() const { return description().english(); }

at::Tensor to_device_without_waiting(const at::Tensor& tensor, const c10::Device& device) {
  if (tensor.device() == device) return tensor;
  if (device.is_cuda() && tensor.is_cpu()) return tensor.pin_memory().to(device, /*non_blocking=*/true);
  return tensor.to(device);
}

MemoryInUse memory_in_use() {
  MemoryInUse use;
  // /proc/self/statm: size resident shared ... in pages.
  if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
    long long size_pages = 0, resident_pages = 0;
    if (std::fscanf(statm, "%lld %lld", &size_pages, &resident_pages) == 2)
      use.process_rss_bytes = resident_pages * static_cast<long long>(sysconf(_SC_PAGESIZE));
    std::fclose(statm);
  }
  using MemGetInfo = int (*)(size_t*, size_t*);
  if (auto get_info = cuda_runtime_function<MemGetInfo>("cudaMemGetInfo")) {
    if (torch::cuda::is_available()) {
      size_t free_bytes = 0, total_bytes = 0;
      if (get_info(&free_bytes, &total_bytes) == 0) {
        use.cuda_used_bytes = static_cast<int64_t>(total_bytes - free_bytes);
        use.cuda_total_bytes = static_cast<int64_t>(total_bytes);
      }
    }
  }
  return use;
}

int64_t memory_in_use_bytes(const c10::Device& device) {
  const MemoryInUse use = memory_in_use();
  if (device.is_cuda() && use.cuda_used_bytes >= 0) return use.cuda_used_bytes;
  return use.process_rss_bytes;
}

}  // namespace lora
