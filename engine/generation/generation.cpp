// The prefill + decode loop. Text goes ids → StreamingDecoder (whole characters) → StopStringFilter
// (nothing of a stop string shown) → the caller's callback.
#include "generation.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "atomic_file.h"
#include "error.h"
#include "generation_messages.h"
#include "json_reader.h"
#include "stop_strings.h"
#include "streaming_decoder.h"

namespace lora {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The last position's logits of a [1, T, V] float tensor, as a vector on the CPU.
std::vector<float> last_logits(const at::Tensor& logits) {
  at::Tensor row = logits.select(0, 0).select(0, -1).to(at::kCPU, at::kFloat).contiguous();
  const float* data = row.data_ptr<float>();
  return std::vector<float>(data, data + row.numel());
}

at::Tensor ids_tensor(const std::vector<int32_t>& ids) {
  at::Tensor t = at::empty({1, int64_t(ids.size())}, at::TensorOptions().dtype(at::kLong));
  int64_t* data = t.data_ptr<int64_t>();
  for (size_t i = 0; i < ids.size(); ++i) data[i] = ids[i];
  return t;
}

}  // namespace

const char* stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::Eos: return "eos";
    case StopReason::StopString: return "stop_string";
    case StopReason::MaxTokens: return "max_tokens";
    case StopReason::ContextLength: return "context_length";
    case StopReason::Cancelled: return "cancelled";
  }
  return "max_tokens";
}

struct Generation::State {
  CausalLM& model;
  const GenerationSettings settings;
  const TextStreamCallback on_text;
  const std::vector<int32_t> prompt_ids;
  const int64_t context_length;
  std::set<int32_t> eos_ids;
  Sampler sampler;
  StreamingDecoder decoder;
  StopStringFilter stop_filter;
  std::vector<int32_t> seen;  // the repetition penalty looks at the prompt too
  KVCache cache;
  std::vector<float> logits;  // of the next position
  GenerationResult result;
  bool prefilled = false;
  bool finished = false;
  bool cancelled = false;

  State(CausalLM& m, const Tokenizer& tokenizer, const std::vector<int32_t>& prompt, const GenerationSettings& s,
        TextStreamCallback callback)
      : model(m),
        settings(s),
        on_text(std::move(callback)),
        prompt_ids(prompt),
        context_length(m.config().max_position_embeddings),
        sampler(s.sampling, s.seed),
        decoder(tokenizer, s.skip_special_tokens),
        stop_filter(s.stop_strings),
        seen(prompt) {}

  bool deliver(const std::string& piece) {
    result.text += piece;
    return on_text ? on_text(piece) : true;
  }

  void finish(StopReason reason) {
    result.stop_reason = reason;
    finished = true;
    if (!cancelled && !stop_filter.stopped()) {
      // Characters still incomplete and text that looked like the start of a stop string.
      std::string rest = stop_filter.push(decoder.finish());
      if (stop_filter.stopped())
        result.stop_reason = StopReason::StopString;
      else
        rest += stop_filter.finish();
      if (!rest.empty()) deliver(rest);
    }
    if (result.stop_reason == StopReason::StopString) result.stop_string = stop_filter.matched();
  }

  // Picks the next token from `logits`, shows its text, and runs it through the model unless the
  // generation ends with it.
  void next_token() {
    if (int64_t(result.ids.size()) >= settings.max_new_tokens) return finish(StopReason::MaxTokens);
    const int32_t next = sampler.sample(logits, seen);
    result.ids.push_back(next);
    seen.push_back(next);
    if (eos_ids.count(next)) return finish(StopReason::Eos);
    const std::string shown = stop_filter.push(decoder.push(next));
    if (stop_filter.stopped()) {
      if (!shown.empty()) deliver(shown);
      return finish(StopReason::StopString);
    }
    if (!deliver(shown)) {
      cancelled = true;
      return finish(StopReason::Cancelled);
    }
    if (context_length > 0 && int64_t(seen.size()) >= context_length) return finish(StopReason::ContextLength);
    if (int64_t(result.ids.size()) >= settings.max_new_tokens) return finish(StopReason::MaxTokens);
    logits = last_logits(model.forward(ids_tensor({next}), &cache));
    ++result.decode_steps;
  }
};

Generation::Generation(CausalLM& model, const Tokenizer& tokenizer, const std::vector<int32_t>& prompt_ids,
                       const GenerationSettings& settings, TextStreamCallback on_text) {
  validate_sampling_settings(settings.sampling);
  if (settings.max_new_tokens < 0)
    throw Error(msg::Generation::max_new_tokens_negative, settings.max_new_tokens);
  if (prompt_ids.empty()) throw Error(msg::Generation::empty_prompt);
  const ModelConfig& config = model.config();
  for (int32_t id : prompt_ids)
    if (id < 0 || id >= config.vocab_size)
      throw Error(msg::Generation::prompt_token_outside_vocabulary, id, config.vocab_size);
  const int64_t context_length = config.max_position_embeddings;
  if (context_length > 0 && int64_t(prompt_ids.size()) >= context_length)
    throw Error(msg::Generation::prompt_fills_context, prompt_ids.size(), context_length);
  state_ = std::make_unique<State>(model, tokenizer, prompt_ids, settings, std::move(on_text));
  State& s = *state_;
  s.eos_ids.insert(settings.eos_token_ids.begin(), settings.eos_token_ids.end());
  for (int64_t id : config.eos_token_ids) s.eos_ids.insert(int32_t(id));
  if (tokenizer.config().eos_id >= 0) s.eos_ids.insert(tokenizer.config().eos_id);
  s.result.prompt_tokens = int64_t(prompt_ids.size());
}

Generation::~Generation() = default;

bool Generation::step() {
  State& s = *state_;
  if (s.finished) return false;
  at::NoGradGuard no_grad;
  if (!s.prefilled) {
    const auto start = Clock::now();
    s.logits = last_logits(s.model.forward(ids_tensor(s.prompt_ids), &s.cache));
    s.result.prefill_seconds = seconds_since(start);
    s.prefilled = true;
  }
  // Each generation's own steps only: when several take turns, the others' time is not its own.
  const auto start = Clock::now();
  s.next_token();
  s.result.decode_seconds += seconds_since(start);
  return !s.finished;
}

bool Generation::finished() const { return state_->finished; }

const GenerationResult& Generation::result() const { return state_->result; }

GenerationResult generate(CausalLM& model, const Tokenizer& tokenizer, const std::vector<int32_t>& prompt_ids,
                          const GenerationSettings& settings, const TextStreamCallback& on_text) {
  Generation generation(model, tokenizer, prompt_ids, settings, on_text);
  while (generation.step()) {
  }
  return generation.result();
}

GenerationSettings load_generation_config(const std::string& model_dir, GenerationSettings base) {
  const std::string path = model_dir + "/generation_config.json";
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return base;
  return parse_generation_config(read_text_file(path), path, std::move(base));
}

GenerationSettings parse_generation_config(const std::string& json_text, const std::string& source,
                                           GenerationSettings base) {
  const nlohmann::json root = parse_json_object_text(json_text, source);
  const JsonFields fields(root, JsonPath(source));
  constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
  // The ranges the sampler accepts (sampler.cpp), so a bad file is refused here, naming it.
  SamplingSettings& sampling = base.sampling;
  sampling.do_sample = fields.optional_bool("do_sample", sampling.do_sample);
  sampling.temperature = fields.optional_number("temperature", sampling.temperature, NumberRange::non_negative());
  sampling.top_p = fields.optional_number("top_p", sampling.top_p, NumberRange{0.0, 1.0, false, true});
  sampling.min_p = fields.optional_number("min_p", sampling.min_p, NumberRange::between(0.0, 1.0));
  sampling.repetition_penalty =
      fields.optional_number("repetition_penalty", sampling.repetition_penalty, NumberRange::positive());
  sampling.top_k = fields.optional_non_negative_int("top_k", sampling.top_k);
  base.max_new_tokens = fields.optional_int("max_new_tokens", base.max_new_tokens, 0, kMaxInt);
  for (const int64_t id : fields.optional_token_ids("eos_token_id", {}))
    base.eos_token_ids.push_back(static_cast<int32_t>(id));
  return base;
}

}  // namespace lora
