// The LoRA trainer: gradients, gradient accumulation, resume, stopping, and what it writes.
// libtorch before Qt: Qt's `slots` macro breaks ATen's ivalue_inl.h.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/function.h>
#include <torch/nn/module.h>

#include <set>

#include <QRegularExpression>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "atomic_file.h"
#include "causal_lm.h"
#include "checkpoint.h"
#include "tokenizer.h"
#include "error.h"
#include "lora_adapter.h"
#include "lora_linear.h"
#include "model_adapter.h"
#include "test_support.h"
#include "tiny_model.h"
#include "trainer.h"
#include "training_checkpoint.h"
#include "training_log.h"

namespace fs = std::filesystem;

class TestTrainer : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  std::string model_dir_;
  std::string dataset_path_;

  lora::TrainingSettings base_settings(const std::string& output) const {
    lora::TrainingSettings s;
    s.model_dir = model_dir_;
    s.dataset_path = dataset_path_;
    s.output_dir = output;
    s.rank = 4;
    s.alpha = 8;
    s.dropout = 0.0;
    s.target_modules = {"q_proj", "v_proj", "down_proj"};
    s.learning_rate = 1e-2;
    s.micro_batch_size = 2;
    s.batch_size = 4;
    s.max_steps = 6;
    s.cutoff_len = 64;
    s.precision = "float32";
    s.threads = 2;
    return s;
  }

  std::string out(const char* name) const { return (tmp_.path() + "/" + name).toStdString(); }

  static std::map<std::string, at::Tensor> adapter_tensors(const std::string& dir) {
    std::map<std::string, at::Tensor> out;
    for (const auto& [path, f] : lora::read_lora_weights(dir)) {
      out[lora::peft_lora_key(path, 'A')] = f.A.to(at::kFloat);
      out[lora::peft_lora_key(path, 'B')] = f.B.to(at::kFloat);
    }
    return out;
  }

  static double max_difference(const std::string& a, const std::string& b) {
    const auto ta = adapter_tensors(a), tb = adapter_tensors(b);
    if (ta.size() != tb.size()) return INFINITY;
    double worst = 0;
    for (const auto& [key, t] : ta) {
      auto it = tb.find(key);
      if (it == tb.end()) return INFINITY;
      worst = std::max(worst, (t - it->second).abs().max().item<double>());
    }
    return worst;
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    model_dir_ = out("model");
    lora::TinyModelOptions options;
    options.arch = "llama";
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    options.seed = 7;
    // Wider weights than a real model's 0.02: a 64-wide random model then has logits with room to
    // move, so a few dozen LoRA steps visibly learn (as the demo needs).
    options.init_std = 0.3;
    lora::write_tiny_model(model_dir_, options);
    // Twelve short records: enough for 3 steps of 4 per epoch.
    dataset_path_ = out("data.jsonl");
    std::string lines;
    for (int i = 0; i < 12; ++i) {
      lines += "{\"instruction\": \"What is " + std::to_string(i) + " plus " + std::to_string(i) +
               "?\", \"output\": \"It is " + std::to_string(2 * i) + ".\"}\n";
    }
    lora::write_file_atomically(dataset_path_, lines);
  }

  // LoRA gradients two ways: (1) y = W·x + s·B·A·x gives dL/dA = s·Bᵀ·G and dL/dB = s·G·Aᵀ where
  // G = dL/dW is what autograd gives the (unfrozen for this test) base weight; (2) directional
  // finite differences of the loss along a random direction.
  void lora_gradients_match_reference() {
    lora::ComputeOptions compute;
    compute.dtype = "float32";
    auto model = lora::CausalLM::load(model_dir_, compute);
    lora::LoraConfig config;
    config.target_modules.names = {"q_proj", "up_proj"};
    config.r = 2;
    config.lora_alpha = 4;
    auto adapter = lora::ModelAdapter::create(*model, config, 3);
    auto params = adapter->parameters();
    {
      at::NoGradGuard no_grad;
      at::manual_seed(11);
      for (auto& [name, p] : params) p.copy_(at::randn(p.sizes(), at::kFloat) * 0.3);  // B nonzero too
    }
    const at::Tensor ids = at::tensor({1, 450, 4996, 338, 263, 1243, 29889}, at::kLong).unsqueeze(0);
    auto loss_of = [&] {
      const at::Tensor logits = model->forward(ids);
      return at::cross_entropy_loss(logits[0].slice(0, 0, -1), ids[0].slice(0, 1), {}, at::Reduction::Mean);
    };
    const std::string path = "model.layers.1.mlp.up_proj";
    lora::LoraLinear& layer = model->linear_layer(path);
    at::Tensor base = layer.weight();
    base.requires_grad_(true);
    loss_of().backward();
    const double s = layer.lora_scaling();
    const at::Tensor G = base.grad();
    const at::Tensor A = layer.lora_A().detach(), B = layer.lora_B().detach();
    const at::Tensor expect_A = s * B.t().matmul(G), expect_B = s * G.matmul(A.t());
    auto rel = [](const at::Tensor& got, const at::Tensor& want) {
      return ((got - want).abs().max() / want.abs().max()).item<double>();
    };
    QVERIFY2(rel(layer.lora_A().grad(), expect_A) < 1e-4, "lora_A gradient != s * B^T G");
    QVERIFY2(rel(layer.lora_B().grad(), expect_B) < 1e-4, "lora_B gradient != s * G A^T");
    base.requires_grad_(false);

    for (auto& [name, p] : params) {
      QVERIFY2(p.grad().defined(), name.c_str());
      at::NoGradGuard no_grad;
      at::Tensor direction = at::randn(p.sizes(), at::kFloat);
      direction /= direction.norm();
      const at::Tensor original = p.clone();
      const double eps = 1e-3;
      p.copy_(original + eps * direction);
      const double up = loss_of().item<double>();
      p.copy_(original - eps * direction);
      const double down = loss_of().item<double>();
      p.copy_(original);
      const double numeric = (up - down) / (2 * eps);
      const double analytic = (p.grad() * direction).sum().item<double>();
      QVERIFY2(std::abs(numeric - analytic) <= 1e-3 + 2e-2 * std::abs(analytic),
               qPrintable(QString("%1: autograd %2, finite difference %3").arg(name.c_str()).arg(analytic).arg(numeric)));
    }
  }

  // Accumulating 4 micro-batches of 1 gives the update of one batch of 4.
  void gradient_accumulation_equals_one_batch() {
    auto one = base_settings(out("accum_one"));
    one.micro_batch_size = 4;
    one.max_steps = 3;
    auto four = base_settings(out("accum_four"));
    four.micro_batch_size = 1;
    four.max_steps = 3;
    lora::train_lora(one, false);
    lora::train_lora(four, false);
    const double diff = max_difference(one.output_dir, four.output_dir);
    // Adam's normalised steps of lr 1e-2 would move a wrongly scaled run by ~1e-2; fp32 summation
    // order alone leaves 1e-5 to 1.3e-4, depending on the CPU's kernels (AVX2 vs AVX-512).
    QVERIFY2(diff < 1e-3, qPrintable(QString("adapters differ by %1").arg(diff)));
    const auto log_one = lora::read_training_log(one.output_dir + "/training_log.jsonl");
    const auto log_four = lora::read_training_log(four.output_dir + "/training_log.jsonl");
    QCOMPARE(log_one.size(), size_t(3));
    QCOMPARE(log_four.size(), size_t(3));
    for (size_t i = 0; i < 3; ++i) QVERIFY(std::abs(log_one[i].loss - log_four[i].loss) < 1e-4);
  }

  // Recomputing activations in backward (with dropout replayed) gives the same training.
  void gradient_checkpointing_changes_nothing() {
    auto plain = base_settings(out("ckpt_plain"));
    plain.dropout = 0.2;
    plain.max_steps = 3;
    auto recomputed = plain;
    recomputed.output_dir = out("ckpt_recomputed");
    recomputed.gradient_checkpointing = true;
    lora::train_lora(plain, false);
    lora::train_lora(recomputed, false);
    const double diff = max_difference(plain.output_dir, recomputed.output_dir);
    QVERIFY2(diff < 1e-5, qPrintable(QString("adapters differ by %1").arg(diff)));

    // And the layers really were recomputed: the graph holds one checkpoint node per layer.
    auto model = lora::CausalLM::load(model_dir_);
    lora::LoraConfig config;
    config.target_modules.names = {"q_proj"};
    auto adapter = lora::ModelAdapter::create(*model, config, 1);
    model->set_gradient_checkpointing(true);
    const at::Tensor hidden = model->forward_hidden(at::tensor({1, 450, 4996}, at::kLong).unsqueeze(0));
    int checkpoint_nodes = 0;
    std::vector<torch::autograd::Node*> todo = {hidden.grad_fn().get()};
    std::set<torch::autograd::Node*> seen;
    while (!todo.empty()) {
      auto* node = todo.back();
      todo.pop_back();
      if (!node || !seen.insert(node).second) continue;
      if (node->name().find("CheckpointFunction") != std::string::npos) ++checkpoint_nodes;
      for (const auto& edge : node->next_edges()) todo.push_back(edge.function.get());
    }
    QCOMPARE(checkpoint_nodes, int(model->config().num_hidden_layers));
  }

  // Stopping after N steps and resuming ends with the adapter (and loss curve) of an uninterrupted run.
  void resume_continues_exactly() {
    auto full = base_settings(out("resume_full"));
    full.dropout = 0.1;  // dropout masks must replay too
    full.max_steps = 6;
    lora::train_lora(full, false);

    auto parts = full;
    parts.output_dir = out("resume_parts");
    auto stop_at_3 = [](const lora::TrainingProgress& p) { return !(p.phase == "training" && p.step >= 3); };
    const auto first = lora::train_lora(parts, false, stop_at_3);
    QCOMPARE(first.outcome, lora::TrainingResult::Outcome::Cancelled);
    QCOMPARE(first.steps_done, int64_t(3));
    QVERIFY(fs::exists(parts.output_dir + "/checkpoint-3/trainer_state.json"));
    const auto second = lora::train_lora(parts, true);
    QCOMPARE(second.outcome, lora::TrainingResult::Outcome::Finished);
    QCOMPARE(second.steps_done, int64_t(6));
    // Checkpoints "only at the end" (save_every 0): once the run is complete the stop's checkpoint
    // goes, so nothing offers to resume a finished run from its past.
    QVERIFY(!fs::exists(parts.output_dir + "/checkpoint-3"));
    QVERIFY(lora::list_training_checkpoints(parts.output_dir).empty());
    QVERIFY(fs::exists(parts.output_dir + "/adapter_model.safetensors"));

    const double diff = max_difference(full.output_dir, parts.output_dir);
    QVERIFY2(diff < 1e-6, qPrintable(QString("adapters differ by %1").arg(diff)));
    const auto log_full = lora::read_training_log(full.output_dir + "/training_log.jsonl");
    const auto log_parts = lora::read_training_log(parts.output_dir + "/training_log.jsonl");
    QCOMPARE(log_parts.size(), log_full.size());
    for (size_t i = 0; i < log_full.size(); ++i) {
      QCOMPARE(log_parts[i].step, log_full[i].step);
      QVERIFY(std::abs(log_parts[i].loss - log_full[i].loss) < 1e-6);
    }
  }

  void loss_falls_and_files_are_written() {
    auto s = base_settings(out("falls"));
    s.target_modules = {"all-linear"};
    s.learning_rate = 2e-2;
    s.max_steps = 0;
    s.epochs = 8;
    s.eval_split = 0.25;
    s.eval_every = 6;
    s.save_every = 12;
    const auto result = lora::train_lora(s, false);
    QCOMPARE(result.outcome, lora::TrainingResult::Outcome::Finished);
    const auto log = lora::read_training_log(s.output_dir + "/training_log.jsonl");
    QVERIFY(!log.empty());
    QVERIFY2(log.back().loss < 0.5 * log.front().loss,
             qPrintable(QString("loss %1 -> %2").arg(log.front().loss).arg(log.back().loss)));
    bool saw_eval = false;
    for (const auto& e : log) saw_eval = saw_eval || e.eval_loss.has_value();
    QVERIFY(saw_eval);
    for (const char* f : {"adapter_config.json", "adapter_model.safetensors", "training_parameters.json",
                          "training_prompt.json", "training_log.jsonl", "checkpoint-12/optimizer.safetensors"})
      QVERIFY2(fs::exists(s.output_dir + "/" + f), f);
    // The adapter loads in the engine and changes the logits.
    auto model = lora::CausalLM::load(model_dir_);
    auto adapter = lora::ModelAdapter::load(*model, s.output_dir);
    const at::Tensor ids = at::tensor({1, 450, 4996}, at::kLong).unsqueeze(0);
    at::NoGradGuard no_grad;
    const at::Tensor with = model->forward(ids);
    adapter->set_enabled(false);
    const at::Tensor without = model->forward(ids);
    QVERIFY((with - without).abs().max().item<double>() > 1e-3);
    // Settings round trip through training_parameters.json.
    const auto reread = lora::training_settings_from_json(lora::read_text_file(s.output_dir + "/training_parameters.json"), "x");
    QCOMPARE(reread.rank, s.rank);
    QCOMPARE(reread.target_modules, s.target_modules);
  }

  void stops_at_target_loss() {
    auto s = base_settings(out("stop_loss"));
    s.target_modules = {"all-linear"};
    s.learning_rate = 2e-2;
    s.max_steps = 40;
    s.stop_at_loss = 1.5;
    const auto result = lora::train_lora(s, false);
    QCOMPARE(result.outcome, lora::TrainingResult::Outcome::StoppedAtLoss);
    QVERIFY(result.steps_done < 40);
    QVERIFY(result.final_loss < 1.5);
  }

  // A model whose embedding rows of three bytes are NaN: the record that uses them makes the loss
  // NaN when its step comes; the run stops there, keeps its checkpoints, writes no final adapter.
  void diverging_run_stops_with_a_message() {
    const std::string poisoned = out("poisoned_model");
    fs::copy(model_dir_, poisoned);
    {
      auto checkpoint = lora::Checkpoint::open(poisoned);
      std::vector<std::pair<std::string, at::Tensor>> tensors;
      for (const auto& name : checkpoint.names()) tensors.emplace_back(name, checkpoint.tensor(name));
      for (auto& [name, t] : tensors) {
        if (name != "model.embed_tokens.weight") continue;
        auto tokenizer = lora::Tokenizer::load(poisoned);
        for (int32_t id : tokenizer->encode("\xe9\xbe\x98", false)) t[id].fill_(NAN);  // 龘: byte-fallback pieces only
      }
      lora::save_tensors(poisoned + "/model.safetensors", tensors);
    }
    const std::string data = out("poison.jsonl");
    std::string lines;
    for (int i = 0; i < 11; ++i) lines += "{\"instruction\": \"Say " + std::to_string(i) + "\", \"output\": \"" + std::to_string(i) + "\"}\n";
    lines += "{\"instruction\": \"Write \xe9\xbe\x98\", \"output\": \"\xe9\xbe\x98\"}\n";
    lora::write_file_atomically(data, lines);
    auto s = base_settings(out("diverge"));
    s.model_dir = poisoned;
    s.dataset_path = data;
    s.max_steps = 6;
    s.save_every = 1;
    const auto result = lora::train_lora(s, false);
    QCOMPARE(result.outcome, lora::TrainingResult::Outcome::Diverged);
    const std::string message = result.message.english();
    QVERIFY2(QString::fromStdString(message).contains("NaN"), message.c_str());
    QVERIFY2(QString::fromStdString(message).contains("learning rate"), message.c_str());
    QVERIFY(!fs::exists(s.output_dir + "/adapter_model.safetensors"));
    // Every logged step is finite and has its checkpoint.
    for (const auto& e : lora::read_training_log(s.output_dir + "/training_log.jsonl")) {
      QVERIFY(std::isfinite(e.loss));
      QVERIFY(fs::exists(s.output_dir + "/" + lora::checkpoint_dir_name(e.step)));
    }
  }

  void bad_dataset_leaves_existing_adapter_untouched() {
    auto s = base_settings(out("untouched"));
    s.max_steps = 1;
    lora::train_lora(s, false);
    const std::string adapter = s.output_dir + "/adapter_model.safetensors";
    const std::string before = lora::read_text_file(adapter);
    const std::string bad = out("bad.jsonl");
    lora::write_file_atomically(bad, "{\"instruction\": \"a\", \"output\": \"b\"}\n{\"instruction\": 3}\n");
    s.dataset_path = bad;
    QVERIFY_THROWS_EXCEPTION(lora::Error, lora::train_lora(s, true));
    QCOMPARE(lora::read_text_file(adapter), before);
    // Without resume an existing adapter is never overwritten.
    s.dataset_path = dataset_path_;
    try {
      lora::train_lora(s, false);
      QFAIL("training over an existing adapter must be refused");
    } catch (const lora::Error& e) {
      QVERIFY(QString(e.what()).contains("already holds an adapter"));
    }
  }

  // Answering eval prompts at each evaluation changes nothing about the training: same losses, same
  // adapter bytes as a run without them. Every evaluation answers the same fixed prompts.
  void eval_samples_are_logged_and_change_nothing() {
    auto with = base_settings(out("samples_on"));
    with.dropout = 0.1;  // dropout masks must not shift
    with.eval_split = 0.25;
    with.eval_every = 2;
    with.eval_samples = 3;
    with.eval_sample_tokens = 12;
    auto without = with;
    without.output_dir = out("samples_off");
    without.eval_samples = 0;
    std::vector<std::vector<lora::EvalSample>> reported;
    lora::train_lora(with, false, [&](const lora::TrainingProgress& p) {
      if (!p.eval_samples.empty()) reported.push_back(p.eval_samples);
      return true;
    });
    lora::train_lora(without, false);

    QCOMPARE(lora::read_text_file(with.output_dir + "/adapter_model.safetensors"),
             lora::read_text_file(without.output_dir + "/adapter_model.safetensors"));
    const auto log_with = lora::read_training_log(with.output_dir + "/training_log.jsonl");
    const auto log_without = lora::read_training_log(without.output_dir + "/training_log.jsonl");
    QCOMPARE(log_with.size(), log_without.size());
    std::vector<lora::TrainingLogEntry> evaluations;
    for (size_t i = 0; i < log_with.size(); ++i) {
      QCOMPARE(log_with[i].step, log_without[i].step);
      QCOMPARE(log_with[i].loss, log_without[i].loss);  // bit for bit
      QCOMPARE(log_with[i].grad_norm, log_without[i].grad_norm);
      QCOMPARE(log_with[i].eval_loss.has_value(), log_without[i].eval_loss.has_value());
      if (log_with[i].eval_loss) QCOMPARE(*log_with[i].eval_loss, *log_without[i].eval_loss);
      QVERIFY(log_without[i].eval_samples.empty());
      QCOMPARE(log_with[i].eval_samples.empty(), !log_with[i].eval_loss.has_value());
      if (log_with[i].eval_loss) evaluations.push_back(log_with[i]);
    }
    QCOMPARE(evaluations.size(), size_t(3));  // steps 2, 4, 6
    QCOMPARE(reported.size(), evaluations.size());
    // 12 records, a quarter held out: the first three eval examples, in the eval set's order.
    for (const auto& e : evaluations) {
      QCOMPARE(e.eval_samples.size(), size_t(3));
      for (size_t k = 0; k < 3; ++k) {
        const auto& sample = e.eval_samples[k];
        QCOMPARE(sample.index, int64_t(k));
        QCOMPARE(sample.prompt, evaluations.front().eval_samples[k].prompt);
        QCOMPARE(sample.reference, evaluations.front().eval_samples[k].reference);
        // The alpaca prompt of one of the records, and that record's answer as the reference.
        QVERIFY2(QString::fromStdString(sample.prompt).startsWith("Below is an instruction"), sample.prompt.c_str());
        QVERIFY2(QString::fromStdString(sample.prompt).endsWith("### Response:\n"), sample.prompt.c_str());
        const QRegularExpression question("What is (\\d+) plus \\1\\?");
        const auto match = question.match(QString::fromStdString(sample.prompt));
        QVERIFY2(match.hasMatch(), sample.prompt.c_str());
        QCOMPARE(QString::fromStdString(sample.reference), QString("It is %1.").arg(2 * match.captured(1).toInt()));
      }
    }
    for (size_t i = 0; i < reported.size(); ++i)
      for (size_t k = 0; k < 3; ++k) QCOMPARE(reported[i][k].output, evaluations[i].eval_samples[k].output);
    // Answers are at most eval_sample_tokens long: 12 tokens of this vocabulary are well under 200 bytes.
    for (const auto& e : evaluations)
      for (const auto& sample : e.eval_samples) QVERIFY(sample.output.size() < 200);

    // Stopped after step 3 and resumed: the same answers at every evaluation as without the stop.
    auto parts = with;
    parts.output_dir = out("samples_resumed");
    lora::train_lora(parts, false, [](const lora::TrainingProgress& p) { return !(p.phase == "training" && p.step >= 3); });
    lora::train_lora(parts, true);
    const auto log_parts = lora::read_training_log(parts.output_dir + "/training_log.jsonl");
    QCOMPARE(log_parts.size(), log_with.size());
    for (size_t i = 0; i < log_parts.size(); ++i) {
      QCOMPARE(log_parts[i].eval_samples.size(), log_with[i].eval_samples.size());
      for (size_t k = 0; k < log_parts[i].eval_samples.size(); ++k)
        QCOMPARE(log_parts[i].eval_samples[k].output, log_with[i].eval_samples[k].output);
    }
  }

  // training_log.jsonl lines written before eval samples existed still read; a malformed
  // eval_samples field is named with the file and line.
  void training_log_eval_samples_round_trip_and_errors() {
    const std::string path = out("old_log.jsonl");
    lora::write_file_atomically(path,
                                "{\"step\":1,\"epoch\":0.5,\"loss\":2.5,\"learning_rate\":0.001,\"grad_norm\":1.0,"
                                "\"tokens\":10,\"tokens_per_second\":5.0,\"elapsed_seconds\":2.0,\"eval_loss\":2.75}\n");
    auto entries = lora::read_training_log(path);
    QCOMPARE(entries.size(), size_t(1));
    QCOMPARE(*entries[0].eval_loss, 2.75);
    QVERIFY(entries[0].eval_samples.empty());

    lora::TrainingLogEntry entry = entries[0];
    entry.eval_samples = {{4, "Q: \"two\"\n", "2", "two \xe4\xba\x8c"}};
    const std::string line = lora::training_log_line(entry);
    QVERIFY2(line.find('\n') == std::string::npos, line.c_str());
    lora::write_file_atomically(path, line + "\n");
    entries = lora::read_training_log(path);
    QCOMPARE(entries[0].eval_samples.size(), size_t(1));
    QCOMPARE(entries[0].eval_samples[0].index, int64_t(4));
    QCOMPARE(entries[0].eval_samples[0].prompt, std::string("Q: \"two\"\n"));
    QCOMPARE(entries[0].eval_samples[0].output, std::string("two \xe4\xba\x8c"));

    for (const char* bad : {"\"eval_samples\":3", "\"eval_samples\":[{\"index\":0,\"prompt\":\"a\",\"reference\":\"b\"}]",
                            "\"eval_samples\":[{\"index\":\"0\",\"prompt\":\"a\",\"reference\":\"b\",\"output\":\"c\"}]"}) {
      // A good line first, the bad one second (and a third after it, so it is not a cut-off last line).
      const std::string bad_line = "{\"step\":2,\"epoch\":1,\"loss\":2,\"learning_rate\":0.001,\"grad_norm\":1," +
                                   std::string(bad) + "}";
      lora::write_file_atomically(path, line + "\n" + bad_line + "\n" + line + "\n");
      try {
        lora::read_training_log(path);
        QFAIL(bad);
      } catch (const lora::Error& e) {
        const QString what = e.what();
        QVERIFY2(what.contains("old_log.jsonl") && what.contains("line 2") && what.contains("eval_samples"), e.what());
      }
    }
  }

  void eval_sample_settings_are_validated_and_saved() {
    auto s = base_settings(out("unused"));
    for (int64_t bad : {int64_t(-1), int64_t(17)}) {
      s.eval_samples = bad;
      QVERIFY_THROWS_EXCEPTION(lora::Error, s.validate());
    }
    s.eval_samples = 16;
    s.validate();
    for (int64_t bad : {int64_t(0), int64_t(1025)}) {
      s.eval_sample_tokens = bad;
      try {
        s.validate();
        QFAIL("expected an error");
      } catch (const lora::Error& e) {
        QVERIFY2(QString(e.what()).contains("eval_sample_tokens"), e.what());
      }
    }
    s.eval_sample_tokens = 100;
    const auto reread = lora::training_settings_from_json(lora::training_settings_to_json(s), "x");
    QCOMPARE(reread.eval_samples, int64_t(16));
    QCOMPARE(reread.eval_sample_tokens, int64_t(100));
    // Parameters saved before these settings existed keep the defaults.
    const auto old = lora::training_settings_from_json("{\"rank\": 8}", "old.json");
    QCOMPARE(old.eval_samples, int64_t(3));
    QCOMPARE(old.eval_sample_tokens, int64_t(64));
  }

  void invalid_settings_are_named() {
    auto s = base_settings(out("invalid"));
    s.batch_size = 3;
    try {
      lora::train_lora(s, false);
      QFAIL("expected an error");
    } catch (const lora::Error& e) {
      QVERIFY2(QString(e.what()).contains("batch_size"), e.what());
    }
    QVERIFY(!fs::exists(s.output_dir));
  }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
