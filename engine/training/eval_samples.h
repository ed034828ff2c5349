#pragma once
// A few fixed eval-set prompts answered greedily at each evaluation, so a user sees when the
// answers got good and when they began to overfit. Greedy decoding draws no random numbers, and
// the model runs in eval mode without gradients: answering changes nothing about the training.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "causal_lm.h"
#include "tokenized_dataset.h"
#include "tokenizer.h"
#include "training_log.h"

namespace lora {

struct EvalPrompt {
  int64_t index = 0;               // position of the example in the eval set
  std::vector<int32_t> prompt_ids;  // the example's tokens before its first trained one
  std::string prompt;              // those decoded (without a leading BOS)
  std::string reference;           // the first answer it is trained on, decoded, without EOS / stop string
};

// The first `count` eval examples (in the eval set's order) that have a prompt. `examples` must be
// tokenized with the prompt masked (labels -100 before the answer), i.e. without train_on_prompt.
std::vector<EvalPrompt> pick_eval_prompts(const std::vector<TokenizedExample>& examples, size_t count,
                                          const Tokenizer& tokenizer, const std::vector<std::string>& stop_strings,
                                          const std::set<int32_t>& eos_ids);

class EvalSampleGenerator {
 public:
  // `adapter_dir`: the run's output folder, whose training_prompt.json decides the stop strings as
  // chat with the adapter would (`lora-studio-cli generate --adapter`). `model_dir`'s
  // generation_config.json adds end-of-sequence ids, as there.
  EvalSampleGenerator(const std::vector<TokenizedExample>& examples, size_t count, int64_t max_new_tokens,
                      const Tokenizer& tokenizer, const std::string& model_dir, const std::string& adapter_dir);

  bool empty() const { return prompts_.empty(); }
  const std::vector<EvalPrompt>& prompts() const { return prompts_; }
  // Answers every prompt with `model` as it is now; puts the module in eval mode and leaves it so
  // (the caller goes back to train mode).
  std::vector<EvalSample> generate(CausalLM& model) const;

 private:
  const Tokenizer& tokenizer_;
  int64_t max_new_tokens_;
  std::vector<std::string> stop_strings_;
  std::vector<int32_t> eos_ids_;
  std::vector<EvalPrompt> prompts_;
};

}  // namespace lora
