// `lora-studio-cli merge`: a LoRA adapter merged into its base model, written as a new Hugging Face model folder.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "adapter_merge.h"
#include "cli_command.h"
#include "error.h"

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(Merges a PEFT LoRA adapter into the base model's weights (W' = W + scaling * B * A, computed in
float32 and rounded once to the output dtype) and writes a complete Hugging Face model folder:
config.json (the base's; torch_dtype follows --dtype), generation_config.json, every tokenizer file,
and the weights as model.safetensors, or as model-00001-of-0000N.safetensors shards with
model.safetensors.index.json when they exceed the shard size (split as transformers' save_pretrained
splits them). The merge streams tensor by tensor: it needs memory for one tensor, not the model.

The result is written to a temporary folder and moved into place at the end: a failure leaves nothing.
An adapter that changes lm_head of a model with tied embeddings gives a merged model with its own
lm_head.weight and tie_word_embeddings false.

Prints a JSON summary on stdout (output_dir, files, tensors, merged_modules, num_parameters,
total_size, shards, dtype, untied_lm_head, notes) and the notes on stderr.

Options:
  --model DIR                 the base model folder (or give it as the first argument)
  --adapter DIR               the PEFT LoRA adapter folder (required)
  --output DIR                the new model folder (required; must not hold a model unless --force)
  --dtype auto|float32|bfloat16|float16
                              stored dtype of the merged weights (default auto: the base's)
  --max-shard-size SIZE       largest shard, e.g. 5GB, 500MB, 2GiB (default 5GB, as transformers)
  --force                     replace the model files of an output folder that already holds a model)";

int run_merge(const Args& args) {
  args.check_known({"model", "adapter", "output", "dtype", "max-shard-size", "force"});
  lora::MergeOptions options;
  options.model_dir = args.model_dir(0);
  if (args.positional().size() > 1) throw cli::UsageError("unexpected argument '" + args.positional()[1] + "'");
  options.adapter_dir = args.require("adapter");
  options.output_dir = args.require("output");
  options.dtype = args.get("dtype", "auto");
  if (args.has("max-shard-size")) options.max_shard_bytes = lora::parse_size_bytes(args.get("max-shard-size"), "--max-shard-size");
  options.force = args.has("force");

  const bool tty = isatty(fileno(stderr));
  const lora::MergeResult result = lora::merge_adapter(options, [&](const lora::MergeProgress& progress) {
    if (tty && (progress.tensors_done % 16 == 0 || progress.tensors_done == progress.tensors_total))
      std::cerr << "\r\033[Kmerging: " << progress.tensors_done << "/" << progress.tensors_total << " tensors"
                << std::flush;
    return true;
  });
  if (tty) std::cerr << "\r\033[K";
  std::cerr << "merged " << result.merged_modules << " layers of " << options.adapter_dir << " into "
            << result.tensors << " tensors (" << result.dtype << ", " << result.shards
            << (result.shards == 1 ? " file" : " shards") << ", " << result.total_size << " bytes) -> "
            << result.output_dir << "\n";
  for (const lora::Message& note : result.notes) std::cerr << "info: " << note.english() << "\n";
  std::cout << lora::merge_result_to_json(result) << std::endl;
  return 0;
}

const CliCommandRegistration registration({
    "merge",
    "merge --model DIR --adapter DIR --output DIR [--dtype auto|float32|bfloat16|float16] [--max-shard-size 5GB] "
    "[--force]",
    kHelp,
    {"force"},
    run_merge,
});

}  // namespace
}  // namespace cli
