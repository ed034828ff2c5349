#pragma once
// Learning-rate schedules with the formulas of Hugging Face transformers' get_scheduler, so a run
// here follows the same curve as the same settings in text-generation-webui or the HF Trainer.
#include <cstdint>
#include <string>
#include <vector>

namespace lora {

enum class LrSchedule { Linear, Constant, ConstantWithWarmup, Cosine, CosineWithRestarts, Polynomial, InverseSqrt };

const std::vector<std::string>& lr_schedule_names();  // "linear", "constant", ... as HF names them
bool parse_lr_schedule(const std::string& name, LrSchedule* out);
const char* lr_schedule_name(LrSchedule schedule);

struct LrScheduleParams {
  LrSchedule schedule = LrSchedule::Linear;
  int64_t warmup_steps = 0;
  int64_t total_steps = 1;
  double cosine_cycles = 0.5;    // HF default for "cosine"; "cosine_with_restarts" uses 1 unless changed
  double restart_cycles = 1.0;
  double polynomial_power = 1.0;
  double polynomial_lr_end = 1e-7;
  double base_lr = 3e-4;
};

// Multiplier of base_lr for the optimizer step that follows `step` completed steps (HF LambdaLR:
// the first update uses step 0, so with warmup it is taken at learning rate 0).
double lr_multiplier(const LrScheduleParams& params, int64_t step);
inline double learning_rate_at(const LrScheduleParams& params, int64_t step) {
  return params.base_lr * lr_multiplier(params, step);
}

}  // namespace lora
