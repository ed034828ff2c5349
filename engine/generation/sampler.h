#pragma once
// Choosing the next token from a row of logits: the logits processors of Hugging Face
// transformers' generate (same semantics, same order) and a seeded random draw.
//
// Order, as transformers applies them: repetition penalty (also in greedy mode), then, when sampling,
// temperature, top-k, top-p, min-p. A processor removes a token by setting its logit to -infinity.
// Each processor works on a plain vector of float logits (one entry per vocabulary id) so it can be
// tested on hand-made distributions; the sampler copies the model's logits row once per step.
#include <cstdint>
#include <random>
#include <vector>

namespace lora {

struct SamplingSettings {
  bool do_sample = true;            // false = greedy (argmax after the repetition penalty)
  double temperature = 1.0;         // <= 0 also means greedy
  int64_t top_k = 0;                // 0 = off
  double top_p = 1.0;               // 1 = off; smallest set of likeliest tokens whose probability sums to >= top_p
  double min_p = 0.0;               // 0 = off; drops tokens less likely than min_p × the likeliest one
  double repetition_penalty = 1.0;  // 1 = off; over every id seen so far, prompt included

  bool greedy() const { return !do_sample || temperature <= 0.0; }
};

// Throws lora::Error naming the setting that is out of range (negative top_k, top_p outside (0, 1],
// min_p outside [0, 1], repetition_penalty <= 0, temperature not finite).
void validate_sampling_settings(const SamplingSettings& settings);

// HF RepetitionPenaltyLogitsProcessor: for each distinct id in `seen_ids`, a positive logit is divided
// by `penalty`, a negative one multiplied by it.
void apply_repetition_penalty(std::vector<float>& logits, const std::vector<int32_t>& seen_ids, double penalty);
// HF TemperatureLogitsWarper: logits / temperature.
void apply_temperature(std::vector<float>& logits, double temperature);
// HF TopKLogitsWarper: removes tokens whose logit is below the k-th largest (ties with it stay).
void apply_top_k(std::vector<float>& logits, int64_t top_k);
// HF TopPLogitsWarper: keeps the likeliest tokens until their probabilities sum to >= top_p
// (a token is removed when the tokens likelier than it already reach top_p); at least one stays.
void apply_top_p(std::vector<float>& logits, double top_p);
// HF MinPLogitsWarper: removes tokens whose probability is below min_p × the top probability.
void apply_min_p(std::vector<float>& logits, double min_p);
// Index of the largest logit (the first one on ties, as torch.argmax).
int32_t argmax(const std::vector<float>& logits);

// Picks tokens with a private random engine seeded once: the same seed and the same logits give the
// same choices on every run and machine (the draw does not depend on libtorch's global generator).
class Sampler {
 public:
  Sampler(SamplingSettings settings, uint64_t seed);

  // `logits`: one row (vocabulary order), processed in place. `seen_ids`: the prompt and the tokens
  // generated so far, for the repetition penalty.
  int32_t sample(std::vector<float>& logits, const std::vector<int32_t>& seen_ids);

  const SamplingSettings& settings() const { return settings_; }

 private:
  // Inverse-CDF draw over the tokens still standing; a uniform double in [0, 1) built from 53 bits
  // of the engine (std::uniform_real_distribution's output is library-specific).
  int32_t draw(const std::vector<float>& logits);

  SamplingSettings settings_;
  std::mt19937_64 engine_;
};

}  // namespace lora
