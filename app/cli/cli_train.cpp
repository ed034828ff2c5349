// `lora-studio-cli train`: trains a LoRA adapter with a progress line on the terminal.
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include <unistd.h>

#include "atomic_file.h"
#include "cli_command.h"
#include "device.h"
#include "export_messages.h"
#include "gguf_model_import.h"
#include "error.h"
#include "memory_estimate.h"
#include "training_messages.h"
#include "training_options.h"
#include "cli_train_distributed.h"
#include "cli_train_progress.h"
#include "cuda_memory.h"
#include "memory_budget.h"
#include "trainer.h"

namespace {

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

// The CUDA device a run on `device` ("auto", "cuda", "cuda:N", "cpu") trains on, if any.
c10::Device training_cuda_device(const std::string& device) {
  const size_t colon = device.find(':');
  const int index = colon == std::string::npos ? 0 : std::atoi(device.c_str() + colon + 1);
  return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
}

lora::TrainingSettings settings_from_args(const cli::Args& args) {
  lora::TrainingSettings s;
  if (args.has("config")) s = lora::training_settings_from_json(lora::read_text_file(args.get("config")), args.get("config"));
  lora::apply_training_options(
      [&](const std::string& name) { return args.has(name) ? std::optional<std::string>(args.get(name)) : std::nullopt; }, s);
  if (s.model_dir.empty()) throw cli::UsageError("missing required option --model");
  if (lora::gguf::is_gguf_path(s.model_dir)) throw lora::Error(lora::msg::Export::gguf_import_train_refused, s.model_dir);
  // A dry run only estimates memory: it needs the model and the settings, not the data or a folder.
  if (s.dataset_path.empty() && !args.has("dry-run")) throw cli::UsageError("missing required option --dataset");
  if (s.output_dir.empty() && !args.has("dry-run")) throw cli::UsageError("missing required option --output");
  return s;
}

// The options that take no value: the settings' flags and the run's own.
std::vector<std::string> train_flag_names() {
  std::vector<std::string> flags = {"resume", "quiet", "dry-run", "json", "progress-json"};
  for (const lora::TrainingOption& option : lora::training_options())
    if (option.kind() == lora::TrainingOptionKind::flag) flags.push_back(option.name);
  return flags;
}

int run_train(const cli::Args& args) {
  std::vector<std::string> known = {"resume", "config", "quiet", "dry-run", "json", "progress-json"};
  for (const lora::TrainingOption& option : lora::training_options()) known.push_back(option.name);
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
  // On a GPU, what the run needed at most: what to set the pre-flight's estimate against.
  lora::CudaAllocatorStats gpu;
  if (rank == 0 && settings.device != "cpu" && lora::cuda_allocator_stats(training_cuda_device(settings.device), &gpu))
    std::cerr << "peak GPU memory: " << gpu.peak_allocated_bytes << " bytes held by tensors ("
              << lora::format_bytes(static_cast<uint64_t>(gpu.peak_allocated_bytes)).english() << "), "
              << gpu.peak_reserved_bytes << " bytes reserved\n";
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
  --no-group-by-length      micro-batches as shuffled (default: each step's records sorted by length, less padding)
  --raw-text-overlap N (128)  raw text (.txt, {"text": ...}): tokens each block repeats from the one before,
                            as context only
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
  --adam-beta1 B (0.9)  --adam-beta2 B (0.999)  --adam-epsilon E (1e-8)   AdamW's moment decays and epsilon
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
    train_flag_names(),
    run_train,
    {{"precision", "dtype"}},
});

}  // namespace
