#include "dequantize_kernels.h"

#include <atomic>

// Only the products the source writes: a fused multiply-add would round differently from the
// portable copy (and from the ATen dequantize the tests compare with).
#pragma GCC optimize("fp-contract=off")

#if defined(__GNUC__) && defined(__x86_64__)
#define LORA_DEQUANTIZE_AVX2 1
#include <immintrin.h>
#else
#define LORA_DEQUANTIZE_AVX2 0
#endif

namespace lora::dequantize_kernels {

namespace {

namespace portable {

void nf4_bytes_f32(const uint8_t* bytes, int64_t count, const float* table, float* out) {
  for (int64_t j = 0; j < count; ++j) {
    out[2 * j] = table[bytes[j] >> 4];
    out[2 * j + 1] = table[bytes[j] & 15];
  }
}

void nf4_bytes_bf16(const uint8_t* bytes, int64_t count, const uint16_t* table, uint16_t* out) {
  for (int64_t j = 0; j < count; ++j) {
    out[2 * j] = table[bytes[j] >> 4];
    out[2 * j + 1] = table[bytes[j] & 15];
  }
}

void int8_scaled_f32(const int8_t* codes, int64_t n, float scale, bool round_bf16, float* out) {
  for (int64_t i = 0; i < n; ++i) {
    const float value = static_cast<float>(codes[i]) * scale;
    out[i] = round_bf16 ? round_to_bf16(value) : value;
  }
}

void int8_scaled_bf16(const int8_t* codes, int64_t n, float scale, uint16_t* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = bf16_bits(round_to_bf16(static_cast<float>(codes[i]) * scale));
}

}  // namespace portable

#if LORA_DEQUANTIZE_AVX2
namespace avx2 {

#define LORA_AVX2 __attribute__((target("avx2"), always_inline)) inline
#define LORA_AVX2_ENTRY __attribute__((target("avx2")))

// 16 codes in order (high nibble of byte 0, its low nibble, byte 1's ...) from 8 bytes.
LORA_AVX2 __m128i codes_of_8_bytes(const uint8_t* bytes) {
  const __m128i packed = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(bytes));
  const __m128i nibble = _mm_set1_epi8(15);
  const __m128i high = _mm_and_si128(_mm_srli_epi16(packed, 4), nibble);
  const __m128i low = _mm_and_si128(packed, nibble);
  return _mm_unpacklo_epi8(high, low);
}

// table[code] for 8 codes (each 0..15 in an int32 lane) from a 16-entry table held as two halves.
LORA_AVX2 __m256 lookup16(__m256 table_low, __m256 table_high, __m256i codes) {
  const __m256 from_low = _mm256_permutevar8x32_ps(table_low, codes);
  const __m256 from_high = _mm256_permutevar8x32_ps(table_high, codes);
  // bit 3 of the code moved to the sign bit picks the half
  return _mm256_blendv_ps(from_low, from_high, _mm256_castsi256_ps(_mm256_slli_epi32(codes, 28)));
}

LORA_AVX2_ENTRY void nf4_bytes_f32(const uint8_t* bytes, int64_t count, const float* table, float* out) {
  const __m256 low = _mm256_loadu_ps(table), high = _mm256_loadu_ps(table + 8);
  int64_t j = 0;
  for (; j + 8 <= count; j += 8) {
    const __m128i codes = codes_of_8_bytes(bytes + j);
    _mm256_storeu_ps(out + 2 * j, lookup16(low, high, _mm256_cvtepu8_epi32(codes)));
    _mm256_storeu_ps(out + 2 * j + 8, lookup16(low, high, _mm256_cvtepu8_epi32(_mm_srli_si128(codes, 8))));
  }
  portable::nf4_bytes_f32(bytes + j, count - j, table, out + 2 * j);
}

LORA_AVX2_ENTRY void nf4_bytes_bf16(const uint8_t* bytes, int64_t count, const uint16_t* table, uint16_t* out) {
  // The bf16 bits widened to the upper halves of fp32 lanes, looked up as floats, narrowed again.
  alignas(32) uint32_t wide[16];
  for (int k = 0; k < 16; ++k) wide[k] = static_cast<uint32_t>(table[k]);
  const __m256 low = _mm256_castsi256_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(wide)));
  const __m256 high = _mm256_castsi256_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(wide + 8)));
  int64_t j = 0;
  for (; j + 8 <= count; j += 8) {
    const __m128i codes = codes_of_8_bytes(bytes + j);
    const __m256i first = _mm256_castps_si256(lookup16(low, high, _mm256_cvtepu8_epi32(codes)));
    const __m256i second =
        _mm256_castps_si256(lookup16(low, high, _mm256_cvtepu8_epi32(_mm_srli_si128(codes, 8))));
    // packus interleaves the 128-bit lanes of its operands; the permute puts them back in order
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(first, second), 0xD8);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2 * j), packed);
  }
  portable::nf4_bytes_bf16(bytes + j, count - j, table, out + 2 * j);
}

// 8 codes · scale in fp32.
LORA_AVX2 __m256 scaled_8(const int8_t* codes, __m256 scale) {
  const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(codes));
  return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes)), scale);
}

// round_to_bf16 on 8 lanes: rounded to nearest even with zero lower halves, NaN lanes unchanged.
LORA_AVX2 __m256i bf16_rounded_bits(__m256 values) {
  const __m256i bits = _mm256_castps_si256(values);
  const __m256i odd = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(1));
  const __m256i rounded = _mm256_and_si256(_mm256_add_epi32(bits, _mm256_add_epi32(odd, _mm256_set1_epi32(0x7fff))),
                                           _mm256_set1_epi32(static_cast<int>(0xffff0000u)));
  const __m256 nan = _mm256_cmp_ps(values, values, _CMP_UNORD_Q);
  return _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(rounded), values, nan));
}

LORA_AVX2_ENTRY void int8_scaled_f32(const int8_t* codes, int64_t n, float scale, bool round_bf16, float* out) {
  const __m256 factor = _mm256_set1_ps(scale);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 values = scaled_8(codes + i, factor);
    _mm256_storeu_ps(out + i, round_bf16 ? _mm256_castsi256_ps(bf16_rounded_bits(values)) : values);
  }
  portable::int8_scaled_f32(codes + i, n - i, scale, round_bf16, out + i);
}

LORA_AVX2_ENTRY void int8_scaled_bf16(const int8_t* codes, int64_t n, float scale, uint16_t* out) {
  const __m256 factor = _mm256_set1_ps(scale);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i first = _mm256_srli_epi32(bf16_rounded_bits(scaled_8(codes + i, factor)), 16);
    const __m256i second = _mm256_srli_epi32(bf16_rounded_bits(scaled_8(codes + i + 8, factor)), 16);
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(first, second), 0xD8);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), packed);
  }
  portable::int8_scaled_bf16(codes + i, n - i, scale, out + i);
}

#undef LORA_AVX2
#undef LORA_AVX2_ENTRY

}  // namespace avx2

bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}
#else
bool cpu_has_avx2() { return false; }
#endif

std::atomic<bool> use_simd{cpu_has_avx2()};

}  // namespace

void set_path(Path path) { use_simd.store(path == Path::Auto && cpu_has_avx2()); }

bool simd_active() { return use_simd.load(std::memory_order_relaxed); }

#if LORA_DEQUANTIZE_AVX2
#define LORA_DISPATCH(function, ...) \
  (simd_active() ? avx2::function(__VA_ARGS__) : portable::function(__VA_ARGS__))
#else
#define LORA_DISPATCH(function, ...) portable::function(__VA_ARGS__)
#endif

void nf4_bytes_f32(const uint8_t* bytes, int64_t count, const float* table, float* out) {
  LORA_DISPATCH(nf4_bytes_f32, bytes, count, table, out);
}

void nf4_bytes_bf16(const uint8_t* bytes, int64_t count, const uint16_t* table, uint16_t* out) {
  LORA_DISPATCH(nf4_bytes_bf16, bytes, count, table, out);
}

void int8_scaled_f32(const int8_t* codes, int64_t n, float scale, bool round_bf16, float* out) {
  LORA_DISPATCH(int8_scaled_f32, codes, n, scale, round_bf16, out);
}

void int8_scaled_bf16(const int8_t* codes, int64_t n, float scale, uint16_t* out) {
  LORA_DISPATCH(int8_scaled_bf16, codes, n, scale, out);
}

#undef LORA_DISPATCH

}  // namespace lora::dequantize_kernels
