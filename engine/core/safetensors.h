#pragma once
// safetensors reading (memory-mapped, validated exactly as the reference loader does)
// and atomic writing. Plain C++: no libtorch here, so the parser can be fuzzed alone.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lora {

// Every whole-byte dtype of the reference implementation. (Its sub-byte F4/F6 types are
// refused by name when a file uses them.)
enum class DType {
  BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64, F8_E4M3, F8_E5M2,
  F8_E8M0, F8_E4M3FNUZ, F8_E5M2FNUZ, C64
};

const char* dtype_name(DType dtype);           // "BF16"
bool parse_dtype(const std::string& name, DType* out);
size_t dtype_size(DType dtype);                // bytes per element

// The reference loader's limit on the JSON header.
constexpr uint64_t kMaxSafetensorsHeaderBytes = 100000000;

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // offsets relative to the start of the data buffer, end exclusive
  uint64_t end = 0;
  int64_t numel() const;
  uint64_t nbytes() const { return end - begin; }
};

// A validated, memory-mapped .safetensors file. Throws lora::Error naming the file and,
// where it applies, the tensor. Validation follows huggingface/safetensors' loader:
// 8-byte little-endian header length N <= 100,000,000 and N + 8 <= file size; the header is
// UTF-8 JSON (whitespace around it allowed), an object of tensor entries
// {"dtype", "shape": [non-negative ints], "data_offsets": [begin, end]} plus an optional
// "__metadata__" string->string map; known dtypes; sorted by offsets the entries tile the data
// buffer from 0 with no hole or overlap; element count x dtype size (overflow-checked) equals
// end - begin; the last tensor ends exactly at the end of the file. Stricter than the reference:
// a key repeated in any JSON object of the header is an error (serde silently keeps one).
class SafetensorsFile {
 public:
  static std::shared_ptr<SafetensorsFile> open(const std::string& path);
  // Validates a file image already in memory (used by open() and by the fuzzer).
  static std::shared_ptr<SafetensorsFile> from_bytes(std::string bytes, const std::string& name);
  ~SafetensorsFile();

  const std::string& path() const { return path_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }  // in data-buffer order
  const TensorInfo* find(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const uint8_t* data(const TensorInfo& info) const { return data_ + info.begin; }
  uint64_t file_size() const { return size_; }

 private:
  SafetensorsFile() = default;
  void parse();
  std::string path_;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
  const uint8_t* base_ = nullptr;  // start of the file image
  const uint8_t* data_ = nullptr;  // start of the data buffer
  uint64_t size_ = 0;
  void* mapping_ = nullptr;
  std::string owned_;  // for from_bytes
};

struct TensorToWrite {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  const void* data = nullptr;
  size_t nbytes = 0;
};

// Writes a .safetensors file atomically: temp file in the same folder, fsync, rename.
// Tensors are laid out in the given order; the header is padded with spaces to a multiple of 8.
// The header is compact JSON written as the reference serializer writes it: "__metadata__"
// first (omitted when `metadata` is empty), then each tensor's {"dtype","shape","data_offsets"}
// in layout order. (The reference additionally sorts tensors by descending dtype alignment,
// then by name; pass them in that order to get byte-identical files.) Throws lora::Error for a
// tensor named "__metadata__", a duplicate name, data whose size does not match dtype x shape,
// and for any write failure (the previous file is then left intact).
void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

}  // namespace lora
