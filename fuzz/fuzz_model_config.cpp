// config.json of a Hugging Face model. An accepted config must also survive its own round trip:
// what we write for a merged model we must be able to read back, with the same shape.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "error.h"
#include "model_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  lora::ModelConfig config;
  try {
    config = lora::parse_model_config(text, "config.json");
  } catch (const lora::Error&) {
    return 0;
  }
  const lora::ModelConfig again = lora::parse_model_config(lora::model_config_to_json(config), "written config.json");
  if (again.hidden_size != config.hidden_size || again.num_hidden_layers != config.num_hidden_layers ||
      again.vocab_size != config.vocab_size || again.head_dim != config.head_dim ||
      again.num_key_value_heads != config.num_key_value_heads)
    std::abort();
  return 0;
}
