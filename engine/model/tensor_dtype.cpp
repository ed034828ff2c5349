#include "tensor_dtype.h"

namespace lora {
namespace {

struct TypePair {
  DType dtype;
  c10::ScalarType scalar_type;
};

// In DType's order, so the list of names reads in that order.
constexpr TypePair kTypePairs[] = {
    {DType::BOOL, c10::kBool},  {DType::U8, c10::kByte},     {DType::I8, c10::kChar},
    {DType::I16, c10::kShort},  {DType::F16, c10::kHalf},    {DType::BF16, c10::kBFloat16},
    {DType::I32, c10::kInt},    {DType::F32, c10::kFloat},   {DType::F64, c10::kDouble},
    {DType::I64, c10::kLong},   {DType::C64, c10::kComplexFloat},
};

}  // namespace

bool to_scalar_type(DType dtype, c10::ScalarType* out) {
  for (const TypePair& pair : kTypePairs) {
    if (pair.dtype == dtype) {
      *out = pair.scalar_type;
      return true;
    }
  }
  return false;
}

bool from_scalar_type(c10::ScalarType type, DType* out) {
  for (const TypePair& pair : kTypePairs) {
    if (pair.scalar_type == type) {
      *out = pair.dtype;
      return true;
    }
  }
  return false;
}

std::string scalar_type_dtype_list() {
  std::string list;
  for (const TypePair& pair : kTypePairs) list += (list.empty() ? "" : ", ") + std::string(dtype_name(pair.dtype));
  return list;
}

std::string dtype_to_string(c10::ScalarType type) {
  DType dtype;
  if (from_scalar_type(type, &dtype) && is_floating_dtype(dtype)) return torch_dtype_name(dtype);
  return c10::toString(type);
}

std::string precision_short_name(c10::ScalarType type) {
  DType dtype;
  if (from_scalar_type(type, &dtype)) return precision_short_name(dtype);
  return c10::toString(type);
}

c10::ScalarType dtype_from_string(const std::string& name, const std::string& what) {
  c10::ScalarType type = c10::kFloat;
  to_scalar_type(precision_from_string(name, what), &type);
  return type;
}

}  // namespace lora
