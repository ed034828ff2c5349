#include "gguf_types.h"

namespace lora::gguf {

const TensorTypeTraits& tensor_type_traits(TensorType type) {
  static const TensorTypeTraits f32{1, 4, "F32"}, f16{1, 2, "F16"}, bf16{1, 2, "BF16"}, q4_0{32, 18, "Q4_0"},
      q4_1{32, 20, "Q4_1"}, q5_0{32, 22, "Q5_0"}, q5_1{32, 24, "Q5_1"}, q8_0{32, 34, "Q8_0"}, q2_k{256, 84, "Q2_K"},
      q3_k{256, 110, "Q3_K"}, q4_k{256, 144, "Q4_K"}, q5_k{256, 176, "Q5_K"}, q6_k{256, 210, "Q6_K"},
      unknown{0, 0, "unknown"};
  switch (type) {
    case TensorType::f32: return f32;
    case TensorType::f16: return f16;
    case TensorType::bf16: return bf16;
    case TensorType::q4_0: return q4_0;
    case TensorType::q4_1: return q4_1;
    case TensorType::q5_0: return q5_0;
    case TensorType::q5_1: return q5_1;
    case TensorType::q8_0: return q8_0;
    case TensorType::q2_k: return q2_k;
    case TensorType::q3_k: return q3_k;
    case TensorType::q4_k: return q4_k;
    case TensorType::q5_k: return q5_k;
    case TensorType::q6_k: return q6_k;
  }
  return unknown;
}

const char* ggml_type_name(std::uint32_t type) {
  // ggml.h's enum ggml_type (numbers 4, 5 and 31-33, 36-38 were removed from ggml).
  static const char* const names[] = {
      "F32",     "F16",    "Q4_0",   "Q4_1",    "type 4",  "type 5",   "Q5_0",    "Q5_1",    "Q8_0",
      "Q8_1",    "Q2_K",   "Q3_K",   "Q4_K",    "Q5_K",    "Q6_K",     "Q8_K",    "IQ2_XXS", "IQ2_XS",
      "IQ3_XXS", "IQ1_S",  "IQ4_NL", "IQ3_S",   "IQ2_S",   "IQ4_XS",   "I8",      "I16",     "I32",
      "I64",     "F64",    "IQ1_M",  "BF16",    "Q4_0_4_4", "Q4_0_4_8", "Q4_0_8_8", "TQ1_0",  "TQ2_0",
      "IQ4_NL_4_4", "IQ4_NL_4_8", "IQ4_NL_8_8", "MXFP4", "NVFP4", "Q1_0", "Q2_0"};
  if (type < sizeof(names) / sizeof(names[0])) return names[type];
  return "unknown";
}

std::size_t row_bytes(TensorType type, std::int64_t row_length) {
  const TensorTypeTraits& traits = tensor_type_traits(type);
  if (traits.block_size <= 0) return 0;
  return static_cast<std::size_t>(row_length / traits.block_size) * traits.block_bytes;
}

std::size_t tensor_bytes(TensorType type, const std::vector<std::int64_t>& torch_shape) {
  if (torch_shape.empty()) return row_bytes(type, 1);
  std::size_t rows = 1;
  for (size_t i = 0; i + 1 < torch_shape.size(); ++i) rows *= static_cast<std::size_t>(torch_shape[i]);
  return rows * row_bytes(type, torch_shape.back());
}

const char* value_type_name(ValueType type) {
  switch (type) {
    case ValueType::uint8: return "uint8";
    case ValueType::int8: return "int8";
    case ValueType::uint16: return "uint16";
    case ValueType::int16: return "int16";
    case ValueType::uint32: return "uint32";
    case ValueType::int32: return "int32";
    case ValueType::float32: return "float32";
    case ValueType::boolean: return "bool";
    case ValueType::string: return "string";
    case ValueType::array: return "array";
    case ValueType::uint64: return "uint64";
    case ValueType::int64: return "int64";
    case ValueType::float64: return "float64";
  }
  return "unknown";
}

}  // namespace lora::gguf
