#pragma once
// The stored dtypes (engine/core/dtype.h) as libtorch's ScalarType, and the precision names
// ("float32" | "bfloat16" | "float16") as ScalarType. libtorch 1.13 has no unsigned 16/32/64-bit
// or fp8 type: those convert to nothing.
#include <c10/core/ScalarType.h>

#include <string>

#include "dtype.h"

namespace lora {

bool to_scalar_type(DType dtype, c10::ScalarType* out);  // false for a type libtorch cannot hold
bool from_scalar_type(c10::ScalarType type, DType* out);  // false for a type safetensors cannot name
std::string scalar_type_dtype_list();                     // "BOOL, U8, ...": the DTypes libtorch holds

// "float32" / "bfloat16" / "float16" <-> c10::ScalarType. parse throws lora::Error naming `what`.
std::string dtype_to_string(c10::ScalarType dtype);
c10::ScalarType dtype_from_string(const std::string& name, const std::string& what);
// "fp32" | "bf16" | "fp16" | "fp64" (precision_short_name of dtype.h), for tables and descriptions.
std::string precision_short_name(c10::ScalarType type);

}  // namespace lora
