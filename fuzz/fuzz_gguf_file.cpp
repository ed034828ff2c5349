// The GGUF reader (core/gguf_file) on a whole file image: header counts, key/values, tensor infos,
// offsets and alignment. Every tensor of an accepted file must lie inside the image and dequantize
// without reading past it.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "error.h"
#include "fuzz_support.h"
#include "gguf_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto file =
        lora::gguf::GgufFile::from_bytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.gguf");
    for (const auto& info : file->tensors()) {
      const uint8_t* begin = file->tensor_data(info);
      fuzz::touch(begin, info.nbytes);
      if (file->find_tensor(info.name) != &info) std::abort();
      // Dequantize a bounded prefix: whole blocks of at most 4096 elements.
      const int64_t block = lora::gguf::tensor_type_traits(info.type).block_size;
      const int64_t count = std::min<int64_t>(info.numel, 4096) / block * block;
      std::vector<float> values(static_cast<size_t>(count));
      file->read_f32(info, 0, count, values.data());
    }
    for (const auto& [key, value] : file->entries())
      if (file->find(key) != &value) std::abort();
  } catch (const lora::Error&) {
  }
  return 0;
}
