#include "batch_plan.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "error.h"
#include "training_messages.h"

namespace lora {

BatchPlan::BatchPlan(std::vector<int64_t> record_lengths, BatchPlanSettings settings)
    : lengths_(std::move(record_lengths)), settings_(settings) {
  if (lengths_.empty()) throw Error(msg::Training::training_set_empty);
  if (settings_.micro_batch_size <= 0 || settings_.batch_size <= 0)
    throw Error(msg::Training::batch_sizes_not_positive);
  if (settings_.batch_size % settings_.micro_batch_size != 0)
    throw Error(msg::Training::batch_size_not_multiple, settings_.batch_size, settings_.micro_batch_size);
}

int64_t BatchPlan::steps_per_epoch() const {
  const int64_t n = static_cast<int64_t>(lengths_.size());
  return (n + settings_.batch_size - 1) / settings_.batch_size;
}

std::vector<int64_t> BatchPlan::epoch_order(int64_t epoch) const {
  std::vector<int64_t> order(lengths_.size());
  std::iota(order.begin(), order.end(), 0);
  // std::shuffle's algorithm is implementation-defined; a hand-written Fisher-Yates over mt19937_64
  // keeps the order identical across standard libraries (and so across resumed runs on other builds).
  std::mt19937_64 rng(settings_.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(epoch) + 1);
  for (size_t i = order.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

StepPlan BatchPlan::step(int64_t step) const {
  const int64_t per_epoch = steps_per_epoch();
  StepPlan plan;
  plan.epoch = step / per_epoch;
  const int64_t in_epoch = step % per_epoch;
  const std::vector<int64_t> order = epoch_order(plan.epoch);
  const size_t begin = static_cast<size_t>(in_epoch * settings_.batch_size);
  const size_t end = std::min(order.size(), begin + static_cast<size_t>(settings_.batch_size));
  std::vector<int64_t> records(order.begin() + begin, order.begin() + end);
  if (settings_.group_by_length) {
    std::stable_sort(records.begin(), records.end(),
                     [&](int64_t a, int64_t b) { return lengths_[a] > lengths_[b]; });
  }
  for (size_t i = 0; i < records.size(); i += settings_.micro_batch_size) {
    const size_t j = std::min(records.size(), i + static_cast<size_t>(settings_.micro_batch_size));
    plan.micro_batches.emplace_back(records.begin() + i, records.begin() + j);
  }
  return plan;
}

}  // namespace lora
