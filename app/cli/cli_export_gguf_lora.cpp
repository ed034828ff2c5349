// `lora-studio-cli export-gguf --lora-only`: a PEFT adapter as a llama.cpp LoRA adapter GGUF.
#include "cli_export_gguf_lora.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "error.h"
#include "gguf_lora_export.h"

namespace cli {

const std::vector<std::string> kExportGgufLoraOptions = {"model", "adapter", "output", "type", "lora-only"};

const char* const kExportGgufLoraHelp =
    R"(With --lora-only, writes the adapter alone as a llama.cpp LoRA adapter GGUF (general.type "adapter"),
which llama.cpp applies on top of the base model's GGUF (llama-cli -m base.gguf --lora adapter.gguf,
LM Studio, node-llama-cpp). Tensors blk.N.attn_q.weight.lora_a / .lora_b as llama.cpp's
convert_lora_to_gguf.py names them, stored F32 (or F16 with --type f16). llama.cpp scales every
pair by adapter.lora.alpha / r: an rsLoRA adapter is written with alpha = lora_alpha * sqrt(r), and
modules with their own rank or alpha (rank_pattern, alpha_pattern) carry the difference in lora_b,
so the adapter computes exactly what it computes here. Refused: targets that are not linear layers,
and lm_head of a model with tied embeddings (export the merged model instead).

Prints a JSON summary on stdout (output, architecture, alpha, type, modules, rescaled_modules,
file_size, notes) and the notes on stderr.

Options with --lora-only:
  --model DIR                 the base model folder (or give it as the first argument)
  --adapter DIR               the PEFT LoRA adapter folder (required)
  --output FILE.gguf          the adapter GGUF to write (required)
  --type f32|f16              the stored type of the LoRA factors (default f32))";

int run_export_gguf_lora(const Args& args) {
  args.check_known(kExportGgufLoraOptions);
  lora::gguf::LoraExportOptions options;
  options.model_dir = args.model_dir(0);
  if (args.positional().size() > 1) throw cli::UsageError("unexpected argument '" + args.positional()[1] + "'");
  options.adapter_dir = args.require("adapter");
  options.output_path = args.require("output");
  options.type = args.get("type", "f32");

  const bool tty = isatty(fileno(stderr));
  lora::gguf::WriteCallbacks callbacks;
  if (tty)
    callbacks.progress = [](std::uint64_t done, std::uint64_t total, const std::string&) {
      std::cerr << "\r\033[Kwriting: " << done << "/" << total << " bytes" << std::flush;
    };
  const lora::gguf::LoraExportResult result = lora::gguf::export_lora_gguf(options, callbacks);
  if (tty) std::cerr << "\r\033[K";
  std::cerr << "wrote " << result.modules << " LoRA pairs of " << options.adapter_dir << " (" << result.architecture
            << ", " << result.type << ", " << result.file_size << " bytes) -> " << result.output_path << "\n";
  for (const lora::Message& note : result.notes) std::cerr << "info: " << note.english() << "\n";
  std::cout << lora::gguf::lora_export_result_to_json(result) << std::endl;
  return 0;
}

}  // namespace cli
