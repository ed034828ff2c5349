#pragma once
// How much memory a load may take: refuse a model that cannot fit before allocating any of it, with
// the numbers, rather than letting the OOM killer end the process halfway (or a CUDA allocation fail).
#include <cstdint>
#include <optional>
#include <string>

#include "message.h"

namespace lora {

struct MemoryAvailable {
  uint64_t bytes = 0;
  Message source;  // where the number comes from, for messages: "MemAvailable in /proc/meminfo", ...
};

// RAM this process can still use: /proc/meminfo's MemAvailable, or the cgroup (container) limit
// minus current use where that is smaller. Empty when neither can be read (the check is then skipped).
// LORA_STUDIO_RAM_LIMIT (bytes) overrides it, to try the refusal without a huge model.
std::optional<MemoryAvailable> available_ram();
// Free memory on CUDA device `index` via cudaMemGetInfo of the CUDA runtime libtorch loaded (dlopen,
// so it works with any libtorch build and version). Empty when no CUDA runtime is loaded.
std::optional<MemoryAvailable> available_cuda_memory(int index);

Message format_bytes(uint64_t bytes);  // "1.5 GiB", "12.0 MiB", "512 bytes"

// Throws lora::Error "<what> needs N GiB of <where> but only M GiB is available (<source>)" + "; <advice>"
// (none when empty). `where`: msg::Core::memory_ram or memory_gpu; `what` and `advice` e.g.
// msg::Core::memory_the_model and memory_advice_ram.
void require_memory(uint64_t needed, const std::optional<MemoryAvailable>& available, const Message& what,
                    const Message& where, const Message& advice);

}  // namespace lora
