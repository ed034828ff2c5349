#pragma once
// bitsandbytes 4-bit weights as transformers saves them (a *-bnb-4bit model folder: config.json's
// quantization_config with load_in_4bit). Each quantized linear weight "<module>.weight" is stored
// as bitsandbytes' Linear4bit._save_to_state_dict writes it (QuantState.as_dict(packed=True)):
//   <module>.weight                                   uint8 [(n + 1) / 2, 1], two NF4 codes a byte
//   <module>.weight.absmax                            fp32 [blocks], or uint8 codes with double quant
//   <module>.weight.quant_map                         fp32 [16], the NF4 code book
//   <module>.weight.nested_absmax / .nested_quant_map fp32, double quantization only
//   <module>.weight.quant_state.bitsandbytes__nf4     uint8 bytes of JSON: quant_type, blocksize,
//                                                     dtype, shape, and nested_blocksize,
//                                                     nested_dtype, nested_offset with double quant
// Checkpoint (checkpoint.h) reads these and shows the weight as the dense tensor it stands for.
#include <ATen/core/Tensor.h>

#include <functional>
#include <string>
#include <vector>

#include "quantized_weight.h"
#include "safetensors.h"

namespace lora {

// The quant-state entry's suffix and the companions a quantized "<module>.weight" has.
extern const char* const kBnbNf4StateSuffix;   // ".quant_state.bitsandbytes__nf4"
extern const char* const kBnbFp4StateSuffix;   // ".quant_state.bitsandbytes__fp4" (refused)
std::vector<std::string> bnb_companion_names(const std::string& weight_name, bool nested);

// What the JSON entry says about one weight.
struct BnbQuantState {
  std::string weight_name;
  std::vector<int64_t> shape;  // the dense weight's [out, in]
  DType dtype = DType::BF16;   // the dense weight's dtype
  int64_t blocksize = 64;
  bool nested = false;
  int64_t nested_blocksize = 256;
  double nested_offset = 0;
};

// Parses the quant_state JSON bytes of `weight_name` (source: the file, for messages).
// Throws lora::Error naming the file, the tensor and the field for anything bitsandbytes' from_dict
// would not read as NF4 of a 2-D weight.
BnbQuantState parse_bnb_quant_state(const std::string& source, const std::string& weight_name,
                                    const at::Tensor& json_bytes);

// The weight's parts read through `tensor(name)` (CPU tensors in the file's dtypes), checked
// against the state (dtypes and shapes), as a CPU QuantizedWeight.
QuantizedWeight read_bnb_nf4(const std::string& source, const BnbQuantState& state,
                             const std::function<at::Tensor(const std::string&)>& tensor);

}  // namespace lora
