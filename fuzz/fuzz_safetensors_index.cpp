// model.safetensors.index.json: the weight_map from tensor names to shard files, resolved against a
// model folder holding two real shards. Shard names from a stranger's index must never leave the
// folder, and every tensor it lists must be found where it says.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "checkpoint.h"
#include "error.h"
#include "fuzz_support.h"
#include "safetensors.h"

namespace {

std::string make_model_folder() {
  const std::string dir = fuzz::scratch_dir() + "/model";
  std::filesystem::create_directories(dir);
  const float values[6] = {1, 2, 3, 4, 5, 6};
  lora::write_safetensors(dir + "/model-00001-of-00002.safetensors",
                          {{"model.embed_tokens.weight", lora::DType::F32, {2, 2}, values, 16},
                           {"model.norm.weight", lora::DType::F32, {2}, values + 4, 8}});
  lora::write_safetensors(dir + "/model-00002-of-00002.safetensors",
                          {{"lm_head.weight", lora::DType::F32, {1, 2}, values, 8}});
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = make_model_folder();
  fuzz::write_scratch_file("model/model.safetensors.index.json", data, size);
  try {
    const lora::Checkpoint checkpoint = lora::Checkpoint::open(dir);
    for (const auto& name : checkpoint.names()) {
      const lora::TensorInfo& info = checkpoint.info(name);
      const at::Tensor tensor = checkpoint.tensor(name);
      if (static_cast<uint64_t>(tensor.numel()) != static_cast<uint64_t>(info.numel())) std::abort();
    }
  } catch (const lora::Error&) {
  }
  return 0;
}
