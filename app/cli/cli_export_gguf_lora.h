#pragma once
// `lora-studio-cli export-gguf --lora-only`: the adapter alone as a llama.cpp LoRA adapter GGUF.
// The export-gguf command calls run_export_gguf_lora when --lora-only is given.
#include "cli_command.h"

namespace cli {

// The options --lora-only accepts (all of export-gguf's that apply), for Args::check_known.
extern const std::vector<std::string> kExportGgufLoraOptions;
// The --lora-only paragraph of export-gguf's --help.
extern const char* const kExportGgufLoraHelp;

int run_export_gguf_lora(const Args& args);

}  // namespace cli
