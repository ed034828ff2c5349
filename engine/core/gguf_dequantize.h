#pragma once
// ggml's dequantize_row_* (ggml-quants.c), value for value: GGUF tensor bytes to float32.
// F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K. Plain C++.
#include <cstdint>

#include "gguf_types.h"

namespace lora::gguf {

// True for the types dequantize_rows reads.
bool can_dequantize(TensorType type);
// Decodes `count` elements (a multiple of the type's block size) starting at `data` into `out`.
// The caller checks that `data` holds row_bytes(type, count) bytes. Throws lora::Error for a type
// can_dequantize refuses.
void dequantize_rows(TensorType type, const std::uint8_t* data, std::int64_t count, float* out);

// IEEE half to float (exact) and bfloat16 to float.
float half_bits_to_float(std::uint16_t bits);
float bfloat16_bits_to_float(std::uint16_t bits);

}  // namespace lora::gguf
