#include "memory_budget.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core_messages.h"
#include "error.h"

namespace lora {
namespace {

std::optional<uint64_t> read_number_file(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  try {
    return std::stoull(text);
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<uint64_t> meminfo_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  std::string unit;
  while (in >> key >> kib) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kib * 1024;
  }
  return std::nullopt;
}

}  // namespace

std::optional<MemoryAvailable> available_ram() {
  if (const char* limit = std::getenv("LORA_STUDIO_RAM_LIMIT"); limit && *limit) {
    try {
      return MemoryAvailable{std::stoull(limit), Message(msg::Core::memory_source_ram_limit_variable)};
    } catch (...) {
    }
  }
  std::optional<MemoryAvailable> best;
  if (const auto available = meminfo_available())
    best = MemoryAvailable{*available, Message(msg::Core::memory_source_meminfo)};
  // cgroup v2: a container's limit can be far below the machine's free memory.
  const auto limit = read_number_file("/sys/fs/cgroup/memory.max");
  const auto used = read_number_file("/sys/fs/cgroup/memory.current");
  if (limit && used) {
    const uint64_t room = *limit > *used ? *limit - *used : 0;
    if (!best || room < best->bytes) best = MemoryAvailable{room, Message(msg::Core::memory_source_cgroup)};
  }
  return best;
}

std::optional<MemoryAvailable> available_cuda_memory(int index) {
  using GetDevice = int (*)(int*);
  using SetDevice = int (*)(int);
  using MemGetInfo = int (*)(size_t*, size_t*);
  // The runtime libtorch already loaded (RTLD_NOLOAD: never load one ourselves).
  void* runtime = nullptr;
  for (const char* name : {"libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "libcudart.so"}) {
    runtime = dlopen(name, RTLD_NOW | RTLD_NOLOAD);
    if (runtime) break;
  }
  if (!runtime) runtime = RTLD_DEFAULT;
  auto get_device = reinterpret_cast<GetDevice>(dlsym(runtime, "cudaGetDevice"));
  auto set_device = reinterpret_cast<SetDevice>(dlsym(runtime, "cudaSetDevice"));
  auto mem_get_info = reinterpret_cast<MemGetInfo>(dlsym(runtime, "cudaMemGetInfo"));
  if (!get_device || !set_device || !mem_get_info) return std::nullopt;
  int previous = 0;
  if (get_device(&previous) != 0) return std::nullopt;
  if (previous != index && set_device(index) != 0) return std::nullopt;
  size_t free_bytes = 0, total_bytes = 0;
  const int status = mem_get_info(&free_bytes, &total_bytes);
  if (previous != index) set_device(previous);
  if (status != 0) return std::nullopt;
  return MemoryAvailable{free_bytes, Message(msg::Core::memory_source_cuda, index, format_bytes(total_bytes))};
}

Message format_bytes(uint64_t bytes) {
  char text[64];
  if (bytes >= (uint64_t(1) << 30)) {
    std::snprintf(text, sizeof text, "%.1f", double(bytes) / double(1 << 30));
    return {msg::Core::size_gib, text};
  }
  if (bytes >= (uint64_t(1) << 20)) {
    std::snprintf(text, sizeof text, "%.1f", double(bytes) / double(1 << 20));
    return {msg::Core::size_mib, text};
  }
  return {msg::Core::size_bytes, bytes};
}

void require_memory(uint64_t needed, const std::optional<MemoryAvailable>& available, const Message& what,
                    const Message& where, const Message& advice) {
  if (!available || needed <= available->bytes) return;
  if (advice.empty())
    throw Error(msg::Core::not_enough_memory, what, format_bytes(needed), where, format_bytes(available->bytes),
                available->source);
  throw Error(msg::Core::not_enough_memory_advice, what, format_bytes(needed), where, format_bytes(available->bytes),
              available->source, advice);
}

}  // namespace lora
