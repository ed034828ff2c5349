#pragma once
// Which records go into which optimizer step and micro-batch. The order is a pure function of the
// seed and the epoch, so resuming at step k needs nothing but k.
#include <cstdint>
#include <vector>

namespace lora {

struct StepPlan {
  int64_t epoch = 0;                                  // 0-based
  std::vector<std::vector<int64_t>> micro_batches;    // record indices; each sorted by length, longest first
};

struct BatchPlanSettings {
  int64_t batch_size = 16;        // records per optimizer step
  int64_t micro_batch_size = 4;   // records per forward/backward
  bool group_by_length = true;    // micro-batches of similar lengths inside a step: less padding
  uint64_t seed = 42;
};

class BatchPlan {
 public:
  BatchPlan(std::vector<int64_t> record_lengths, BatchPlanSettings settings);

  int64_t steps_per_epoch() const;
  // The plan of global step `step` (0-based; epochs follow each other).
  StepPlan step(int64_t step) const;

 private:
  std::vector<int64_t> epoch_order(int64_t epoch) const;
  std::vector<int64_t> lengths_;
  BatchPlanSettings settings_;
};

}  // namespace lora
