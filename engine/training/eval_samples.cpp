#include "eval_samples.h"

#include <ATen/ATen.h>

#include "chat_prompt.h"
#include "error.h"
#include "generation.h"

namespace lora {

namespace {

// The stop strings of the prompt template chat with the adapter uses; the tokenizer's EOS text when
// that template cannot be resolved (generation stops at the EOS ids anyway).
std::vector<std::string> stop_strings_for(const std::string& adapter_dir, const Tokenizer& tokenizer) {
  try {
    const PromptTemplate prompt_template = resolve_prompt_template("", adapter_dir, tokenizer.config());
    return encode_prompt(prompt_template, tokenizer, {{"user", "?"}}).stop_strings;
  } catch (const Error&) {
    const std::string& eos = tokenizer.config().eos_token;
    return eos.empty() ? std::vector<std::string>{} : std::vector<std::string>{eos};
  }
}

std::string cut_at_first_stop_string(std::string text, const std::vector<std::string>& stop_strings) {
  size_t cut = std::string::npos;
  for (const std::string& stop : stop_strings)
    if (!stop.empty()) cut = std::min(cut, text.find(stop));
  if (cut != std::string::npos) text.resize(cut);
  return text;
}

}  // namespace

std::vector<EvalPrompt> pick_eval_prompts(const std::vector<TokenizedExample>& examples, size_t count,
                                          const Tokenizer& tokenizer, const std::vector<std::string>& stop_strings,
                                          const std::set<int32_t>& eos_ids) {
  std::vector<EvalPrompt> prompts;
  const int32_t bos = tokenizer.config().bos_id;
  for (size_t i = 0; i < examples.size() && prompts.size() < count; ++i) {
    const TokenizedExample& e = examples[i];
    size_t first = 0;
    while (first < e.labels.size() && e.labels[first] == kIgnoreLabel) ++first;
    if (first == 0 || first == e.labels.size()) continue;  // no prompt to answer, or nothing trained
    EvalPrompt p;
    p.index = static_cast<int64_t>(i);
    p.prompt_ids.assign(e.input_ids.begin(), e.input_ids.begin() + static_cast<std::ptrdiff_t>(first));
    const bool leading_bos = bos >= 0 && p.prompt_ids.front() == bos;
    p.prompt = tokenizer.decode(std::vector<int32_t>(p.prompt_ids.begin() + (leading_bos ? 1 : 0), p.prompt_ids.end()));
    // The first answer only: a conversation trains on later turns too, but the prompt asks for this one.
    size_t end = first;
    while (end < e.labels.size() && e.labels[end] != kIgnoreLabel) ++end;
    while (end > first && eos_ids.count(e.input_ids[end - 1])) --end;
    p.reference = cut_at_first_stop_string(
        tokenizer.decode(std::vector<int32_t>(e.input_ids.begin() + static_cast<std::ptrdiff_t>(first),
                                              e.input_ids.begin() + static_cast<std::ptrdiff_t>(end))),
        stop_strings);
    prompts.push_back(std::move(p));
  }
  return prompts;
}

EvalSampleGenerator::EvalSampleGenerator(const std::vector<TokenizedExample>& examples, size_t count,
                                         int64_t max_new_tokens, const Tokenizer& tokenizer,
                                         const std::string& model_dir, const std::string& adapter_dir)
    : tokenizer_(tokenizer), max_new_tokens_(max_new_tokens) {
  if (count == 0) return;
  stop_strings_ = stop_strings_for(adapter_dir, tokenizer);
  eos_ids_ = load_generation_config(model_dir).eos_token_ids;
  std::set<int32_t> eos(eos_ids_.begin(), eos_ids_.end());
  if (tokenizer.config().eos_id >= 0) eos.insert(tokenizer.config().eos_id);
  prompts_ = pick_eval_prompts(examples, count, tokenizer, stop_strings_, eos);
}

std::vector<EvalSample> EvalSampleGenerator::generate(CausalLM& model) const {
  std::vector<EvalSample> samples;
  if (prompts_.empty()) return samples;
  at::NoGradGuard no_grad;
  model.module().eval();  // no dropout
  GenerationSettings settings;
  settings.sampling.do_sample = false;  // greedy: deterministic, and no random draw at all
  settings.max_new_tokens = max_new_tokens_;
  settings.stop_strings = stop_strings_;
  settings.eos_token_ids = eos_ids_;
  for (const EvalPrompt& p : prompts_) {
    EvalSample sample;
    sample.index = p.index;
    sample.prompt = p.prompt;
    sample.reference = p.reference;
    try {
      sample.output = lora::generate(model, tokenizer_, p.prompt_ids, settings).text;
    } catch (const Error& e) {
      sample.output = std::string("[") + e.what() + "]";  // e.g. a prompt that fills the context
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace lora
