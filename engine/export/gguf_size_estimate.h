#pragma once
// The size a GGUF export will have, before writing it: the Export page shows it next to the type.
// Plans the file as export_model_gguf / export_lora_gguf do (the same tensors, names and per-tensor
// types from gguf_quantize's mixture, the tokenizer metadata written into a scratch table), without
// reading any weights, so it takes about as long as loading the tokenizer.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "gguf_quantize.h"

namespace lora::gguf {

struct GgufSizeEstimate {
  ExportType type = ExportType::f16;  // the type estimated (the default resolved)
  std::uint64_t file_size = 0;        // bytes
  std::uint64_t tensor_bytes = 0;     // of which tensor data
  std::int64_t tensors = 0;
  std::map<std::string, std::int64_t> tensors_by_type;  // ggml's names: "Q4_K" -> count
};

// The type `export-gguf` picks without --type: bf16 when the model's embedding is stored in bf16,
// else f16. Throws lora::Error naming the folder when it holds no model.
ExportType default_gguf_type(const std::string& model_dir);

// A complete model GGUF (the adapter merged in when adapter_dir is not ""). Throws lora::Error as the
// export would for a model or tokenizer it cannot convert.
GgufSizeEstimate estimate_model_gguf_size(const std::string& model_dir, const std::string& adapter_dir,
                                          std::optional<ExportType> type);

// The adapter alone as a llama.cpp LoRA GGUF ("f32" or "f16" factors).
GgufSizeEstimate estimate_lora_gguf_size(const std::string& adapter_dir, const std::string& type);

}  // namespace lora::gguf
