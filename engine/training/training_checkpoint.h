#pragma once
// checkpoint-N/ folders: everything resume needs to continue exactly where a run stopped (the
// adapter, the optimizer's moments, the step count; the data order and dropout masks are functions
// of the seed and the step). A folder is written as checkpoint-N.partial and renamed when complete,
// so a crash mid-save never leaves a checkpoint-N that looks whole.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lora {

class CausalLM;
class Optimizer;

struct TrainerState {
  int64_t step = 0;
  int64_t total_steps = 0;
  int64_t tokens_seen = 0;
  double elapsed_seconds = 0;
  double last_loss = 0;
  uint64_t seed = 0;
};

std::string checkpoint_dir_name(int64_t step);  // "checkpoint-12"

// Writes <output_dir>/checkpoint-<state.step>/ (replacing one of that step).
void save_training_checkpoint(const std::string& output_dir, const CausalLM& model, const Optimizer& optimizer,
                              const TrainerState& state);

// Complete checkpoints in output_dir, newest first.
std::vector<std::string> list_training_checkpoints(const std::string& output_dir);

// Restores the adapter factors and optimizer state of the checkpoint folder into the live model and
// optimizer, and returns its state. Throws lora::Error naming the file and what is wrong.
TrainerState load_training_checkpoint(const std::string& checkpoint_dir, CausalLM& model, Optimizer& optimizer);

}  // namespace lora
