// Generation: the logits processors against hand-made distributions with Hugging Face's semantics,
// the text pipeline (whole characters, stop strings never shown), and the decode loop on tiny random
// checkpoints: KV-cache decoding equals repeated full forwards, seeds reproduce, the callback cancels,
// the context length holds, and the CLI streams an answer.
// libtorch before Qt: Qt's `slots` macro would rewrite a member of ATen's ivalue_inl.h.
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>
#include <map>
#include <memory>

#include "causal_lm.h"
#include "chat_template.h"
#include "chat_prompt.h"
#include "error.h"
#include "generation.h"
#include "sampler.h"
#include "stop_strings.h"
#include "streaming_decoder.h"
#include "test_support.h"
#include "tiny_model.h"
#include "tokenizer.h"

namespace {

const float kInf = std::numeric_limits<float>::infinity();

int finite_count(const std::vector<float>& logits) {
  int n = 0;
  for (float v : logits) n += std::isfinite(v) ? 1 : 0;
  return n;
}

std::vector<float> log_probs(const std::vector<double>& probabilities) {
  std::vector<float> logits;
  for (double p : probabilities) logits.push_back(float(std::log(p)));
  return logits;
}

// Valid UTF-8 with no character cut at either end.
bool is_whole_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char lead = static_cast<unsigned char>(s[i]);
    const size_t length = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 0;
    if (length == 0 || i + length > s.size()) return false;
    for (size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += length;
  }
  return true;
}

// A stand-in tokenizer for the text pipeline: ids 0-255 are single bytes, 256+ are words with a
// leading space; decode joins them, turns bytes that do not form a character into U+FFFD (as
// Hugging Face's errors="replace") and, like sentencepiece, drops the space at the very start.
class ByteTokenizer : public lora::Tokenizer {
 public:
  std::vector<std::string> words = {" Hello", " world", " <|im", "_end|>"};
  std::string kind() const override { return "test"; }
  std::vector<int32_t> encode(const std::string& text, bool) const override {
    std::vector<int32_t> ids;
    for (unsigned char c : text) ids.push_back(c);
    return ids;
  }
  std::string decode(const std::vector<int32_t>& ids, bool) const override {
    std::string bytes;
    for (int32_t id : ids) bytes += id < 256 ? std::string(1, char(id)) : words[size_t(id - 256)];
    std::string out;
    for (size_t i = 0; i < bytes.size();) {
      const unsigned char lead = static_cast<unsigned char>(bytes[i]);
      size_t length = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 0;
      bool whole = length > 0 && i + length <= bytes.size();
      for (size_t k = 1; whole && k < length; ++k) whole = (static_cast<unsigned char>(bytes[i + k]) & 0xC0) == 0x80;
      if (whole) {
        out += bytes.substr(i, length);
        i += length;
      } else {
        out += "\xEF\xBF\xBD";
        i += 1;
      }
    }
    if (!out.empty() && out[0] == ' ') out.erase(0, 1);
    return out;
  }
  int32_t vocab_size() const override { return 256 + int32_t(words.size()); }
  std::optional<int32_t> token_to_id(const std::string&) const override { return std::nullopt; }
  std::string id_to_token(int32_t id) const override { return std::to_string(id); }
  bool is_special(int32_t) const override { return false; }
};

struct Streamed {
  std::vector<std::string> pieces;
  std::string joined() const {
    std::string s;
    for (const auto& p : pieces) s += p;
    return s;
  }
};

Streamed stream_all(const lora::Tokenizer& tokenizer, const std::vector<int32_t>& ids) {
  lora::StreamingDecoder decoder(tokenizer);
  Streamed streamed;
  for (int32_t id : ids) streamed.pieces.push_back(decoder.push(id));
  streamed.pieces.push_back(decoder.finish());
  return streamed;
}

at::Tensor ids_tensor(const std::vector<int32_t>& ids) {
  at::Tensor t = at::empty({1, int64_t(ids.size())}, at::kLong);
  for (size_t i = 0; i < ids.size(); ++i) t.data_ptr<int64_t>()[i] = ids[i];
  return t;
}

}  // namespace

class TestGeneration : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  QString qwen_model_dir_;   // tiny qwen2 model with the real Qwen3 tokenizer, fp32
  QString llama_model_dir_;  // tiny llama model with the real Llama 2 tokenizer, fp32, short context
  std::unique_ptr<lora::Tokenizer> qwen_tokenizer_;
  std::unique_ptr<lora::CausalLM> qwen_model_;

  lora::GenerationResult run(lora::CausalLM& model, const lora::Tokenizer& tokenizer, const std::string& prompt,
                             lora::GenerationSettings settings, const lora::TextStreamCallback& callback = {}) {
    return lora::generate(model, tokenizer, tokenizer.encode(prompt, true), settings, callback);
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    lora::TinyModelOptions qwen;
    qwen.arch = "qwen2";
    qwen.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-qwen3").toStdString();
    qwen.dtype = "float32";
    qwen_model_dir_ = tmp_.path() + "/tiny-qwen";
    lora::write_tiny_model(qwen_model_dir_.toStdString(), qwen);
    lora::TinyModelOptions llama;
    llama.arch = "llama";
    llama.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    llama.dtype = "float32";
    llama.max_position_embeddings = 40;
    llama_model_dir_ = tmp_.path() + "/tiny-llama";
    lora::write_tiny_model(llama_model_dir_.toStdString(), llama);

    lora::ComputeOptions fp32;
    fp32.dtype = "float32";
    fp32.device = "cpu";
    qwen_tokenizer_ = lora::Tokenizer::load(qwen_model_dir_.toStdString());
    qwen_model_ = lora::CausalLM::load(qwen_model_dir_.toStdString(), fp32);
  }

  // ---- logits processors -------------------------------------------------------------------------

  void greedy_is_argmax() {
    std::vector<float> logits = {0.1f, 2.5f, -1.0f, 2.4f, 0.0f};
    lora::SamplingSettings greedy;
    greedy.do_sample = false;
    QCOMPARE(lora::Sampler(greedy, 1).sample(logits, {}), 1);
    lora::SamplingSettings zero_temperature;
    zero_temperature.temperature = 0.0;
    std::vector<float> again = {0.1f, 2.5f, -1.0f, 2.4f, 0.0f};
    QCOMPARE(lora::Sampler(zero_temperature, 7).sample(again, {}), 1);
    QCOMPARE(lora::argmax({3.0f, 1.0f, 3.0f}), 0);  // first of equals, as torch.argmax
    // The repetition penalty applies in greedy mode too (a logits processor, not a warper).
    std::vector<float> penalised = {2.0f, 1.9f};
    greedy.repetition_penalty = 1.2;
    QCOMPARE(lora::Sampler(greedy, 1).sample(penalised, {0}), 1);
  }

  void top_k_keeps_k() {
    std::vector<float> logits = {0.5f, 3.0f, -2.0f, 1.0f, 2.0f, 0.0f};
    lora::apply_top_k(logits, 3);
    QCOMPARE(finite_count(logits), 3);
    QVERIFY(std::isfinite(logits[1]) && std::isfinite(logits[4]) && std::isfinite(logits[3]));
    QCOMPARE(logits[1], 3.0f);  // kept values are unchanged
    // Ties with the k-th value stay, as in transformers (scores < kth are removed).
    std::vector<float> ties = {1.0f, 2.0f, 2.0f, 3.0f};
    lora::apply_top_k(ties, 2);
    QCOMPARE(finite_count(ties), 3);
    std::vector<float> off = {1.0f, 2.0f};
    lora::apply_top_k(off, 0);
    QCOMPARE(finite_count(off), 2);
  }

  void top_p_keeps_the_smallest_set_reaching_p() {
    // Probabilities 0.05, 0.5, 0.15, 0.3 (shuffled so the rank, not the index, decides).
    const std::vector<double> p = {0.05, 0.5, 0.15, 0.3};
    auto kept_after = [&](double top_p) {
      std::vector<float> logits = log_probs(p);
      lora::apply_top_p(logits, top_p);
      std::vector<int> kept;
      for (int i = 0; i < 4; ++i)
        if (std::isfinite(logits[size_t(i)])) kept.push_back(i);
      return kept;
    };
    QCOMPARE(kept_after(0.45), std::vector<int>({1}));           // 0.5 alone reaches 0.45
    QCOMPARE(kept_after(0.75), std::vector<int>({1, 3}));        // 0.5 + 0.3 = 0.8 >= 0.75
    QCOMPARE(kept_after(0.9), std::vector<int>({1, 2, 3}));      // 0.95
    QCOMPARE(kept_after(0.97), std::vector<int>({0, 1, 2, 3}));  // needs everything
    QCOMPARE(kept_after(1e-9), std::vector<int>({1}));           // at least one token stays
    QCOMPARE(kept_after(1.0), std::vector<int>({0, 1, 2, 3}));   // off
    // A large vocabulary (the ranking is found from a partial sort): with 1000 equal tokens and top_p
    // 0.5, half of them stay.
    std::vector<float> flat(1000, 0.0f);
    lora::apply_top_p(flat, 0.5);
    QCOMPARE(finite_count(flat), 500);
  }

  void min_p_scales_with_the_top_token() {
    std::vector<float> logits = log_probs({0.5, 0.3, 0.15, 0.05});
    lora::apply_min_p(logits, 0.2);  // threshold 0.2 × 0.5 = 0.1
    QCOMPARE(finite_count(logits), 3);
    QVERIFY(!std::isfinite(logits[3]));
  }

  void repetition_penalty_values() {
    std::vector<float> logits = {2.0f, -2.0f, 1.0f, 0.5f};
    lora::apply_repetition_penalty(logits, {0, 1, 1, 1}, 2.0);
    QCOMPARE(logits[0], 1.0f);   // positive: divided
    QCOMPARE(logits[1], -4.0f);  // negative: multiplied, once however often it was seen
    QCOMPARE(logits[2], 1.0f);   // unseen: unchanged
    QCOMPARE(logits[3], 0.5f);
  }

  void temperature_divides() {
    std::vector<float> logits = {2.0f, -1.0f};
    lora::apply_temperature(logits, 0.5);
    QCOMPARE(logits[0], 4.0f);
    QCOMPARE(logits[1], -2.0f);
  }

  void draws_follow_the_distribution() {
    const std::vector<double> p = {0.1, 0.6, 0.3};
    lora::SamplingSettings sampling;  // temperature 1, nothing cut
    lora::Sampler sampler(sampling, 1234);
    std::vector<int> counts(3, 0);
    const int draws = 20000;
    for (int i = 0; i < draws; ++i) {
      std::vector<float> logits = log_probs(p);
      counts[size_t(sampler.sample(logits, {}))]++;
    }
    for (int i = 0; i < 3; ++i) QVERIFY2(std::abs(counts[size_t(i)] / double(draws) - p[size_t(i)]) < 0.02, qPrintable(QString::number(counts[size_t(i)])));
    // Removed tokens are never drawn.
    lora::SamplingSettings top1;
    top1.top_k = 1;
    lora::Sampler only_best(top1, 99);
    for (int i = 0; i < 200; ++i) {
      std::vector<float> logits = log_probs(p);
      QCOMPARE(only_best.sample(logits, {}), 1);
    }
  }

  void seeds_reproduce_draws() {
    auto sequence = [](uint64_t seed) {
      lora::Sampler sampler(lora::SamplingSettings{}, seed);
      std::vector<int32_t> ids;
      for (int i = 0; i < 50; ++i) {
        std::vector<float> logits(100, 0.0f);
        ids.push_back(sampler.sample(logits, {}));
      }
      return ids;
    };
    QCOMPARE(sequence(5), sequence(5));
    QVERIFY(sequence(5) != sequence(6));
  }

  void bad_settings_are_errors() {
    lora::SamplingSettings s;
    s.top_p = 0.0;
    QVERIFY_EXCEPTION_THROWN(lora::validate_sampling_settings(s), lora::Error);
    s = {};
    s.top_k = -1;
    QVERIFY_EXCEPTION_THROWN(lora::validate_sampling_settings(s), lora::Error);
    s = {};
    s.repetition_penalty = 0.0;
    QVERIFY_EXCEPTION_THROWN(lora::validate_sampling_settings(s), lora::Error);
    s = {};
    s.min_p = 1.5;
    QVERIFY_EXCEPTION_THROWN(lora::validate_sampling_settings(s), lora::Error);
  }

  // ---- text pipeline -----------------------------------------------------------------------------

  void stop_string_split_over_pieces_is_never_shown() {
    lora::StopStringFilter filter({"<|im_end|>", "### Instruction:"});
    std::string shown;
    for (const char* piece : {"Hel", "lo <|i", "m_e", "nd|> and more"}) {
      const std::string out = filter.push(piece);
      QVERIFY2(out.find('<') == std::string::npos, out.c_str());
      shown += out;
    }
    QVERIFY(filter.stopped());
    QCOMPARE(filter.matched(), std::string("<|im_end|>"));
    QCOMPARE(shown, std::string("Hello "));
    QCOMPARE(filter.push("later"), std::string());
  }

  void false_start_of_a_stop_string_is_released() {
    lora::StopStringFilter filter({"<|im_end|>"});
    std::string shown = filter.push("a <|im");
    QCOMPARE(shown, std::string("a "));
    shown += filter.push("_start|>b");  // not the stop string after all
    QCOMPARE(shown, std::string("a <|im_start|>b"));
    shown += filter.push("<");
    shown += filter.finish();  // generation ended: what was held comes out
    QCOMPARE(shown, std::string("a <|im_start|>b<"));
    QVERIFY(!filter.stopped());
  }

  void earliest_stop_string_wins() {
    lora::StopStringFilter filter({"B", "AB"});
    QCOMPARE(filter.push("xxABy"), std::string("xx"));
    QCOMPARE(filter.matched(), std::string("AB"));
  }

  void streaming_holds_split_characters() {
    ByteTokenizer tokenizer;
    const std::string text = "héllo 中文 🌍!";
    const std::vector<int32_t> ids = tokenizer.encode(text, false);
    const Streamed streamed = stream_all(tokenizer, ids);
    QCOMPARE(streamed.joined(), text);
    for (const auto& piece : streamed.pieces) QVERIFY2(is_whole_utf8(piece), piece.c_str());
    // "中" is 3 tokens: its first two give no text.
    QVERIFY(streamed.pieces.size() == ids.size() + 1);
  }

  void streaming_keeps_spaces_a_first_token_decode_would_drop() {
    ByteTokenizer tokenizer;  // decode drops a leading space, like sentencepiece
    const Streamed streamed = stream_all(tokenizer, {256, 257});
    QCOMPARE(streamed.pieces[0], std::string("Hello"));
    QCOMPARE(streamed.pieces[1], std::string(" world"));
  }

  void streaming_real_tokenizers_chinese() {
    const std::string text = "你好，世界！这是一个测试：龘靐齉 🌍🚀 and English, 数字 12345。";
    for (const char* package : {"tokenizer-qwen3", "tokenizer-llama2", "tokenizer-llama3"}) {
      auto tokenizer = lora::Tokenizer::load(test_support::npm_tokenizer_dir(package).toStdString());
      const std::vector<int32_t> ids = tokenizer->encode(text, false);
      const Streamed streamed = stream_all(*tokenizer, ids);
      QCOMPARE(streamed.joined(), tokenizer->decode(ids, false));
      int empty_pieces = 0;
      for (const auto& piece : streamed.pieces) {
        QVERIFY2(is_whole_utf8(piece), package);
        empty_pieces += piece.empty() ? 1 : 0;
      }
      QVERIFY2(empty_pieces > 1, package);  // some characters really were split over tokens
    }
  }

  // ---- the decode loop on a tiny model -----------------------------------------------------------

  void greedy_with_kv_cache_equals_full_forwards() {
    lora::GenerationSettings settings;
    settings.sampling.do_sample = false;
    settings.max_new_tokens = 16;
    settings.eos_token_ids = {};
    const std::vector<int32_t> prompt = qwen_tokenizer_->encode("The weather today is", true);
    const lora::GenerationResult result = lora::generate(*qwen_model_, *qwen_tokenizer_, prompt, settings);
    QCOMPARE(result.ids.size(), size_t(16));  // no EOS on the way: all 16 steps are compared
    at::NoGradGuard no_grad;
    std::vector<int32_t> sequence = prompt;
    for (size_t step = 0; step < result.ids.size(); ++step) {
      at::Tensor logits = qwen_model_->forward(ids_tensor(sequence));
      const int32_t expected = int32_t(logits.select(0, 0).select(0, -1).argmax().item<int64_t>());
      QCOMPARE(result.ids[step], expected);
      sequence.push_back(expected);
    }
  }

  void same_seed_same_text_different_seed_different_text() {
    lora::GenerationSettings settings;
    settings.sampling.temperature = 1.0;
    settings.sampling.top_k = 0;
    settings.sampling.top_p = 1.0;
    settings.max_new_tokens = 20;
    settings.seed = 42;
    const auto a = run(*qwen_model_, *qwen_tokenizer_, "Once upon a time", settings);
    const auto b = run(*qwen_model_, *qwen_tokenizer_, "Once upon a time", settings);
    settings.seed = 43;
    const auto c = run(*qwen_model_, *qwen_tokenizer_, "Once upon a time", settings);
    QCOMPARE(a.ids, b.ids);
    QCOMPARE(a.text, b.text);
    QVERIFY(a.ids != c.ids);
  }

  // Two generations taking turns on one model (as the Chat page's two panes do) each give exactly
  // the ids, text and stop reason they give alone: their caches and samplers are their own.
  void generations_taking_turns_equal_separate_ones() {
    lora::GenerationSettings settings;
    settings.sampling.temperature = 1.0;
    settings.sampling.top_k = 0;
    settings.sampling.top_p = 1.0;
    settings.max_new_tokens = 12;
    settings.seed = 7;
    const std::vector<int32_t> first = qwen_tokenizer_->encode("Once upon a time", true);
    const std::vector<int32_t> second = qwen_tokenizer_->encode("The weather today is", true);
    const lora::GenerationResult alone_first = lora::generate(*qwen_model_, *qwen_tokenizer_, first, settings);
    lora::GenerationSettings shorter = settings;
    shorter.max_new_tokens = 5;  // one ends while the other goes on
    const lora::GenerationResult alone_second = lora::generate(*qwen_model_, *qwen_tokenizer_, second, shorter);
    std::string streamed_first, streamed_second;
    lora::Generation a(*qwen_model_, *qwen_tokenizer_, first, settings, [&](const std::string& piece) {
      streamed_first += piece;
      return true;
    });
    lora::Generation b(*qwen_model_, *qwen_tokenizer_, second, shorter, [&](const std::string& piece) {
      streamed_second += piece;
      return true;
    });
    int turns = 0;
    while (!a.finished() || !b.finished()) {
      a.step();
      b.step();
      ++turns;
    }
    QCOMPARE(turns, 12);
    QCOMPARE(a.result().ids, alone_first.ids);
    QCOMPARE(a.result().text, alone_first.text);
    QCOMPARE(streamed_first, alone_first.text);
    QCOMPARE(b.result().ids, alone_second.ids);
    QCOMPARE(b.result().text, alone_second.text);
    QCOMPARE(streamed_second, alone_second.text);
    QCOMPARE(b.result().stop_reason, lora::StopReason::MaxTokens);
    QVERIFY(!a.step());  // a finished generation stays finished
  }

  void stop_string_cuts_exactly() {
    lora::GenerationSettings settings;
    settings.sampling.do_sample = false;
    settings.max_new_tokens = 30;
    const auto free_run = run(*qwen_model_, *qwen_tokenizer_, "Tell me a story", settings);
    const std::string& text = free_run.text;
    // A stop string taken from the middle of the greedy answer, on character boundaries.
    size_t begin = text.size() / 2;
    while (begin > 0 && (static_cast<unsigned char>(text[begin]) & 0xC0) == 0x80) --begin;
    size_t end = begin + 1;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    QVERIFY2(end <= text.size() && begin > 0, "the greedy answer is too short to cut");
    const std::string stop = text.substr(begin, end - begin);
    settings.stop_strings = {stop};
    Streamed streamed;
    const auto cut = run(*qwen_model_, *qwen_tokenizer_, "Tell me a story", settings, [&](const std::string& piece) {
      streamed.pieces.push_back(piece);
      return true;
    });
    QCOMPARE(int(cut.stop_reason), int(lora::StopReason::StopString));
    QCOMPARE(cut.stop_string, stop);
    QCOMPARE(cut.text, text.substr(0, text.find(stop)));
    QCOMPARE(streamed.joined(), cut.text);
  }

  void callback_cancel_stops_after_that_token() {
    lora::GenerationSettings settings;
    settings.sampling.do_sample = false;
    settings.max_new_tokens = 50;
    int calls = 0;
    const auto result = run(*qwen_model_, *qwen_tokenizer_, "Count:", settings, [&](const std::string&) {
      return ++calls < 3;
    });
    QCOMPARE(int(result.stop_reason), int(lora::StopReason::Cancelled));
    QCOMPARE(calls, 3);
    QCOMPARE(result.ids.size(), size_t(3));
  }

  void eos_ends_generation_without_text() {
    lora::GenerationSettings settings;
    settings.sampling.do_sample = false;
    settings.max_new_tokens = 10;
    const auto first = run(*qwen_model_, *qwen_tokenizer_, "Hi", settings);
    settings.eos_token_ids = {first.ids.at(0)};  // make the greedy first token the end of sequence
    const auto stopped = run(*qwen_model_, *qwen_tokenizer_, "Hi", settings);
    QCOMPARE(int(stopped.stop_reason), int(lora::StopReason::Eos));
    QCOMPARE(stopped.ids.size(), size_t(1));
    QCOMPARE(stopped.text, std::string());
    QCOMPARE(int(first.stop_reason), int(lora::StopReason::MaxTokens));
    QCOMPARE(first.ids.size(), size_t(10));
    QVERIFY(first.prefill_seconds > 0 && first.decode_steps == 9);
  }

  void sampled_pieces_are_whole_characters_and_add_up() {
    // A random model over the 151k Qwen vocabulary emits byte tokens of CJK and emoji characters
    // in no particular order: every piece must still be whole UTF-8 and the pieces the final text.
    lora::GenerationSettings settings;
    settings.sampling.temperature = 1.0;
    settings.sampling.top_k = 0;
    settings.sampling.top_p = 1.0;
    settings.max_new_tokens = 60;
    settings.seed = 7;
    Streamed streamed;
    const auto result = run(*qwen_model_, *qwen_tokenizer_, "你好", settings, [&](const std::string& piece) {
      streamed.pieces.push_back(piece);
      return true;
    });
    QCOMPARE(streamed.joined(), result.text);
    for (size_t i = 0; i + 1 < streamed.pieces.size(); ++i) QVERIFY(is_whole_utf8(streamed.pieces[i]));
  }

  void context_length_is_respected() {
    lora::ComputeOptions fp32;
    fp32.dtype = "float32";
    auto tokenizer = lora::Tokenizer::load(llama_model_dir_.toStdString());
    auto model = lora::CausalLM::load(llama_model_dir_.toStdString(), fp32);
    QCOMPARE(model->config().max_position_embeddings, int64_t(40));
    std::vector<int32_t> prompt(35, 500);
    lora::GenerationSettings settings;
    settings.sampling.do_sample = false;
    settings.max_new_tokens = 20;
    settings.eos_token_ids = {};
    const auto result = lora::generate(*model, *tokenizer, prompt, settings);
    QCOMPARE(int(result.stop_reason), int(lora::StopReason::ContextLength));
    QCOMPARE(result.ids.size(), size_t(5));  // 35 + 5 = the 40 positions the model has
    std::vector<int32_t> too_long(40, 500);
    QVERIFY_EXCEPTION_THROWN(lora::generate(*model, *tokenizer, too_long, settings), lora::Error);
    QVERIFY_EXCEPTION_THROWN(lora::generate(*model, *tokenizer, {}, settings), lora::Error);
  }

  void chat_prompt_resolution() {
    lora::TokenizerConfig tokens = qwen_tokenizer_->config();
    // The model's own template, byte for byte; a built-in one by name; alpaca for a model without one.
    QCOMPARE(lora::resolve_prompt_template("", "", tokens).chat_template.name(), std::string("model"));
    QCOMPARE(lora::resolve_prompt_template("", "", tokens).chat_template.source(), tokens.chat_template);
    QCOMPARE(lora::resolve_prompt_template("model", "", tokens).chat_template.source(), tokens.chat_template);
    QCOMPARE(lora::resolve_prompt_template("raw", "", tokens).chat_template.name(), std::string("raw"));
    QVERIFY_EXCEPTION_THROWN(lora::resolve_prompt_template("vicuna", "", tokens), lora::Error);
    QVERIFY_EXCEPTION_THROWN(lora::resolve_prompt_template("model", "", lora::TokenizerConfig{}), lora::Error);
    QCOMPARE(lora::resolve_prompt_template("", "", lora::TokenizerConfig{}).chat_template.name(), std::string("alpaca"));
    // An adapter's training_prompt.json wins over the tokenizer's template.
    QTemporaryDir adapter;
    auto write = [&](const QByteArray& json) {
      QFile file(adapter.path() + "/training_prompt.json");
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(json);
    };
    write(R"({"format": "llama3"})");
    QCOMPARE(lora::resolve_prompt_template("", adapter.path().toStdString(), tokens).chat_template.name(),
             std::string("llama3"));
    // Trained on conversations: the exact template, even where it is not the model's.
    write(R"({"template_type": "chat_template", "chat_template_name": "model", "templates": {"instruction,output": "%instruction%%output%"},
              "chat_template": "{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}[assistant] {% endif %}"})");
    const lora::PromptTemplate trained = lora::resolve_prompt_template("", adapter.path().toStdString(), tokens);
    QVERIFY(!trained.is_format_file);
    QCOMPARE(lora::encode_prompt(trained, *qwen_tokenizer_, {{"user", "Hi"}}).text, std::string("[user] Hi\n[assistant] "));
    write(R"({"instruction,output": "User: %instruction%\nBot: %output%"})");
    const lora::PromptTemplate format_file = lora::resolve_prompt_template("", adapter.path().toStdString(), tokens);
    QVERIFY(format_file.is_format_file);
    const lora::EncodedPrompt prompt = lora::encode_prompt(format_file, *qwen_tokenizer_, {{"user", "2+2?"}});
    QCOMPARE(prompt.text, std::string("User: 2+2?\nBot: "));
    QCOMPARE(prompt.ids, qwen_tokenizer_->encode("User: 2+2?\nBot: ", true));
    QCOMPARE(prompt.stop_strings, std::vector<std::string>({"User:", "<|im_end|>"}));
    // A checkpoint of a run is an adapter with the run's prompt (the file is in the run's folder).
    QVERIFY(QDir(adapter.path()).mkpath("checkpoint-4"));
    QVERIFY(lora::resolve_prompt_template("", (adapter.path() + "/checkpoint-4").toStdString(), tokens).is_format_file);
    QVERIFY(lora::resolve_prompt_template("", (adapter.path() + "/checkpoint-4/").toStdString(), tokens).is_format_file);
    QVERIFY(QDir(adapter.path()).mkpath("not-a-checkpoint"));
    QCOMPARE(lora::resolve_prompt_template("", (adapter.path() + "/not-a-checkpoint").toStdString(), tokens)
                 .chat_template.name(), std::string("model"));
    write(R"({"something": 1})");
    QVERIFY_EXCEPTION_THROWN(lora::resolve_prompt_template("", adapter.path().toStdString(), tokens), lora::Error);
    // The chat format's prompt and stop strings.
    const lora::EncodedPrompt chat =
        lora::encode_prompt(lora::resolve_prompt_template("", "", tokens), *qwen_tokenizer_, {{"user", "Hi"}});
    QCOMPARE(chat.text, std::string("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"));
    QCOMPARE(chat.stop_strings, std::vector<std::string>({"<|im_end|>"}));
  }

  // ---- the CLI -----------------------------------------------------------------------------------

  void cli_generate_streams_an_answer() {
    const QStringList args = {"generate", qwen_model_dir_, "--prompt", "Hello!", "--max-new-tokens", "12",
                              "--seed", "3", "--temperature", "0.8", "--top-k", "50", "--top-p", "0.95"};
    const auto first = test_support::run_cli(args);
    QVERIFY2(first.exit_code == 0, first.err.constData());
    QVERIFY2(first.err.contains("prompt:") && first.err.contains("stop:") &&
                 first.err.contains("template: model (chat_template of the tokenizer)"),
             first.err.constData());
    const auto second = test_support::run_cli(args);
    QCOMPARE(second.out, first.out);  // same seed, same answer
    const auto raw = test_support::run_cli({"generate", qwen_model_dir_, "--prompt", "Hello", "--template", "raw",
                                            "--max-new-tokens", "4", "--temperature", "0"});
    QVERIFY2(raw.exit_code == 0, raw.err.constData());
    QVERIFY(raw.err.contains("raw"));
    const auto bad = test_support::run_cli({"generate", qwen_model_dir_, "--prompt", "x", "--template", "vicuna"});
    QCOMPARE(bad.exit_code, 1);
    QVERIFY(bad.err.contains("vicuna"));
    const auto missing = test_support::run_cli({"generate", qwen_model_dir_});
    QCOMPARE(missing.exit_code, 1);
    QVERIFY(missing.err.contains("--prompt"));
  }

  void cli_bench_forward_prints_rates_and_peaks() {
    const auto bench = test_support::run_cli({"bench", "forward", "--arch", "llama", "--hidden-size", "64", "--layers",
                                              "1", "--heads", "2", "--vocab-size", "256", "--seq-len", "16",
                                              "--iters", "1", "--dtype", "float32"});
    QVERIFY2(bench.exit_code == 0, bench.err.constData());
    for (const char* row : {"tokens/s", "achieved", "matmul peak bf16", "matmul peak fp32", "of the fp32 peak"})
      QVERIFY2(bench.out.contains(row), bench.out.constData());
    const auto unknown = test_support::run_cli({"bench", "backward"});
    QCOMPARE(unknown.exit_code, 1);
    QVERIFY(unknown.err.contains("forward"));
  }
};

QTEST_GUILESS_MAIN(TestGeneration)
#include "test_generation.moc"
