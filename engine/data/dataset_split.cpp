#include "dataset_split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "data_messages.h"
#include "error.h"

namespace lora {
namespace {

// SplitMix64: tiny, well mixed, and fully specified (unlike std::uniform_int_distribution).
struct SplitMix64 {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) by rejection, so no value is favoured.
  uint64_t below(uint64_t bound) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    for (;;) {
      const uint64_t value = next();
      if (value < limit) return value % bound;
    }
  }
};

}  // namespace

DatasetSplit split_train_eval(size_t count, double eval_fraction, uint64_t seed) {
  if (!(eval_fraction >= 0.0 && eval_fraction < 1.0))
    throw Error(msg::Data::eval_fraction_out_of_range, std::to_string(eval_fraction));
  DatasetSplit split;
  if (eval_fraction == 0.0) {
    split.train.resize(count);
    std::iota(split.train.begin(), split.train.end(), size_t{0});
    return split;
  }
  if (count < 2)
    throw Error(msg::Data::eval_split_too_few_records, count);
  size_t eval_count = static_cast<size_t>(std::llround(eval_fraction * static_cast<double>(count)));
  eval_count = std::clamp<size_t>(eval_count, 1, count - 1);

  std::vector<size_t> order(count);
  std::iota(order.begin(), order.end(), size_t{0});
  SplitMix64 random{seed};
  // The first eval_count places of a Fisher-Yates shuffle.
  for (size_t i = 0; i < eval_count; ++i) std::swap(order[i], order[i + random.below(count - i)]);
  split.eval.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(eval_count));
  split.train.assign(order.begin() + static_cast<std::ptrdiff_t>(eval_count), order.end());
  std::sort(split.eval.begin(), split.eval.end());
  std::sort(split.train.begin(), split.train.end());
  return split;
}

}  // namespace lora
