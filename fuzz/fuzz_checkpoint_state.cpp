// The files of a training checkpoint that resume reads besides the adapter: trainer_state.json,
// manifest.json and optimizer.safetensors (restored into an AdamW optimizer over two parameters).
#include <ATen/ATen.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "checkpoint.h"
#include "error.h"
#include "optimizer.h"
#include "safetensors.h"
#include "training_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const lora::TrainerState state = lora::parse_trainer_state(bytes, "trainer_state.json");
    if (state.step < 0 || state.optimizer_steps < 0 || state.total_steps < 0) std::abort();
  } catch (const lora::Error&) {
  }
  try {
    const lora::CheckpointManifest manifest = lora::parse_checkpoint_manifest(bytes, "manifest.json");
    for (const auto& entry : manifest.files)
      if (entry.file.find('/') != std::string::npos || entry.file == ".." || entry.sha256.size() != 64) std::abort();
  } catch (const lora::Error&) {
  }
  try {
    static lora::Optimizer optimizer(lora::OptimizerSettings{},
                                     {{"a", at::zeros({2, 3})}, {"b", at::zeros({4})}});
    const auto file = lora::SafetensorsFile::from_bytes(bytes, "optimizer.safetensors");
    std::map<std::string, at::Tensor> tensors;
    for (const auto& info : file->tensors()) tensors[info.name] = lora::tensor_from_safetensors(*file, info);
    optimizer.load_state(tensors, 1, "optimizer.safetensors");
  } catch (const lora::Error&) {
  }
  return 0;
}
