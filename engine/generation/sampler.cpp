// Logits processors with transformers' semantics (generation/logits_process.py) and a seeded draw.
#include "sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_set>

#include "error.h"
#include "generation_messages.h"

namespace lora {
namespace {

constexpr float kRemoved = -std::numeric_limits<float>::infinity();

// Softmax weights exp(logit - max) of the tokens still standing, in double; their sum in `total`.
std::vector<double> unnormalised_probabilities(const std::vector<float>& logits, double* total) {
  const float max_logit = *std::max_element(logits.begin(), logits.end());
  std::vector<double> weights(logits.size(), 0.0);
  double sum = 0.0;
  if (max_logit == kRemoved) {
    *total = 0.0;
    return weights;
  }
  for (size_t i = 0; i < logits.size(); ++i) {
    if (logits[i] == kRemoved) continue;
    weights[i] = std::exp(double(logits[i]) - double(max_logit));
    sum += weights[i];
  }
  *total = sum;
  return weights;
}

}  // namespace

void validate_sampling_settings(const SamplingSettings& s) {
  if (!std::isfinite(s.temperature)) throw Error(msg::Generation::temperature_not_finite);
  if (s.top_k < 0) throw Error(msg::Generation::top_k_negative, s.top_k);
  if (!(s.top_p > 0.0 && s.top_p <= 1.0)) throw Error(msg::Generation::top_p_out_of_range, std::to_string(s.top_p));
  if (!(s.min_p >= 0.0 && s.min_p <= 1.0)) throw Error(msg::Generation::min_p_out_of_range, std::to_string(s.min_p));
  if (!(s.repetition_penalty > 0.0) || !std::isfinite(s.repetition_penalty))
    throw Error(msg::Generation::repetition_penalty_not_positive, std::to_string(s.repetition_penalty));
}

void apply_repetition_penalty(std::vector<float>& logits, const std::vector<int32_t>& seen_ids, double penalty) {
  if (penalty == 1.0) return;
  // transformers gathers the scores of input_ids and scatters the penalised values back: an id seen
  // several times is penalised once.
  std::unordered_set<int32_t> done;
  for (int32_t id : seen_ids) {
    if (id < 0 || size_t(id) >= logits.size() || !done.insert(id).second) continue;
    float& logit = logits[size_t(id)];
    logit = logit < 0 ? float(logit * penalty) : float(logit / penalty);
  }
}

void apply_temperature(std::vector<float>& logits, double temperature) {
  if (temperature == 1.0 || temperature <= 0.0) return;
  for (float& logit : logits) logit = float(logit / temperature);
}

void apply_top_k(std::vector<float>& logits, int64_t top_k) {
  if (top_k <= 0 || size_t(top_k) >= logits.size()) return;
  std::vector<float> sorted(logits);
  std::nth_element(sorted.begin(), sorted.begin() + (top_k - 1), sorted.end(), std::greater<float>());
  const float kth = sorted[size_t(top_k - 1)];
  for (float& logit : logits)
    if (logit < kth) logit = kRemoved;
}

void apply_top_p(std::vector<float>& logits, double top_p) {
  if (top_p >= 1.0 || logits.empty()) return;
  double total = 0.0;
  const std::vector<double> weights = unnormalised_probabilities(logits, &total);
  if (total <= 0.0) return;
  // Kept: the likeliest tokens, in order, until their mass reaches top_p. Found by a weighted
  // quickselect instead of sorting: a flat 150k-token distribution (where the nucleus is most of
  // the vocabulary) would otherwise cost a full sort per generated token. Among equal logits the
  // lower ids are taken first.
  std::vector<int32_t> range;
  range.reserve(logits.size());
  for (size_t i = 0; i < logits.size(); ++i)
    if (logits[i] != kRemoved) range.push_back(int32_t(i));
  std::vector<char> keep(logits.size(), 0);
  double needed = top_p * total;
  auto logit_of = [&](int32_t id) { return logits[size_t(id)]; };
  while (!range.empty() && needed > 0.0) {
    const float pivot = logit_of(range[range.size() / 2]);
    auto greater_end = std::partition(range.begin(), range.end(), [&](int32_t id) { return logit_of(id) > pivot; });
    double greater_mass = 0.0;
    for (auto it = range.begin(); it != greater_end; ++it) greater_mass += weights[size_t(*it)];
    if (greater_mass >= needed && greater_end != range.begin()) {
      range.erase(greater_end, range.end());  // the boundary lies among the likelier ones
      continue;
    }
    for (auto it = range.begin(); it != greater_end; ++it) keep[size_t(*it)] = 1;
    needed -= greater_mass;
    auto equal_end = std::partition(greater_end, range.end(), [&](int32_t id) { return logit_of(id) == pivot; });
    std::sort(greater_end, equal_end);
    for (auto it = greater_end; it != equal_end && needed > 0.0; ++it) {
      keep[size_t(*it)] = 1;
      needed -= weights[size_t(*it)];
    }
    range.erase(range.begin(), equal_end);
  }
  // The likeliest token is always kept: the first pivot without likelier tokens is taken whole.
  for (size_t i = 0; i < logits.size(); ++i)
    if (!keep[i]) logits[i] = kRemoved;
}

void apply_min_p(std::vector<float>& logits, double min_p) {
  if (min_p <= 0.0 || logits.empty()) return;
  double total = 0.0;
  const std::vector<double> weights = unnormalised_probabilities(logits, &total);
  if (total <= 0.0) return;
  // weights are exp(logit - max): the top token has weight 1, so the threshold is min_p itself.
  for (size_t i = 0; i < logits.size(); ++i)
    if (logits[i] != kRemoved && weights[i] < min_p) logits[i] = kRemoved;
}

int32_t argmax(const std::vector<float>& logits) {
  if (logits.empty()) throw Error(msg::Generation::empty_logits);
  return int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

Sampler::Sampler(SamplingSettings settings, uint64_t seed) : settings_(settings), engine_(seed) {
  validate_sampling_settings(settings_);
}

int32_t Sampler::sample(std::vector<float>& logits, const std::vector<int32_t>& seen_ids) {
  apply_repetition_penalty(logits, seen_ids, settings_.repetition_penalty);
  if (settings_.greedy()) return argmax(logits);
  apply_temperature(logits, settings_.temperature);
  apply_top_k(logits, settings_.top_k);
  apply_top_p(logits, settings_.top_p);
  apply_min_p(logits, settings_.min_p);
  return draw(logits);
}

int32_t Sampler::draw(const std::vector<float>& logits) {
  double total = 0.0;
  const std::vector<double> weights = unnormalised_probabilities(logits, &total);
  if (!(total > 0.0) || !std::isfinite(total)) return argmax(logits);  // nothing finite left: NaN/inf logits
  const double u = double(engine_() >> 11) * (1.0 / 9007199254740992.0);  // [0, 1), 53 bits
  const double target = u * total;
  double cumulative = 0.0;
  int32_t last = -1;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0.0) continue;
    cumulative += weights[i];
    last = int32_t(i);
    if (target < cumulative) return last;
  }
  return last;  // rounding left target at the very end
}

}  // namespace lora
