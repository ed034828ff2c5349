// training_prompt.json of an adapter: the prompt it was trained with, which chat and the merge use.
#include <cstdint>
#include <string>

#include "error.h"
#include "training_prompt_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const lora::TrainingPromptFile file = lora::parse_training_prompt(text, "training_prompt.json");
    (void)file.trained_chat_template();
  } catch (const lora::Error&) {
  }
  return 0;
}
