#pragma once
// GGUF tensor encodings and the choice of encoding per tensor.
//
// Encodings are ggml's, bit for bit (ggml-common.h block layouts, ggml-quants.c reference
// quantizers, which are what llama-quantize uses without an importance matrix):
//   F32, F16 (round to nearest even), BF16 (round to nearest even, as gguf-py), Q8_0 (32-element
//   blocks: fp16 scale + 32 int8), Q4_0 (fp16 scale + 16 bytes of nibbles), Q5_0 (Q4_0 plus a
//   32-bit word of fifth bits; the fallback for Q4_K rows that are no multiple of 256), Q4_K and Q6_K
//   (256-element super-blocks with 6-bit / 8-bit sub-block scales).
//
// The choice per tensor follows llama.cpp: convert_hf_to_gguf.py for f32/f16/bf16/q8_0 (1-D tensors
// and norms F32; a row that is not a multiple of the block size falls back to F16), llama-quantize's
// llama_tensor_get_type for q4_0 and q4_k_m (output / tied embedding Q6_K, attn_v / attn_qkv and
// ffn_down Q6_K in the "use_more_bits" layers for q4_k_m, K-quants falling back to Q5_0/Q8_0/F16).
#include <cstdint>
#include <string>
#include <vector>

#include "gguf_writer.h"

namespace lora::gguf {

// What the user asks for (--type).
enum class ExportType { f32, f16, bf16, q8_0, q4_0, q4_k_m };

// "f32" | "f16" | "bf16" | "q8_0" | "q4_0" | "q4_k_m" (case-insensitive); throws lora::Error naming
// `option` and listing the choices.
ExportType parse_export_type(const std::string& text, const std::string& option);
std::string export_type_name(ExportType type);
// general.file_type (llama_ftype): ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q4_0 2, MOSTLY_Q8_0 7,
// MOSTLY_Q4_K_M 15, MOSTLY_BF16 32.
std::uint32_t file_type_number(ExportType type);

// One tensor as the type chooser sees it.
struct TensorPlacement {
  std::string name;                    // GGUF name, "blk.3.attn_v.weight"
  std::vector<std::int64_t> torch_shape;
  int layer = -1;                      // blk.N, -1 outside the blocks
  int layer_count = 0;                 // block_count
  int attn_v_index = 0;                // among attn_v / attn_qkv tensors, in layer order
  int attn_v_count = 0;
  bool model_has_output = true;        // false: the embedding doubles as the output (tied)
};
TensorType choose_tensor_type(ExportType type, const TensorPlacement& tensor);
// True for 1-D tensors, norms and anything not named *.weight: always F32.
bool stays_f32(const TensorPlacement& tensor);

// Encodes `rows` rows of `row_length` floats in `type` and appends them to `out`.
// row_length must be a multiple of the type's block size.
void encode_rows(TensorType type, const float* data, std::int64_t rows, std::int64_t row_length,
                 std::string& out);

// Decodes (for tests and for reading GGUF back): appends rows × row_length floats.
void decode_rows(TensorType type, const std::uint8_t* data, std::int64_t rows, std::int64_t row_length,
                 std::vector<float>& out);

// IEEE half and bfloat16 conversions with round-to-nearest-even (what ggml and gguf-py do).
std::uint16_t float_to_half(float value);
float half_to_float(std::uint16_t bits);
std::uint16_t float_to_bfloat16(float value);

}  // namespace lora::gguf
