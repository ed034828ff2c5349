#pragma once
// The numbers of the GGUF format shared by its reader (core/gguf_file.h) and writer
// (export/gguf_writer.h): ggml tensor types with their block sizes, and the key/value types.
// Plain C++: no libtorch.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lora::gguf {

// ggml_type numbers (ggml.h). Only the ones this project writes or reads have a name; the others
// are recognised by number (tensor_type_known) so a message can name them.
enum class TensorType : std::uint32_t {
  f32 = 0,
  f16 = 1,
  q4_0 = 2,
  q4_1 = 3,
  q5_0 = 6,
  q5_1 = 7,
  q8_0 = 8,
  q2_k = 10,
  q3_k = 11,
  q4_k = 12,
  q5_k = 13,
  q6_k = 14,
  bf16 = 30,
};

// Elements per block and bytes per block (f32/f16/bf16: a block is one element).
struct TensorTypeTraits {
  std::int64_t block_size;
  std::size_t block_bytes;
  const char* name;  // "F32", "Q4_K", ... as ggml names them
};
// block_size 0 and name "unknown" for a number that is not one of TensorType's.
const TensorTypeTraits& tensor_type_traits(TensorType type);
// ggml's name of any ggml_type number ("IQ2_XXS", "Q8_K", ...), "type N" for numbers ggml has none for.
const char* ggml_type_name(std::uint32_t type);
// Bytes of one row of `row_length` elements (row_length must be a multiple of the block size).
std::size_t row_bytes(TensorType type, std::int64_t row_length);
// Bytes of a tensor of the given torch-order shape (the last dimension is the row).
std::size_t tensor_bytes(TensorType type, const std::vector<std::int64_t>& torch_shape);

// gguf_type numbers (the value types of key/values).
enum class ValueType : std::uint32_t {
  uint8 = 0,
  int8 = 1,
  uint16 = 2,
  int16 = 3,
  uint32 = 4,
  int32 = 5,
  float32 = 6,
  boolean = 7,
  string = 8,
  array = 9,
  uint64 = 10,
  int64 = 11,
  float64 = 12,
};
// "uint32", "string", "array", ... as gguf.cpp names them.
const char* value_type_name(ValueType type);

constexpr std::uint32_t kDefaultAlignment = 32;

}  // namespace lora::gguf
