// DoRA (PEFT's use_dora) and LoRA+: the layer's forward, gradients and merge against a reference
// written from PEFT's source (tests/reference/dora_reference.py → fixtures/dora), adapters saved
// and loaded under PEFT's keys, merging, training, and LoRA+'s faster lora_B group.
// libtorch before Qt: Qt's `slots` macro breaks ATen's ivalue_inl.h.
#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "adapter_merge.h"
#include "atomic_file.h"
#include "causal_lm.h"
#include "error.h"
#include "gguf_lora_export.h"
#include "lora_adapter.h"
#include "lora_linear.h"
#include "model_adapter.h"
#include "ops.h"
#include "optimizer.h"
#include "safetensors.h"
#include "test_support.h"
#include "tiny_model.h"
#include "trainer.h"
#include "training_log.h"
#include "training_settings.h"

namespace fs = std::filesystem;

namespace {

double max_abs_difference(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kFloat) - b.to(at::kFloat)).abs().max().item<double>();
}

}  // namespace

class TestDora : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QJsonObject fixture_;
  std::string model_dir_;
  std::string dataset_path_;

  at::Tensor fixture_tensor(const char* key, std::vector<int64_t> shape) const {
    const QJsonArray values = fixture_.value(key).toArray();
    std::vector<float> data;
    for (const auto& v : values) data.push_back(static_cast<float>(v.toDouble()));
    at::Tensor t = at::tensor(data, at::kFloat);
    return t.reshape(shape).clone();
  }
  int64_t dim(const char* key) const { return fixture_.value(key).toInt(); }

  // The fixture's layer as a LoraLinear with DoRA, magnitude as the fixture's trained one.
  std::shared_ptr<lora::LoraLinear> fixture_layer(double dropout) const {
    auto layer = std::make_shared<lora::LoraLinear>(fixture_tensor("weight", {dim("out"), dim("in")}),
                                                   fixture_tensor("bias", {dim("out")}));
    layer->attach_lora(fixture_tensor("lora_A", {dim("r"), dim("in")}), fixture_tensor("lora_B", {dim("out"), dim("r")}),
                       fixture_.value("scaling").toDouble(), dropout, /*trainable=*/true);
    layer->attach_dora(fixture_tensor("magnitude", {dim("out")}), /*trainable=*/true);
    return layer;
  }
  at::Tensor fixture_x() const { return fixture_tensor("x", {2, 3, dim("in")}); }
  at::Tensor fixture_grad_output() const { return fixture_tensor("grad_output", {2, 3, dim("out")}); }

  std::string out(const char* name) const { return (tmp_.path() + "/" + name).toStdString(); }

  lora::TrainingSettings base_settings(const std::string& output) const {
    lora::TrainingSettings s;
    s.model_dir = model_dir_;
    s.dataset_path = dataset_path_;
    s.output_dir = output;
    s.rank = 4;
    s.alpha = 8;
    s.dropout = 0.0;
    s.target_modules = {"q_proj", "v_proj", "down_proj"};
    s.learning_rate = 2e-2;
    s.micro_batch_size = 2;
    s.batch_size = 4;
    s.max_steps = 12;
    s.cutoff_len = 64;
    s.precision = "float32";
    s.threads = 2;
    s.eval_samples = 0;
    return s;
  }

  // A DoRA adapter on the tiny model with every tensor moved off its initial value (B nonzero, the
  // magnitudes no longer the row norms), so that each one changes the logits.
  std::unique_ptr<lora::ModelAdapter> trained_looking_dora(lora::CausalLM& model) const {
    lora::LoraConfig config;
    config.target_modules.names = {"q_proj", "v_proj", "o_proj", "up_proj"};
    config.r = 4;
    config.lora_alpha = 8;
    config.use_dora = true;
    auto adapter = lora::ModelAdapter::create(model, config, 5);
    at::NoGradGuard no_grad;
    at::manual_seed(21);
    for (auto& [name, p] : adapter->parameters()) {
      if (p.dim() == 1)
        p.mul_(1.0 + 0.3 * at::randn(p.sizes(), at::kFloat));
      else
        p.copy_(at::randn(p.sizes(), at::kFloat) * 0.2);
    }
    return adapter;
  }

  static at::Tensor logits(lora::CausalLM& model) {
    at::NoGradGuard no_grad;
    const at::Tensor ids = at::tensor({1, 450, 4996, 17354, 3}, at::kLong).unsqueeze(0);
    return model.forward(ids);
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    QFile file(test_support::fixtures_dir() + "/dora/dora_reference.json");
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    fixture_ = QJsonDocument::fromJson(file.readAll()).object();
    QVERIFY(!fixture_.isEmpty());

    // qwen2: q/k/v carry a bias, which DoRA leaves outside the magnitude's scaling.
    model_dir_ = out("model");
    lora::TinyModelOptions options;
    options.arch = "qwen2";
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    options.seed = 7;
    options.init_std = 0.3;
    lora::write_tiny_model(model_dir_, options);
    dataset_path_ = out("data.jsonl");
    std::string lines;
    for (int i = 0; i < 12; ++i) {
      lines += "{\"instruction\": \"What is " + std::to_string(i) + " plus " + std::to_string(i) +
               "?\", \"output\": \"It is " + std::to_string(2 * i) + ".\"}\n";
    }
    lora::write_file_atomically(dataset_path_, lines);
  }

  // PEFT's DoraLinearLayer.update_layer: the magnitude starts at ||W + scaling·B·A|| per row.
  void magnitude_starts_at_peft_row_norms() {
    auto layer = std::make_shared<lora::LoraLinear>(fixture_tensor("weight", {dim("out"), dim("in")}),
                                                   fixture_tensor("bias", {dim("out")}));
    layer->attach_lora(fixture_tensor("lora_A", {dim("r"), dim("in")}), fixture_tensor("lora_B", {dim("out"), dim("r")}),
                       fixture_.value("scaling").toDouble(), 0.0, true);
    layer->init_dora(true);
    QVERIFY(layer->has_dora());
    QVERIFY(layer->lora_magnitude().requires_grad());
    QVERIFY(max_abs_difference(layer->lora_magnitude(), fixture_tensor("magnitude_init", {dim("out")})) < 1e-5);
    // A fresh pair (B = 0): the rows of W.
    layer->attach_lora(at::randn({dim("r"), dim("in")}), at::zeros({dim("out"), dim("r")}), 2.0, 0.0, true);
    QVERIFY(!layer->has_dora());
    layer->init_dora(true);
    QVERIFY(max_abs_difference(layer->lora_magnitude(), layer->weight().norm(2, {1})) < 1e-6);
    QVERIFY_THROWS_EXCEPTION(lora::Error, layer->attach_dora(at::ones({dim("out") + 1}), true));
  }

  // Inference and training without dropout: output, then the gradients of A, B and the magnitude
  // of sum(output · G), and one SGD step from them.
  void forward_and_gradients_match_peft() {
    auto layer = fixture_layer(0.0);
    const at::Tensor x = fixture_x();
    layer->eval();
    {
      at::NoGradGuard no_grad;
      const double d = max_abs_difference(layer->forward(x), fixture_tensor("eval_output", {2, 3, dim("out")}));
      QVERIFY2(d < 1e-5, qPrintable(QString("eval output differs by %1").arg(d)));
    }
    layer->train();
    const at::Tensor y = layer->forward(x);
    QVERIFY(max_abs_difference(y, fixture_tensor("train_output", {2, 3, dim("out")})) < 1e-5);
    (y * fixture_grad_output()).sum().backward();
    const at::Tensor grad_A = fixture_tensor("train_grad_A", {dim("r"), dim("in")});
    const at::Tensor grad_B = fixture_tensor("train_grad_B", {dim("out"), dim("r")});
    const at::Tensor grad_m = fixture_tensor("train_grad_magnitude", {dim("out")});
    QVERIFY2(max_abs_difference(layer->lora_A().grad(), grad_A) < 1e-5, "grad A");
    QVERIFY2(max_abs_difference(layer->lora_B().grad(), grad_B) < 1e-5, "grad B");
    QVERIFY2(max_abs_difference(layer->lora_magnitude().grad(), grad_m) < 1e-5, "grad magnitude");
    QVERIFY(!layer->weight().grad().defined());  // the base stays frozen

    // One training step: plain SGD moves each tensor by -lr · its reference gradient.
    const double lr = 0.1;
    const at::Tensor A0 = layer->lora_A().detach().clone(), B0 = layer->lora_B().detach().clone(),
                     m0 = layer->lora_magnitude().detach().clone();
    lora::OptimizerSettings sgd;
    sgd.name = "sgd";
    lora::Optimizer optimizer(sgd, {{"a.lora_A.weight", layer->lora_A()},
                                    {"a.lora_B.weight", layer->lora_B()},
                                    {"a.lora_magnitude_vector", layer->lora_magnitude()}});
    optimizer.step(lr);
    QVERIFY(max_abs_difference(layer->lora_A(), A0 - lr * grad_A) < 1e-6);
    QVERIFY(max_abs_difference(layer->lora_B(), B0 - lr * grad_B) < 1e-6);
    QVERIFY(max_abs_difference(layer->lora_magnitude(), m0 - lr * grad_m) < 1e-6);
  }

  // With dropout PEFT applies the magnitude's correction of the base output and the LoRA branch
  // to the dropped-out input, the base output itself to the whole input.
  void dropout_follows_peft() {
    const at::Tensor x = fixture_x();
    const at::Tensor mask = fixture_tensor("mask", {2, 3, dim("in")});
    at::Tensor A = fixture_tensor("lora_A", {dim("r"), dim("in")}).requires_grad_(true);
    at::Tensor B = fixture_tensor("lora_B", {dim("out"), dim("r")}).requires_grad_(true);
    at::Tensor m = fixture_tensor("magnitude", {dim("out")}).requires_grad_(true);
    const at::Tensor y = lora::ops::dora_linear(x, fixture_tensor("weight", {dim("out"), dim("in")}),
                                                fixture_tensor("bias", {dim("out")}), A, B, m,
                                                fixture_.value("scaling").toDouble(), mask);
    QVERIFY(max_abs_difference(y, fixture_tensor("dropout_output", {2, 3, dim("out")})) < 1e-5);
    (y * fixture_grad_output()).sum().backward();
    QVERIFY(max_abs_difference(A.grad(), fixture_tensor("dropout_grad_A", {dim("r"), dim("in")})) < 1e-5);
    QVERIFY(max_abs_difference(B.grad(), fixture_tensor("dropout_grad_B", {dim("out"), dim("r")})) < 1e-5);
    QVERIFY(max_abs_difference(m.grad(), fixture_tensor("dropout_grad_magnitude", {dim("out")})) < 1e-5);

    // The layer in training draws its mask as the LoRA node does (a hash of a seed from the CPU
    // generator): the same generator state gives the op with that mask.
    const double p = fixture_.value("dropout").toDouble();
    auto layer = fixture_layer(p);
    layer->train();
    at::manual_seed(99);
    const at::Tensor from_layer = layer->forward(x);
    at::manual_seed(99);
    const at::Tensor drawn = lora::ops::dropout_mask(x, p, lora::ops::draw_dropout_seed());
    at::NoGradGuard no_grad;
    const at::Tensor expected = lora::ops::dora_linear(x, layer->weight(), layer->bias(), layer->lora_A(),
                                                       layer->lora_B(), layer->lora_magnitude(),
                                                       layer->lora_scaling(), drawn);
    QVERIFY(max_abs_difference(from_layer, expected) < 1e-6);
    QVERIFY(max_abs_difference(from_layer, layer->forward(x)) > 1e-4);  // a new mask each call
  }

  // PEFT's merge: W' = (m / ||W + ΔW||) · (W + ΔW); unmerge gives W back.
  void merge_matches_peft() {
    auto layer = fixture_layer(0.0);
    const at::Tensor W = layer->weight().clone();
    layer->eval();
    layer->merge();
    QVERIFY(layer->merged());
    QVERIFY(max_abs_difference(layer->weight(), fixture_tensor("merged_weight", {dim("out"), dim("in")})) < 1e-5);
    at::NoGradGuard no_grad;
    QVERIFY(max_abs_difference(layer->forward(fixture_x()), fixture_tensor("eval_output", {2, 3, dim("out")})) < 1e-5);
    layer->unmerge();
    QVERIFY(max_abs_difference(layer->weight(), W) < 1e-5);
  }

  // Saved under PEFT's keys (lora_magnitude_vector without ".weight", F32, [out]) with use_dora in
  // adapter_config.json; loading gives the same logits.
  void adapter_round_trip_uses_peft_keys() {
    auto model = lora::CausalLM::load(model_dir_);
    const at::Tensor base = logits(*model);
    auto adapter = trained_looking_dora(*model);
    const at::Tensor with = logits(*model);
    QVERIFY(max_abs_difference(with, base) > 1e-3);
    const std::string dir = out("dora-adapter");
    adapter->save(dir, at::kBFloat16);

    const std::string key = "base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector";
    auto file = lora::SafetensorsFile::open(dir + "/adapter_model.safetensors");
    bool found = false;
    for (const auto& info : file->tensors()) {
      if (info.name != key) continue;
      found = true;
      QCOMPARE(info.dtype, lora::DType::F32);
      QCOMPARE(info.shape, std::vector<int64_t>({model->linear_layer("model.layers.0.self_attn.q_proj").out_features()}));
    }
    QVERIFY2(found, key.c_str());
    QVERIFY(lora::load_lora_config(dir).use_dora);
    QVERIFY(lora::read_text_file(dir + "/adapter_config.json").find("\"use_dora\": true") != std::string::npos);

    adapter->save(dir + "-f32");
    auto reloaded_model = lora::CausalLM::load(model_dir_);
    auto reloaded = lora::ModelAdapter::load(*reloaded_model, dir + "-f32");
    QVERIFY(reloaded->config().use_dora);
    QVERIFY(max_abs_difference(logits(*reloaded_model), with) < 1e-5);
    // Switched off: the base model again.
    reloaded->set_enabled(false);
    QVERIFY(max_abs_difference(logits(*reloaded_model), base) < 1e-6);
  }

  // A file PEFT wrote: the same keys (its older spelling ".lora_magnitude_vector.weight" too), and
  // a use_dora adapter whose magnitudes are missing is refused naming the key.
  void peft_spellings_load_and_bad_files_are_refused() {
    auto model = lora::CausalLM::load(model_dir_);
    auto adapter = trained_looking_dora(*model);
    const at::Tensor with = logits(*model);
    const lora::LoraConfig config = adapter->config();
    std::vector<std::pair<std::string, at::Tensor>> renamed, without_magnitudes;
    for (const auto& [key, tensor] : adapter->parameters()) {
      const bool magnitude = tensor.dim() == 1;
      renamed.emplace_back(magnitude ? key + ".weight" : key, tensor.detach().clone());
      if (!magnitude) without_magnitudes.emplace_back(key, tensor.detach().clone());
    }
    adapter.reset();
    lora::write_lora_adapter(out("peft-old-keys"), config, renamed);
    auto loaded = lora::ModelAdapter::load(*model, out("peft-old-keys"));
    QVERIFY(max_abs_difference(logits(*model), with) < 1e-5);
    loaded.reset();

    lora::write_lora_adapter(out("dora-no-magnitudes"), config, without_magnitudes);
    try {
      lora::ModelAdapter::load(*model, out("dora-no-magnitudes"));
      QFAIL("a use_dora adapter without magnitudes loaded");
    } catch (const lora::Error& e) {
      QVERIFY2(QString(e.what()).contains("lora_magnitude_vector") && QString(e.what()).contains("use_dora"), e.what());
    }
    lora::LoraConfig plain = config;
    plain.use_dora = false;
    lora::write_lora_adapter(out("magnitudes-without-dora"), plain, renamed);
    QVERIFY_THROWS_EXCEPTION(lora::Error, lora::ModelAdapter::load(*model, out("magnitudes-without-dora")));
  }

  // merge writes W' per PEFT: the merged model alone gives the logits of model + DoRA adapter.
  // A llama.cpp LoRA GGUF cannot hold DoRA: refused, pointing at the merged export.
  void merged_model_gives_adapter_logits_and_lora_gguf_refuses() {
    auto model = lora::CausalLM::load(model_dir_);
    auto adapter = trained_looking_dora(*model);
    const at::Tensor with = logits(*model);
    const std::string dir = out("dora-for-merge");
    adapter->save(dir);
    adapter.reset();

    lora::MergeOptions options;
    options.model_dir = model_dir_;
    options.adapter_dir = dir;
    options.output_dir = out("merged");
    const lora::MergeResult result = lora::merge_adapter(options);
    QCOMPARE(result.merged_modules, int64_t(4 * 2));
    auto merged = lora::CausalLM::load(options.output_dir);
    const double d = max_abs_difference(logits(*merged), with);
    QVERIFY2(d < 1e-4, qPrintable(QString("merged logits differ by %1").arg(d)));

    lora::gguf::LoraExportOptions gguf;
    gguf.model_dir = model_dir_;
    gguf.adapter_dir = dir;
    gguf.output_path = out("dora.gguf");
    try {
      lora::gguf::export_lora_gguf(gguf);
      QFAIL("a DoRA adapter was exported as a LoRA GGUF");
    } catch (const lora::Error& e) {
      QVERIFY2(QString(e.what()).contains("use_dora") && QString(e.what()).contains("merged"), e.what());
    }
    QVERIFY(!fs::exists(gguf.output_path));
  }

  // Training with --dora learns, writes magnitudes, resumes; --dora on a plain LoRA --init-adapter
  // starts each magnitude at the row norms of W + scaling·B·A (the start changes no logit).
  void training_with_dora() {
    auto s = base_settings(out("train-dora"));
    s.use_dora = true;
    const auto result = lora::train_lora(s, false);
    QCOMPARE(result.outcome, lora::TrainingResult::Outcome::Finished);
    const auto log = lora::read_training_log(s.output_dir + "/training_log.jsonl");
    QVERIFY(log.size() >= 2);
    QVERIFY2(log.back().loss < 0.8 * log.front().loss,
             qPrintable(QString("loss %1 -> %2").arg(log.front().loss).arg(log.back().loss)));
    QVERIFY(lora::load_lora_config(s.output_dir).use_dora);
    int magnitudes = 0;
    for (const auto& [path, f] : lora::read_lora_weights(s.output_dir)) {
      QVERIFY2(f.magnitude.defined(), path.c_str());
      ++magnitudes;
    }
    QCOMPARE(magnitudes, 2 * 3);

    // A plain LoRA as the starting point of a DoRA run.
    auto plain = base_settings(out("train-plain"));
    plain.max_steps = 3;
    lora::train_lora(plain, false);
    auto model = lora::CausalLM::load(model_dir_);
    auto start = lora::ModelAdapter::load(*model, plain.output_dir);
    const at::Tensor plain_logits = logits(*model);
    start->enable_dora();
    QVERIFY(start->config().use_dora);
    QVERIFY(max_abs_difference(logits(*model), plain_logits) < 1e-5);
    start.reset();

    auto continued = base_settings(out("train-dora-init"));
    continued.init_adapter = plain.output_dir;
    continued.use_dora = true;
    continued.max_steps = 3;
    QCOMPARE(lora::train_lora(continued, false).outcome, lora::TrainingResult::Outcome::Finished);
    QVERIFY(lora::load_lora_config(continued.output_dir).use_dora);
    for (const auto& [path, f] : lora::read_lora_weights(continued.output_dir)) QVERIFY(f.magnitude.defined());
  }

  // Stopping and resuming a DoRA + LoRA+ run (with dropout) ends with the adapter of an
  // uninterrupted one: magnitudes, both learning-rate groups and the dropout masks all come back.
  void dora_lora_plus_run_resumes_exactly() {
    auto full = base_settings(out("resume-full"));
    full.use_dora = true;
    full.lora_plus_ratio = 4;
    full.dropout = 0.1;
    full.max_steps = 6;
    lora::train_lora(full, false);
    auto parts = full;
    parts.output_dir = out("resume-parts");
    auto stop_at_3 = [](const lora::TrainingProgress& p) { return !(p.phase == "training" && p.step >= 3); };
    QCOMPARE(lora::train_lora(parts, false, stop_at_3).outcome, lora::TrainingResult::Outcome::Cancelled);
    QCOMPARE(lora::train_lora(parts, true).outcome, lora::TrainingResult::Outcome::Finished);
    const auto a = lora::read_lora_weights(full.output_dir), b = lora::read_lora_weights(parts.output_dir);
    QCOMPARE(a.size(), b.size());
    for (const auto& [path, f] : a) {
      const auto& g = b.at(path);
      QVERIFY(f.magnitude.defined() && g.magnitude.defined());
      QVERIFY2(max_abs_difference(f.A, g.A) < 1e-6 && max_abs_difference(f.B, g.B) < 1e-6 &&
                   max_abs_difference(f.magnitude, g.magnitude) < 1e-6,
               path.c_str());
    }
  }

  // LoRA+: lora_B (and DoRA's magnitudes) in a second group at ratio x the learning rate.
  void lora_plus_scales_the_b_group() {
    at::manual_seed(3);
    const at::Tensor A = at::randn({2, 6}), B = at::randn({5, 2}), m = at::randn({5});
    const at::Tensor gA = at::randn({2, 6}), gB = at::randn({5, 2}), gm = at::randn({5});
    bool rates_right = true;
    auto run = [&](const std::string& name, double ratio) {
      std::vector<std::pair<std::string, at::Tensor>> params = {{"x.lora_A.weight", A.clone()},
                                                                {"x.lora_B.weight", B.clone()},
                                                                {"x.lora_magnitude_vector", m.clone()}};
      params[0].second.mutable_grad() = gA.clone();
      params[1].second.mutable_grad() = gB.clone();
      params[2].second.mutable_grad() = gm.clone();
      lora::OptimizerSettings settings;
      settings.name = name;
      settings.lora_plus_ratio = ratio;
      lora::Optimizer optimizer(settings, params);
      optimizer.step(0.01);
      rates_right = rates_right && optimizer.learning_rate_of("x.lora_A.weight", 0.01) == 0.01 &&
                    optimizer.learning_rate_of("x.lora_B.weight", 0.01) == 0.01 * ratio;
      return std::vector<at::Tensor>{params[0].second - A, params[1].second - B, params[2].second - m};
    };
    const double ratio = 16;
    const auto plain = run("sgd", 1.0), plus = run("sgd", ratio);
    QVERIFY(rates_right);
    QVERIFY(max_abs_difference(plus[0], plain[0]) < 1e-7);          // lora_A: unchanged rate
    QVERIFY(max_abs_difference(plus[1], ratio * plain[1]) < 1e-6);  // lora_B: ratio x the update
    QVERIFY(max_abs_difference(plus[2], ratio * plain[2]) < 1e-6);  // magnitude (1-D): with B, as PEFT
    // AdamW's first step moves every entry by lr (times the sign): ratio x lr for the B group.
    const auto adam = run("adamw_torch", ratio);
    QVERIFY(std::abs(adam[0].abs().max().item<double>() - 0.01) < 1e-5);
    QVERIFY(std::abs(adam[1].abs().max().item<double>() - 0.01 * ratio) < 1e-4);

    // A short run learns, and the ratio is kept in training_parameters.json for resume.
    auto s = base_settings(out("train-lora-plus"));
    s.lora_plus_ratio = 16;
    s.learning_rate = 5e-3;
    QCOMPARE(lora::train_lora(s, false).outcome, lora::TrainingResult::Outcome::Finished);
    const auto log = lora::read_training_log(s.output_dir + "/training_log.jsonl");
    QVERIFY2(log.back().loss < 0.8 * log.front().loss,
             qPrintable(QString("loss %1 -> %2").arg(log.front().loss).arg(log.back().loss)));
    const auto reread = lora::training_settings_from_json(
        lora::read_text_file(s.output_dir + "/training_parameters.json"), "training_parameters.json");
    QCOMPARE(reread.lora_plus_ratio, 16.0);
    QVERIFY(!reread.use_dora);
  }
};

QTEST_GUILESS_MAIN(TestDora)
#include "test_dora.moc"
