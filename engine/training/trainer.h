#pragma once
// The LoRA trainer: loads the model and dataset, trains the adapter on the compute device, logs,
// evaluates, checkpoints and resumes. Runs on the caller's thread (the window calls it from a worker
// thread) and reports through a callback that can stop it.
#include <cstdint>
#include <functional>
#include <string>

#include "message.h"
#include "training_log.h"
#include "training_settings.h"

namespace lora {

namespace dist {
struct WorldOptions;
}

struct TrainingProgress {
  std::string phase;  // "loading model", "tokenizing", "training", "evaluating", "saving", "done"
  int64_t step = 0;
  int64_t total_steps = 0;
  double epoch = 0;
  double loss = 0;
  double learning_rate = 0;
  double tokens_per_second = 0;
  double elapsed_seconds = 0;
  double eta_seconds = 0;
  int64_t memory_bytes = 0;  // process RSS, or CUDA memory allocated
  double eval_loss = -1;     // < 0 when not computed at this step
  std::vector<EvalSample> eval_samples;  // the eval prompts answered at this step (evaluations only)
  Message message;           // a line for the log pane (empty: none)
  // Data-parallel runs: which process this is; tokens_per_second is the whole run's, this its own.
  int rank = 0;
  int world_size = 1;
  double rank_tokens_per_second = 0;
};

// Return false to stop: the trainer finishes the current step, saves the adapter so far and returns.
using TrainingCallback = std::function<bool(const TrainingProgress&)>;

struct TrainingResult {
  enum class Outcome { Finished, StoppedAtLoss, Cancelled, Diverged } outcome = Outcome::Finished;
  int64_t steps_done = 0;
  double final_loss = 0;
  std::string adapter_dir;
  Message message;  // what happened, for the user
};

// Throws lora::Error for bad settings, model or dataset before anything in output_dir is written.
// With resume, continues from the newest complete checkpoint-N in output_dir.
// With `world`, this process is one rank of a data-parallel run (engine/distributed): the ranks split
// each step's micro-batches and sum their gradients, so the adapter is the one a single process
// would train with the same settings; rank 0 alone writes output_dir, and resume works with any
// number of ranks. A failure of another rank throws lora::Error naming it.
TrainingResult train_lora(const TrainingSettings& settings, bool resume, const TrainingCallback& callback = {},
                          const dist::WorldOptions* world = nullptr);

}  // namespace lora
