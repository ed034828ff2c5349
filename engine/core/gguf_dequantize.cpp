#include "gguf_dequantize.h"

#include <cstring>

#include "core_messages.h"
#include "error.h"

namespace lora::gguf {
namespace {

constexpr int kQK = 32;    // QK4_0, QK4_1, QK5_0, QK5_1, QK8_0
constexpr int kQK_K = 256;  // the K-quants' super-block

float half_at(const std::uint8_t* at) {
  std::uint16_t bits;
  std::memcpy(&bits, at, 2);
  return half_bits_to_float(bits);
}

// ggml's get_scale_min_k4: the 6-bit scale and min of sub-block j of a Q4_K / Q5_K super-block.
void scale_min_k4(int j, const std::uint8_t* q, std::uint8_t* d, std::uint8_t* m) {
  if (j < 4) {
    *d = q[j] & 63;
    *m = q[j + 4] & 63;
  } else {
    *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    *m = (q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4);
  }
}

// Q4_0, Q4_1, Q5_0, Q5_1: blocks of 32 quants behind the scale d (and, in the _1 kinds, the min m);
// the low nibbles of qs are the first 16 quants, the high ones the last 16, and Q5's 32-bit qh
// gives each its fifth bit. The _0 kinds centre the quant (q - 8, q - 16), the _1 kinds add m.
template <int kBits, bool kHasMin>
void q4_q5(const std::uint8_t* x, std::int64_t blocks, float* y) {
  constexpr int kHeaderBytes = kHasMin ? 4 : 2;
  constexpr int kQsOffset = kHeaderBytes + (kBits == 5 ? 4 : 0);
  constexpr int kCentre = 1 << (kBits - 1);
  for (std::int64_t i = 0; i < blocks; ++i, x += kQsOffset + kQK / 2, y += kQK) {
    const float d = half_at(x);
    const float m = kHasMin ? half_at(x + 2) : 0.0f;
    std::uint32_t qh = 0;
    if constexpr (kBits == 5) std::memcpy(&qh, x + kHeaderBytes, 4);
    const std::uint8_t* qs = x + kQsOffset;
    for (int j = 0; j < kQK / 2; ++j) {
      const int low = (qs[j] & 0x0F) | (((qh >> j) << 4) & 0x10);
      const int high = (qs[j] >> 4) | ((qh >> (j + 12)) & 0x10);
      if constexpr (kHasMin) {
        y[j] = low * d + m;
        y[j + kQK / 2] = high * d + m;
      } else {
        y[j] = (low - kCentre) * d;
        y[j + kQK / 2] = (high - kCentre) * d;
      }
    }
  }
}

void q8_0(const std::uint8_t* x, std::int64_t blocks, float* y) {
  for (std::int64_t i = 0; i < blocks; ++i, x += 34, y += kQK) {
    const float d = half_at(x);
    for (int j = 0; j < kQK; ++j) y[j] = static_cast<std::int8_t>(x[2 + j]) * d;
  }
}

// block_q2_K: scales[16], qs[64], d, dmin.
void q2_k(const std::uint8_t* x, std::int64_t blocks, float* y) {
  for (std::int64_t i = 0; i < blocks; ++i, x += 84) {
    const std::uint8_t* scales = x;
    const std::uint8_t* q = x + 16;
    const float d = half_at(x + 80), min = half_at(x + 82);
    int is = 0;
    for (int n = 0; n < kQK_K; n += 128) {
      int shift = 0;
      for (int j = 0; j < 4; ++j) {
        std::uint8_t sc = scales[is++];
        float dl = d * (sc & 0xF), ml = min * (sc >> 4);
        for (int l = 0; l < 16; ++l) *y++ = dl * static_cast<std::int8_t>((q[l] >> shift) & 3) - ml;
        sc = scales[is++];
        dl = d * (sc & 0xF);
        ml = min * (sc >> 4);
        for (int l = 0; l < 16; ++l) *y++ = dl * static_cast<std::int8_t>((q[l + 16] >> shift) & 3) - ml;
        shift += 2;
      }
      q += 32;
    }
  }
}

// block_q3_K: hmask[32], qs[64], scales[12], d.
void q3_k(const std::uint8_t* x, std::int64_t blocks, float* y) {
  const std::uint32_t kmask1 = 0x03030303, kmask2 = 0x0f0f0f0f;
  for (std::int64_t i = 0; i < blocks; ++i, x += 110) {
    const std::uint8_t* hm = x;
    const std::uint8_t* q = x + 32;
    const float d_all = half_at(x + 108);
    std::uint32_t aux[4];
    std::memcpy(aux, x + 96, 12);
    const std::uint32_t tmp = aux[2];
    aux[2] = ((aux[0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4);
    aux[3] = ((aux[1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4);
    aux[0] = (aux[0] & kmask2) | (((tmp >> 0) & kmask1) << 4);
    aux[1] = (aux[1] & kmask2) | (((tmp >> 2) & kmask1) << 4);
    std::int8_t scales[16];
    std::memcpy(scales, aux, 16);
    std::uint8_t m = 1;
    int is = 0;
    for (int n = 0; n < kQK_K; n += 128) {
      int shift = 0;
      for (int j = 0; j < 4; ++j) {
        float dl = d_all * (scales[is++] - 32);
        for (int l = 0; l < 16; ++l)
          *y++ = dl * (static_cast<std::int8_t>((q[l + 0] >> shift) & 3) - ((hm[l + 0] & m) ? 0 : 4));
        dl = d_all * (scales[is++] - 32);
        for (int l = 0; l < 16; ++l)
          *y++ = dl * (static_cast<std::int8_t>((q[l + 16] >> shift) & 3) - ((hm[l + 16] & m) ? 0 : 4));
        shift += 2;
        m = static_cast<std::uint8_t>(m << 1);
      }
      q += 32;
    }
  }
}

// block_q4_K: d, dmin, scales[12], qs[128]; block_q5_K: d, dmin, scales[12], qh[32], qs[128].
// Each 32 bytes of qs hold two sub-blocks of 32 (low nibbles, then high ones) with their own 6-bit
// scale and min; Q5_K's qh gives every quant a fifth bit, two bits of each qh byte per 64 quants.
template <bool kFifthBit>
void q4_k_q5_k(const std::uint8_t* x, std::int64_t blocks, float* y) {
  constexpr int kQsOffset = kFifthBit ? 48 : 16;
  for (std::int64_t i = 0; i < blocks; ++i, x += kQsOffset + 128) {
    const float d = half_at(x), min = half_at(x + 2);
    const std::uint8_t* scales = x + 4;
    const std::uint8_t* qh = x + 16;
    const std::uint8_t* q = x + kQsOffset;
    std::uint8_t u1 = 1, u2 = 2;
    for (int j = 0, is = 0; j < kQK_K; j += 64, is += 2, q += 32) {
      std::uint8_t sc, m;
      scale_min_k4(is + 0, scales, &sc, &m);
      const float d1 = d * sc, m1 = min * m;
      scale_min_k4(is + 1, scales, &sc, &m);
      const float d2 = d * sc, m2 = min * m;
      for (int l = 0; l < 32; ++l) *y++ = d1 * ((q[l] & 0xF) + (kFifthBit && (qh[l] & u1) ? 16 : 0)) - m1;
      for (int l = 0; l < 32; ++l) *y++ = d2 * ((q[l] >> 4) + (kFifthBit && (qh[l] & u2) ? 16 : 0)) - m2;
      u1 = static_cast<std::uint8_t>(u1 << 2);
      u2 = static_cast<std::uint8_t>(u2 << 2);
    }
  }
}

// block_q6_K: ql[128], qh[64], scales[16] (int8), d.
void q6_k(const std::uint8_t* x, std::int64_t blocks, float* y) {
  for (std::int64_t i = 0; i < blocks; ++i, x += 210) {
    const std::uint8_t* ql = x;
    const std::uint8_t* qh = x + 128;
    const std::int8_t* sc = reinterpret_cast<const std::int8_t*>(x + 192);
    const float d = half_at(x + 208);
    for (int n = 0; n < kQK_K; n += 128, y += 128, ql += 64, qh += 32, sc += 8) {
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const std::int8_t q1 = static_cast<std::int8_t>(((ql[l + 0] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32);
        const std::int8_t q2 = static_cast<std::int8_t>(((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
        const std::int8_t q3 = static_cast<std::int8_t>(((ql[l + 0] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
        const std::int8_t q4 = static_cast<std::int8_t>(((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
        y[l + 0] = d * sc[is + 0] * q1;
        y[l + 32] = d * sc[is + 2] * q2;
        y[l + 64] = d * sc[is + 4] * q3;
        y[l + 96] = d * sc[is + 6] * q4;
      }
    }
  }
}

}  // namespace

float half_bits_to_float(std::uint16_t bits) {
  const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000) << 16;
  const std::uint32_t exponent = (bits >> 10) & 0x1F;
  std::uint32_t mantissa = bits & 0x3FF;
  std::uint32_t result;
  if (exponent == 0) {
    if (mantissa == 0) {
      result = sign;
    } else {  // subnormal: normalise
      int shift = 0;
      while ((mantissa & 0x400) == 0) {
        mantissa <<= 1;
        ++shift;
      }
      mantissa &= 0x3FF;
      result = sign | (static_cast<std::uint32_t>(127 - 15 - shift + 1) << 23) | (mantissa << 13);
    }
  } else if (exponent == 0x1F) {
    result = sign | 0x7F800000u | (mantissa << 13);
  } else {
    result = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float value;
  std::memcpy(&value, &result, 4);
  return value;
}

float bfloat16_bits_to_float(std::uint16_t bits) {
  const std::uint32_t wide = static_cast<std::uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, 4);
  return value;
}

bool can_dequantize(TensorType type) {
  switch (type) {
    case TensorType::f32: case TensorType::f16: case TensorType::bf16: case TensorType::q8_0:
    case TensorType::q4_0: case TensorType::q4_1: case TensorType::q5_0: case TensorType::q5_1:
    case TensorType::q2_k: case TensorType::q3_k: case TensorType::q4_k: case TensorType::q5_k:
    case TensorType::q6_k:
      return true;
  }
  return false;
}

void dequantize_rows(TensorType type, const std::uint8_t* data, std::int64_t count, float* out) {
  if (count <= 0) return;  // an empty tensor: out may be null (memcpy must not see it)
  const std::int64_t blocks32 = count / kQK, blocks256 = count / kQK_K;
  switch (type) {
    case TensorType::f32: std::memcpy(out, data, static_cast<size_t>(count) * 4); return;
    case TensorType::f16:
      for (std::int64_t i = 0; i < count; ++i) out[i] = half_at(data + 2 * i);
      return;
    case TensorType::bf16:
      for (std::int64_t i = 0; i < count; ++i) {
        std::uint16_t bits;
        std::memcpy(&bits, data + 2 * i, 2);
        out[i] = bfloat16_bits_to_float(bits);
      }
      return;
    case TensorType::q8_0: q8_0(data, blocks32, out); return;
    case TensorType::q4_0: q4_q5<4, false>(data, blocks32, out); return;
    case TensorType::q4_1: q4_q5<4, true>(data, blocks32, out); return;
    case TensorType::q5_0: q4_q5<5, false>(data, blocks32, out); return;
    case TensorType::q5_1: q4_q5<5, true>(data, blocks32, out); return;
    case TensorType::q2_k: q2_k(data, blocks256, out); return;
    case TensorType::q3_k: q3_k(data, blocks256, out); return;
    case TensorType::q4_k: q4_k_q5_k<false>(data, blocks256, out); return;
    case TensorType::q5_k: q4_k_q5_k<true>(data, blocks256, out); return;
    case TensorType::q6_k: q6_k(data, blocks256, out); return;
  }
  throw Error(msg::Core::gguf_type_not_dequantizable, ggml_type_name(static_cast<std::uint32_t>(type)));
}

}  // namespace lora::gguf
