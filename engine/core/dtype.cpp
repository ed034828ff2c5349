#include "dtype.h"

#include "core_messages.h"
#include "error.h"

namespace lora {
namespace {

struct DTypeEntry {
  DType dtype;
  const char* name;
  size_t size;
};

// In the enum's order, so lists built from it read in that order.
constexpr DTypeEntry kDTypes[] = {
    {DType::BOOL, "BOOL", 1},       {DType::U8, "U8", 1},
    {DType::I8, "I8", 1},           {DType::I16, "I16", 2},
    {DType::U16, "U16", 2},         {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},       {DType::I32, "I32", 4},
    {DType::U32, "U32", 4},         {DType::F32, "F32", 4},
    {DType::F64, "F64", 8},         {DType::I64, "I64", 8},
    {DType::U64, "U64", 8},         {DType::F8_E4M3, "F8_E4M3", 1},
    {DType::F8_E5M2, "F8_E5M2", 1}, {DType::F8_E8M0, "F8_E8M0", 1},
    {DType::F8_E4M3FNUZ, "F8_E4M3FNUZ", 1}, {DType::F8_E5M2FNUZ, "F8_E5M2FNUZ", 1},
    {DType::C64, "C64", 8},
};

const DTypeEntry& entry_for(DType dtype) {
  for (const DTypeEntry& entry : kDTypes)
    if (entry.dtype == dtype) return entry;
  throw Error(msg::Core::unlisted_dtype, static_cast<int>(dtype));
}

}  // namespace

const char* dtype_name(DType dtype) { return entry_for(dtype).name; }

size_t dtype_size(DType dtype) { return entry_for(dtype).size; }

bool parse_dtype(const std::string& name, DType* out) {
  for (const DTypeEntry& entry : kDTypes) {
    if (name == entry.name) {
      *out = entry.dtype;
      return true;
    }
  }
  return false;
}

std::string dtype_name_list() {
  std::string list;
  for (const DTypeEntry& entry : kDTypes) list += (list.empty() ? "" : ", ") + std::string(entry.name);
  return list;
}

bool is_floating_dtype(DType dtype) {
  return dtype == DType::F32 || dtype == DType::BF16 || dtype == DType::F16 || dtype == DType::F64;
}

std::string torch_dtype_name(DType dtype) {
  switch (dtype) {
    case DType::F32: return "float32";
    case DType::BF16: return "bfloat16";
    case DType::F16: return "float16";
    case DType::F64: return "float64";
    default: return dtype_name(dtype);
  }
}

bool parse_precision(const std::string& name, DType* out) {
  if (name == "float32" || name == "fp32" || name == "float") *out = DType::F32;
  else if (name == "bfloat16" || name == "bf16") *out = DType::BF16;
  else if (name == "float16" || name == "fp16" || name == "half") *out = DType::F16;
  else return false;
  return true;
}

DType precision_from_string(const std::string& name, const MessageArg& what) {
  DType dtype;
  if (!parse_precision(name, &dtype)) throw Error(msg::Core::unknown_precision, what, name);
  return dtype;
}

bool is_precision_name(const std::string& name) {
  DType dtype;
  return parse_precision(name, &dtype) && torch_dtype_name(dtype) == name;
}

const char* stored_precision_name(DType dtype) {
  switch (dtype) {
    case DType::BF16: return "bfloat16";
    case DType::F16: return "float16";
    default: return "float32";
  }
}

const char* precision_short_name(DType dtype) {
  switch (dtype) {
    case DType::F32: return "fp32";
    case DType::BF16: return "bf16";
    case DType::F16: return "fp16";
    case DType::F64: return "fp64";
    default: return dtype_name(dtype);
  }
}

}  // namespace lora
