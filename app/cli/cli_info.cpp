// lora-studio-cli info: one JSON object describing a Hugging Face model folder.
#include <iostream>

#include "cli_command.h"
#include "gguf_model_import.h"
#include "model_info.h"

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(Prints one JSON object describing the model folder, read from config.json and the safetensors
headers (no weights are loaded):
  architecture, model_type, num_parameters, num_layers, hidden_size, vocab_size,
  dtype (of the stored weights), tokenizer ("tokenizer.json", "sentencepiece" or null),
  context_length (max_position_embeddings), size_bytes (of the safetensors files).

Options:
  --model DIR   the model folder or a .gguf file (or give it as the argument))";

int run_info(const Args& args) {
  args.check_known({"model"});
  const std::string model_dir = lora::gguf::resolve_model_path(args.model_dir(0));  // a .gguf file too
  std::cout << lora::model_info_to_json(lora::read_model_info(model_dir)) << std::endl;
  return 0;
}

const CliCommandRegistration registration({"info", "info MODEL_DIR", kHelp, {}, run_info});

}  // namespace
}  // namespace cli
