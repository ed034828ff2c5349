// The .safetensors reader on a whole file image: the 8-byte header length, the JSON header, the
// offsets and shapes it declares. Every tensor of an accepted file must lie inside the image.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "error.h"
#include "fuzz_support.h"
#include "safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto file = lora::SafetensorsFile::from_bytes(std::string(reinterpret_cast<const char*>(data), size),
                                                        "fuzz.safetensors");
    uint64_t covered = 0;
    for (const auto& info : file->tensors()) {
      if (info.end < info.begin || info.end > file->file_size()) std::abort();
      if (static_cast<uint64_t>(info.numel()) * lora::dtype_size(info.dtype) != info.nbytes()) std::abort();
      fuzz::touch(file->data(info), info.nbytes());
      if (file->find(info.name) != &info) std::abort();
      covered += info.nbytes();
    }
    if (covered > file->file_size()) std::abort();
  } catch (const lora::Error&) {
  }
  return 0;
}
