// training_parameters.json (saved beside every adapter, read back by --config, "copy parameters
// from", resume) and the window's presets, which are the same file. An accepted file is validated;
// one that validates must survive its own round trip unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "error.h"
#include "training_settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  lora::TrainingSettings settings;
  try {
    settings = lora::training_settings_from_json(text, "training_parameters.json");
    settings.validate();
  } catch (const lora::Error&) {
    return 0;
  }
  const lora::TrainingSettings again =
      lora::training_settings_from_json(lora::training_settings_to_json(settings), "written training_parameters.json");
  if (again.rank != settings.rank || again.seed != settings.seed || again.batch_size != settings.batch_size ||
      again.target_modules != settings.target_modules || again.learning_rate != settings.learning_rate ||
      again.threads != settings.threads)
    std::abort();
  return 0;
}
