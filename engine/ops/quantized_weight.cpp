#include "quantized_weight.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "dequantize_kernels.h"
#include "error.h"
#include "ops_messages.h"

namespace lora {

namespace {

// bitsandbytes' kernels.cu dQuantizeNF4: the midpoints between neighbouring NF4 levels, compared
// with a strict > (a value exactly on a midpoint takes the lower level; NaN takes code 0).
constexpr float kNf4Thresholds[15] = {
    -0.8480964004993439f, -0.6106329262256622f, -0.4599952697753906f, -0.33967943489551544f,
    -0.23460740596055984f, -0.13791173323988914f, -0.045525018125772476f, 0.03979014977812767f,
    0.1202552504837513f,  0.2035212516784668f,  0.2920137718319893f,  0.3893125355243683f,
    0.5016634166240692f,  0.6427869200706482f,  0.8614784181118011f};

using dequantize_kernels::bf16_bits;
using dequantize_kernels::round_to_bf16;

inline float round_to(at::ScalarType dtype, float value) {
  switch (dtype) {
    case at::kBFloat16: return round_to_bf16(value);
    case at::kHalf: return static_cast<float>(c10::Half(value));
    default: return value;
  }
}

at::Tensor cpu_float_copy(const at::Tensor& weight) {
  return weight.detach().to(at::kCPU, at::kFloat).contiguous();
}

void check_2d_float(const at::Tensor& weight) {
  if (!weight.defined() || weight.dim() != 2 || !at::isFloatingType(weight.scalar_type()))
    throw Error(msg::Ops::quantize_needs_2d_float);
}

// The largest |x| of values[begin, end): the scale of a block (or row). Starting from 0 gives what
// bitsandbytes' kernels, which start from -FLT_MAX, give, as every |x| >= 0.
float absmax_of(const float* values, int64_t begin, int64_t end) {
  float amax = 0.0f;
  for (int64_t i = begin; i < end; ++i) amax = std::max(amax, std::fabs(values[i]));
  return amax;
}

// A quantized weight's format and shape, before its codes; throws unless `weight` is a 2-D float tensor.
QuantizedWeight new_quantized_weight(const at::Tensor& weight, QuantFormat format, at::ScalarType value_dtype) {
  check_2d_float(weight);
  QuantizedWeight result;
  result.format = format;
  result.out_features = weight.size(0);
  result.in_features = weight.size(1);
  result.value_dtype = value_dtype;
  return result;
}

}  // namespace

std::string quant_format_name(QuantFormat format) { return format == QuantFormat::NF4 ? "nf4" : "int8"; }

const std::array<float, 16>& nf4_code_book() {
  static const std::array<float, 16> book = {
      -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f, -0.28444138169288635f,
      -0.18477343022823334f, -0.09105003625154495f, 0.0f, 0.07958029955625534f, 0.16093020141124725f,
      0.24611230194568634f, 0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f,
      0.7229568362236023f, 1.0f};
  return book;
}

const std::array<float, 256>& dynamic_map_8bit() {
  // Printed (%.9g) from bitsandbytes' create_dynamic_map() run with torch; every entry is the
  // exact fp32 value (test_quantized_weights compares them with the Python reference's map).
  static const std::array<float, 256> map = {
    -0.992968738f, -0.978906214f, -0.96484375f, -0.950781226f, -0.936718702f, -0.922656238f, -0.908593774f, -0.89453125f,
    -0.880468726f, -0.866406202f, -0.852343738f, -0.838281214f, -0.82421875f, -0.810156226f, -0.796093702f, -0.782031238f,
    -0.767968774f, -0.75390625f, -0.739843786f, -0.725781262f, -0.711718798f, -0.697656274f, -0.68359375f, -0.669531286f,
    -0.655468762f, -0.641406238f, -0.627343774f, -0.61328125f, -0.599218726f, -0.585156262f, -0.571093798f, -0.557031274f,
    -0.54296875f, -0.528906226f, -0.514843762f, -0.500781238f, -0.486718774f, -0.47265625f, -0.458593726f, -0.444531262f,
    -0.430468738f, -0.416406214f, -0.40234375f, -0.388281226f, -0.374218762f, -0.360156238f, -0.346093714f, -0.33203125f,
    -0.317968726f, -0.303906262f, -0.289843738f, -0.275781274f, -0.26171875f, -0.247656256f, -0.233593762f, -0.219531253f,
    -0.205468744f, -0.19140625f, -0.177343741f, -0.163281247f, -0.149218753f, -0.135156244f, -0.12109375f, -0.107031256f,
    -0.0985937491f, -0.0957812443f, -0.0929687545f, -0.0901562497f, -0.0873437524f, -0.0845312476f, -0.0817187428f, -0.078906253f,
    -0.0760937482f, -0.0732812509f, -0.0704687461f, -0.0676562563f, -0.0648437515f, -0.0620312467f, -0.0592187531f, -0.0564062484f,
    -0.053593751f, -0.05078125f, -0.047968749f, -0.0451562516f, -0.0423437469f, -0.0395312496f, -0.0367187522f, -0.0339062475f,
    -0.0310937501f, -0.0282812472f, -0.0254687499f, -0.0226562507f, -0.0198437497f, -0.0170312505f, -0.0142187504f, -0.0114062503f,
    -0.00971874967f, -0.00915624946f, -0.00859375019f, -0.00803124998f, -0.00746874977f, -0.00690625003f, -0.00634374982f, -0.00578125007f,
    -0.00521875033f, -0.00465624966f, -0.00409374991f, -0.00353124971f, -0.00296874996f, -0.00240624999f, -0.00184375001f, -0.00128124992f,
    -0.000943750085f, -0.000831249985f, -0.00071875006f, -0.000606250076f, -0.000493750034f, -0.000381250022f, -0.000268750038f, -0.000156250011f,
    -8.87499991e-05f, -6.62500024e-05f, -4.37499984e-05f, -2.12499981e-05f, -7.7499999e-06f, -3.25000019e-06f, -5.50000038e-07f, 0.0f,
    5.50000038e-07f, 3.25000019e-06f, 7.7499999e-06f, 2.12499981e-05f, 4.37499984e-05f, 6.62500024e-05f, 8.87499991e-05f, 0.000156250011f,
    0.000268750038f, 0.000381250022f, 0.000493750034f, 0.000606250076f, 0.00071875006f, 0.000831249985f, 0.000943750085f, 0.00128124992f,
    0.00184375001f, 0.00240624999f, 0.00296874996f, 0.00353124971f, 0.00409374991f, 0.00465624966f, 0.00521875033f, 0.00578125007f,
    0.00634374982f, 0.00690625003f, 0.00746874977f, 0.00803124998f, 0.00859375019f, 0.00915624946f, 0.00971874967f, 0.0114062503f,
    0.0142187504f, 0.0170312505f, 0.0198437497f, 0.0226562507f, 0.0254687499f, 0.0282812472f, 0.0310937501f, 0.0339062475f,
    0.0367187522f, 0.0395312496f, 0.0423437469f, 0.0451562516f, 0.047968749f, 0.05078125f, 0.053593751f, 0.0564062484f,
    0.0592187531f, 0.0620312467f, 0.0648437515f, 0.0676562563f, 0.0704687461f, 0.0732812509f, 0.0760937482f, 0.078906253f,
    0.0817187428f, 0.0845312476f, 0.0873437524f, 0.0901562497f, 0.0929687545f, 0.0957812443f, 0.0985937491f, 0.107031256f,
    0.12109375f, 0.135156244f, 0.149218753f, 0.163281247f, 0.177343741f, 0.19140625f, 0.205468744f, 0.219531253f,
    0.233593762f, 0.247656256f, 0.26171875f, 0.275781274f, 0.289843738f, 0.303906262f, 0.317968726f, 0.33203125f,
    0.346093714f, 0.360156238f, 0.374218762f, 0.388281226f, 0.40234375f, 0.416406214f, 0.430468738f, 0.444531262f,
    0.458593726f, 0.47265625f, 0.486718774f, 0.500781238f, 0.514843762f, 0.528906226f, 0.54296875f, 0.557031274f,
    0.571093798f, 0.585156262f, 0.599218726f, 0.61328125f, 0.627343774f, 0.641406238f, 0.655468762f, 0.669531286f,
    0.68359375f, 0.697656274f, 0.711718798f, 0.725781262f, 0.739843786f, 0.75390625f, 0.767968774f, 0.782031238f,
    0.796093702f, 0.810156226f, 0.82421875f, 0.838281214f, 0.852343738f, 0.866406202f, 0.880468726f, 0.89453125f,
    0.908593774f, 0.922656238f, 0.936718702f, 0.950781226f, 0.96484375f, 0.978906214f, 0.992968738f, 1.0f,
  };
  return map;
}

uint8_t nf4_code_of(float x) {
  // The threshold tree of dQuantizeNF4 is a binary search over sorted midpoints: its code is the
  // number of midpoints x exceeds.
  uint8_t code = 0;
  for (float threshold : kNf4Thresholds) code += x > threshold ? 1 : 0;
  return code;
}

uint8_t dynamic_code_of(const float* code, float x) {
  int pivot = 127, upper_pivot = 255, lower_pivot = 0;
  float lower = -1.0f, upper = 1.0f;
  float val = code[pivot];
  for (int step = 64; step > 0; step >>= 1) {
    if (x > val) {
      lower_pivot = pivot;
      lower = val;
      pivot += step;
    } else {
      upper_pivot = pivot;
      upper = val;
      pivot -= step;
    }
    val = code[pivot];
  }
  if (upper_pivot == 255) upper = code[upper_pivot];
  if (lower_pivot == 0) lower = code[lower_pivot];
  if (x > val) return static_cast<uint8_t>(x > (upper + val) * 0.5f ? upper_pivot : pivot);
  return static_cast<uint8_t>(x < (lower + val) * 0.5f ? lower_pivot : pivot);
}

int64_t QuantizedWeight::storage_bytes() const {
  int64_t bytes = 0;
  for (const at::Tensor* tensor : {&packed, &absmax, &code, &nested_absmax, &nested_code})
    if (tensor->defined()) bytes += tensor->numel() * static_cast<int64_t>(tensor->element_size());
  return bytes;
}

c10::Device QuantizedWeight::device() const { return packed.device(); }

at::Tensor QuantizedWeight::block_absmax() const {
  if (format != QuantFormat::NF4 || !nested) return absmax;
  const int64_t count = absmax.numel();
  const at::Tensor scales = nested_absmax.repeat_interleave(nested_blocksize).narrow(0, 0, count);
  // bitsandbytes: dequantize_blockwise(absmax, state2), then += offset, all in fp32.
  return nested_code.index_select(0, absmax.to(at::kLong)).mul(scales).add(nested_offset);
}

at::Tensor QuantizedWeight::dequantize(at::ScalarType dtype) const {
  const int64_t n = numel();
  at::Tensor values;
  if (format == QuantFormat::Int8) {
    values = packed.to(at::kFloat).mul(absmax.unsqueeze(1));
  } else {
    const at::Tensor high = packed.__rshift__(4);
    const at::Tensor low = packed.bitwise_and(15);
    const at::Tensor codes = at::stack({high, low}, 1).reshape({-1}).narrow(0, 0, n).to(at::kLong);
    const at::Tensor scales = block_absmax().repeat_interleave(blocksize).narrow(0, 0, n);
    values = code.index_select(0, codes).mul(scales);
  }
  return values.to(value_dtype).to(dtype).reshape({out_features, in_features});
}

QuantizedWeight QuantizedWeight::to(const c10::Device& target) const {
  QuantizedWeight moved = *this;
  for (at::Tensor* tensor : {&moved.packed, &moved.absmax, &moved.code, &moved.nested_absmax, &moved.nested_code})
    if (tensor->defined()) *tensor = tensor->to(target);
  return moved;
}

QuantizedWeight quantize_nf4(const at::Tensor& weight, bool double_quant, at::ScalarType value_dtype,
                             const c10::Device& device) {
  QuantizedWeight result = new_quantized_weight(weight, QuantFormat::NF4, value_dtype);
  const at::Tensor values = cpu_float_copy(weight);
  result.blocksize = 64;
  const int64_t n = result.numel(), blocks = result.blocks(), block = result.blocksize;
  at::Tensor absmax = at::empty({blocks}, at::kFloat);
  at::Tensor packed = at::zeros({(n + 1) / 2}, at::kByte);
  const float* in = values.data_ptr<float>();
  float* absmax_out = absmax.data_ptr<float>();
  uint8_t* out = packed.data_ptr<uint8_t>();
  at::parallel_for(0, blocks, 64, [&](int64_t first, int64_t last) {
    for (int64_t b = first; b < last; ++b) {
      const int64_t begin = b * block, end = std::min(n, begin + block);
      absmax_out[b] = absmax_of(in, begin, end);
      const float inverse = 1.0f / absmax_out[b];
      // The kernel loads a partial block padded with zeros: an odd last value pairs with the
      // code of 0 · (1/absmax).
      for (int64_t i = begin; i < end; i += 2) {
        const uint8_t high = nf4_code_of(in[i] * inverse);
        const uint8_t low = nf4_code_of((i + 1 < n ? in[i + 1] : 0.0f) * inverse);
        out[i / 2] = static_cast<uint8_t>(high << 4 | low);
      }
    }
  });
  result.code = at::from_blob(const_cast<float*>(nf4_code_book().data()), {16}, at::kFloat).clone();
  if (!double_quant) {
    result.absmax = absmax;
  } else {
    result.nested = true;
    result.nested_blocksize = 256;
    // bitsandbytes: offset = absmax.mean() (fp32), then quantize_blockwise(absmax - offset, blocksize=256).
    const at::Tensor offset = absmax.mean();
    result.nested_offset = offset.item<float>();
    const at::Tensor centred = absmax.sub(offset).contiguous();
    const int64_t nested_blocks = (blocks + 255) / 256;
    at::Tensor nested_absmax = at::empty({nested_blocks}, at::kFloat);
    at::Tensor codes = at::empty({blocks}, at::kByte);
    const float* c = centred.data_ptr<float>();
    const float* map = dynamic_map_8bit().data();
    float* nested_out = nested_absmax.data_ptr<float>();
    uint8_t* code_out = codes.data_ptr<uint8_t>();
    for (int64_t b = 0; b < nested_blocks; ++b) {
      const int64_t begin = b * 256, end = std::min(blocks, begin + 256);
      nested_out[b] = absmax_of(c, begin, end);
      const float inverse = 1.0f / nested_out[b];
      for (int64_t i = begin; i < end; ++i) code_out[i] = dynamic_code_of(map, c[i] * inverse);
    }
    result.absmax = codes;
    result.nested_absmax = nested_absmax;
    result.nested_code = at::from_blob(const_cast<float*>(map), {256}, at::kFloat).clone();
  }
  result.packed = packed;
  return device.is_cpu() ? result : result.to(device);
}

QuantizedWeight quantize_int8(const at::Tensor& weight, at::ScalarType value_dtype, const c10::Device& device) {
  QuantizedWeight result = new_quantized_weight(weight, QuantFormat::Int8, value_dtype);
  const at::Tensor values = cpu_float_copy(weight);
  const int64_t rows = result.out_features, cols = result.in_features;
  at::Tensor scales = at::empty({rows}, at::kFloat);
  at::Tensor packed = at::empty({rows, cols}, at::kChar);
  const float* in = values.data_ptr<float>();
  float* scale_out = scales.data_ptr<float>();
  int8_t* out = packed.data_ptr<int8_t>();
  at::parallel_for(0, rows, 16, [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r) {
      const float* row = in + r * cols;
      const float scale = absmax_of(row, 0, cols) / 127.0f;
      scale_out[r] = scale;
      for (int64_t c = 0; c < cols; ++c) {
        // fp32 division, rounded half to even as torch.round; an all-zero row keeps codes 0
        const float q = scale > 0 ? std::nearbyint(row[c] / scale) : 0.0f;
        out[r * cols + c] = static_cast<int8_t>(std::max(-127.0f, std::min(127.0f, q)));
      }
    }
  });
  result.packed = packed;
  result.absmax = scales;
  return device.is_cpu() ? result : result.to(device);
}

void dequantize_rows(const QuantizedWeight& weight, int64_t row0, int64_t rows, at::Tensor& tile) {
  const int64_t cols = weight.in_features;
  const bool to_bf16 = tile.scalar_type() == at::kBFloat16;
  float* tile_f32 = to_bf16 ? nullptr : tile.data_ptr<float>();
  uint16_t* tile_bf16 = to_bf16 ? reinterpret_cast<uint16_t*>(tile.data_ptr<at::BFloat16>()) : nullptr;
  const at::ScalarType value_dtype = weight.value_dtype;
  // Each value rounds to the model's dtype, then is written in the tile's dtype (exact when both
  // are bf16).
  auto tile_value = [&](float value) {
    const float rounded = round_to(value_dtype, value);
    return to_bf16 && value_dtype != at::kBFloat16 ? round_to_bf16(rounded) : rounded;
  };
  const int64_t first = row0 * cols, count = rows * cols;
  if (count == 0) return;

  if (weight.format == QuantFormat::Int8) {
    const int8_t* codes = weight.packed.data_ptr<int8_t>() + first;
    const float* scales = weight.absmax.data_ptr<float>() + row0;
    // fp32 and bf16 models: one product per value, then at most one bf16 rounding (a bf16 tile of
    // an fp32 model rounds once too), which the kernels do; fp16 models round here.
    const bool kernel_rounding = value_dtype == at::kFloat || value_dtype == at::kBFloat16;
    at::parallel_for(0, rows, 8, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const float scale = scales[r];
        const int8_t* row = codes + r * cols;
        if (!kernel_rounding) {
          for (int64_t c = 0; c < cols; ++c) {
            const float value = tile_value(static_cast<float>(row[c]) * scale);
            if (to_bf16)
              tile_bf16[r * cols + c] = bf16_bits(value);
            else
              tile_f32[r * cols + c] = value;
          }
        } else if (to_bf16) {
          dequantize_kernels::int8_scaled_bf16(row, cols, scale, tile_bf16 + r * cols);
        } else {
          dequantize_kernels::int8_scaled_f32(row, cols, scale, value_dtype == at::kBFloat16, tile_f32 + r * cols);
        }
      }
    });
    return;
  }

  const uint8_t* packed = weight.packed.data_ptr<uint8_t>();
  float book[16];
  std::memcpy(book, weight.code.data_ptr<float>(), sizeof(book));
  const int64_t block = weight.blocksize;
  const bool nested = weight.nested;
  const float* absmax = nested ? nullptr : weight.absmax.data_ptr<float>();
  const uint8_t* absmax_codes = nested ? weight.absmax.data_ptr<uint8_t>() : nullptr;
  const float* nested_absmax = nested ? weight.nested_absmax.data_ptr<float>() : nullptr;
  const float* nested_code = nested ? weight.nested_code.data_ptr<float>() : nullptr;
  const int64_t nested_block = weight.nested_blocksize;
  const float offset = weight.nested_offset;
  auto scale_of = [&](int64_t b) {
    if (!nested) return absmax[b];
    return nested_code[absmax_codes[b]] * nested_absmax[b / nested_block] + offset;
  };
  const int64_t first_block = first / block, last_block = (first + count - 1) / block;
  at::parallel_for(first_block, last_block + 1, 16, [&](int64_t begin_block, int64_t end_block) {
    // A block's 16 possible values, each computed once (code · scale, rounded as the tile stores
    // it), then looked up per code.
    float table[16];
    uint16_t table_bf16[16];
    for (int64_t b = begin_block; b < end_block; ++b) {
      const float scale = scale_of(b);
      for (int k = 0; k < 16; ++k) {
        table[k] = tile_value(book[k] * scale);
        table_bf16[k] = bf16_bits(table[k]);
      }
      auto store = [&](int64_t index, uint8_t code) {
        if (to_bf16)
          tile_bf16[index - first] = table_bf16[code];
        else
          tile_f32[index - first] = table[code];
      };
      const int64_t begin = std::max(first, b * block), end = std::min(first + count, (b + 1) * block);
      int64_t i = begin;
      if (i & 1) {  // starts on a low nibble
        store(i, packed[i >> 1] & 15);
        ++i;
      }
      const int64_t pairs = (end - i) / 2;
      if (to_bf16)
        dequantize_kernels::nf4_bytes_bf16(packed + (i >> 1), pairs, table_bf16, tile_bf16 + (i - first));
      else
        dequantize_kernels::nf4_bytes_f32(packed + (i >> 1), pairs, table, tile_f32 + (i - first));
      i += 2 * pairs;
      if (i < end) store(i, packed[i >> 1] >> 4);
    }
  });
}

}  // namespace lora
