#pragma once
// Reading GGUF files (llama.cpp, Ollama, LM Studio): memory-mapped and validated as ggml's own
// gguf.cpp validates them, so a truncated or corrupt file is a lora::Error naming the file and the
// key or tensor, never a crash. Plain C++: no libtorch, so the parser can be fuzzed alone.
//
// Layout (ggml's gguf.cpp): "GGUF", version (2 or 3), tensor count, key/value count (int64 each),
// the key/values (string key, uint32 type, value; arrays: element type, uint64 count, elements;
// strings: uint64 length + bytes), the tensor infos (name, uint32 dims, int64 ne[dims] with ne[0]
// the row length, uint32 ggml type, uint64 offset), padding to general.alignment (default 32),
// then the data section. Checked as gguf.cpp checks: known value types, no array of arrays, no empty
// or repeated key, strings and arrays within the file (and below 2^30 elements), general.alignment
// a uint32 power of two, tensor names below 64 bytes and unique, at most 4 dims, non-negative
// dims with no overflow, rows a whole number of blocks, each tensor at the offset the previous
// ones (padded to the alignment) put it, and its bytes inside the file. Stricter than gguf.cpp: a
// tensor type this reader cannot dequantize (the IQ types, ...) is refused when the file is opened.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gguf_types.h"
#include "mapped_file.h"

namespace lora::gguf {

// One key's value. Scalars: `integer` (every integer type; uint64 above INT64_MAX is refused),
// `real` (float32/float64, and integers as doubles), `boolean`, `text`. Arrays: `element_type`
// and one of `strings`, `reals` (floats), `integers` (integers and bools).
struct GgufValue {
  ValueType type = ValueType::uint8;
  ValueType element_type = ValueType::uint8;  // arrays only
  std::int64_t integer = 0;
  double real = 0;
  bool boolean = false;
  std::string text;
  std::vector<std::string> strings;
  std::vector<double> reals;
  std::vector<std::int64_t> integers;
  std::uint64_t array_size() const;
};

struct GgufTensorInfo {
  std::string name;
  TensorType type = TensorType::f32;
  std::vector<std::int64_t> ggml_shape;   // ne[0] (the row) first
  std::vector<std::int64_t> torch_shape;  // reversed: the row last
  std::uint64_t offset = 0;               // relative to the data section
  std::uint64_t nbytes = 0;
  std::int64_t numel = 0;
};

class GgufFile {
 public:
  static std::shared_ptr<GgufFile> open(const std::string& path);
  // Validates a file image already in memory (for tests and the fuzzer); `name` names it in errors.
  static std::shared_ptr<GgufFile> from_bytes(std::string bytes, const std::string& name);
  ~GgufFile();
  GgufFile(const GgufFile&) = delete;
  GgufFile& operator=(const GgufFile&) = delete;

  const std::string& path() const { return path_; }
  std::uint32_t version() const { return version_; }
  std::uint32_t alignment() const { return alignment_; }
  std::uint64_t file_size() const { return size_; }

  // Key/values in file order.
  const std::vector<std::pair<std::string, GgufValue>>& entries() const { return entries_; }
  const GgufValue* find(const std::string& key) const;
  bool contains(const std::string& key) const { return find(key) != nullptr; }
  // Typed reads: throw lora::Error naming the file and key when the key is missing or holds another
  // type (integer: any integer type; real: float32/float64 or an integer).
  std::string get_string(const std::string& key) const;
  std::int64_t get_integer(const std::string& key) const;
  double get_real(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  std::vector<std::string> get_string_array(const std::string& key) const;
  std::vector<double> get_real_array(const std::string& key) const;
  std::vector<std::int64_t> get_integer_array(const std::string& key) const;  // integers and bools
  // The same, or nothing when the key is absent (still an error when present with another type).
  std::optional<std::string> optional_string(const std::string& key) const;
  std::optional<std::int64_t> optional_integer(const std::string& key) const;
  std::optional<double> optional_real(const std::string& key) const;
  std::optional<bool> optional_bool(const std::string& key) const;

  // Tensors in file order.
  const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
  const GgufTensorInfo* find_tensor(const std::string& name) const;
  const std::uint8_t* tensor_data(const GgufTensorInfo& info) const { return data_ + info.offset; }
  // Elements [first, first + count) of a tensor (row-major, whole blocks) as float32, dequantized as
  // ggml does. Throws naming the file and tensor for a range that is not whole blocks of the tensor.
  void read_f32(const GgufTensorInfo& info, std::int64_t first, std::int64_t count, float* out) const;
  // Drops the resident pages of a tensor whose values have been copied out (MappedFile::release),
  // so that reading a whole model does not hold the file beside its copies. Still readable after.
  void release(const GgufTensorInfo& info) const {
    bytes_.release(static_cast<std::uint64_t>(data_ - base_) + info.offset, info.nbytes);
  }

 private:
  // Takes the file image and validates it (parse()).
  GgufFile(std::string name, MappedFile bytes);
  void parse();
  std::string path_;
  std::uint32_t version_ = 0;
  std::uint32_t alignment_ = kDefaultAlignment;
  std::vector<std::pair<std::string, GgufValue>> entries_;
  std::map<std::string, size_t> key_index_;
  std::vector<GgufTensorInfo> tensors_;
  std::map<std::string, size_t> tensor_index_;
  const std::uint8_t* base_ = nullptr;
  const std::uint8_t* data_ = nullptr;
  std::uint64_t size_ = 0;
  MappedFile bytes_;
};

}  // namespace lora::gguf
