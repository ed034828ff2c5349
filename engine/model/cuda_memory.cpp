#include "cuda_memory.h"

#include <c10/core/Allocator.h>
#include <c10/util/Exception.h>
#include <torch/version.h>

// c10::DeviceAllocator (the common base of the CUDA caching allocator and its peers, with
// getDeviceStats/resetPeakStats) exists from libtorch 2.9 on.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 9)
#include <c10/core/CachingDeviceAllocator.h>
#define LORA_HAVE_DEVICE_ALLOCATOR_STATS 1
#else
#define LORA_HAVE_DEVICE_ALLOCATOR_STATS 0
#endif

namespace lora {

namespace {

#if LORA_HAVE_DEVICE_ALLOCATOR_STATS
// The registered CUDA allocator when it keeps statistics and has been used, else nullptr.
c10::DeviceAllocator* cuda_device_allocator() {
  try {
    c10::DeviceAllocator* allocator = dynamic_cast<c10::DeviceAllocator*>(c10::GetAllocator(c10::DeviceType::CUDA));
    return allocator && allocator->initialized() ? allocator : nullptr;
  } catch (const c10::Error&) {
    return nullptr;  // no CUDA allocator registered: a CPU-only libtorch
  }
}
#endif

}  // namespace

bool cuda_allocator_stats(const c10::Device& device, CudaAllocatorStats* stats) {
  if (!device.is_cuda() || !stats) return false;
#if LORA_HAVE_DEVICE_ALLOCATOR_STATS
  c10::DeviceAllocator* allocator = cuda_device_allocator();
  if (!allocator) return false;
  try {
    const auto device_stats = allocator->getDeviceStats(device.has_index() ? device.index() : 0);
    constexpr size_t kAggregate = 0;  // StatType::AGGREGATE: small and large pools together
    stats->allocated_bytes = device_stats.allocated_bytes[kAggregate].current;
    stats->peak_allocated_bytes = device_stats.allocated_bytes[kAggregate].peak;
    stats->reserved_bytes = device_stats.reserved_bytes[kAggregate].current;
    stats->peak_reserved_bytes = device_stats.reserved_bytes[kAggregate].peak;
    return true;
  } catch (const c10::Error&) {
    return false;
  }
#else
  return false;
#endif
}

void reset_cuda_peak_memory(const c10::Device& device) {
  if (!device.is_cuda()) return;
#if LORA_HAVE_DEVICE_ALLOCATOR_STATS
  if (c10::DeviceAllocator* allocator = cuda_device_allocator()) {
    try {
      allocator->resetPeakStats(device.has_index() ? device.index() : 0);
    } catch (const c10::Error&) {
    }
  }
#endif
}

void release_cached_cuda_memory() {
#if LORA_HAVE_DEVICE_ALLOCATOR_STATS
  if (c10::DeviceAllocator* allocator = cuda_device_allocator()) {
    try {
      allocator->emptyCache();
    } catch (const c10::Error&) {
    }
  }
#endif
}

}  // namespace lora
