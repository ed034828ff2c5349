#include "trainer.h"

#include <ATen/ATen.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

#include "atomic_file.h"
#include "batch_plan.h"
#include "causal_lm.h"
#include "cuda_memory.h"
#include "dataset_split.h"
#include "device.h"
#include "error.h"
#include "eval_samples.h"
#include "gradient_reducer.h"
#include "lora_adapter.h"
#include "lr_schedule.h"
#include "model_adapter.h"
#include "optimizer.h"
#include "target_loss.h"
#include "tokenized_dataset.h"
#include "tokenizer.h"
#include "training_checkpoint.h"
#include "training_log.h"
#include "training_messages.h"
#include "world.h"

namespace fs = std::filesystem;

namespace lora {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A loss as the log has always shown it (std::ostream's default: 6 significant digits).
std::string stream_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// Dropout masks come from the global generator, re-seeded per micro-batch from (seed, step, micro):
// the masks of step k are the same in an uninterrupted run and in one resumed at k.
uint64_t mix_seed(uint64_t seed, int64_t step, size_t micro) {
  uint64_t x = seed ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(step + 1)) ^ (0xC2B2AE3D27D4EB4FULL * (micro + 1));
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 29;
  return x;
}

// Fault injection for the tests (tests/test_faults.cpp, test_ui_train.cpp): LORA_STUDIO_INJECT_OOM_AT_STEP=N
// makes step N (1-based; 0 = right after the model is loaded) fail the way the CUDA caching allocator
// fails, so the out-of-memory paths (the run stops, checkpoints stay, the advice) are exercised on
// machines without a GPU.
void inject_out_of_memory_for_tests(int64_t step_number) {
  const char* at_step = std::getenv("LORA_STUDIO_INJECT_OOM_AT_STEP");  // read per step: tests set it mid-process
  if (at_step && step_number == std::atoll(at_step))
    TORCH_CHECK_WITH(OutOfMemoryError, false,
                     "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 23.65 GiB total capacity; "
                     "21.80 GiB already allocated; 1.12 GiB free) [injected by LORA_STUDIO_INJECT_OOM_AT_STEP]");
}

enum class OutOfMemory { No, Gpu, Ram };

// Out-of-memory failures that reach us as a plain c10::Error: the CPU allocator's ("can't allocate
// memory"), and on CUDA those of the driver and cuBLAS rather than the caching allocator.
OutOfMemory out_of_memory_kind(const c10::Error& e) {
  const std::string what = e.what_without_backtrace();
  for (const char* gpu : {"CUDA out of memory", "CUDA error: out of memory", "CUBLAS_STATUS_ALLOC_FAILED"})
    if (what.find(gpu) != std::string::npos) return OutOfMemory::Gpu;
  return what.find("can't allocate memory") != std::string::npos ? OutOfMemory::Ram : OutOfMemory::No;
}

// One padded micro-batch: right-padded ids (padding sits after every real token, so with a causal
// mask no real token ever attends to it) and the targets of every position that has one.
struct MicroBatch {
  at::Tensor input_ids;  // [b, L] int64
  at::Tensor labels;     // [b, L] int64, next-token targets already shifted: position t predicts labels[t]
  int64_t input_tokens = 0;
  int64_t target_tokens = 0;
};

MicroBatch make_micro_batch(const std::vector<const TokenizedExample*>& examples, int32_t pad_id, c10::Device device) {
  int64_t length = 0;
  for (const auto* e : examples) length = std::max<int64_t>(length, static_cast<int64_t>(e->input_ids.size()));
  const int64_t rows = static_cast<int64_t>(examples.size());
  at::Tensor ids = at::full({rows, length}, pad_id, at::kLong);
  at::Tensor labels = at::full({rows, length}, kIgnoreLabel, at::kLong);
  auto ids_a = ids.accessor<int64_t, 2>();
  auto labels_a = labels.accessor<int64_t, 2>();
  MicroBatch batch;
  for (int64_t r = 0; r < rows; ++r) {
    const auto& e = *examples[r];
    const int64_t n = static_cast<int64_t>(e.input_ids.size());
    for (int64_t t = 0; t < n; ++t) ids_a[r][t] = e.input_ids[t];
    // Hugging Face shifts inside the loss: hidden state t predicts the label of position t + 1.
    for (int64_t t = 0; t + 1 < n; ++t) {
      labels_a[r][t] = e.labels[t + 1];
      if (e.labels[t + 1] != kIgnoreLabel) ++batch.target_tokens;
    }
    batch.input_tokens += n;
  }
  // Kept on the host: the forward pass checks the ids there and summed_target_loss picks the
  // target positions there, so neither waits for the device; they reach it without a sync.
  (void)device;
  batch.input_ids = ids;
  batch.labels = labels;
  return batch;
}

LoraConfig lora_config_from(const TrainingSettings& s) {
  LoraConfig c;
  const bool all_linear = std::find(s.target_modules.begin(), s.target_modules.end(), "all-linear") != s.target_modules.end();
  if (all_linear) {
    c.target_modules.is_regex = true;
    c.target_modules.regex = "all-linear";
  } else {
    c.target_modules.names = s.target_modules;
  }
  c.r = s.rank;
  c.lora_alpha = s.alpha;
  c.lora_dropout = s.dropout;
  c.use_rslora = s.use_rslora;
  c.use_dora = s.use_dora;
  c.base_model_name_or_path = s.model_dir;
  return c;
}

// The micro-batches of a step this rank runs. They are sorted longest first, so dealing them out in
// a snake (0 1 1 0 0 1 ...) gives every rank a similar share of the long and the short ones.
std::vector<size_t> micro_batches_of_rank(size_t count, const dist::World* world) {
  std::vector<size_t> mine;
  const size_t ranks = world ? static_cast<size_t>(world->size()) : 1;
  const size_t rank = world ? static_cast<size_t>(world->rank()) : 0;
  for (size_t m = 0; m < count; ++m) {
    const size_t round = m / ranks, place = m % ranks;
    if ((round % 2 == 0 ? place : ranks - 1 - place) == rank) mine.push_back(m);
  }
  return mine;
}

class Run {
 public:
  Run(const TrainingSettings& s, bool resume, const TrainingCallback& callback, const dist::WorldOptions* world)
      : s_(s), resume_(resume), callback_(callback), world_options_(world) {}

  // A rank that fails on its own leaves its message for the others before the error goes up.
  TrainingResult execute() {
    try {
      return execute_steps();
    } catch (const std::exception& e) {
      if (world_) world_->report_failure(e.what());
      throw;
    }
  }
  // Set once the model is loaded and the steps begin (an out-of-memory before that is the model's).
  bool* stepping = nullptr;

 private:
  bool report(TrainingProgress p) {
    p.elapsed_seconds = elapsed_before_ + seconds_since(started_);
    if (world_) {
      p.rank = world_->rank();
      p.world_size = world_->size();
    }
    if (model_) p.memory_bytes = memory_in_use_bytes(model_->target().device);
    return callback_ ? callback_(p) : true;
  }
  void say(const std::string& phase, Message message = {}) {
    TrainingProgress p;
    p.phase = phase;
    p.message = std::move(message);
    p.total_steps = total_steps_;
    report(p);
  }
  TrainingResult execute_steps();
  double evaluate();
  bool is_main() const { return !world_ || world_->is_main(); }
  void join_world();
  void check_same_inputs();
  void sync_from_main(TrainerState& state, Optimizer& optimizer);
  void prepare_data();
  void prepare_eval_samples();
  void prepare_model();

  TrainingSettings s_;
  bool resume_;
  TrainingCallback callback_;
  const dist::WorldOptions* world_options_ = nullptr;
  std::unique_ptr<dist::World> world_;  // data-parallel runs only
  Clock::time_point started_ = Clock::now();
  double elapsed_before_ = 0;

  std::unique_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<TrainingDataset> dataset_;
  std::unique_ptr<TrainingDataset> eval_dataset_;
  TokenizedSet train_set_, eval_set_;
  std::unique_ptr<CausalLM> model_;
  std::unique_ptr<ModelAdapter> adapter_;  // after model_: detached before the model goes
  std::unique_ptr<EvalSampleGenerator> eval_samples_;
  int64_t total_steps_ = 0;
  int32_t pad_id_ = 0;
};

void Run::prepare_data() {
  say("tokenizing", Message(msg::Training::reading_dataset, s_.dataset_path));
  tokenizer_ = Tokenizer::load(s_.model_dir);
  const DatasetOptions options = dataset_options_for(s_);
  dataset_ = std::make_unique<TrainingDataset>(TrainingDataset::load(s_.dataset_path, *tokenizer_, options));
  if (!dataset_->skipped_records().empty()) {
    say("tokenizing", Message(msg::Training::bad_records_left_out, dataset_->skipped_records().size(), s_.dataset_path,
                              list_record_errors(dataset_->skipped_records())));
  }
  std::vector<size_t> train_indices(dataset_->size());
  for (size_t i = 0; i < train_indices.size(); ++i) train_indices[i] = i;
  if (!s_.eval_dataset_path.empty()) {
    eval_dataset_ = std::make_unique<TrainingDataset>(TrainingDataset::load(s_.eval_dataset_path, *tokenizer_, options));
    eval_set_ = eval_dataset_->tokenize_all();
  } else if (s_.eval_split > 0) {
    const DatasetSplit split = split_train_eval(dataset_->size(), s_.eval_split, s_.seed);
    train_indices = split.train;
    eval_set_ = dataset_->tokenize_records(split.eval);
  }
  train_set_ = dataset_->tokenize_records(train_indices);
  if (train_set_.examples.empty())
    throw Error(msg::Training::no_record_left_to_train, s_.dataset_path, train_set_.dropped.size(), s_.cutoff_len);
  const auto& st = train_set_.stats;
  const auto dropped = st.dropped_too_long + st.dropped_no_targets;
  if (eval_set_.examples.empty())
    say("tokenizing", Message(msg::Training::training_examples, st.examples, st.tokens, st.target_tokens, st.truncated,
                              dropped));
  else
    say("tokenizing", Message(msg::Training::training_and_evaluation_examples, st.examples, st.tokens,
                              st.target_tokens, st.truncated, dropped, eval_set_.examples.size()));
  const auto& cfg = tokenizer_->config();
  pad_id_ = cfg.pad_id >= 0 ? cfg.pad_id : (cfg.eos_id >= 0 ? cfg.eos_id : 0);
}

void Run::prepare_model() {
  say("loading model", Message(msg::Training::loading_model, s_.model_dir));
  ComputeOptions compute;
  compute.device = s_.device;
  compute.dtype = s_.precision;
  compute.threads = s_.threads;
  compute.quantize = s_.quantize;
  compute.double_quant = s_.double_quant;
  model_ = CausalLM::load(s_.model_dir, compute);
  inject_out_of_memory_for_tests(0);
  if (!s_.init_adapter.empty()) {
    adapter_ = ModelAdapter::load(*model_, s_.init_adapter);
    // --dora on a plain LoRA starting point: magnitudes from its W + scaling·B·A, as PEFT would.
    // A DoRA starting point stays DoRA.
    if (s_.use_dora) adapter_->enable_dora();
    adapter_->set_trainable(true);
  } else {
    adapter_ = ModelAdapter::create(*model_, lora_config_from(s_), s_.seed);
  }
  adapter_->set_enabled(true);
  model_->set_gradient_checkpointing(s_.gradient_checkpointing);
  say("loading model", Message(msg::Training::computing_on, model_->target().description()));
}

// After training_prompt.json is written: it decides the stop strings, as in chat with the adapter.
void Run::prepare_eval_samples() {
  if (eval_set_.examples.empty() || s_.eval_samples <= 0) return;
  const size_t count = static_cast<size_t>(s_.eval_samples);
  std::vector<TokenizedExample> examples = eval_set_.examples;
  if (s_.train_on_prompt) {
    // Every label is trained then: tokenize the chosen records again with the prompt masked, to
    // find where each prompt ends (the ids are the same).
    DatasetOptions masked = dataset_options_for(s_);
    masked.train_on_prompt = false;
    const std::string& path = eval_dataset_ ? s_.eval_dataset_path : s_.dataset_path;
    const TrainingDataset source = TrainingDataset::load(path, *tokenizer_, masked);
    const size_t wanted = std::min(examples.size(), count * 4);  // enough when a few have no prompt
    examples.resize(wanted);
    for (TokenizedExample& e : examples) {
      for (TokenizedExample& again : source.tokenize(e.record))
        if (again.block == e.block && again.input_ids == e.input_ids) e.labels = again.labels;
    }
  }
  eval_samples_ = std::make_unique<EvalSampleGenerator>(examples, count, s_.eval_sample_tokens, *tokenizer_,
                                                         s_.model_dir, s_.output_dir);
}

void Run::join_world() {
  if (!world_options_) return;
  dist::WorldOptions options = *world_options_;
  const bool on_gpu = s_.device.rfind("cuda", 0) == 0;
  // One GPU per rank: "cuda" (or "auto" on a CUDA machine, as the launcher passes it) is this rank's own.
  if (on_gpu && s_.device.find(':') == std::string::npos) s_.device = "cuda:" + std::to_string(options.local_rank);
  world_ = dist::World::join(options, on_gpu ? "cuda" : "cpu");
  if (world_->size() > 1)
    say("loading model", Message(msg::Training::dist_joined, world_->rank(), world_->size(), world_->backend_name(),
                                 options.master_addr, options.master_port));
}

// Every rank must train the same thing: options, model, dataset and adapter layout are compared by
// digest with rank 0's before the first step; a difference names the rank.
void Run::check_same_inputs() {
  if (!world_ || world_->size() == 1) return;
  TrainingSettings comparable = s_;
  // Paths may differ between machines and threads/devices between ranks; the contents are compared below.
  comparable.output_dir.clear();
  comparable.model_dir.clear();
  comparable.dataset_path.clear();
  comparable.eval_dataset_path.clear();
  comparable.init_adapter.clear();
  comparable.device.clear();
  comparable.threads = 0;
  world_->check_same(Message(msg::Training::dist_what_settings),
                     dist::digest_bytes(training_settings_to_json(comparable) + (resume_ ? "resume" : "")));
  world_->check_same(Message(msg::Training::dist_what_model), dist::digest_model_folder(s_.model_dir));
  std::string tokens;
  for (const TokenizedSet* set : {&train_set_, &eval_set_})
    for (const auto& e : set->examples) {
      tokens.append(reinterpret_cast<const char*>(e.input_ids.data()), e.input_ids.size() * sizeof(int32_t));
      tokens.append(reinterpret_cast<const char*>(e.labels.data()), e.labels.size() * sizeof(int32_t));
      tokens.push_back('\n');
    }
  world_->check_same(Message(msg::Training::dist_what_dataset), dist::digest_bytes(tokens));
  std::string layout;
  for (const auto& [name, tensor] : adapter_->parameters()) layout += name + c10::str(tensor.sizes()) + ";";
  world_->check_same(Message(msg::Training::dist_what_adapter), dist::digest_bytes(layout));
}

// The adapter, the optimizer's state and the step come from rank 0 (fresh or resumed), so every rank
// starts from the same weights, also when only rank 0 can see the output folder.
void Run::sync_from_main(TrainerState& state, Optimizer& optimizer) {
  if (world_->size() == 1) return;
  std::vector<at::Tensor> numbers{at::tensor({static_cast<double>(state.step), static_cast<double>(state.tokens_seen),
                                              state.elapsed_seconds, state.last_loss,
                                              static_cast<double>(optimizer.steps_taken())},
                                             at::kDouble)};
  world_->broadcast(numbers);
  std::vector<at::Tensor> tensors;
  for (const auto& [name, tensor] : adapter_->parameters()) tensors.push_back(tensor);
  const auto optimizer_state = optimizer.state();
  for (const auto& [name, tensor] : optimizer_state) tensors.push_back(tensor);
  {
    at::NoGradGuard no_grad;
    world_->broadcast(tensors);
  }
  if (is_main()) return;
  const auto n = numbers[0].accessor<double, 1>();
  state.step = static_cast<int64_t>(n[0]);
  state.tokens_seen = static_cast<int64_t>(n[1]);
  state.elapsed_seconds = n[2];
  state.last_loss = n[3];
  elapsed_before_ = state.elapsed_seconds;
  std::map<std::string, at::Tensor> restored(optimizer_state.begin(), optimizer_state.end());
  optimizer.load_state(restored, static_cast<int64_t>(n[4]), "rank 0");
}

double Run::evaluate() {
  if (eval_set_.examples.empty()) return -1;
  at::NoGradGuard no_grad;
  model_->module().eval();
  double loss_sum = 0;
  int64_t targets = 0;
  const size_t micro = static_cast<size_t>(s_.micro_batch_size);
  const size_t ranks = world_ ? static_cast<size_t>(world_->size()) : 1;
  const size_t rank = world_ ? static_cast<size_t>(world_->rank()) : 0;
  for (size_t i = micro * rank; i < eval_set_.examples.size(); i += micro * ranks) {
    std::vector<const TokenizedExample*> rows;
    for (size_t j = i; j < std::min(eval_set_.examples.size(), i + micro); ++j) rows.push_back(&eval_set_.examples[j]);
    const MicroBatch batch = make_micro_batch(rows, pad_id_, model_->target().device);
    if (batch.target_tokens == 0) continue;
    loss_sum += summed_target_loss(*model_, batch.input_ids, batch.labels).item<double>();
    targets += batch.target_tokens;
  }
  model_->module().train();
  if (world_) {
    std::vector<at::Tensor> sums{at::tensor({loss_sum, static_cast<double>(targets)}, at::kDouble)};
    world_->all_reduce_sum(sums);
    loss_sum = sums[0][0].item<double>();
    targets = static_cast<int64_t>(sums[0][1].item<double>());
  }
  return targets > 0 ? loss_sum / static_cast<double>(targets) : -1;
}

TrainingResult Run::execute_steps() {
  s_.validate();
  set_cpu_threads(s_.threads);
  join_world();
  const fs::path output(s_.output_dir);
  if (is_main() && !resume_ && fs::exists(output / "adapter_model.safetensors"))
    throw Error(msg::Training::output_holds_adapter, s_.output_dir);

  // Everything that can fail on bad input happens before the output folder is touched.
  prepare_data();
  prepare_model();
  check_same_inputs();
  if (stepping) *stepping = true;

  std::vector<int64_t> lengths;
  for (const auto& e : train_set_.examples) lengths.push_back(static_cast<int64_t>(e.input_ids.size()));
  BatchPlanSettings plan_settings;
  plan_settings.batch_size = s_.batch_size;
  plan_settings.micro_batch_size = s_.micro_batch_size;
  plan_settings.group_by_length = s_.group_by_length;
  plan_settings.seed = s_.seed;
  const BatchPlan plan(lengths, plan_settings);
  total_steps_ = s_.max_steps > 0 ? s_.max_steps : s_.epochs * plan.steps_per_epoch();
  if (world_ && is_main() && world_->size() > s_.gradient_accumulation())
    say("loading model", Message(msg::Training::dist_idle_ranks, world_->size(), s_.gradient_accumulation(),
                                 world_->size() - s_.gradient_accumulation()));

  LrScheduleParams schedule;
  parse_lr_schedule(s_.scheduler, &schedule.schedule);
  schedule.warmup_steps = s_.warmup_steps;
  schedule.total_steps = total_steps_;
  schedule.base_lr = s_.learning_rate;

  OptimizerSettings optimizer_settings;
  optimizer_settings.name = s_.optimizer;
  optimizer_settings.weight_decay = s_.weight_decay;
  optimizer_settings.beta1 = s_.adam_beta1;
  optimizer_settings.beta2 = s_.adam_beta2;
  optimizer_settings.eps = s_.adam_epsilon;
  optimizer_settings.lora_plus_ratio = s_.lora_plus_ratio;
  const auto params = adapter_->parameters();
  Optimizer optimizer(optimizer_settings, params);

  TrainerState state;
  state.total_steps = total_steps_;
  state.seed = s_.seed;
  if (resume_ && is_main()) {
    for (const auto& dir : list_training_checkpoints(s_.output_dir)) {
      try {
        state = load_training_checkpoint(dir, *adapter_, optimizer);
        say("loading model", Message(msg::Training::resuming_from_checkpoint, dir, state.step));
        break;
      } catch (const Error& e) {
        say("loading model", Message(msg::Training::skipping_damaged_checkpoint, e.message()));
      }
    }
    if (state.step == 0) say("loading model", Message(msg::Training::no_checkpoint_to_resume, s_.output_dir));
    state.total_steps = total_steps_;
    elapsed_before_ = state.elapsed_seconds;
  }
  if (world_) sync_from_main(state, optimizer);

  // Rank 0 alone writes the output folder (on several machines it may be the only one that has it).
  std::optional<TrainingLogWriter> log;
  if (is_main()) {
    std::error_code ec;
    fs::create_directories(output, ec);
    if (ec) throw Error(msg::Training::cannot_create_output_folder, s_.output_dir, ec.message());
    write_file_atomically((output / "training_parameters.json").string(), training_settings_to_json(s_));
    write_file_atomically((output / "training_prompt.json").string(), dataset_->training_prompt_json());
    log.emplace((output / "training_log.jsonl").string(), state.step);
    prepare_eval_samples();
  }
  // Data-parallel: this rank's share of each step's micro-batches, its gradients summed over the ranks.
  std::unique_ptr<dist::GradientReducer> reducer;
  if (world_ && world_->size() > 1)
    reducer = std::make_unique<dist::GradientReducer>(*world_, adapter_->parameters(), dist::default_bucket_bytes(),
                                                      /*overlap=*/!s_.gradient_checkpointing);

  TrainingResult result;
  result.adapter_dir = s_.output_dir;
  model_->module().train();
  const c10::Device device = model_->target().device;
  const int64_t first_step = state.step;
  const auto session_start = Clock::now();
  double last_loss = state.last_loss;
  bool cancelled = false;
  int64_t rank_tokens = 0;  // this rank's own tokens this session (its throughput)

  for (int64_t step = state.step; step < total_steps_; ++step) {
    const StepPlan step_plan = plan.step(step);
    if (world_) world_->set_step(step);
    // Every rank knows the whole step's plan, so each computes the step's global count of target
    // tokens (and input tokens) itself: the loss is normalised by it whatever the number of ranks.
    int64_t step_targets = 0, step_tokens = 0;
    for (const auto& mb : step_plan.micro_batches)
      for (int64_t i : mb) {
        step_targets += train_set_.examples[i].target_tokens;
        step_tokens += static_cast<int64_t>(train_set_.examples[i].input_ids.size());
      }
    const std::vector<size_t> mine = micro_batches_of_rank(step_plan.micro_batches.size(), world_.get());
    size_t last_backward = mine.size();  // the rank's last micro-batch with targets: its backward completes the step
    for (size_t k = 0; k < mine.size(); ++k)
      for (int64_t i : step_plan.micro_batches[mine[k]])
        if (train_set_.examples[i].target_tokens > 0) last_backward = k;
    // The summed loss stays on the device until the step's one read below (no wait per micro-batch).
    at::Tensor loss_sum_on_device;
    for (size_t k = 0; k < mine.size(); ++k) {
      const size_t m = mine[k];
      std::vector<const TokenizedExample*> rows;
      for (int64_t i : step_plan.micro_batches[m]) rows.push_back(&train_set_.examples[i]);
      const MicroBatch batch = make_micro_batch(rows, pad_id_, device);
      rank_tokens += batch.input_tokens;
      if (batch.target_tokens == 0) continue;
      // Dropout masks follow the micro-batch's place in the global plan, never the rank that runs it.
      at::manual_seed(mix_seed(s_.seed, step, m));
      // Each micro-batch adds its share of the whole step's mean: the update equals one big batch.
      const at::Tensor loss = summed_target_loss(*model_, batch.input_ids, batch.labels);
      inject_out_of_memory_for_tests(step + 1);
      if (reducer && k == last_backward) reducer->arm();
      (loss / static_cast<double>(std::max<int64_t>(1, step_targets))).backward();
      const at::Tensor detached = loss.detach().to(at::kDouble);
      loss_sum_on_device = loss_sum_on_device.defined() ? loss_sum_on_device + detached : detached;
    }
    if (reducer) {
      reducer->finish();
      std::vector<at::Tensor> sums{loss_sum_on_device.defined() ? loss_sum_on_device.cpu().reshape({1})
                                                                : at::zeros({1}, at::kDouble)};
      world_->all_reduce_sum(sums);
      loss_sum_on_device = sums[0].reshape({}).to(device);
    }
    // The step's only read from the device, for the log and the divergence check: loss and
    // gradient norm together.
    double loss_sum = 0, grad_norm = 0;
    {
      const at::Tensor norm = gradient_norm(params);
      const at::Tensor zero = at::zeros({}, at::TensorOptions().dtype(at::kDouble).device(device));
      const at::Tensor both = at::stack({loss_sum_on_device.defined() ? loss_sum_on_device : zero,
                                         norm.defined() ? norm.to(at::kDouble) : zero}).cpu();
      loss_sum = both[0].item<double>();
      grad_norm = both[1].item<double>();
    }
    const double step_loss = loss_sum / static_cast<double>(std::max<int64_t>(1, step_targets));
    const double lr = learning_rate_at(schedule, step);
    if (!std::isfinite(step_loss) || !std::isfinite(grad_norm)) {
      optimizer.zero_grad();
      const auto checkpoints = list_training_checkpoints(s_.output_dir);
      result.outcome = TrainingResult::Outcome::Diverged;
      result.steps_done = step;
      result.final_loss = step_loss;
      result.message = Message(msg::Training::run_diverged, step + 1,
                               Message(std::isnan(step_loss) ? msg::Training::loss_nan : msg::Training::loss_infinite),
                               checkpoints.empty()
                                   ? Message(msg::Training::diverged_no_checkpoint)
                                   : Message(msg::Training::diverged_checkpoint_kept, checkpoints.front()));
      say("done", result.message);
      return result;
    }
    if (s_.max_grad_norm > 0 && grad_norm > s_.max_grad_norm) {
      // torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6).
      scale_gradients(params, s_.max_grad_norm / (grad_norm + 1e-6));
    }
    optimizer.step(lr);
    optimizer.zero_grad();

    state.step = step + 1;
    state.tokens_seen += step_tokens;
    state.last_loss = step_loss;
    last_loss = step_loss;
    const double session_seconds = seconds_since(session_start);
    const double elapsed = elapsed_before_ + seconds_since(started_);
    state.elapsed_seconds = elapsed;
    const int64_t steps_this_session = state.step - first_step;

    TrainingProgress p;
    p.phase = "training";
    p.step = state.step;
    p.total_steps = total_steps_;
    p.epoch = static_cast<double>(state.step) / static_cast<double>(plan.steps_per_epoch());
    p.loss = step_loss;
    p.learning_rate = lr;
    p.tokens_per_second = session_seconds > 0 ? static_cast<double>(state.tokens_seen) / elapsed : 0;
    p.rank_tokens_per_second = session_seconds > 0 ? static_cast<double>(rank_tokens) / session_seconds : 0;
    p.eta_seconds = steps_this_session > 0
                        ? session_seconds / static_cast<double>(steps_this_session) *
                              static_cast<double>(total_steps_ - state.step)
                        : 0;
    const bool eval_now = !eval_set_.examples.empty() &&
                          ((s_.eval_every > 0 && state.step % s_.eval_every == 0) || state.step == total_steps_);
    if (eval_now) {
      say("evaluating");
      p.eval_loss = evaluate();
      if (is_main() && eval_samples_ && !eval_samples_->empty()) {
        p.eval_samples = eval_samples_->generate(*model_);
        model_->module().train();
      }
    }
    if (log && (state.step % s_.log_every == 0 || eval_now || state.step == total_steps_)) {
      TrainingLogEntry entry;
      entry.step = state.step;
      entry.epoch = p.epoch;
      entry.loss = step_loss;
      entry.learning_rate = lr;
      entry.grad_norm = grad_norm;
      entry.tokens = state.tokens_seen;
      entry.tokens_per_second = p.tokens_per_second;
      entry.elapsed_seconds = elapsed;
      if (p.eval_loss >= 0) entry.eval_loss = p.eval_loss;
      entry.eval_samples = p.eval_samples;
      log->append(entry);
    }
    if (!report(p)) cancelled = true;
    if (world_) cancelled = world_->any(cancelled);  // a stop on any rank stops them all at the same step
    const bool reached_target = s_.stop_at_loss > 0 && step_loss < s_.stop_at_loss;
    if (is_main() && s_.save_every > 0 && state.step % s_.save_every == 0 && state.step < total_steps_ && !cancelled) {
      say("saving", Message(msg::Training::saving_checkpoint, checkpoint_dir_name(state.step)));
      save_training_checkpoint(s_.output_dir, *adapter_, optimizer, state);
    }
    if (cancelled || reached_target) {
      result.outcome = cancelled ? TrainingResult::Outcome::Cancelled : TrainingResult::Outcome::StoppedAtLoss;
      break;
    }
  }

  const bool completed = result.outcome == TrainingResult::Outcome::Finished ||
                         result.outcome == TrainingResult::Outcome::StoppedAtLoss;
  if (is_main()) {
    say("saving", Message(msg::Training::saving_adapter, s_.output_dir));
    if (result.outcome == TrainingResult::Outcome::Cancelled)
      save_training_checkpoint(s_.output_dir, *adapter_, optimizer, state);  // so the run can be resumed
    adapter_->save(s_.output_dir);
    // With checkpoints "only at the end" the finished adapter is the only state worth keeping: a
    // checkpoint left by an earlier stop of this run would offer to resume from the past. Periodic
    // checkpoints (save_every > 0) stay, as the user asked for them.
    if (completed && s_.save_every <= 0) remove_training_checkpoints(s_.output_dir);
  }
  // The other ranks finish once the adapter is on disk (or learn that saving it failed).
  if (world_) world_->barrier();
  result.steps_done = state.step;
  result.final_loss = last_loss;
  // (A diverged run has returned above.)
  if (result.outcome == TrainingResult::Outcome::StoppedAtLoss)
    result.message = Message(msg::Training::run_reached_target_loss, stream_text(s_.stop_at_loss), state.step,
                             total_steps_, stream_text(last_loss), s_.output_dir);
  else
    result.message = Message(result.outcome == TrainingResult::Outcome::Cancelled ? msg::Training::run_stopped
                                                                                  : msg::Training::run_done,
                             state.step, total_steps_, stream_text(last_loss), s_.output_dir);
  say("done", result.message);
  return result;
}

// Out of memory stops the run; checkpoints already written stay as they are. The message says what
// to lower: while loading, the model itself does not fit; while stepping, the settings that decide
// activation memory, and where the run can continue from.
// `what` is the allocator's own words (cut to 200 bytes), or allocation_failed.
Error out_of_memory_error(const TrainingSettings& settings, const MessageArg& what, bool on_gpu, bool stepping) {
  if (!stepping)
    return Error(on_gpu ? msg::Training::out_of_gpu_memory_loading : msg::Training::out_of_ram_loading, what);
  const auto checkpoints = list_training_checkpoints(settings.output_dir);
  return Error(on_gpu ? msg::Training::out_of_gpu_memory_training : msg::Training::out_of_ram_training, what,
               settings.micro_batch_size, settings.cutoff_len,
               settings.gradient_checkpointing
                   ? MessageArg("")
                   : MessageArg(Message(msg::Training::out_of_memory_try_gradient_checkpointing)),
               checkpoints.empty() ? Message(msg::Training::out_of_memory_no_checkpoint)
                                   : Message(msg::Training::out_of_memory_checkpoint_kept, checkpoints.front()));
}

std::string allocator_words(const c10::Error& e) { return std::string(e.what_without_backtrace()).substr(0, 200); }

}  // namespace

TrainingResult train_lora(const TrainingSettings& settings, bool resume, const TrainingCallback& callback,
                          const dist::WorldOptions* world) {
  bool stepping = false;
  try {
    Run run(settings, resume, callback, world);
    run.stepping = &stepping;
    return run.execute();
  } catch (const c10::OutOfMemoryError& e) {
    // The run's tensors are gone with `run`; hand the allocator's cached blocks back too, so a model
    // loaded elsewhere in the process (the window's chat) has its memory again.
    release_cached_cuda_memory();
    throw out_of_memory_error(settings, allocator_words(e), true, stepping);
  } catch (const std::bad_alloc&) {
    throw out_of_memory_error(settings, Message(msg::Training::allocation_failed), false, stepping);
  } catch (const c10::Error& e) {
    const OutOfMemory kind = out_of_memory_kind(e);
    if (kind == OutOfMemory::No) throw;
    if (kind == OutOfMemory::Gpu) release_cached_cuda_memory();
    throw out_of_memory_error(settings, allocator_words(e), kind == OutOfMemory::Gpu, stepping);
  }
}

}  // namespace lora
