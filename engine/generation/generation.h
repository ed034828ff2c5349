#pragma once
// Text generation with a causal LM: the prompt is run through the model once (prefill), then one
// token at a time is chosen and fed back with the KV cache (decode), until an end-of-sequence token,
// a stop string, max_new_tokens, the model's context length, or the caller says stop.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "causal_lm.h"
#include "sampler.h"
#include "tokenizer.h"

namespace lora {

enum class StopReason { Eos, StopString, MaxTokens, ContextLength, Cancelled };
const char* stop_reason_name(StopReason reason);  // "eos", "stop_string", "max_tokens", "context_length", "cancelled"

struct GenerationSettings {
  SamplingSettings sampling;
  int64_t max_new_tokens = 256;
  uint64_t seed = 0;  // the sampler's own random engine: same seed, same model, same prompt → same text
  std::vector<std::string> stop_strings;  // e.g. chat_stop_strings(format, tokens)
  // Ids that end generation besides the model config's eos_token_id(s) and the tokenizer's eos id
  // (e.g. generation_config.json's list).
  std::vector<int32_t> eos_token_ids;
  bool skip_special_tokens = false;  // in the text shown (stop strings such as <|im_end|> need them)
};

struct GenerationResult {
  std::vector<int32_t> ids;  // every generated id: the EOS and the tokens that completed a stop string included
  std::string text;          // the answer as streamed: no EOS, no stop string (= all pieces concatenated)
  StopReason stop_reason = StopReason::MaxTokens;
  std::string stop_string;   // the stop string met, for StopReason::StopString
  int64_t prompt_tokens = 0;
  int64_t decode_steps = 0;      // single-token forward passes after the prefill
  double prefill_seconds = 0.0;  // the prompt's forward pass
  double decode_seconds = 0.0;   // the decode steps' forward passes and sampling
  double prefill_tokens_per_second() const { return prefill_seconds > 0 ? prompt_tokens / prefill_seconds : 0.0; }
  double decode_tokens_per_second() const { return decode_seconds > 0 ? decode_steps / decode_seconds : 0.0; }
};

// Receives the new text of each generated token: whole UTF-8 characters only, "" while a character
// or a possible stop string is held back. Returning false stops generation after this token
// (StopReason::Cancelled; text still held back is dropped). When generation ends for another reason,
// the held-back rest comes in one last call whose return value does not matter.
using TextStreamCallback = std::function<bool(const std::string& piece)>;

// One generation advanced a token at a time, with its own KV cache, sampler and text state, so
// several can take turns on one model: the Chat page streams the base model's and the adapter's
// answers side by side, switching the adapter between their steps. Runs without gradients.
class Generation {
 public:
  // Checks the prompt and settings (see generate); runs nothing yet.
  Generation(CausalLM& model, const Tokenizer& tokenizer, const std::vector<int32_t>& prompt_ids,
             const GenerationSettings& settings, TextStreamCallback on_text = {});
  ~Generation();
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  // The first call runs the prompt (prefill) and picks the first token; each later call one more
  // token. Returns false once the generation has ended (and from then on).
  bool step();
  bool finished() const;
  const GenerationResult& result() const;  // final once finished()

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Generates a continuation of `prompt_ids` (already encoded, special tokens included as the format
// wants). Runs without gradients. Throws lora::Error for an empty prompt, a prompt that fills the
// model's context (config max_position_embeddings), ids outside the vocabulary, or bad settings.
GenerationResult generate(CausalLM& model, const Tokenizer& tokenizer, const std::vector<int32_t>& prompt_ids,
                          const GenerationSettings& settings, const TextStreamCallback& on_text = {});

// Defaults from a model folder's generation_config.json, as transformers' generate reads them:
// do_sample, temperature, top_k, top_p, min_p, repetition_penalty, max_new_tokens and eos_token_id
// (int or list). Fields that are absent keep `base`'s values; no file returns `base` unchanged.
// Throws lora::Error naming the file and field when a present field has the wrong type or is out of
// the range the sampler accepts.
GenerationSettings load_generation_config(const std::string& model_dir, GenerationSettings base = {});
// The same from the file's text; `source` names it in errors.
GenerationSettings parse_generation_config(const std::string& json_text, const std::string& source,
                                           GenerationSettings base = {});

}  // namespace lora
