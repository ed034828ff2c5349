// generation_config.json of a Hugging Face model: the sampling defaults chat starts from. What is
// accepted must be within the ranges the sampler takes (so chat never starts with a setting it refuses).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "error.h"
#include "generation.h"
#include "sampler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const lora::GenerationSettings settings = lora::parse_generation_config(text, "generation_config.json");
    try {
      lora::validate_sampling_settings(settings.sampling);
    } catch (const lora::Error&) {
      std::abort();  // accepted from the file, refused by the sampler
    }
    if (settings.max_new_tokens < 0) std::abort();
    for (const int32_t id : settings.eos_token_ids)
      if (id < 0) std::abort();
  } catch (const lora::Error&) {
  }
  return 0;
}
