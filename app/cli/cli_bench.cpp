// lora-studio-cli bench: the dispatch to benchmark kinds, and `bench forward`: forward-pass
// tokens/s and achieved FLOP/s against bf16 and fp32 matmul peaks measured in the same run.
#include "cli_bench.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "causal_lm.h"
#include "device.h"
#include "error.h"
#include "throughput.h"
#include "tiny_model.h"

namespace cli {

// Shared by every bench kind (declared in cli_bench.h).
std::string printf_string(const char* format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

void row(const char* label, const std::string& value) { std::printf("%-18s %s\n", label, value.c_str()); }

BenchTemporaryDir::BenchTemporaryDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "lora-studio-bench-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw cli::UsageError("cannot create a temporary folder in " + pattern);
  path = pattern;
}

BenchTemporaryDir::~BenchTemporaryDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}


std::map<std::string, BenchKind>& bench_kinds() {
  static std::map<std::string, BenchKind> kinds;
  return kinds;
}

namespace {

int run_bench(const Args& args) {
  std::string names;
  for (const auto& [name, kind] : bench_kinds()) names += (names.empty() ? "" : ", ") + name;
  const std::string kind_name = args.positional_at(0, ("KIND (" + names + ")").c_str());
  auto it = bench_kinds().find(kind_name);
  if (it == bench_kinds().end()) throw cli::UsageError("unknown benchmark '" + kind_name + "'; expected one of " + names);
  return it->second.run(args);
}

}  // namespace

BenchKindRegistration::BenchKindRegistration(BenchKind kind) {
  bench_kinds()[kind.name] = std::move(kind);
  Command bench;
  bench.name = "bench";
  bench.help = "Benchmarks; each prints a table. Kinds:\n";
  for (const auto& [name, k] : bench_kinds()) {
    bench.usage += (bench.usage.empty() ? "" : "\n  ") + k.usage;
    bench.help += "\n" + k.usage + "\n" + k.help + "\n";
    for (const auto& flag : k.flag_names)
      if (std::find(bench.flag_names.begin(), bench.flag_names.end(), flag) == bench.flag_names.end())
        bench.flag_names.push_back(flag);
    bench.aliases.insert(k.aliases.begin(), k.aliases.end());
  }
  bench.run = run_bench;
  registry()[bench.name] = std::move(bench);
}

namespace {

// ---- bench forward -----------------------------------------------------------------------------

constexpr const char* kForwardHelp =
    R"(  Times the full forward pass (no KV cache, no gradients) of a model folder, or of a generated tiny
  Llama-shaped model when --arch is given instead (defaults: the 58M-parameter shape of NOTES.md's baseline).
  FLOPs = 2 x matmul parameters x tokens + attention (QK^T and AV over the full T x T matrix).
    --model DIR (or MODEL_DIR after the kind)  --seq-len N (256)  --batch-size N (1)  --iters N (5, after one warm-up)
    --dtype auto|float32|bfloat16|float16  --device auto|cpu|cuda[:N]  --threads N (0 = all cores)
    --quantize none|nf4|int8  the decoder's linear weights quantized (dequantized on the fly)  --double-quant
    generated model: --arch llama|qwen2|mistral|qwen3|gemma3_text|phi3 --hidden-size (512) --intermediate-size (1376)
                     --layers (8) --heads (8) --kv-heads (= heads) --vocab-size (32000))";

std::string format_rate(double flops_per_second) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.1f GFLOP/s", flops_per_second / 1e9);
  return buffer;
}



int run_bench_forward(const Args& args) {
  args.check_known({"model", "seq-len", "batch-size", "iters", "dtype", "device", "threads", "arch", "hidden-size",
                    "intermediate-size", "layers", "heads", "kv-heads", "vocab-size", "quantize", "double-quant"});
  const int64_t seq_len = args.get_int("seq-len", 256);
  const int64_t batch = args.get_int("batch-size", 1);
  const int iters = args.get_int("iters", 5);
  if (seq_len < 1 || batch < 1 || iters < 1) throw cli::UsageError("--seq-len, --batch-size and --iters must be at least 1");

  lora::ComputeOptions compute;
  compute.device = args.get("device", "auto");
  compute.dtype = args.get("dtype", "auto");
  compute.threads = args.get_int("threads", 0);
  compute.quantize = args.get("quantize", "none");
  compute.double_quant = args.has("double-quant");
  lora::set_cpu_threads(compute.threads);

  std::unique_ptr<BenchTemporaryDir> generated;
  std::string model_dir, what;
  if (args.has("arch")) {
    if (args.has_model_dir(1)) throw cli::UsageError("give either MODEL_DIR or --arch, not both");
    lora::TinyModelOptions tiny;
    tiny.arch = args.get("arch");
    tiny.hidden_size = args.get_int("hidden-size", 512);
    tiny.intermediate_size = args.get_int("intermediate-size", 1376);
    tiny.num_layers = args.get_int("layers", 8);
    tiny.num_heads = args.get_int("heads", 8);
    tiny.num_kv_heads = args.get_int("kv-heads", int(tiny.num_heads));
    tiny.vocab_size = args.get_int("vocab-size", 32000);
    tiny.max_position_embeddings = std::max<int64_t>(2048, seq_len);
    // Stored as real checkpoints are: bf16 unless a dtype is asked for.
    tiny.dtype = compute.dtype == "auto" ? "bfloat16" : compute.dtype;
    generated = std::make_unique<BenchTemporaryDir>();
    model_dir = (generated->path / "model").string();
    lora::write_tiny_model(model_dir, tiny);
    what = printf_string("generated %s (hidden %lld, %lld layers, %lld heads / %lld kv, vocab %lld)", tiny.arch.c_str(),
                         static_cast<long long>(tiny.hidden_size), static_cast<long long>(tiny.num_layers),
                         static_cast<long long>(tiny.num_heads), static_cast<long long>(tiny.num_kv_heads),
                         static_cast<long long>(tiny.vocab_size));
  } else {
    if (!args.has_model_dir(1)) throw cli::UsageError("missing argument: MODEL_DIR (or --model DIR, or --arch for a generated model)");
    model_dir = args.model_dir(1);
    what = model_dir;
  }

  std::unique_ptr<lora::CausalLM> model = lora::CausalLM::load(model_dir, compute);
  const lora::ModelConfig& config = model->config();
  const lora::ComputeTarget& target = model->target();
  if (seq_len > config.max_position_embeddings)
    throw cli::UsageError("--seq-len " + std::to_string(seq_len) + " exceeds the model's context length of " +
                      std::to_string(config.max_position_embeddings));

  at::NoGradGuard no_grad;
  const at::Tensor ids = at::randint(config.vocab_size, {batch, seq_len}, at::TensorOptions().dtype(at::kLong));
  auto time_forward = [&] {
    const auto start = std::chrono::steady_clock::now();
    at::Tensor logits = model->forward(ids);
    // The logits' first value on the host: the device has finished the pass.
    (void)logits.select(0, 0).select(0, 0).select(0, 0).item<float>();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  time_forward();  // warm-up
  std::vector<double> times;
  for (int i = 0; i < iters; ++i) times.push_back(time_forward());
  const double best = *std::min_element(times.begin(), times.end());
  double mean = 0;
  for (double t : times) mean += t / double(times.size());

  const lora::ForwardFlops flops = lora::forward_flops(config, batch, seq_len);
  const double tokens = double(batch * seq_len);
  const double achieved = flops.total() / mean;

  const lora::MatmulPeak bf16 = lora::measure_matmul_peak(target.device, at::kBFloat16);
  const lora::MatmulPeak fp32 = lora::measure_matmul_peak(target.device, at::kFloat);
  lora::MatmulPeak fp16;
  if (target.dtype == at::kHalf) fp16 = lora::measure_matmul_peak(target.device, at::kHalf);
  const lora::MatmulPeak& peak = target.dtype == at::kBFloat16 ? bf16 : target.dtype == at::kHalf ? fp16 : fp32;
  const std::string peak_name = lora::precision_short_name(target.dtype);

  std::printf("bench forward\n");
  row("model", what);
  row("parameters", printf_string("%.1f M (%.1f M in matmuls)", model->num_parameters() / 1e6,
                                  lora::matmul_parameters(config) / 1e6));
  row("device", target.describe());
  row("input", printf_string("batch %lld x %lld tokens; %d timed passes after 1 warm-up", static_cast<long long>(batch),
                             static_cast<long long>(seq_len), iters));
  row("forward time", printf_string("%.2f ms mean, %.2f ms best", mean * 1e3, best * 1e3));
  row("tokens/s", printf_string("%.0f (best pass %.0f)", tokens / mean, tokens / best));
  row("FLOP per pass", printf_string("%.3f GFLOP (matmuls %.3f, attention %.3f)", flops.total() / 1e9,
                                     flops.matmul / 1e9, flops.attention / 1e9));
  row("achieved", format_rate(achieved));
  row("matmul peak bf16", format_rate(bf16.flops_per_second) + " (" + lora::matmul_peak_shape(bf16) + ")");
  row("matmul peak fp32", format_rate(fp32.flops_per_second) + " (" + lora::matmul_peak_shape(fp32) + ")");
  if (target.dtype == at::kHalf)
    row("matmul peak fp16", format_rate(fp16.flops_per_second) + " (" + lora::matmul_peak_shape(fp16) + ")");
  row("of peak", printf_string("%.1f%% of the %s peak (the compute dtype)", 100.0 * achieved / peak.flops_per_second,
                               peak_name.c_str()));
  std::fflush(stdout);
  return 0;
}

const BenchKindRegistration forward_registration({
    "forward",
    "bench forward MODEL_DIR|--arch llama|qwen2|mistral|qwen3|gemma3_text|phi3 [--hidden-size N ...] [--seq-len 256] [--batch-size 1] "
    "[--dtype ...] [--threads N] [--iters N]",
    kForwardHelp,
    {"double-quant"},
    run_bench_forward,
    {{"batch", "batch-size"}, {"precision", "dtype"}},
});

}  // namespace
}  // namespace cli
