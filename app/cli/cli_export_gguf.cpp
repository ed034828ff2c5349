// `lora-studio-cli export-gguf`: a model (with an adapter merged in) as one GGUF file for llama.cpp,
// Ollama and LM Studio.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli_command.h"
#include "cli_export_gguf_lora.h"
#include "error.h"
#include "gguf_model_export.h"

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(Writes a complete model GGUF file (the format llama.cpp, Ollama and LM Studio run), laid out as
llama.cpp's convert_hf_to_gguf.py lays it out: architecture and hyperparameters, tensor names,
tokenizer (tokens, merges, special tokens, the pre-tokenizer llama.cpp expects) and the chat
template. With --adapter the LoRA adapter is merged into the weights first (in float32, as merge
does), and the chat template it was trained with is the one written.

Types (--type):
  f32      every tensor float32 (largest; bit-exact to the float32 source)
  f16      2-D weights float16, norms and 1-D tensors float32 (the default)
  bf16     2-D weights bfloat16 (the default when the source is bfloat16)
  q8_0     8-bit blocks of 32 (ggml's Q8_0), as the converter writes it
  q4_0     4-bit blocks of 32, output head Q6_K: llama-quantize's Q4_0 mixture
  q4_k_m   4-bit K-quants, some attn_v / ffn_down layers and the output head Q6_K: llama-quantize's Q4_K_M
Norms and 1-D tensors always stay float32; a tensor whose rows do not fit a type's blocks falls back
as llama.cpp does (Q4_K -> Q5_0, Q6_K -> Q8_0, then F16).

The export streams tensor by tensor (memory for one tensor, not the model) into a temporary file
that is renamed to FILE.gguf at the end: a failure leaves nothing under that name.
Supported: Llama, Mistral, Qwen2, Qwen3, Gemma 3, Phi-3, with a tokenizer.json byte-level BPE tokenizer
(Llama 3, Qwen, ...) or a sentencepiece tokenizer.model (Llama 2, Mistral v0.1, ...).

Prints a JSON summary on stdout (output, architecture, type, tensors, file_size, merged_modules,
tokenizer_pre, notes) and the notes on stderr.

Options:
  --model DIR                 the model folder (or give it as the first argument)
  --adapter DIR               a PEFT LoRA adapter folder to merge in first
  --output FILE.gguf          the file to write (required)
  --type f32|f16|bf16|q8_0|q4_0|q4_k_m
                              tensor encoding (default f16, bf16 for a bfloat16 model)
  --lora-only                 write the adapter alone as a LoRA adapter GGUF (below)

)";

int run_export_gguf(const Args& args) {
  if (args.has("lora-only")) return run_export_gguf_lora(args);
  args.check_known({"model", "adapter", "output", "type"});
  lora::gguf::ModelExportOptions options;
  options.model_dir = args.model_dir(0);
  if (args.positional().size() > 1) throw cli::UsageError("unexpected argument '" + args.positional()[1] + "'");
  options.adapter_dir = args.get("adapter");
  options.output_path = args.require("output");
  if (args.has("type")) options.type = lora::gguf::parse_export_type(args.get("type"), "--type");

  const bool tty = isatty(fileno(stderr));
  if (tty)
    options.progress = [](std::uint64_t done, std::uint64_t total, const std::string&) {
      std::cerr << "\r\033[Kexporting: " << (total ? done * 100 / total : 100) << "%" << std::flush;
    };
  const lora::gguf::ModelExportResult result = lora::gguf::export_model_gguf(options);
  if (tty) std::cerr << "\r\033[K";
  std::cerr << "wrote " << result.output_path << " (" << result.architecture << ", " << result.type << ", "
            << result.tensors << " tensors, " << result.file_size << " bytes)\n";
  for (const lora::Message& note : result.notes) std::cerr << "info: " << note.english() << "\n";
  std::cout << lora::gguf::model_export_result_to_json(result) << std::endl;
  return 0;
}

const CliCommandRegistration registration({
    "export-gguf",
    "export-gguf --model DIR [--adapter DIR [--lora-only]] --output FILE.gguf [--type f32|f16|bf16|q8_0|q4_0|q4_k_m]",
    std::string(kHelp) + kExportGgufLoraHelp,
    {"lora-only"},
    run_export_gguf,
});

}  // namespace
}  // namespace cli
