// lora-studio-cli generate: streams a model's answer to a prompt.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "causal_lm.h"
#include "chat_prompt.h"
#include "cli_command.h"
#include "gguf_model_import.h"
#include "error.h"
#include "generation.h"
#include "model_adapter.h"
#include "tokenizer.h"

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(Streams the model's answer to PROMPT to stdout, one piece per token; a timing summary goes to stderr.

The prompt is rendered with a chat template: --chat-template if given, else the one the adapter was
trained with (its training_prompt.json), else the model's own chat_template (rendered exactly as
transformers' apply_chat_template does), else the built-in alpaca. `--chat-template raw` feeds the text
as is.

Options:
  --model DIR                the model folder, or a .gguf file (dequantized on load; or give it as
                             the first argument)
  --prompt TEXT              the user's message (required)
  --system TEXT              a system message before it
  --adapter DIR              a PEFT LoRA adapter folder to apply
  --chat-template NAME       model (the model's own) | chatml | llama2 | mistral | llama3 | alpaca | raw
  --chat-template-kwargs JSON  extra template variables, e.g. '{"enable_thinking": false}'
  --max-new-tokens N         most tokens to generate (default: generation_config.json's, else 256)
  --temperature T            0 = greedy (default: generation_config.json's, else 0.7)
  --top-p P                  nucleus sampling, 1 = off (default: generation_config.json's, else 0.9)
  --top-k K                  0 = off (default: generation_config.json's, else 40)
  --min-p P                  0 = off (default 0)
  --repetition-penalty R     1 = off (default: generation_config.json's, else 1.0)
  --seed S                   the sampler's seed (default: random, printed in the summary)
  --device auto|cpu|cuda[:N] --dtype auto|float32|bfloat16|float16 --threads N (0 = all cores)
  --quantize none|nf4|int8   keep the decoder's linear weights quantized (less memory; a bnb-4bit
                             model is nf4 already)  --double-quant (nf4: quantized scales too)
  --show-prompt              print the rendered prompt to stderr first)";

int run_generate(const Args& args) {
  args.check_known({"prompt", "system", "adapter", "model", "chat-template", "chat-template-kwargs", "max-new-tokens", "temperature", "top-p", "top-k",
                    "min-p", "repetition-penalty", "seed", "device", "dtype", "threads", "show-prompt", "quantize", "double-quant"});
  const std::string model_dir = lora::gguf::resolve_model_path(args.model_dir(0));  // a .gguf file too
  const std::string prompt_text = args.require("prompt");
  const std::string adapter_dir = args.get("adapter");

  lora::ComputeOptions compute;
  compute.device = args.get("device", "auto");
  compute.dtype = args.get("dtype", "auto");
  compute.threads = args.get_int("threads", 0);
  compute.quantize = args.get("quantize", "none");
  compute.double_quant = args.has("double-quant");

  std::unique_ptr<lora::Tokenizer> tokenizer = lora::Tokenizer::load(model_dir);
  std::unique_ptr<lora::CausalLM> model = lora::CausalLM::load(model_dir, compute);
  std::unique_ptr<lora::ModelAdapter> adapter;
  if (!adapter_dir.empty()) adapter = lora::ModelAdapter::load(*model, adapter_dir);

  lora::GenerationSettings defaults;
  defaults.sampling.temperature = 0.7;
  defaults.sampling.top_p = 0.9;
  defaults.sampling.top_k = 40;
  lora::GenerationSettings settings = lora::load_generation_config(model_dir, defaults);
  settings.max_new_tokens = args.get_int("max-new-tokens", int(settings.max_new_tokens));
  if (args.has("temperature")) {
    settings.sampling.temperature = args.get_double("temperature", 0.7);
    settings.sampling.do_sample = settings.sampling.temperature > 0;  // asking for a temperature means sampling
  }
  settings.sampling.top_p = args.get_double("top-p", settings.sampling.top_p);
  settings.sampling.top_k = args.get_int("top-k", int(settings.sampling.top_k));
  settings.sampling.min_p = args.get_double("min-p", settings.sampling.min_p);
  settings.sampling.repetition_penalty = args.get_double("repetition-penalty", settings.sampling.repetition_penalty);
  if (args.has("seed")) {
    const std::string seed = args.get("seed");
    try {
      size_t used = 0;
      settings.seed = std::stoull(seed, &used);
      if (used != seed.size() || seed[0] == '-') throw std::invalid_argument("seed");
    } catch (const std::exception&) {
      throw cli::UsageError("option --seed expects a non-negative integer, got '" + seed + "'");
    }
  } else {
    settings.seed = std::random_device{}();
  }
  lora::validate_sampling_settings(settings.sampling);

  const lora::PromptTemplate prompt_template =
      lora::resolve_prompt_template(args.get("chat-template"), adapter_dir, tokenizer->config());
  std::vector<lora::ChatMessage> messages;
  if (args.has("system")) messages.push_back({"system", args.get("system")});
  messages.push_back({"user", prompt_text});
  nlohmann::ordered_json template_kwargs;
  if (args.has("chat-template-kwargs")) {
    try {
      template_kwargs = nlohmann::ordered_json::parse(args.get("chat-template-kwargs"));
    } catch (const nlohmann::json::exception& e) {
      throw cli::UsageError(std::string("option --chat-template-kwargs: not valid JSON (") + e.what() + ")");
    }
    if (!template_kwargs.is_object())
      throw cli::UsageError("option --chat-template-kwargs expects a JSON object such as '{\"enable_thinking\": false}'");
  }
  const lora::EncodedPrompt prompt = lora::encode_prompt(prompt_template, *tokenizer, messages, template_kwargs);
  settings.stop_strings = prompt.stop_strings;
  if (args.has("show-prompt")) std::cerr << prompt.text << "\n----\n";

  const lora::GenerationResult result =
      lora::generate(*model, *tokenizer, prompt.ids, settings, [](const std::string& piece) {
        std::fwrite(piece.data(), 1, piece.size(), stdout);
        std::fflush(stdout);
        return true;
      });
  if (isatty(STDOUT_FILENO)) std::fputs("\n", stdout);  // keep the shell prompt off the answer; pipes get the exact text
  std::fflush(stdout);

  char summary[512];
  std::snprintf(summary, sizeof summary,
                "prompt: %lld tokens in %.3f s (%.1f tokens/s); generated %zu tokens, decode %.1f tokens/s; "
                "stop: %s%s%s; seed %llu",
                static_cast<long long>(result.prompt_tokens), result.prefill_seconds,
                result.prefill_tokens_per_second(), result.ids.size(), result.decode_tokens_per_second(),
                lora::stop_reason_name(result.stop_reason), result.stop_string.empty() ? "" : " ",
                result.stop_string.c_str(), static_cast<unsigned long long>(settings.seed));
  std::cerr << "template: " << prompt_template.describe() << "; " << model->target().describe()
            << (adapter_dir.empty() ? "" : "; adapter " + adapter_dir) << "\n"
            << summary << "\n";
  return 0;
}

const CliCommandRegistration registration({
    "generate",
    "generate MODEL_DIR --prompt TEXT [--adapter DIR] [--max-new-tokens N] [--temperature T] [--top-p P] "
    "[--top-k K] [--repetition-penalty R] [--seed S] [--chat-template NAME|raw] [--system TEXT]",
    kHelp,
    {"show-prompt", "double-quant"},
    run_generate,
    {{"template", "chat-template"}, {"template-kwargs", "chat-template-kwargs"}, {"precision", "dtype"}},
});

}  // namespace
}  // namespace cli
