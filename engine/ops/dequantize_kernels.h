#pragma once
// The inner loops of dequantize_rows (quantized_weight.cpp; internal to engine/ops): table look-ups
// and scalings over raw buffers, written twice, as portable loops and with AVX2 intrinsics, the
// AVX2 copy picked at run time where the CPU has it. Both give the same bits: they only copy table
// entries, convert integers exactly and multiply once in fp32, and round to bf16 to nearest even
// as c10::BFloat16 does. No libtorch here.
#include <cstdint>
#include <cstring>

namespace lora::dequantize_kernels {

// fp32 → bf16 → fp32, round to nearest even (NaN stays NaN): the rounding every dequantized value
// of a bf16 model or a bf16 tile goes through.
inline float round_to_bf16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu)) return value;
  bits += 0x7fffu + ((bits >> 16) & 1u);
  bits &= 0xffff0000u;
  std::memcpy(&value, &bits, 4);
  return value;
}

// The bf16 bits of a value already rounded to bf16 (its upper half; a NaN is truncated).
inline uint16_t bf16_bits(float value_already_bf16) {
  uint32_t bits;
  std::memcpy(&bits, &value_already_bf16, 4);
  return static_cast<uint16_t>(bits >> 16);
}

// Which copy runs: the AVX2 one where the CPU has AVX2 (Auto), or the portable loops (Portable),
// for the tests that compare the two. Process-wide.
enum class Path { Auto, Portable };
void set_path(Path path);
bool simd_active();  // whether the AVX2 copy runs now

// NF4 codes two to a byte, the first in the high nibble: out[2j] = table[bytes[j] >> 4],
// out[2j + 1] = table[bytes[j] & 15] for the `count` bytes. The table holds the 16 values already
// rounded to what the output stores; the bf16 form takes the table's bf16 bits.
void nf4_bytes_f32(const uint8_t* bytes, int64_t count, const float* table, float* out);
void nf4_bytes_bf16(const uint8_t* bytes, int64_t count, const uint16_t* table, uint16_t* out);

// out[i] = codes[i] · scale in fp32, rounded to bf16 (to nearest even) when round_bf16, for n values.
void int8_scaled_f32(const int8_t* codes, int64_t n, float scale, bool round_bf16, float* out);
// The same values as bf16 bits (codes[i] · scale rounded to bf16).
void int8_scaled_bf16(const int8_t* codes, int64_t n, float scale, uint16_t* out);

}  // namespace lora::dequantize_kernels
