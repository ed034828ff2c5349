#pragma once
// The CUDA caching allocator's own statistics: memory handed to tensors (what
// torch.cuda.max_memory_allocated reports) and memory reserved from the driver. Read through
// c10's device-allocator interface, so this builds against CPU-only libtorch too (it then reports
// nothing), with no CUDA header.
#include <c10/core/Device.h>

#include <cstdint>

namespace lora {

struct CudaAllocatorStats {
  int64_t allocated_bytes = 0;       // held by live tensors now
  int64_t peak_allocated_bytes = 0;  // highest since the last reset_cuda_peak_memory
  int64_t reserved_bytes = 0;        // taken from the driver (tensors + the allocator's cache)
  int64_t peak_reserved_bytes = 0;
};

// Fills `stats` for CUDA device `device` and returns true; false when the device is not CUDA, this
// libtorch has no CUDA allocator statistics (libtorch < 2.9 or a CPU build) or CUDA is not initialised.
bool cuda_allocator_stats(const c10::Device& device, CudaAllocatorStats* stats);
// Starts new peaks at the current values (torch.cuda.reset_peak_memory_stats).
void reset_cuda_peak_memory(const c10::Device& device);
// Returns the CUDA caching allocator's unused cached blocks to the driver (torch.cuda.empty_cache), e.g.
// after a failed training run so another model in the process can allocate. No-op without CUDA, and
// below libtorch 2.9 (no device-generic allocator interface there; the blocks stay cached for reuse).
void release_cached_cuda_memory();

}  // namespace lora
