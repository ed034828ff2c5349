// `lora-studio-cli bench train`: LoRA training tokens/s, the achieved FLOP/s against the fp32 and
// bf16 matmul peaks measured in the same run, where the step's time goes, and peak memory, for
// fp32 and/or bf16 compute. scripts/bench-train.sh runs it beside the eager PyTorch reference
// (tests/reference/bench_train_reference.py) and prints the ratio.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "causal_lm.h"
#include "cli_bench.h"
#include "cli_bench_train_nproc.h"
#include "device.h"
#include "error.h"
#include "lora_adapter.h"
#include "lora_linear.h"
#include "model_adapter.h"
#include "throughput.h"
#include "tiny_model.h"
#include "train_step_bench.h"

namespace cli {
namespace {

constexpr const char* kTrainHelp =
    R"(  Times LoRA training steps (forward, cross-entropy over every token, backward, gradient clipping,
  AdamW) on random token batches, through the trainer's own code path, for each compute dtype.
  The model is a folder, or (with --arch, or no folder) a generated random model (defaults: the
  58M-parameter shape of NOTES.md's baseline: hidden 512, intermediate 1376, 8 layers, 8 heads,
  vocab 32000, untied lm_head).
  FLOP per step (issue 3's "4 x parameters x tokens, plus attention"):
    4 x frozen matmul weights (every base linear layer, lm_head included) x tokens
      (forward + input gradient; frozen weights get no weight gradient)
    + 6 x LoRA factor parameters x tokens (they also get weight gradients)
    + 3 x forward attention (2 x 2 x batch x heads x T x T x head_dim per layer; backward = 2 x forward).
  The fraction of peak divides the achieved FLOP/s by the square-matmul peak of the same dtype,
  measured in the same run (n = 1024 and 2048 on CPUs, the right-hand side row-major and transposed
  as weights are). Peak memory: the process's RSS high-water
  mark during that dtype's run (model load included; with --dtype both the second figure also holds
  what the first run left in the process's heap, so compare runs of one dtype each, as
  scripts/bench-train.sh does); on CUDA the device memory in use.
    --model DIR (or MODEL_DIR after the kind)
    --seq-len N (256)  --micro-batch-size N (4)  --steps N (5 timed)  --warmup N (1)
    --rank R (16)  --alpha A (2 x rank)  --dropout D (0.05)  --target-modules all-linear|q_proj,v_proj,...
    --dtype both|float32|bfloat16 (both)  --device auto|cpu|cuda[:N]  --threads N (0 = all cores)
    --gradient-checkpointing  keep only each decoder layer's input and recompute the rest in backward
    --dora       DoRA (PEFT's use_dora) on top of the LoRA factors: a magnitude per output row, trained too
    --quantize nf4|int8  also run each dtype with the decoder's frozen weights quantized (QLoRA), first,
                 and print its peak memory and tokens/s beside the dense run's  --double-quant (nf4)
    --json       one JSON object per dtype on stdout instead of the table
    --nproc N    data-parallel scaling instead: the same short `train` run (--model DIR with a tokenizer,
                 generated records filling --seq-len, --batch-size B (micro-batch x N), --steps after --warmup)
                 in 1 and in N processes; tokens/s of each and the scaling efficiency (GPUs: speed-up / N;
                 CPU processes share the cores, so there it is the speed-up itself)
    --profile    one more step with the op profiler: the 30 (op, input shapes) that take the most
                 time of their own (self time: excluding the ops they call)
    --ceiling    after the timed steps, the step's frozen products alone (on the model's weights, in the
                 step's order and shapes, nothing else): what a step would take if all the rest were
                 free, beside the step, and the fraction of the peak that would reach)
    generated model: --arch llama|qwen2|mistral|qwen3|gemma3_text|phi3 --hidden-size (512) --intermediate-size (1376)
                     --layers (8) --heads (8) --kv-heads (= heads) --vocab-size (32000))";

constexpr size_t kProfileRows = 30;  // the ops that matter; the tail is thousands of tiny views



std::string gflops(double flops) { return printf_string("%.4g GFLOP", flops / 1e9); }
std::string gflops_rate(double flops_per_second) { return printf_string("%.1f GFLOP/s", flops_per_second / 1e9); }


lora::LoraConfig lora_config_from(const Args& args, int64_t rank) {
  lora::LoraConfig config;
  const std::string targets = args.get("target-modules", "all-linear");
  if (targets == "all-linear") {
    config.target_modules.is_regex = true;
    config.target_modules.regex = "all-linear";
  } else {
    std::stringstream list(targets);
    std::string name;
    while (std::getline(list, name, ','))
      if (!name.empty()) config.target_modules.names.push_back(name);
    if (config.target_modules.names.empty())
      throw cli::UsageError("--target-modules: expected all-linear or a comma-separated list such as q_proj,v_proj");
  }
  config.r = rank;
  config.lora_alpha = args.get_double("alpha", 2.0 * static_cast<double>(rank));
  config.lora_dropout = args.get_double("dropout", 0.05);
  config.use_dora = args.has("dora");
  return config;
}

std::vector<std::string> dtypes_from(const std::string& choice) {
  if (choice == "both") return {"float32", "bfloat16"};
  // bf16 / fp32 as every other --dtype accepts them.
  lora::DType dtype;
  if (lora::parse_precision(choice, &dtype) && dtype != lora::DType::F16) return {lora::torch_dtype_name(dtype)};
  throw cli::UsageError("--dtype: expected both, float32 or bfloat16, got '" + choice + "'");
}

std::string short_dtype(const std::string& dtype) {
  return lora::precision_short_name(lora::precision_from_string(dtype, "--dtype"));
}

int run_bench_train(const Args& args) {
  if (args.has("nproc")) {  // data-parallel scaling: the whole `train` path in 1 and N processes
    args.check_known({"model", "nproc", "seq-len", "micro-batch-size", "batch-size", "steps", "warmup", "rank",
                      "target-modules", "dtype", "device", "threads", "json"});
    return run_bench_train_nproc(args);
  }
  args.check_known({"model", "seq-len", "micro-batch-size", "steps", "warmup", "rank", "alpha", "dropout", "target-modules", "dtype",
                    "device", "threads", "json", "profile", "arch", "hidden-size", "intermediate-size", "layers",
                    "heads", "kv-heads", "vocab-size", "gradient-checkpointing", "quantize", "double-quant", "dora",
                    "ceiling"});
  lora::TrainStepBenchSettings settings;
  settings.seq_len = args.get_int("seq-len", 256);
  settings.micro_batch = args.get_int("micro-batch-size", 4);
  settings.timed_steps = args.get_int("steps", 5);
  settings.warmup_steps = args.get_int("warmup", 1);
  settings.profile = args.has("profile");
  if (settings.seq_len < 1 || settings.micro_batch < 1 || settings.timed_steps < 1 || settings.warmup_steps < 0)
    throw cli::UsageError("--seq-len, --micro-batch-size and --steps must be at least 1, --warmup at least 0");
  const int64_t rank = args.get_int("rank", 16);
  if (rank < 1) throw cli::UsageError("--rank must be at least 1");
  const lora::LoraConfig lora_config = lora_config_from(args, rank);
  const std::vector<std::string> dtypes = dtypes_from(args.get("dtype", "both"));
  const bool json = args.has("json");

  lora::ComputeOptions compute;
  compute.device = args.get("device", "auto");
  compute.threads = args.get_int("threads", 0);
  lora::set_cpu_threads(compute.threads);
  // --quantize Q: each dtype runs with the Q base first, then the dense one beside it (in that
  // order: the dense run reuses what the smaller run left in the heap, so neither peak is inflated).
  const std::string quantize = args.get("quantize", "none");
  if (quantize != "none" && quantize != "nf4" && quantize != "int8")
    throw cli::UsageError("--quantize: expected none, nf4 or int8, got '" + quantize + "'");
  compute.double_quant = args.has("double-quant");
  std::vector<std::string> quantize_runs = {quantize};
  if (quantize != "none") quantize_runs.push_back("none");
  struct RunSummary {
    std::string dtype, quantize;
    double tokens_per_second;
    int64_t peak_memory;
  };
  std::vector<RunSummary> summaries;

  std::unique_ptr<BenchTemporaryDir> generated;
  std::string model_dir, what;
  if (args.has("arch") || !args.has_model_dir(1)) {
    if (args.has_model_dir(1)) throw cli::UsageError("give either MODEL_DIR or --arch, not both");
    lora::TinyModelOptions tiny;
    tiny.arch = args.get("arch", "llama");
    tiny.hidden_size = args.get_int("hidden-size", 512);
    tiny.intermediate_size = args.get_int("intermediate-size", 1376);
    tiny.num_layers = args.get_int("layers", 8);
    tiny.num_heads = args.get_int("heads", 8);
    tiny.num_kv_heads = args.get_int("kv-heads", int(tiny.num_heads));
    tiny.vocab_size = args.get_int("vocab-size", 32000);
    tiny.max_position_embeddings = std::max<int64_t>(2048, settings.seq_len);
    // Each dtype's run loads (and rounds) the same weights; a bf16-only run writes bf16 (half the file).
    tiny.dtype = dtypes.size() == 1 && dtypes.front() == "bfloat16" ? "bfloat16" : "float32";
    generated = std::make_unique<BenchTemporaryDir>();
    model_dir = (generated->path / "model").string();
    lora::write_tiny_model(model_dir, tiny);
    what = printf_string("generated %s (hidden %lld, intermediate %lld, %lld layers, %lld heads / %lld kv, vocab %lld)",
                         tiny.arch.c_str(), static_cast<long long>(tiny.hidden_size),
                         static_cast<long long>(tiny.intermediate_size), static_cast<long long>(tiny.num_layers),
                         static_cast<long long>(tiny.num_heads), static_cast<long long>(tiny.num_kv_heads),
                         static_cast<long long>(tiny.vocab_size));
  } else {
    model_dir = args.model_dir(1);
    what = model_dir;
  }

  // The peaks first, while no model occupies memory or caches.
  const c10::Device device = lora::resolve_compute_target(compute, "float32").device;
  const lora::MatmulPeak fp32_peak = lora::measure_matmul_peak(device, at::kFloat);
  const lora::MatmulPeak bf16_peak = lora::measure_matmul_peak(device, at::kBFloat16);

  bool first = true;
  for (const std::string& dtype : dtypes)
  for (const std::string& quantized : quantize_runs) {
    compute.quantize = quantized;
    lora::PeakMemory memory(device);
    memory.reset();
    compute.dtype = dtype;
    std::unique_ptr<lora::CausalLM> model = lora::CausalLM::load(model_dir, compute);
    const std::unique_ptr<lora::ModelAdapter> adapter = lora::ModelAdapter::create(*model, lora_config, /*seed=*/0);
    adapter->set_enabled(true);
    model->set_gradient_checkpointing(args.has("gradient-checkpointing"));
    const lora::TrainStepBenchResult result = lora::run_train_step_bench(*model, *adapter, settings, &memory);
    const int64_t peak_memory = memory.peak_bytes();  // before the ceiling's activations
    lora::FrozenProductsTiming ceiling;
    if (args.has("ceiling")) ceiling = lora::time_frozen_products(*model, settings.micro_batch, settings.seq_len, 3);
    const lora::ModelConfig& config = model->config();
    const lora::TrainStepFlops flops = lora::train_step_flops(*model, settings.micro_batch, settings.seq_len);
    const double step_seconds = result.mean.total();
    const double achieved = flops.total() / step_seconds;
    const lora::MatmulPeak& own_peak = dtype == "bfloat16" ? bf16_peak : fp32_peak;
    const int64_t matmul_parameters = lora::matmul_parameters(config);
    int64_t lora_layers = 0;
    for (const auto& path : model->linear_layer_paths()) lora_layers += model->linear_layer(path).has_lora() ? 1 : 0;
    summaries.push_back({dtype, quantized, result.tokens_per_second, peak_memory});

    if (json) {
      nlohmann::ordered_json out;
      out["bench"] = "train";
      out["engine"] = "lora-studio";
      out["dtype"] = dtype;
      out["quantize"] = quantized;
      out["double_quant"] = quantized == "nf4" && compute.double_quant;
      out["device"] = model->target().describe();
      out["threads"] = at::get_num_threads();
      out["model"] = what;
      out["parameters"] = model->num_parameters();
      out["matmul_parameters"] = matmul_parameters;
      out["lora_parameters"] = result.trainable_parameters;
      out["lora_layers"] = lora_layers;
      out["rank"] = rank;
      out["micro_batch"] = settings.micro_batch;
      out["seq_len"] = settings.seq_len;
      out["tokens_per_step"] = result.tokens_per_step;
      out["warmup_steps"] = settings.warmup_steps;
      out["timed_steps"] = settings.timed_steps;
      out["step_seconds"] = step_seconds;
      out["best_step_seconds"] = result.best_step_seconds;
      out["forward_seconds"] = result.mean.forward;
      out["backward_seconds"] = result.mean.backward;
      out["optimizer_seconds"] = result.mean.optimizer;
      out["tokens_per_second"] = result.tokens_per_second;
      out["flops_per_step"] = flops.total();
      out["flops_frozen_matmul"] = flops.frozen_matmul;
      out["flops_lora"] = flops.lora;
      out["flops_attention"] = flops.attention;
      out["achieved_flops_per_second"] = achieved;
      out["peak_flops_per_second"] = own_peak.flops_per_second;
      out["fraction_of_peak"] = achieved / own_peak.flops_per_second;
      out["fp32_peak_flops_per_second"] = fp32_peak.flops_per_second;
      out["bf16_peak_flops_per_second"] = bf16_peak.flops_per_second;
      out["fp32_peak_shape"] = lora::matmul_peak_shape(fp32_peak);
      out["bf16_peak_shape"] = lora::matmul_peak_shape(bf16_peak);
      out["fraction_of_fp32_peak"] = achieved / fp32_peak.flops_per_second;
      out["fraction_of_bf16_peak"] = achieved / bf16_peak.flops_per_second;
      out["peak_memory_bytes"] = peak_memory;
      out["peak_memory_kind"] = memory.what();
      out["gradient_checkpointing"] = args.has("gradient-checkpointing");
      out["dora"] = lora_config.use_dora;
      if (device.is_cuda()) {
        out["cuda_peak_reserved_bytes"] = memory.peak_reserved_bytes();
        out["cuda_device_in_use_peak_bytes"] = memory.device_in_use_peak_bytes();
      }
      out["first_loss"] = result.first_loss;
      out["last_loss"] = result.last_loss;
      if (ceiling.measured) {
        out["frozen_product_weights"] = ceiling.weights;
        out["frozen_products_seconds"] = ceiling.mean_seconds;
        out["frozen_products_best_seconds"] = ceiling.best_seconds;
        out["frozen_products_share_of_step"] = ceiling.mean_seconds / step_seconds;
        out["fraction_of_peak_frozen_products_alone"] = flops.total() / ceiling.best_seconds / own_peak.flops_per_second;
      } else if (args.has("ceiling")) {
        out["frozen_products_seconds"] = nullptr;  // quantized frozen weights: not plain matmuls
      }
      if (settings.profile) {
        nlohmann::ordered_json ops = nlohmann::ordered_json::array();
        for (size_t i = 0; i < result.profile.size() && i < kProfileRows; ++i) {
          const lora::OpProfile& op = result.profile[i];
          ops.push_back({{"name", op.name}, {"input_shapes", op.input_shapes}, {"calls", op.calls},
                         {"self_seconds", op.self_seconds}, {"total_seconds", op.total_seconds}});
        }
        out["profiled_step_seconds"] = result.profiled_step_seconds;
        out["profile"] = ops;
      }
      std::printf("%s\n", out.dump().c_str());
      std::fflush(stdout);
      continue;
    }

    if (!first) std::printf("\n");
    first = false;
    std::printf("bench train: %s%s\n", dtype.c_str(),
                quantized == "none" ? ""
                                    : (", " + quantized + " base" + (quantized == "nf4" && compute.double_quant ? " (double quant)" : "")).c_str());
    row("model", what);
    row("parameters", printf_string("%.1f M (%.1f M in matmuls)", model->num_parameters() / 1e6,
                                    matmul_parameters / 1e6));
    row("device", model->target().describe());
    row(lora_config.use_dora ? "DoRA" : "LoRA",
        printf_string("rank %lld, alpha %g, dropout %g on %s: %lld layers, %.2f M trainable parameters",
                              static_cast<long long>(rank), lora_config.lora_alpha, lora_config.lora_dropout,
                              args.get("target-modules", "all-linear").c_str(), static_cast<long long>(lora_layers),
                              result.trainable_parameters / 1e6));
    row("batch", printf_string("%lld x %lld = %lld tokens per step; %d timed steps after %d warm-up",
                               static_cast<long long>(settings.micro_batch), static_cast<long long>(settings.seq_len),
                               static_cast<long long>(result.tokens_per_step), settings.timed_steps,
                               settings.warmup_steps));
    row("step time", printf_string("%.3f s mean (forward+loss %.3f, backward %.3f, optimizer %.3f), best %.3f s",
                                   step_seconds, result.mean.forward, result.mean.backward, result.mean.optimizer,
                                   result.best_step_seconds));
    row("tokens/s", printf_string("%.1f", result.tokens_per_second));
    row("FLOP per step", gflops(flops.total()) + printf_string(" (frozen matmuls %.4g, LoRA %.4g, attention %.4g)",
                                                               flops.frozen_matmul / 1e9, flops.lora / 1e9,
                                                               flops.attention / 1e9));
    row("achieved", gflops_rate(achieved));
    row("matmul peak", printf_string("fp32 %s (%s), bf16 %s (%s)", gflops_rate(fp32_peak.flops_per_second).c_str(),
                                     lora::matmul_peak_shape(fp32_peak).c_str(),
                                     gflops_rate(bf16_peak.flops_per_second).c_str(),
                                     lora::matmul_peak_shape(bf16_peak).c_str()));
    row("of peak", printf_string("%.1f%% of the %s peak (%.1f%% of fp32, %.1f%% of bf16)",
                                 100.0 * achieved / own_peak.flops_per_second, short_dtype(dtype).c_str(),
                                 100.0 * achieved / fp32_peak.flops_per_second,
                                 100.0 * achieved / bf16_peak.flops_per_second));
    row("peak memory", printf_string("%.1f MiB (%s)", peak_memory / 1048576.0, memory.what().c_str()));
    if (ceiling.measured)
      row("frozen products", printf_string("%.3f s alone (best %.3f s), %.1f%% of the step; with nothing else a "
                                           "step would reach %.1f%% of the %s peak",
                                           ceiling.mean_seconds, ceiling.best_seconds,
                                           100.0 * ceiling.mean_seconds / step_seconds,
                                           100.0 * flops.total() / ceiling.best_seconds / own_peak.flops_per_second,
                                           short_dtype(dtype).c_str()));
    else if (args.has("ceiling"))
      row("frozen products", "not timed: the frozen weights are quantized");
    row("loss", printf_string("%.4f (first step) -> %.4f (last)", result.first_loss, result.last_loss));
    if (settings.profile) {
      std::printf("ops by self time in one profiled step (%.3f s with the profiler on):\n", result.profiled_step_seconds);
      std::printf("  %-64s %6s %9s %7s %9s\n", "op (input shapes)", "calls", "self ms", "self %", "total ms");
      for (size_t i = 0; i < result.profile.size() && i < kProfileRows; ++i) {
        const lora::OpProfile& op = result.profile[i];
        std::string label = op.name + (op.input_shapes.empty() ? "" : " " + op.input_shapes);
        // Backward nodes are named by their C++ type: keep the node's own name readable within 64 columns.
        for (const char* noise : {"torch::autograd::", "lora::ops::", "(anonymous namespace)::"})
          for (size_t at; (at = label.find(noise)) != std::string::npos;) label.erase(at, std::strlen(noise));
        if (label.size() > 64) label = label.substr(0, 61) + "...";
        std::printf("  %-64s %6lld %9.1f %6.1f%% %9.1f\n", label.c_str(), static_cast<long long>(op.calls),
                    op.self_seconds * 1e3, 100.0 * op.self_seconds / result.profiled_step_seconds,
                    op.total_seconds * 1e3);
      }
    }
    std::fflush(stdout);
  }
  if (!json && quantize != "none") {
    std::printf("\n%s beside the dense base:\n", quantize.c_str());
    for (size_t i = 0; i + 1 < summaries.size(); i += 2)
      std::printf("  %-9s peak memory %.1f / %.1f MiB = %.2fx, tokens/s %.1f / %.1f = %.2fx\n",
                  summaries[i].dtype.c_str(), summaries[i].peak_memory / 1048576.0,
                  summaries[i + 1].peak_memory / 1048576.0,
                  static_cast<double>(summaries[i].peak_memory) / std::max<int64_t>(1, summaries[i + 1].peak_memory),
                  summaries[i].tokens_per_second, summaries[i + 1].tokens_per_second,
                  summaries[i].tokens_per_second / std::max(1e-9, summaries[i + 1].tokens_per_second));
  }
  return 0;
}

const BenchKindRegistration train_registration({
    "train",
    "bench train [MODEL_DIR|--arch llama|qwen2|mistral|qwen3|gemma3_text|phi3 --hidden-size N ...] [--seq-len 256] [--micro-batch-size 4] "
    "[--rank 16] [--target-modules all-linear] [--dtype both|float32|bfloat16] [--steps 5] [--warmup 1] "
    "[--dora] [--threads N] [--json] [--profile] [--ceiling]",
    kTrainHelp,
    {"json", "profile", "ceiling", "gradient-checkpointing", "double-quant", "dora"},
    run_bench_train,
    {{"micro-batch", "micro-batch-size"}, {"precision", "dtype"}},
});

}  // namespace
}  // namespace cli
