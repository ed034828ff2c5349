// `lora-studio-cli train`: trains a LoRA adapter with a progress line on the terminal.
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "atomic_file.h"
#include "cli_command.h"
#include "device.h"
#include "export_messages.h"
#include "gguf_model_import.h"
#include "error.h"
#include "memory_estimate.h"
#include "training_messages.h"
#include "cli_train_distributed.h"
#include "cli_train_progress.h"
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

// A stop asked by SIGTERM or SIGINT (the window's Stop, Ctrl-C, the launcher passing either on) ends the
// run after the current step, as the window's Stop does: the adapter and a checkpoint are saved, and
// every rank stops at the same step. One signal only: a second one ends the process at once.
volatile std::sig_atomic_t g_stop_requested = 0;
void request_stop(int) { g_stop_requested = 1; }
void stop_after_step_on_signals() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
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
  if (args.has("dora")) s.use_dora = true;
  number("lora-plus-ratio", s.lora_plus_ratio);
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
  text("quantize", s.quantize);
  if (args.has("double-quant")) s.double_quant = true;
  if (args.has("threads")) s.threads = args.get_int("threads", 0);
  if (s.model_dir.empty()) throw cli::UsageError("missing required option --model");
  if (lora::gguf::is_gguf_path(s.model_dir)) throw lora::Error(lora::msg::Export::gguf_import_train_refused, s.model_dir);
  // A dry run only estimates memory: it needs the model and the settings, not the data or a folder.
  if (s.dataset_path.empty() && !args.has("dry-run")) throw cli::UsageError("missing required option --dataset");
  if (s.output_dir.empty() && !args.has("dry-run")) throw cli::UsageError("missing required option --output");
  return s;
}

int run_train(const cli::Args& args) {
  std::vector<std::string> known({"model", "dataset", "eval-dataset", "output", "format", "chat-template", "init-adapter", "target-modules", "rank",
                    "alpha", "dropout", "rslora", "dora", "lora-plus-ratio", "epochs", "max-steps", "lr", "scheduler", "warmup-steps", "optimizer",
                    "weight-decay", "max-grad-norm", "micro-batch-size", "batch-size", "cutoff-len", "drop-long",
                    "train-on-prompt", "add-eos", "no-add-eos", "skip-bad-records", "no-group-by-length", "eval-split",
                    "eval-every", "eval-samples", "eval-sample-tokens", "save-every", "log-every", "stop-at-loss", "seed", "device", "dtype",
                    "gradient-checkpointing", "threads", "resume", "config", "quiet", "dry-run", "json", "quantize", "double-quant",
                    "progress-json"});
  known.insert(known.end(), cli::train_distributed_options().begin(), cli::train_distributed_options().end());
  args.check_known(known);
  const lora::TrainingSettings settings = settings_from_args(args);
  if (args.has("dry-run")) {
    settings.validate();
    const lora::MemoryEstimate estimate = lora::estimate_training_memory(settings);
    if (args.has("json")) {
      std::cout << lora::memory_estimate_to_json(estimate) << "\n";
    } else {
      for (const lora::Message& line : lora::describe_memory_estimate(estimate)) std::cout << line.english() << "\n";
      std::cout << lora::Message(lora::msg::Training::preflight_dry_run_done).english() << "\n";
    }
    return estimate.fits() ? 0 : 4;
  }
  // Data-parallel: a worker of a run (RANK, WORLD_SIZE: our launcher, torchrun, SLURM), or the launcher.
  const std::optional<lora::dist::WorldOptions> world = cli::train_world_from_environment(args);
  if (!world && cli::train_wants_workers(args))
    return cli::launch_train_workers(args, known, cli::registry().at("train").flag_names, settings.device);
  // The pre-flight before a real run: a warning only (the estimate can be pessimistic, and the
  // available memory changes), so a run the user chose still starts. In a data-parallel run the first
  // rank of each machine says it, for its own device, not every rank (nor the launcher besides).
  if (!world || world->local_rank == 0) {
    try {
      const lora::MemoryEstimate estimate = lora::estimate_training_memory(settings);
      if (!estimate.fits())
        std::cerr << lora::Message(lora::msg::Training::preflight_warning, lora::memory_estimate_summary(estimate)).english()
                  << "\n";
    } catch (const lora::Error&) {
      // Whatever stops the estimate stops the run too, with the trainer's own message.
    }
  }
  const int rank = world ? world->rank : 0;
  const bool progress_json = args.has("progress-json");
  stop_after_step_on_signals();
  // Only rank 0 shows progress; the others speak when they fail, naming themselves.
  const bool quiet = args.has("quiet") || rank != 0;
  const bool tty = isatty(fileno(stderr));
  std::string last_phase;
  auto callback = [&](const lora::TrainingProgress& p) {
    if (progress_json) {
      cli::print_progress_json(p);
      return g_stop_requested == 0;
    }
    if (!p.message.empty() && rank == 0) std::cerr << (tty ? "\r\033[K" : "") << p.message.english() << "\n";
    if (quiet) return g_stop_requested == 0;
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
    return g_stop_requested == 0;
  };
  lora::TrainingResult result;
  try {
    result = lora::train_lora(settings, args.has("resume"), callback, world ? &*world : nullptr);
  } catch (const std::exception& e) {
    if (progress_json) cli::print_error_json(rank, e);
    if (!world || world->world_size == 1) throw;
    std::cerr << (tty ? "\r\033[K" : "") << "error: rank " << rank << ": " << e.what() << "\n";
    return 1;
  }
  // result.message has reached the terminal already through the callback's "done" report.
  if (rank == 0 && progress_json)
    cli::print_result_json(rank, result);
  else if (rank == 0)
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
  --dora                    DoRA (PEFT's use_dora): a trained magnitude per output row on top of LoRA
                            (with --init-adapter of a plain LoRA: magnitudes start from it)
  --lora-plus-ratio R (1)   LoRA+: lora_B (and DoRA's magnitudes) train at R x the learning rate (e.g. 16)
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
  --quantize none|nf4|int8  the decoder's frozen linear weights stored quantized (QLoRA; nf4 as
                            bitsandbytes; int8 one scale per row); a bnb-4bit model is nf4 already
  --double-quant            nf4: quantize the block scales too (bitsandbytes' double quantization)
  --config FILE.json        settings as in training_parameters.json (options given here win)
Several processes (data-parallel; the adapter is the one a single process trains, rank 0 writes it):
  --nproc N                 N worker processes on this machine: one per GPU, or CPU processes that
                            split the cores (pinned)
  --nnodes M --node-rank R --master-addr HOST --master-port P   one of M machines (run it on each)
  --dist-timeout S (600)    seconds to wait for the other ranks (rendezvous, each step) before stopping
  Under torchrun or SLURM, RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT are used instead.
  --quiet                   no progress line
  --progress-json           every rank's progress, result and errors as JSON lines on stdout (for a
                            program driving the run)
  SIGTERM or Ctrl-C (once) stops after the current step, saving the adapter and a checkpoint to resume from.
  --dry-run                 print the expected peak memory, part by part, against what the device has
                            (and what would make it fit), then exit without training: 0 when it fits,
                            4 when it does not. --dataset and --output are not needed. --json: as JSON)",
    {"rslora", "dora", "drop-long", "train-on-prompt", "add-eos", "no-add-eos", "skip-bad-records", "no-group-by-length",
     "gradient-checkpointing", "resume", "quiet", "dry-run", "json", "double-quant", "progress-json"},
    run_train,
    {{"precision", "dtype"}},
});

}  // namespace
