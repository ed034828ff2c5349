#include "bnb_checkpoint.h"

#include <ATen/ATen.h>

#include <nlohmann/json.hpp>

#include "dtype.h"
#include "error.h"
#include "json_reader.h"
#include "model_messages.h"
#include "shape_text.h"
#include "tensor_dtype.h"

namespace lora {

namespace {

[[noreturn]] void bad_field(const std::string& source, const std::string& weight, const std::string& field,
                            const std::string& expected, const std::string& found) {
  throw Error(msg::Model::bnb_quant_state_field, source, weight,
              Message(msg::Model::bnb_expected_value, field, expected, found));
}

// A dense dtype as bitsandbytes writes it (str(torch.bfloat16).strip("torch.")).
DType float_dtype(const std::string& source, const std::string& weight, const std::string& field,
                  const std::string& name) {
  DType dtype;
  if (parse_precision(name, &dtype) && torch_dtype_name(dtype) == name) return dtype;  // only the exact spelling
  bad_field(source, weight, field, "bfloat16, float16 or float32", "\"" + name + "\"");
}

}  // namespace

const char* const kBnbNf4StateSuffix = ".quant_state.bitsandbytes__nf4";
const char* const kBnbFp4StateSuffix = ".quant_state.bitsandbytes__fp4";

std::vector<std::string> bnb_companion_names(const std::string& weight_name, bool nested) {
  std::vector<std::string> names = {weight_name + ".absmax", weight_name + ".quant_map",
                                    weight_name + kBnbNf4StateSuffix};
  if (nested) {
    names.push_back(weight_name + ".nested_absmax");
    names.push_back(weight_name + ".nested_quant_map");
  }
  return names;
}

BnbQuantState parse_bnb_quant_state(const std::string& source, const std::string& weight_name,
                                    const at::Tensor& json_bytes) {
  const std::string where = source + ": " + weight_name + kBnbNf4StateSuffix;
  const at::Tensor bytes = json_bytes.to(at::kByte).contiguous().reshape({-1});
  const std::string text(reinterpret_cast<const char*>(bytes.data_ptr<uint8_t>()), bytes.numel());
  const nlohmann::json state = parse_json_object_text(text, where);
  const JsonPath at(where);
  BnbQuantState result;
  result.weight_name = weight_name;
  const std::string quant_type = require_string(state, "quant_type", at / "quant_type");
  if (quant_type != "nf4") bad_field(source, weight_name, "quant_type", "\"nf4\"", "\"" + quant_type + "\"");
  result.blocksize = require_int(state, "blocksize", at / "blocksize", 2, 1 << 20);
  if (result.blocksize % 2 != 0) bad_field(source, weight_name, "blocksize", "even", std::to_string(result.blocksize));
  result.dtype = float_dtype(source, weight_name, "dtype", require_string(state, "dtype", at / "dtype"));
  const nlohmann::json& shape = require_field(state, "shape", at / "shape");
  if (!shape.is_array() || shape.size() != 2)
    bad_field(source, weight_name, "shape", "[out, in]", shape.dump());
  for (size_t i = 0; i < 2; ++i) result.shape.push_back(json_to_int(shape[i], (at / "shape")[i], 1));
  result.nested = state.contains("nested_absmax") || state.contains("nested_blocksize") ||
                  state.contains("nested_offset");
  if (result.nested) {
    result.nested_blocksize = require_int(state, "nested_blocksize", at / "nested_blocksize", 1, 1 << 20);
    float_dtype(source, weight_name, "nested_dtype", require_string(state, "nested_dtype", at / "nested_dtype"));
    result.nested_offset = require_number(state, "nested_offset", at / "nested_offset");
  }
  return result;
}

QuantizedWeight read_bnb_nf4(const std::string& source, const BnbQuantState& state,
                             const std::function<at::Tensor(const std::string&)>& tensor) {
  auto part = [&](const std::string& suffix, at::ScalarType dtype, int64_t numel, const std::string& expected) {
    const std::string name = state.weight_name + suffix;
    at::Tensor value;
    try {
      value = tensor(name);
    } catch (const Error&) {
      throw Error(msg::Model::bnb_part_missing, source, state.weight_name, name, expected);
    }
    if (value.scalar_type() != dtype || value.numel() != numel)
      throw Error(msg::Model::bnb_part_layout, source, name, dtype_to_string(value.scalar_type()),
                  shape_text(value.sizes().vec()), dtype_to_string(dtype), "[" + std::to_string(numel) + "]");
    return value.reshape({numel}).contiguous();
  };
  QuantizedWeight weight;
  weight.format = QuantFormat::NF4;
  weight.out_features = state.shape[0];
  weight.in_features = state.shape[1];
  at::ScalarType value_dtype;
  to_scalar_type(state.dtype, &value_dtype);
  weight.value_dtype = value_dtype;
  weight.blocksize = state.blocksize;
  const int64_t n = weight.numel(), blocks = weight.blocks();
  weight.packed = part("", at::kByte, (n + 1) / 2, "uint8 [(n + 1) / 2, 1]");
  weight.code = part(".quant_map", at::kFloat, 16, "float32 [16]");
  weight.nested = state.nested;
  if (!state.nested) {
    weight.absmax = part(".absmax", at::kFloat, blocks, "float32 [blocks]");
  } else {
    weight.absmax = part(".absmax", at::kByte, blocks, "uint8 [blocks]");
    weight.nested_blocksize = state.nested_blocksize;
    weight.nested_absmax = part(".nested_absmax", at::kFloat, (blocks + state.nested_blocksize - 1) / state.nested_blocksize,
                                "float32 [nested blocks]");
    weight.nested_code = part(".nested_quant_map", at::kFloat, 256, "float32 [256]");
    weight.nested_offset = static_cast<float>(state.nested_offset);
  }
  return weight;
}

}  // namespace lora
