#pragma once
// A frozen linear weight [out, in] stored quantized (QLoRA's base weights), and the arithmetic that
// turns it back into values:
//   NF4   bitsandbytes' 4-bit NormalFloat: the weight flattened row-major into blocks of
//         `blocksize` (64) values that run across row ends, the last one partial; each block
//         scaled by its absmax and every value coded as the nearest of the 16 NF4 levels, chosen
//         the way bitsandbytes' CUDA kernel chooses (its threshold tree, x·(1/absmax), strict >);
//         two codes per byte, the first in the high nibble (a last odd value pairs with the code
//         of 0). Double quantization (bitsandbytes' compress_statistics): the fp32 absmax values
//         minus their mean, quantized in blocks of 256 with bitsandbytes' dynamic 8-bit map.
//   Int8  our own: one fp32 scale per output row (row absmax / 127), values rounded to nearest.
// Dequantized values are rounded to `value_dtype` (the model's dtype: a bf16 model gives bf16
// values) before they reach any compute dtype, as bitsandbytes' dequantize writes the weight's
// own dtype.
#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <string>

namespace lora {

enum class QuantFormat { NF4, Int8 };

// "nf4" / "int8".
std::string quant_format_name(QuantFormat format);

// bitsandbytes' NF4 code book (functional.get_4bit_type("nf4")), code order.
const std::array<float, 16>& nf4_code_book();
// bitsandbytes' create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8): the sorted
// 256-entry map its double quantization codes the absmax values with.
const std::array<float, 256>& dynamic_map_8bit();

// The code bitsandbytes' kernels give one normalised value (x already multiplied by 1/absmax).
uint8_t nf4_code_of(float normalised);
// dQuantize<0>: the binary search over a sorted 256-entry map, ties as the kernel breaks them.
uint8_t dynamic_code_of(const float* map256, float normalised);

struct QuantizedWeight {
  QuantFormat format = QuantFormat::NF4;
  int64_t out_features = 0, in_features = 0;
  at::ScalarType value_dtype = at::kBFloat16;  // dequantized values round to this dtype

  // NF4: uint8 [(n + 1) / 2]; Int8: int8 [out, in].
  at::Tensor packed;
  // NF4 without double quantization: fp32 [blocks]; with it: uint8 [blocks] codes into
  // nested_code. Int8: the fp32 row scales [out].
  at::Tensor absmax;
  at::Tensor code;  // NF4: fp32 [16], the code book the codes index (a checkpoint's quant_map)
  int64_t blocksize = 64;

  bool nested = false;       // double quantization
  at::Tensor nested_absmax;  // fp32 [ceil(blocks / nested_blocksize)]
  at::Tensor nested_code;    // fp32 [256]
  float nested_offset = 0;
  int64_t nested_blocksize = 256;

  int64_t numel() const { return out_features * in_features; }
  int64_t blocks() const { return (numel() + blocksize - 1) / blocksize; }
  // Bytes the quantized storage takes (codes, scales, maps).
  int64_t storage_bytes() const;
  c10::Device device() const;

  // The absmax of every block as fp32 (double quantization undone), on the weight's device.
  at::Tensor block_absmax() const;
  // The whole weight as a dense [out, in] tensor in `dtype` on the weight's device, by ATen ops
  // (any device): values rounded to value_dtype first.
  at::Tensor dequantize(at::ScalarType dtype) const;
  // The same weight with its tensors on `device`.
  QuantizedWeight to(const c10::Device& device) const;
};

// Quantizes a 2-D floating weight (any device; the arithmetic runs on the CPU in fp32 of the
// weight's values) and puts the result on `device`. value_dtype: what dequantized values round to.
QuantizedWeight quantize_nf4(const at::Tensor& weight, bool double_quant, at::ScalarType value_dtype,
                             const c10::Device& device);
QuantizedWeight quantize_int8(const at::Tensor& weight, at::ScalarType value_dtype, const c10::Device& device);

// The rows [row0, row0 + rows) of a CPU weight dequantized into `tile` (a contiguous CPU tensor
// [rows, in] of fp32 or bf16): the tile kernel the CPU quantized linear feeds its matmuls from.
// The values equal dequantize()'s bit for bit; NF4 computes each block's 16 values once and looks
// codes up in them, int8 scales a row at a time (dequantize_kernels.h: AVX2 where the CPU has it).
void dequantize_rows(const QuantizedWeight& weight, int64_t row0, int64_t rows, at::Tensor& tile);

}  // namespace lora
