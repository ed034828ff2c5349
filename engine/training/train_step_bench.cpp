#include "train_step_bench.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <malloc.h>
#include <torch/version.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <string>

#include "causal_lm.h"
#include "cuda_memory.h"
#include "device.h"
#include "error.h"
#include "lora_linear.h"
#include "model_adapter.h"
#include "target_loss.h"
#include "model_config.h"
#include "ops.h"
#include "optimizer.h"
#include "tokenized_dataset.h"
#include "training_messages.h"

// The op profiler behind --profile. It is the legacy (non-Kineto) one: Debian's CPU libtorch 1.13
// has no Kineto, and its per-thread push/pop events are all the self-time table needs. Its API
// moved between releases, so it is only built against libtorch 1.x.
#if TORCH_VERSION_MAJOR < 2 && __has_include(<torch/csrc/autograd/profiler_legacy.h>)
#include <torch/csrc/autograd/profiler_legacy.h>
#define LORA_HAVE_LEGACY_PROFILER 1
#else
#define LORA_HAVE_LEGACY_PROFILER 0
#endif

namespace lora {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double>(end - start).count();
}

// CUDA kernels run asynchronously: a small device→host copy waits for the queue to drain, so each
// phase's time is its own. On the CPU every op has finished when it returns.
void synchronize(const c10::Device& device) {
  if (device.is_cuda()) at::zeros({1}, at::TensorOptions().device(device)).cpu();
}

struct PhaseTimer {
  c10::Device device;
  PeakMemory* memory;
  Clock::time_point last = Clock::now();
  double lap() {
    synchronize(device);
    if (memory) memory->sample();
    const Clock::time_point now = Clock::now();
    const double seconds = seconds_between(last, now);
    last = now;
    return seconds;
  }
};

#if LORA_HAVE_LEGACY_PROFILER
// Self and total time per op name and input shapes from the profiler's per-thread push/pop
// events, which nest properly within a thread.
std::vector<OpProfile> summarize_profile(const torch::autograd::profiler::thread_event_lists& threads) {
  using torch::autograd::profiler::EventKind;
  using torch::autograd::profiler::LegacyEvent;
  std::map<std::string, OpProfile> by_name;
  for (const auto& events : threads) {
    struct Open {
      const LegacyEvent* push;
      double children_us;
    };
    std::vector<Open> stack;
    for (const LegacyEvent& event : events) {
      if (event.kind() == EventKind::PushRange) {
        stack.push_back({&event, 0.0});
      } else if (event.kind() == EventKind::PopRange && !stack.empty()) {
        const Open open = stack.back();
        stack.pop_back();
        const double total_us = open.push->cpuElapsedUs(event);
        std::string shapes;
        for (const auto& shape : open.push->shapes()) {
          if (shape.empty()) continue;  // scalars and non-tensor arguments
          shapes += shapes.empty() ? "[" : " [";
          for (size_t d = 0; d < shape.size(); ++d) shapes += (d ? "," : "") + std::to_string(shape[d]);
          shapes += "]";
        }
        OpProfile& entry = by_name[std::string(open.push->name()) + '\n' + shapes];
        entry.name = open.push->name();
        entry.input_shapes = shapes;
        entry.calls += 1;
        entry.total_seconds += total_us * 1e-6;
        entry.self_seconds += (total_us - open.children_us) * 1e-6;
        if (!stack.empty()) stack.back().children_us += total_us;
      }
    }
  }
  std::vector<OpProfile> ops;
  for (auto& [name, entry] : by_name) ops.push_back(std::move(entry));
  std::sort(ops.begin(), ops.end(), [](const OpProfile& a, const OpProfile& b) { return a.self_seconds > b.self_seconds; });
  return ops;
}
#endif

int64_t read_vm_hwm_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;  // "VmHWM:  123456 kB"
  }
  return -1;
}

}  // namespace

TrainStepBenchResult run_train_step_bench(CausalLM& model, const ModelAdapter& adapter,
                                          const TrainStepBenchSettings& settings, PeakMemory* memory) {
  if (settings.micro_batch < 1 || settings.seq_len < 1 || settings.timed_steps < 1 || settings.warmup_steps < 0)
    throw Error(msg::Training::bench_train_settings_too_small);
  const ModelConfig& config = model.config();
  if (settings.seq_len > config.max_position_embeddings)
    throw Error(msg::Training::bench_train_sequence_too_long, settings.seq_len, config.max_position_embeddings);
  std::vector<std::pair<std::string, at::Tensor>> params;
  for (const auto& [name, p] : adapter.parameters())
    if (p.requires_grad()) params.emplace_back(name, p);
  if (params.empty()) throw Error(msg::Training::bench_train_no_trainable_adapter);

  TrainStepBenchResult result;
  for (const auto& [name, p] : params) result.trainable_parameters += p.numel();
  result.tokens_per_step = settings.micro_batch * settings.seq_len;

  const c10::Device device = model.target().device;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(settings.seed);
  const at::Tensor tokens = at::randint(config.vocab_size, {settings.micro_batch, settings.seq_len + 1}, generator,
                                        at::TensorOptions().dtype(at::kLong));
  // On the host, as the trainer passes them: the forward pass and the loss move them to the device.
  const at::Tensor input_ids = tokens.slice(1, 0, settings.seq_len).contiguous();
  const at::Tensor labels = tokens.slice(1, 1).contiguous();
  const double target_count = static_cast<double>(result.tokens_per_step);

  OptimizerSettings optimizer_settings;  // adamw_torch, the trainer's default
  Optimizer optimizer(optimizer_settings, params);
  model.module().train();

  auto run_step = [&](TrainStepTimes* times) {
    PhaseTimer timer{device, memory};
    const at::Tensor loss = summed_target_loss(model, input_ids, labels);
    const double loss_value = loss.item<double>();  // for the report (the trainer reads it once per step)
    times->forward = timer.lap();
    (loss / target_count).backward();
    times->backward = timer.lap();
    // As the trainer: global gradient norm, torch-style clipping, the update, zeroed gradients.
    const at::Tensor norm = gradient_norm(params);
    const double grad_norm = norm.defined() ? norm.item<double>() : 0.0;
    if (settings.max_grad_norm > 0 && grad_norm > settings.max_grad_norm)
      scale_gradients(params, settings.max_grad_norm / (grad_norm + 1e-6));
    optimizer.step(settings.learning_rate);
    optimizer.zero_grad();
    times->optimizer = timer.lap();
    return loss_value / target_count;
  };

  for (int i = 0; i < settings.warmup_steps; ++i) {
    TrainStepTimes ignored;
    const double loss = run_step(&ignored);
    if (i == 0) result.first_loss = loss;
  }
  for (int i = 0; i < settings.timed_steps; ++i) {
    TrainStepTimes times;
    const double loss = run_step(&times);
    if (i == 0 && settings.warmup_steps == 0) result.first_loss = loss;
    result.last_loss = loss;
    result.steps.push_back(times);
  }
  result.best_step_seconds = result.steps.front().total();
  for (const TrainStepTimes& t : result.steps) {
    const double n = static_cast<double>(result.steps.size());
    result.mean.forward += t.forward / n;
    result.mean.backward += t.backward / n;
    result.mean.optimizer += t.optimizer / n;
    result.best_step_seconds = std::min(result.best_step_seconds, t.total());
  }
  result.tokens_per_second = static_cast<double>(result.tokens_per_step) / result.mean.total();

  if (settings.profile) {
    // CUDA kernels run asynchronously: CPU-side op times would say little about where GPU time goes.
    if (device.is_cuda()) throw Error(msg::Training::bench_train_profile_on_cuda);
#if LORA_HAVE_LEGACY_PROFILER
    namespace profiler = torch::autograd::profiler;
    TrainStepTimes times;
    {
      profiler::TLSLegacyProfilerGuard guard(
          torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU, /*report_input_shapes=*/true),
          [&](const profiler::thread_event_lists& events) { result.profile = summarize_profile(events); });
      run_step(&times);
    }
    result.profiled_step_seconds = times.total();
#else
    throw Error(msg::Training::bench_train_profile_needs_libtorch_1, TORCH_VERSION);
#endif
  }
  return result;
}

TrainStepFlops train_step_flops(const CausalLM& model, int64_t batch, int64_t seq_len) {
  const ModelConfig& c = model.config();
  const double tokens = static_cast<double>(batch) * static_cast<double>(seq_len);
  double frozen = 0, lora = 0;
  auto& mutable_model = const_cast<CausalLM&>(model);  // linear_layer() is non-const; nothing is changed
  for (const std::string& path : model.linear_layer_paths()) {
    const LoraLinear& linear = mutable_model.linear_layer(path);
    frozen += static_cast<double>(linear.in_features() * linear.out_features());
    if (linear.has_lora() && linear.lora_enabled() && !linear.merged())
      lora += static_cast<double>(linear.lora_A().numel() + linear.lora_B().numel());
  }
  TrainStepFlops flops;
  flops.frozen_matmul = 4.0 * frozen * tokens;
  flops.lora = 6.0 * lora * tokens;
  const double forward_attention = static_cast<double>(c.num_hidden_layers) * 2.0 * 2.0 * static_cast<double>(batch) *
                                   static_cast<double>(c.num_attention_heads) * static_cast<double>(seq_len) *
                                   static_cast<double>(seq_len) * static_cast<double>(c.head_dim);
  flops.attention = 3.0 * forward_attention;
  return flops;
}

namespace {

// One frozen product of the step: a weight [out, in] (several layers' weights when they are adjacent
// rows of one buffer, as the engine runs q/k/v and gate/up) and, for the head, the band it runs in.
struct FrozenProduct {
  at::Tensor weight;
  int64_t band_rows = 0;  // 0: all rows at once
};

// The `width` columns the next product reads, made from `previous` as the step's data would be:
// its leading columns where it is wider (o_proj reads the q part of q/k/v's output), copies of it
// side by side where it is narrower (the gradient of q/k/v or gate/up arrives as one wide tensor).
at::Tensor as_width(const at::Tensor& previous, int64_t width) {
  const int64_t have = previous.size(1);
  if (have >= width) return have == width ? previous : previous.narrow(1, 0, width).contiguous();
  std::vector<at::Tensor> parts;
  for (int64_t filled = 0; filled < width; filled += have) parts.push_back(previous.narrow(1, 0, std::min(have, width - filled)));
  return at::cat(parts, 1);
}

std::vector<FrozenProduct> frozen_products_in_order(CausalLM& model, int64_t rows) {
  std::vector<FrozenProduct> products;
  at::Tensor head;
  const char* group_end = nullptr;  // where the previous weight's buffer ends, for adjacency
  for (const std::string& path : model.linear_layer_paths()) {
    const LoraLinear& linear = model.linear_layer(path);
    const at::Tensor& w = linear.weight();
    if (path == "lm_head") {
      head = w;
      continue;
    }
    const auto* start = static_cast<const char*>(w.data_ptr());
    FrozenProduct* last = products.empty() ? nullptr : &products.back();
    if (last && start == group_end && w.storage().is_alias_of(last->weight.storage()) && w.is_contiguous() &&
        last->weight.is_contiguous() &&
        w.size(1) == last->weight.size(1) && w.scalar_type() == last->weight.scalar_type()) {
      last->weight = last->weight.as_strided({last->weight.size(0) + w.size(0), w.size(1)}, {w.size(1), 1});
    } else {
      products.push_back({w, 0});
    }
    group_end = start + w.numel() * w.element_size();
  }
  if (head.defined())
    products.push_back({head, ops::linear_cross_entropy_band_rows(rows, head.size(0), head.device().is_cpu())});
  return products;
}

}  // namespace

FrozenProductsTiming time_frozen_products(CausalLM& model, int64_t batch, int64_t seq_len, int repeats) {
  FrozenProductsTiming timing;
  for (const std::string& path : model.linear_layer_paths())
    if (model.linear_layer(path).quantized() || !model.linear_layer(path).weight().defined()) return timing;
  const int64_t rows = batch * seq_len;
  const std::vector<FrozenProduct> products = frozen_products_in_order(model, rows);
  if (products.empty()) return timing;
  at::NoGradGuard no_grad;
  const at::Tensor first = products.front().weight;
  const c10::Device device = first.device();
  const at::Tensor input = at::randn({rows, first.size(1)}, first.options().dtype(at::kFloat)).to(first.scalar_type());
  const auto one_step = [&] {
    at::Tensor x = input;
    at::Tensor grad;
    for (const FrozenProduct& product : products) {
      x = as_width(x, product.weight.size(1));
      if (product.band_rows == 0) {
        x = at::mm(x, product.weight.t());
        continue;
      }
      // The head: the logits and, from their gradient (which the loss writes over them), the
      // hidden states' gradient, band by band.
      std::vector<at::Tensor> bands;
      for (int64_t row = 0; row < rows; row += product.band_rows) {
        const at::Tensor logits = at::mm(x.narrow(0, row, std::min(product.band_rows, rows - row)), product.weight.t());
        bands.push_back(at::mm(logits, product.weight));
      }
      grad = at::cat(bands, 0);
    }
    if (!grad.defined()) grad = x;
    for (size_t i = products.size(); i-- > 1;) {
      if (products[i].band_rows != 0) continue;
      grad = at::mm(as_width(grad, products[i].weight.size(0)), products[i].weight);
    }
    synchronize(device);
  };
  one_step();  // warm-up: kernel selection
  double total = 0;
  timing.best_seconds = 1e300;
  for (int r = 0; r < std::max(1, repeats); ++r) {
    const auto start = Clock::now();
    one_step();
    const double seconds = seconds_between(start, Clock::now());
    total += seconds;
    timing.best_seconds = std::min(timing.best_seconds, seconds);
  }
  timing.mean_seconds = total / std::max(1, repeats);
  timing.weights = static_cast<int64_t>(products.size());
  timing.measured = true;
  return timing;
}

// ---- PeakMemory -------------------------------------------------------------------------------

int64_t PeakMemory::peak_reserved_bytes() const {
  CudaAllocatorStats stats;
  return cuda_allocator_stats(device_, &stats) ? stats.peak_reserved_bytes : -1;
}

void PeakMemory::reset() {
  cuda_peak_ = 0;
  if (device_.is_cuda()) {
    reset_cuda_peak_memory(device_);
    sample();
    return;
  }
  // Return freed heap pages first, so the new high-water mark starts from what is really in use.
  malloc_trim(0);
  // "5" resets the peak RSS (VmHWM) to the current RSS (Linux ≥ 4.0, see proc(5)).
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
  clear_refs.flush();
  rss_reset_ = clear_refs.good() && read_vm_hwm_bytes() >= 0;
}

void PeakMemory::sample() {
  if (device_.is_cuda()) cuda_peak_ = std::max(cuda_peak_, memory_in_use_bytes(device_));
}

int64_t PeakMemory::peak_bytes() const {
  if (device_.is_cuda()) {
    // The caching allocator's peak of memory held by tensors: what torch.cuda.max_memory_allocated
    // reports for a Python reference. Without it, the device memory in use seen after each phase.
    CudaAllocatorStats stats;
    return cuda_allocator_stats(device_, &stats) ? stats.peak_allocated_bytes : cuda_peak_;
  }
  if (rss_reset_) return read_vm_hwm_bytes();
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // kB on Linux
}

std::string PeakMemory::what() const {
  if (device_.is_cuda()) {
    CudaAllocatorStats stats;
    if (cuda_allocator_stats(device_, &stats))
      return "CUDA caching allocator's peak of memory held by tensors (as torch.cuda.max_memory_allocated)";
    return "CUDA memory in use (cudaMemGetInfo), highest after any phase of a step";
  }
  if (rss_reset_) return "process RSS high-water mark (VmHWM) since this run started";
  return "process RSS high-water mark (getrusage ru_maxrss) since the process started";
}

}  // namespace lora
