#include "gguf_quantize.h"

#include "gguf_dequantize.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "error.h"
#include "export_messages.h"
#include "string_affix.h"

namespace lora::gguf {
namespace {

constexpr int kQK = 32;    // Q4_0 / Q8_0 block
constexpr int kQK_K = 256; // K-quant super-block

// ggml's nearest_int: round half to even through the float mantissa (valid for |x| <= 4194303).
inline int nearest_int(float value) {
  float shifted = value + 12582912.f;
  std::int32_t bits;
  std::memcpy(&bits, &shifted, sizeof(bits));
  return (bits & 0x007fffff) - 0x00400000;
}

void put_half(std::string& out, float value) {
  const std::uint16_t bits = float_to_half(value);
  out.append(reinterpret_cast<const char*>(&bits), 2);
}

// The block's value of largest magnitude, sign kept (the first of equal magnitudes): Q4_0's and
// Q5_0's scale divides it.
float signed_absmax(const float* x) {
  float amax = 0.0f, max = 0.0f;
  for (int j = 0; j < kQK; ++j) {
    if (amax < std::fabs(x[j])) {
      amax = std::fabs(x[j]);
      max = x[j];
    }
  }
  return max;
}

// --- Q8_0: d = amax / 127, q = round(x / d) (quantize_row_q8_0_ref) ---
void encode_q8_0(const float* x, std::int64_t count, std::string& out) {
  for (std::int64_t block = 0; block < count / kQK; ++block, x += kQK) {
    float amax = 0.0f;
    for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / ((1 << 7) - 1);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    put_half(out, d);
    char quants[kQK];
    for (int j = 0; j < kQK; ++j) quants[j] = static_cast<char>(static_cast<std::int8_t>(std::round(x[j] * id)));
    out.append(quants, kQK);
  }
}

// --- Q4_0: d = (signed value of largest magnitude) / -8, nibble = min(15, (int8)(x/d + 8.5)) ---
void encode_q4_0(const float* x, std::int64_t count, std::string& out) {
  for (std::int64_t block = 0; block < count / kQK; ++block, x += kQK) {
    const float d = signed_absmax(x) / -8;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    put_half(out, d);
    char nibbles[kQK / 2];
    for (int j = 0; j < kQK / 2; ++j) {
      const float x0 = x[j] * id;
      const float x1 = x[kQK / 2 + j] * id;
      const std::uint8_t q0 = static_cast<std::uint8_t>(std::min(15, static_cast<int>(static_cast<std::int8_t>(x0 + 8.5f))));
      const std::uint8_t q1 = static_cast<std::uint8_t>(std::min(15, static_cast<int>(static_cast<std::int8_t>(x1 + 8.5f))));
      nibbles[j] = static_cast<char>(q0 | (q1 << 4));
    }
    out.append(nibbles, kQK / 2);
  }
}

// --- Q5_0 (llama-quantize's fallback for Q4_K rows that are not a multiple of 256): fp16 scale,
// 32 high bits, 16 bytes of low nibbles; d = (signed value of largest magnitude) / -16 ---
void encode_q5_0(const float* x, std::int64_t count, std::string& out) {
  for (std::int64_t block = 0; block < count / kQK; ++block, x += kQK) {
    const float d = signed_absmax(x) / -16;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    put_half(out, d);
    std::uint32_t qh = 0;
    char nibbles[kQK / 2];
    for (int j = 0; j < kQK / 2; ++j) {
      const float x0 = x[j] * id;
      const float x1 = x[kQK / 2 + j] * id;
      const std::uint8_t q0 = static_cast<std::uint8_t>(std::min(31, static_cast<int>(static_cast<std::int8_t>(x0 + 16.5f))));
      const std::uint8_t q1 = static_cast<std::uint8_t>(std::min(31, static_cast<int>(static_cast<std::int8_t>(x1 + 16.5f))));
      nibbles[j] = static_cast<char>((q0 & 0x0F) | ((q1 & 0x0F) << 4));
      qh |= ((q0 & 0x10u) >> 4) << (j + 0);
      qh |= ((q1 & 0x10u) >> 4) << (j + kQK / 2);
    }
    out.append(reinterpret_cast<const char*>(&qh), 4);
    out.append(nibbles, kQK / 2);
  }
}

// ggml's make_qkx2_quants: the scale and (negated) min of an asymmetric nmax-level quantization of
// n values, searched over nstep candidate scales for the least weighted error.
float make_qkx2_quants(int n, int nmax, const float* x, const float* weights, std::uint8_t* L, float* the_min,
                       std::uint8_t* Laux, float rmin, float rdelta, int nstep, bool use_mad) {
  float min = x[0], max = x[0];
  float sum_w = weights[0];
  float sum_x = sum_w * x[0];
  for (int i = 1; i < n; ++i) {
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
    const float w = weights[i];
    sum_w += w;
    sum_x += w * x[i];
  }
  if (min > 0) min = 0;
  if (max == min) {
    for (int i = 0; i < n; ++i) L[i] = 0;
    *the_min = -min;
    return 0.f;
  }
  float iscale = nmax / (max - min);
  float scale = 1 / iscale;
  float best_error = 0;
  for (int i = 0; i < n; ++i) {
    const int l = nearest_int(iscale * (x[i] - min));
    L[i] = static_cast<std::uint8_t>(std::max(0, std::min(nmax, l)));
    float diff = scale * L[i] + min - x[i];
    diff = use_mad ? std::fabs(diff) : diff * diff;
    best_error += weights[i] * diff;
  }
  if (nstep < 1) {
    *the_min = -min;
    return scale;
  }
  for (int is = 0; is <= nstep; ++is) {
    iscale = (rmin + rdelta * is + nmax) / (max - min);
    float sum_l = 0, sum_l2 = 0, sum_xl = 0;
    for (int i = 0; i < n; ++i) {
      int l = nearest_int(iscale * (x[i] - min));
      l = std::max(0, std::min(nmax, l));
      Laux[i] = static_cast<std::uint8_t>(l);
      const float w = weights[i];
      sum_l += w * l;
      sum_l2 += w * l * l;
      sum_xl += w * l * x[i];
    }
    const float D = sum_w * sum_l2 - sum_l * sum_l;
    if (D > 0) {
      float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
      float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
      if (this_min > 0) {
        this_min = 0;
        this_scale = sum_xl / sum_l2;
      }
      float cur_error = 0;
      for (int i = 0; i < n; ++i) {
        float diff = this_scale * Laux[i] + this_min - x[i];
        diff = use_mad ? std::fabs(diff) : diff * diff;
        cur_error += weights[i] * diff;
      }
      if (cur_error < best_error) {
        for (int i = 0; i < n; ++i) L[i] = Laux[i];
        best_error = cur_error;
        scale = this_scale;
        min = this_min;
      }
    }
  }
  *the_min = -min;
  return scale;
}

void scale_min_k4(int j, const std::uint8_t* q, std::uint8_t* d, std::uint8_t* m) {
  if (j < 4) {
    *d = q[j] & 63;
    *m = q[j + 4] & 63;
  } else {
    *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    *m = (q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4);
  }
}

// --- Q4_K: block = d (fp16), dmin (fp16), scales[12] (8 × 6-bit scale + 6-bit min), qs[128] ---
void encode_q4_k(const float* x, std::int64_t count, std::string& out) {
  std::uint8_t L[kQK_K];
  std::uint8_t Laux[32];
  float weights[32];
  float mins[kQK_K / 32];
  float scales[kQK_K / 32];
  for (std::int64_t block = 0; block < count / kQK_K; ++block, x += kQK_K) {
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < kQK_K / 32; ++j) {
      float sum_x2 = 0;
      for (int l = 0; l < 32; ++l) sum_x2 += x[32 * j + l] * x[32 * j + l];
      const float av_x = std::sqrt(sum_x2 / 32);
      for (int l = 0; l < 32; ++l) weights[l] = av_x + std::fabs(x[32 * j + l]);
      scales[j] = make_qkx2_quants(32, 15, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, -1.f, 0.1f, 20, false);
      if (scales[j] > max_scale) max_scale = scales[j];
      if (mins[j] > max_min) max_min = mins[j];
    }
    std::uint8_t packed[12] = {};
    const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    for (int j = 0; j < kQK_K / 32; ++j) {
      std::uint8_t ls = static_cast<std::uint8_t>(nearest_int(inv_scale * scales[j]));
      std::uint8_t lm = static_cast<std::uint8_t>(nearest_int(inv_min * mins[j]));
      ls = std::min<std::uint8_t>(63, ls);
      lm = std::min<std::uint8_t>(63, lm);
      if (j < 4) {
        packed[j] = ls;
        packed[j + 4] = lm;
      } else {
        packed[j + 4] = (ls & 0xF) | ((lm & 0xF) << 4);
        packed[j - 4] |= ((ls >> 4) << 6);
        packed[j - 0] |= ((lm >> 4) << 6);
      }
    }
    const std::uint16_t d_bits = float_to_half(max_scale / 63.f);
    const std::uint16_t dmin_bits = float_to_half(max_min / 63.f);
    const float d_all = half_to_float(d_bits), dmin_all = half_to_float(dmin_bits);
    for (int j = 0; j < kQK_K / 32; ++j) {
      std::uint8_t sc, m;
      scale_min_k4(j, packed, &sc, &m);
      const float d = d_all * sc;
      if (d == 0.0f) continue;
      const float dm = dmin_all * m;
      for (int ii = 0; ii < 32; ++ii) {
        const int l = nearest_int((x[32 * j + ii] + dm) / d);
        L[32 * j + ii] = static_cast<std::uint8_t>(std::max(0, std::min(15, l)));
      }
    }
    out.append(reinterpret_cast<const char*>(&d_bits), 2);
    out.append(reinterpret_cast<const char*>(&dmin_bits), 2);
    out.append(reinterpret_cast<const char*>(packed), 12);
    char qs[kQK_K / 2];
    for (int j = 0, at = 0; j < kQK_K; j += 64, at += 32)
      for (int l = 0; l < 32; ++l) qs[at + l] = static_cast<char>(L[j + l] | (L[j + l + 32] << 4));
    out.append(qs, kQK_K / 2);
  }
}

// ggml's make_qx_quants with rmse_type 1 and no importance weights (the Q6_K reference path):
// a symmetric nmax-level scale, refined over 18 candidate scales by weighted least squares.
float make_qx_quants(int n, int nmax, const float* x, std::int8_t* L) {
  float max = 0, amax = 0;
  for (int i = 0; i < n; ++i) {
    const float ax = std::fabs(x[i]);
    if (ax > amax) {
      amax = ax;
      max = x[i];
    }
  }
  if (amax < 1e-15f) {
    for (int i = 0; i < n; ++i) L[i] = 0;
    return 0.f;
  }
  float iscale = -nmax / max;
  float sumlx = 0, suml2 = 0;
  for (int i = 0; i < n; ++i) {
    int l = nearest_int(iscale * x[i]);
    l = std::max(-nmax, std::min(nmax - 1, l));
    L[i] = static_cast<std::int8_t>(l + nmax);
    const float w = x[i] * x[i];
    sumlx += w * x[i] * l;
    suml2 += w * l * l;
  }
  float scale = suml2 != 0.0f ? sumlx / suml2 : 0.0f;
  float best = scale * sumlx;
  for (int is = -9; is <= 9; ++is) {
    if (is == 0) continue;
    iscale = -(nmax + 0.1f * is) / max;
    sumlx = suml2 = 0;
    for (int i = 0; i < n; ++i) {
      int l = nearest_int(iscale * x[i]);
      l = std::max(-nmax, std::min(nmax - 1, l));
      const float w = x[i] * x[i];
      sumlx += w * x[i] * l;
      suml2 += w * l * l;
    }
    if (suml2 > 0 && sumlx * sumlx > best * suml2) {
      for (int i = 0; i < n; ++i) {
        const int l = nearest_int(iscale * x[i]);
        L[i] = static_cast<std::int8_t>(nmax + std::max(-nmax, std::min(nmax - 1, l)));
      }
      scale = sumlx / suml2;
      best = scale * sumlx;
    }
  }
  return scale;
}

// --- Q6_K: block = ql[128] (low 4 bits), qh[64] (high 2 bits), scales[16] (int8), d (fp16) ---
void encode_q6_k(const float* x, std::int64_t count, std::string& out) {
  std::int8_t L[kQK_K];
  float scales[kQK_K / 16];
  for (std::int64_t block = 0; block < count / kQK_K; ++block, x += kQK_K) {
    float max_scale = 0, max_abs_scale = 0;
    for (int ib = 0; ib < kQK_K / 16; ++ib) {
      const float scale = make_qx_quants(16, 32, x + 16 * ib, L + 16 * ib);
      scales[ib] = scale;
      const float abs_scale = std::fabs(scale);
      if (abs_scale > max_abs_scale) {
        max_abs_scale = abs_scale;
        max_scale = scale;
      }
    }
    std::uint8_t ql[kQK_K / 2] = {}, qh[kQK_K / 4] = {};
    std::int8_t block_scales[kQK_K / 16] = {};
    std::uint16_t d_bits = float_to_half(0.f);
    if (max_abs_scale >= 1e-15f) {
      const float iscale = -128.f / max_scale;
      d_bits = float_to_half(1 / iscale);
      for (int ib = 0; ib < kQK_K / 16; ++ib)
        block_scales[ib] = static_cast<std::int8_t>(std::min(127, nearest_int(iscale * scales[ib])));
      const float d_all = half_to_float(d_bits);
      for (int j = 0; j < kQK_K / 16; ++j) {
        const float d = d_all * block_scales[j];
        if (d == 0.0f) continue;
        for (int ii = 0; ii < 16; ++ii) {
          int l = nearest_int(x[16 * j + ii] / d);
          l = std::max(-32, std::min(31, l));
          L[16 * j + ii] = static_cast<std::int8_t>(l + 32);
        }
      }
      std::uint8_t* low = ql;
      std::uint8_t* high = qh;
      for (int j = 0; j < kQK_K; j += 128) {
        for (int l = 0; l < 32; ++l) {
          const std::uint8_t q1 = L[j + l + 0] & 0xF;
          const std::uint8_t q2 = L[j + l + 32] & 0xF;
          const std::uint8_t q3 = L[j + l + 64] & 0xF;
          const std::uint8_t q4 = L[j + l + 96] & 0xF;
          low[l + 0] = q1 | (q3 << 4);
          low[l + 32] = q2 | (q4 << 4);
          high[l] = (L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) |
                    ((L[j + l + 96] >> 4) << 6);
        }
        low += 64;
        high += 32;
      }
    }
    out.append(reinterpret_cast<const char*>(ql), sizeof(ql));
    out.append(reinterpret_cast<const char*>(qh), sizeof(qh));
    out.append(reinterpret_cast<const char*>(block_scales), sizeof(block_scales));
    out.append(reinterpret_cast<const char*>(&d_bits), 2);
  }
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// llama-quantize's use_more_bits: the first and last eighth of the layers and every third between.
bool use_more_bits(int layer, int layers) {
  return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
}

std::int64_t row_length_of(const TensorPlacement& tensor) {
  return tensor.torch_shape.empty() ? 1 : tensor.torch_shape.back();
}

// tensor_type_fallback: a type whose block does not divide the row steps down, then to F16.
TensorType fallback_for_row(TensorType type, std::int64_t row_length) {
  if (row_length % tensor_type_traits(type).block_size == 0) return type;
  TensorType next = type;
  if (type == TensorType::q4_k) next = TensorType::q5_0;
  else if (type == TensorType::q6_k) next = TensorType::q8_0;
  if (row_length % tensor_type_traits(next).block_size != 0) next = TensorType::f16;
  return next;
}

}  // namespace

std::uint16_t float_to_half(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, 4);
  const std::uint32_t sign = (bits >> 16) & 0x8000u;
  const std::uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude >= 0x7f800000u)  // inf or NaN (NaN kept quiet)
    return static_cast<std::uint16_t>(sign | 0x7c00u | (magnitude > 0x7f800000u ? 0x200u : 0u));
  if (magnitude >= 0x477ff000u)  // rounds to above 65504: infinity
    return static_cast<std::uint16_t>(sign | 0x7c00u);
  if (magnitude < 0x38800000u) {  // below the smallest normal half: subnormal or zero
    if (magnitude < 0x33000000u) return static_cast<std::uint16_t>(sign);  // below half the smallest subnormal
    const int exponent = static_cast<int>(magnitude >> 23);
    const std::uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;
    const int shift = 126 - exponent;  // 14 - (exponent - 127) + ... : mantissa >> (shift) gives the half units
    std::uint32_t half = mantissa >> shift;
    const std::uint32_t remainder = mantissa & ((1u << shift) - 1);
    const std::uint32_t halfway = 1u << (shift - 1);
    if (remainder > halfway || (remainder == halfway && (half & 1u))) ++half;
    return static_cast<std::uint16_t>(sign | half);
  }
  std::uint32_t half = ((magnitude >> 13) - ((127 - 15) << 10));
  const std::uint32_t remainder = magnitude & 0x1fffu;
  if (remainder > 0x1000u || (remainder == 0x1000u && (half & 1u))) ++half;
  return static_cast<std::uint16_t>(sign | half);
}

float half_to_float(std::uint16_t bits) {
  const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000u) << 16;
  const std::uint32_t exponent = (bits >> 10) & 0x1fu;
  std::uint32_t mantissa = bits & 0x3ffu;
  std::uint32_t result;
  if (exponent == 0) {
    if (mantissa == 0) {
      result = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mantissa <<= 1;
      } while ((mantissa & 0x400u) == 0);
      result = sign | (static_cast<std::uint32_t>(127 - 15 - e) << 23) | ((mantissa & 0x3ffu) << 13);
    }
  } else if (exponent == 31) {
    result = sign | 0x7f800000u | (mantissa << 13);
  } else {
    result = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float value;
  std::memcpy(&value, &result, 4);
  return value;
}

std::uint16_t float_to_bfloat16(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((bits >> 16) | 64u);  // quiet NaN
  return static_cast<std::uint16_t>((static_cast<std::uint64_t>(bits) + (0x7fffu + ((bits >> 16) & 1u))) >> 16);
}

ExportType parse_export_type(const std::string& text, const std::string& option) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "f32") return ExportType::f32;
  if (lower == "f16") return ExportType::f16;
  if (lower == "bf16") return ExportType::bf16;
  if (lower == "q8_0") return ExportType::q8_0;
  if (lower == "q4_0") return ExportType::q4_0;
  if (lower == "q4_k_m") return ExportType::q4_k_m;
  throw Error(msg::Export::gguf_unknown_type, option, text);
}

std::string export_type_name(ExportType type) {
  switch (type) {
    case ExportType::f32: return "f32";
    case ExportType::f16: return "f16";
    case ExportType::bf16: return "bf16";
    case ExportType::q8_0: return "q8_0";
    case ExportType::q4_0: return "q4_0";
    case ExportType::q4_k_m: return "q4_k_m";
  }
  return "f16";
}

std::uint32_t file_type_number(ExportType type) {
  switch (type) {
    case ExportType::f32: return 0;
    case ExportType::f16: return 1;
    case ExportType::q4_0: return 2;
    case ExportType::q8_0: return 7;
    case ExportType::q4_k_m: return 15;
    case ExportType::bf16: return 32;
  }
  return 1;
}

bool stays_f32(const TensorPlacement& tensor) {
  return tensor.torch_shape.size() <= 1 || ends_with(tensor.name, "_norm.weight") || !ends_with(tensor.name, ".weight");
}

TensorType choose_tensor_type(ExportType type, const TensorPlacement& tensor) {
  if (stays_f32(tensor)) return TensorType::f32;
  const std::int64_t row = row_length_of(tensor);
  switch (type) {
    case ExportType::f32: return TensorType::f32;
    case ExportType::f16: return TensorType::f16;
    case ExportType::bf16: return TensorType::bf16;
    case ExportType::q8_0: return fallback_for_row(TensorType::q8_0, row);  // the converter: F16 when it does not fit
    case ExportType::q4_0:
    case ExportType::q4_k_m: break;
  }
  const TensorType base = type == ExportType::q4_0 ? TensorType::q4_0 : TensorType::q4_k;
  const bool is_output = tensor.name == "output.weight";
  const bool is_embedding = tensor.name == "token_embd.weight";
  TensorType chosen = base;
  if (is_output || (is_embedding && !tensor.model_has_output)) {
    // The output head (or the embedding standing in for it) keeps more bits.
    chosen = row % tensor_type_traits(base).block_size != 0 ? TensorType::q8_0 : TensorType::q6_k;
  } else if (type == ExportType::q4_k_m) {
    if (contains(tensor.name, "attn_v.weight") || contains(tensor.name, "attn_qkv.weight")) {
      if (use_more_bits(tensor.attn_v_index, tensor.attn_v_count)) chosen = TensorType::q6_k;
    } else if (contains(tensor.name, "ffn_down")) {
      if (use_more_bits(tensor.layer, tensor.layer_count)) chosen = TensorType::q6_k;
    }
  }
  return fallback_for_row(chosen, row);
}

void encode_rows(TensorType type, const float* data, std::int64_t rows, std::int64_t row_length, std::string& out) {
  const std::int64_t count = rows * row_length;
  switch (type) {
    case TensorType::f32:
      out.append(reinterpret_cast<const char*>(data), static_cast<size_t>(count) * 4);
      return;
    case TensorType::f16:
      for (std::int64_t i = 0; i < count; ++i) put_half(out, data[i]);
      return;
    case TensorType::bf16:
      for (std::int64_t i = 0; i < count; ++i) {
        const std::uint16_t bits = float_to_bfloat16(data[i]);
        out.append(reinterpret_cast<const char*>(&bits), 2);
      }
      return;
    case TensorType::q8_0:
      for (std::int64_t r = 0; r < rows; ++r) encode_q8_0(data + r * row_length, row_length, out);
      return;
    case TensorType::q4_0:
      for (std::int64_t r = 0; r < rows; ++r) encode_q4_0(data + r * row_length, row_length, out);
      return;
    case TensorType::q5_0:
      for (std::int64_t r = 0; r < rows; ++r) encode_q5_0(data + r * row_length, row_length, out);
      return;
    case TensorType::q4_k:
      for (std::int64_t r = 0; r < rows; ++r) encode_q4_k(data + r * row_length, row_length, out);
      return;
    case TensorType::q6_k:
      for (std::int64_t r = 0; r < rows; ++r) encode_q6_k(data + r * row_length, row_length, out);
      return;
    default:
      break;
  }
  throw Error(msg::Export::gguf_type_not_writable, tensor_type_traits(type).name);
}

void decode_rows(TensorType type, const std::uint8_t* data, std::int64_t rows, std::int64_t row_length,
                 std::vector<float>& out) {
  // ggml's dequantize_row_* live in core (gguf_dequantize), shared with the GGUF reader.
  if (!can_dequantize(type)) throw Error(msg::Export::gguf_type_not_readable, tensor_type_traits(type).name);
  const std::int64_t count = rows * row_length;
  const size_t at = out.size();
  out.resize(at + static_cast<size_t>(count));
  dequantize_rows(type, data, count, out.data() + at);
}

}  // namespace lora::gguf
