#pragma once
// Element types of stored tensors and every name they go by: the safetensors names ("BF16"),
// PyTorch's names as config.json's torch_dtype and the --dtype options spell them ("bfloat16"),
// and the short precision names of tables and device descriptions ("bf16"). Plain C++: the
// mapping to libtorch's ScalarType is in engine/model/tensor_dtype.h.
#include <cstddef>
#include <string>

#include "message.h"

namespace lora {

// Every whole-byte dtype of the safetensors reference implementation. (Its sub-byte F4/F6 types
// are refused by name when a file uses them.)
enum class DType {
  BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64, F8_E4M3, F8_E5M2,
  F8_E8M0, F8_E4M3FNUZ, F8_E5M2FNUZ, C64
};

const char* dtype_name(DType dtype);  // safetensors' name: "BF16"
bool parse_dtype(const std::string& name, DType* out);
size_t dtype_size(DType dtype);       // bytes per element
std::string dtype_name_list();        // "BOOL, U8, ..., C64": every known safetensors name

// F16, BF16, F32, F64: the types weights are computed and merged in.
bool is_floating_dtype(DType dtype);

// PyTorch's name: "float32" | "bfloat16" | "float16" | "float64"; other types keep the safetensors name.
std::string torch_dtype_name(DType dtype);
// A compute or storage precision as users write it: float32 (fp32, float), bfloat16 (bf16),
// float16 (fp16, half). The first returns false for anything else; the second throws
// lora::Error "<what>: unknown dtype '<name>' (expected float32, bfloat16 or float16)"; `what` is an
// option name ("--dtype") or a message ("compute dtype").
bool parse_precision(const std::string& name, DType* out);
DType precision_from_string(const std::string& name, const MessageArg& what);
// Exactly the canonical names, no aliases: "float32" | "bfloat16" | "float16", as config.json's
// torch_dtype, the training settings' precision (besides "auto") and the compute dtypes spell them.
bool is_precision_name(const std::string& name);
// The precision a checkpoint whose weights are stored as `dtype` counts as when the compute dtype
// is chosen: "bfloat16", "float16", and "float32" for every other type.
const char* stored_precision_name(DType dtype);
// "fp32" | "bf16" | "fp16" | "fp64" (other types: the safetensors name), for tables and descriptions.
const char* precision_short_name(DType dtype);

}  // namespace lora
