// lora-studio-cli logits: the causal LM's full forward pass over given token ids, saved as safetensors.
#include <c10/core/InferenceMode.h>

#include <iostream>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "causal_lm.h"
#include "checkpoint.h"
#include "cli_command.h"
#include "gguf_model_import.h"
#include "error.h"
#include "model_adapter.h"

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(Runs the model over the token ids (one sequence) and writes OUT.safetensors with one F32 tensor
"logits" of shape [T, vocab_size].

Options:
  --model DIR                 the model folder, or a .gguf file (dequantized on load; or give it as
                              the first argument)
  --ids 1,2,3                 the token ids (required)
  --adapter DIR               a PEFT LoRA adapter folder to apply
  --output OUT.safetensors    where to write the logits (required)
  --device auto|cpu|cuda[:N]  (default auto: CUDA when available)
  --dtype auto|float32|bfloat16|float16
                              compute precision (default auto: the checkpoint's where the device
                              computes in it, bf16 on CPUs with bf16 units, else float32)
  --threads N                 CPU threads (default 0 = all cores)
  --quantize none|nf4|int8    keep the decoder's linear weights quantized (a bnb-4bit model is nf4
                              already)  --double-quant (nf4: quantized scales too))";

std::vector<int64_t> parse_ids(const std::string& text) {
  std::vector<int64_t> ids;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    try {
      size_t used = 0;
      const long long id = std::stoll(item, &used);
      if (used != item.size() || item.empty()) throw std::invalid_argument("trailing");
      ids.push_back(id);
    } catch (const std::exception&) {
      throw cli::UsageError("option --ids expects comma-separated integers, got '" + item + "'");
    }
    start = end + 1;
  }
  return ids;
}

int run_logits(const Args& args) {
  args.check_known({"model", "ids", "adapter", "output", "device", "dtype", "threads", "quantize", "double-quant"});
  const std::string model_dir = lora::gguf::resolve_model_path(args.model_dir(0));  // a .gguf file too
  const std::vector<int64_t> ids = parse_ids(args.require("ids"));
  const std::string output = args.require("output");

  lora::ComputeOptions compute;
  compute.device = args.get("device", "auto");
  compute.dtype = args.get("dtype", "auto");
  compute.threads = args.get_int("threads", 0);
  compute.quantize = args.get("quantize", "none");
  compute.double_quant = args.has("double-quant");
  std::unique_ptr<lora::CausalLM> model = lora::CausalLM::load(model_dir, compute);
  std::unique_ptr<lora::ModelAdapter> adapter;
  if (args.has("adapter")) adapter = lora::ModelAdapter::load(*model, args.get("adapter"));
  for (int64_t id : ids)
    if (id < 0 || id >= model->config().vocab_size)
      throw cli::UsageError("token id " + std::to_string(id) + " is outside the vocabulary [0, " +
                        std::to_string(model->config().vocab_size) + ")");

  at::Tensor logits;
  {
    c10::InferenceMode inference;
    const at::Tensor input = at::tensor(ids, at::TensorOptions().dtype(at::kLong)).unsqueeze(0);
    logits = model->forward(input)[0].to(at::kCPU).contiguous();
  }
  lora::save_tensors(output, {{"logits", logits}});
  std::cerr << "logits [" << logits.size(0) << ", " << logits.size(1) << "] -> " << output << " ("
            << model->target().describe() << (args.has("adapter") ? ", adapter " + args.get("adapter") : "") << ")\n";
  return 0;
}

const CliCommandRegistration registration({
    "logits",
    "logits MODEL_DIR --ids 1,2,3 [--adapter ADAPTER_DIR] [--dtype D] [--device D] --output OUT.safetensors",
    kHelp,
    {"double-quant"},
    run_logits,
    {{"precision", "dtype"}},
});

}  // namespace
}  // namespace cli
