// lora-studio-cli make-tiny: a tiny random checkpoint in the real Hugging Face layout.
#include <nlohmann/json.hpp>

#include <iostream>
#include <string>

#include "cli_command.h"
#include "error.h"
#include "tiny_model.h"

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(Writes a tiny random model folder: config.json, model.safetensors (or shards with
model.safetensors.index.json), generation_config.json and, with --tokenizer, the tokenizer files.
The same options and seed give the same files. Prints a JSON summary.

Options:
  --arch llama|qwen2|mistral|qwen3|gemma3_text|phi3   architecture (required)
  --tokenizer PATH               a tokenizer folder, tokenizer.json or tokenizer.model to copy; the
                                 vocabulary size follows it (default: no tokenizer, vocab 512)
  --dtype float32|bfloat16|float16   stored dtype (default float32)
  --tied                         tie the output head to the embeddings (no lm_head.weight)
  --shards N                     split the weights into N files with an index (default 1)
  --seed S                       random seed (default 0)
  --vocab-size N --hidden-size N (64) --intermediate-size N (128) --layers N (2) --heads N (4)
  --kv-heads N (2) --head-dim N (hidden/heads) --max-position-embeddings N (2048)
  --rope-theta F (llama/phi3 10000, the others 1000000)
  --rope-scaling linear|llama3 --rope-factor F (8) --rope-low-freq-factor F (1)
  --rope-high-freq-factor F (4) --rope-original-max-position-embeddings N (8192)
  --sliding-window N             the attention window: every layer of mistral, phi3 and qwen3 (default
                                 none); gemma3_text's sliding layers (default 4096)
  --partial-rotary-factor F      phi3: RoPE over this fraction of each head (default 1)
  --init-std F                   std of the random weights (default 0.02)
  --force                        replace a model already in MODEL_DIR)";

int run_make_tiny(const Args& args) {
  args.check_known({"arch", "tokenizer", "dtype", "tied", "shards", "seed", "vocab-size", "hidden-size",
                    "intermediate-size", "layers", "heads", "kv-heads", "head-dim", "max-position-embeddings",
                    "rope-theta", "rope-scaling", "rope-factor", "rope-low-freq-factor", "rope-high-freq-factor",
                    "rope-original-max-position-embeddings", "sliding-window", "partial-rotary-factor", "init-std",
                    "force"});
  const std::string model_dir = args.positional_at(0, "MODEL_DIR");
  lora::TinyModelOptions options;
  options.arch = args.require("arch");
  options.tokenizer_path = args.get("tokenizer");
  options.dtype = args.get("dtype", "float32");
  options.tied = args.has("tied");
  options.overwrite = args.has("force");
  options.shards = args.get_int("shards", 1);
  const int seed = args.get_int("seed", 0);
  if (seed < 0) throw cli::UsageError("option --seed expects a non-negative integer");
  options.seed = static_cast<uint64_t>(seed);
  options.vocab_size = args.get_int("vocab-size", 0);
  options.hidden_size = args.get_int("hidden-size", 64);
  options.intermediate_size = args.get_int("intermediate-size", 128);
  options.num_layers = args.get_int("layers", 2);
  options.num_heads = args.get_int("heads", 4);
  options.num_kv_heads = args.get_int("kv-heads", 2);
  options.head_dim = args.get_int("head-dim", 0);
  options.max_position_embeddings = args.get_int("max-position-embeddings", 2048);
  options.rope_theta = args.get_double("rope-theta", 0);
  options.sliding_window = args.get_int("sliding-window", 0);
  options.init_std = args.get_double("init-std", 0.02);
  options.partial_rotary_factor = args.get_double("partial-rotary-factor", 1.0);
  if (args.has("rope-scaling")) {
    options.rope_scaling.type = args.get("rope-scaling");
    if (options.rope_scaling.type != "linear" && options.rope_scaling.type != "llama3")
      throw cli::UsageError("option --rope-scaling expects linear or llama3, got '" + options.rope_scaling.type + "'");
    options.rope_scaling.factor = args.get_double("rope-factor", 8.0);
    options.rope_scaling.low_freq_factor = args.get_double("rope-low-freq-factor", 1.0);
    options.rope_scaling.high_freq_factor = args.get_double("rope-high-freq-factor", 4.0);
    options.rope_scaling.original_max_position_embeddings =
        args.get_int("rope-original-max-position-embeddings", 8192);
  }
  const lora::TinyModelInfo info = lora::write_tiny_model(model_dir, options);
  nlohmann::ordered_json summary;
  summary["model_dir"] = model_dir;
  summary["arch"] = options.arch;
  summary["vocab_size"] = info.vocab_size;
  summary["num_parameters"] = info.num_parameters;
  summary["tokenizer"] = info.tokenizer.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(info.tokenizer);
  summary["files"] = info.files;
  std::cout << summary.dump() << std::endl;
  return 0;
}

const CliCommandRegistration registration({
    "make-tiny",
    "make-tiny MODEL_DIR --arch llama|qwen2|mistral|qwen3|gemma3_text|phi3 [--tokenizer PATH] [--dtype float32|bfloat16|float16] "
    "[--tied] [--shards N] [--seed S] [--hidden-size N] [--layers N] ...",
    kHelp,
    {"tied", "force"},
    run_make_tiny,
});

}  // namespace
}  // namespace cli
