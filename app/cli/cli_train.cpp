// `lora-studio-cli train`: trains a LoRA adapter with a progress line on the terminal.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "atomic_file.h"
#include "cli_command.h"
#include "device.h"
#include "error.h"
#include "trainer.h"

namespace {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const long s = std::lround(seconds);
  char buffer[32];
  if (s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%02ld:%02ld", s / 60, s % 60);
  return buffer;
}

lora::TrainingSettings settings_from_args(const cli::Args& args) {
  lora::TrainingSettings s;
  if (args.has("config")) s = lora::training_settings_from_json(lora::read_text_file(args.get("config")), args.get("config"));
  auto text = [&](const char* key, std::string& field) { if (args.has(key)) field = args.get(key); };
  auto integer = [&](const char* key, int64_t& field) { if (args.has(key)) field = args.get_int(key, 0); };
  auto number = [&](const char* key, double& field) { if (args.has(key)) field = args.get_double(key, 0); };
  text("model", s.model_dir);
  text("dataset", s.dataset_path);
  text("eval-dataset", s.eval_dataset_path);
  text("output", s.output_dir);
  text("format", s.format);
  text("chat-template", s.chat_template);
  text("init-adapter", s.init_adapter);
  if (args.has("target-modules")) s.target_modules = split_commas(args.get("target-modules"));
  integer("rank", s.rank);
  number("alpha", s.alpha);
  number("dropout", s.dropout);
  if (args.has("rslora")) s.use_rslora = true;
  integer("epochs", s.epochs);
  integer("max-steps", s.max_steps);
  number("lr", s.learning_rate);
  text("scheduler", s.scheduler);
  integer("warmup-steps", s.warmup_steps);
  text("optimizer", s.optimizer);
  number("weight-decay", s.weight_decay);
  number("max-grad-norm", s.max_grad_norm);
  integer("micro-batch-size", s.micro_batch_size);
  integer("batch-size", s.batch_size);
  integer("cutoff-len", s.cutoff_len);
  if (args.has("drop-long")) s.drop_long = true;
  if (args.has("train-on-prompt")) s.train_on_prompt = true;
  if (args.has("add-eos")) s.add_eos = true;
  if (args.has("no-add-eos")) s.add_eos = false;
  if (args.has("skip-bad-records")) s.skip_bad_records = true;
  if (args.has("no-group-by-length")) s.group_by_length = false;
  number("eval-split", s.eval_split);
  integer("eval-every", s.eval_every);
  integer("eval-samples", s.eval_samples);
  integer("eval-sample-tokens", s.eval_sample_tokens);
  integer("save-every", s.save_every);
  integer("log-every", s.log_every);
  number("stop-at-loss", s.stop_at_loss);
  if (args.has("seed")) s.seed = static_cast<uint64_t>(args.get_int("seed", 42));
  text("device", s.device);
  if (args.has("dtype")) {
    // The settings file keeps the long names; bf16, fp16, fp32 are accepted here as by every other
    // command's --dtype. A name that is none of them is left for validate(), whose message lists auto too.
    s.precision = args.get("dtype");
    try {
      if (s.precision != "auto") s.precision = lora::dtype_to_string(lora::dtype_from_string(s.precision, "--dtype"));
    } catch (const lora::Error&) {
    }
  }
  if (args.has("gradient-checkpointing")) s.gradient_checkpointing = true;
  if (args.has("threads")) s.threads = args.get_int("threads", 0);
  if (s.model_dir.empty()) throw cli::UsageError("missing required option --model");
  if (s.dataset_path.empty()) throw cli::UsageError("missing required option --dataset");
  if (s.output_dir.empty()) throw cli::UsageError("missing required option --output");
  return s;
}

int run_train(const cli::Args& args) {
  args.check_known({"model", "dataset", "eval-dataset", "output", "format", "chat-template", "init-adapter", "target-modules", "rank",
                    "alpha", "dropout", "rslora", "epochs", "max-steps", "lr", "scheduler", "warmup-steps", "optimizer",
                    "weight-decay", "max-grad-norm", "micro-batch-size", "batch-size", "cutoff-len", "drop-long",
                    "train-on-prompt", "add-eos", "no-add-eos", "skip-bad-records", "no-group-by-length", "eval-split",
                    "eval-every", "eval-samples", "eval-sample-tokens", "save-every", "log-every", "stop-at-loss", "seed", "device", "dtype",
                    "gradient-checkpointing", "threads", "resume", "config", "quiet"});
  const lora::TrainingSettings settings = settings_from_args(args);
  const bool quiet = args.has("quiet");
  const bool tty = isatty(fileno(stderr));
  std::string last_phase;
  auto callback = [&](const lora::TrainingProgress& p) {
    if (!p.message.empty()) std::cerr << (tty ? "\r\033[K" : "") << p.message.english() << "\n";
    if (quiet) return true;
    if (p.phase == "training" && p.step > 0) {
      char line[256];
      const double seconds_per_step = p.step > 0 ? p.elapsed_seconds / p.step : 0;
      std::snprintf(line, sizeof line, "step %lld/%lld  epoch %.2f  loss %.4f  lr %.3g  %.2f it/s  %.0f tok/s  ETA %s",
                    static_cast<long long>(p.step), static_cast<long long>(p.total_steps), p.epoch, p.loss,
                    p.learning_rate, seconds_per_step > 0 ? 1.0 / seconds_per_step : 0.0, p.tokens_per_second,
                    format_duration(p.eta_seconds).c_str());
      // Perplexity = exp(mean eval token loss): the number of equally likely tokens the model is
      // choosing between, on average.
      if (p.eval_loss >= 0)
        std::snprintf(line + std::strlen(line), sizeof line - std::strlen(line), "  eval %.4f  perplexity %.3g",
                      p.eval_loss, std::exp(p.eval_loss));
      std::cerr << (tty ? "\r\033[K" : "") << line << (tty ? "" : "\n") << std::flush;
    } else if (p.phase != last_phase) {
      std::cerr << (tty ? "\r\033[K" : "") << p.phase << "...\n";
    }
    last_phase = p.phase;
    return true;
  };
  const lora::TrainingResult result = lora::train_lora(settings, args.has("resume"), callback);
  // result.message has reached the terminal already through the callback's "done" report.
  std::cout << result.adapter_dir << "\n";
  return result.outcome == lora::TrainingResult::Outcome::Diverged ? 3 : 0;
}

const cli::CliCommandRegistration registration({
    "train",
    "train --model DIR --dataset FILE --output DIR [options]",
    R"(Trains a LoRA adapter and writes it to --output as a PEFT adapter folder
(adapter_config.json, adapter_model.safetensors, training_parameters.json,
training_prompt.json, training_log.jsonl; checkpoint-N/ folders with --save-every).

Data:
  --dataset FILE            alpaca JSON / JSONL, ShareGPT, messages, or raw .txt
  --format NAME|FILE        prompt format for alpaca records: alpaca-format (default), a format file, or chat
                            (each record as a user/assistant exchange in the chat template)
  --chat-template NAME      for conversations: model (the model's own, the default; chatml when it has none)
                            or built-in chatml, llama2, mistral, llama3, alpaca, raw
  --eval-dataset FILE       a separate evaluation set        --eval-split F   hold out a fraction (0)
  --cutoff-len N (256)      tokens per record                --drop-long      drop longer records
  --train-on-prompt         train on the prompt too (default: only the response)
  --add-eos / --no-add-eos  append EOS to each record (on)   --skip-bad-records  go on without bad records
LoRA:
  --target-modules LIST     q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj or all-linear (q_proj,v_proj);
                            Phi-3's fused qkv_proj,gate_up_proj (q/k/v and gate/up name them there too)
  --rank R (32)  --alpha A (64)  --dropout D (0.05)  --rslora   --init-adapter DIR  start from an adapter
Schedule:
  --epochs E (3)  --max-steps N (0 = use epochs)  --lr X (3e-4)  --warmup-steps W (0)
  --scheduler S             linear (default), constant, constant_with_warmup, cosine,
                            cosine_with_restarts, polynomial, inverse_sqrt
  --optimizer adamw_torch|sgd (adamw_torch)  --weight-decay W (0)  --max-grad-norm N (1.0; 0 = off)
  --micro-batch-size M (4)  --batch-size B (16; gradient accumulation = B / M)
Run:
  --eval-every N  --save-every N  --log-every N (1)  --stop-at-loss L  --seed S (42)
  --eval-samples N (3)      eval prompts answered greedily at each evaluation, into training_log.jsonl (0 = off)
  --eval-sample-tokens N (64)  most new tokens of each of those answers
  --dtype auto|float32|bfloat16  --device auto|cpu|cuda[:N]  --threads N (0 = all cores)
  --gradient-checkpointing  --resume (continue from the newest checkpoint in --output)
  --config FILE.json        settings as in training_parameters.json (options given here win)
  --quiet                   no progress line)",
    {"rslora", "drop-long", "train-on-prompt", "add-eos", "no-add-eos", "skip-bad-records", "no-group-by-length",
     "gradient-checkpointing", "resume", "quiet"},
    run_train,
    {{"precision", "dtype"}},
});

}  // namespace
