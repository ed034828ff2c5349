// Training, tiny checkpoints and `bench train` for the newer families (Qwen3, Gemma 3, Phi-3): a tiny
// checkpoint of each trains through the trainer (the loss falls, with padding, sliding windows and
// gradient checkpointing on the way), the adapter it writes carries PEFT's module names (Phi-3's
// fused qkv_proj), merging it gives the adapter's logits, Gemma's (1 + w) norm has the gradient of
// its composition, and the CLI's make-tiny and bench train run for every family.
// libtorch before Qt: Qt's `slots` macro breaks ATen's ivalue_inl.h.
#include <ATen/ATen.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <filesystem>

#include "atomic_file.h"
#include "causal_lm.h"
#include "error.h"
#include "ops.h"
#include "lora_adapter.h"
#include "model_adapter.h"
#include "test_support.h"
#include "tiny_model.h"
#include "trainer.h"
#include "training_log.h"

namespace {

double relative_error(const at::Tensor& actual, const at::Tensor& reference) {
  return ((actual.to(at::kFloat) - reference.to(at::kFloat)).abs().max() / reference.to(at::kFloat).abs().max())
      .item<double>();
}

lora::ComputeOptions cpu_fp32() {
  lora::ComputeOptions options;
  options.device = "cpu";
  options.dtype = "float32";
  return options;
}

QJsonObject json_object(const QByteArray& text) { return QJsonDocument::fromJson(text).object(); }

}  // namespace

class TestFamilyTraining : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  std::string dataset_path_;

  std::string out(const QString& name) const { return (tmp_.path() + "/" + name).toStdString(); }

  // Each family in a shape that exercises what is its own.
  lora::TinyModelOptions tiny(const QString& arch) const {
    lora::TinyModelOptions options;
    options.arch = arch.toStdString();
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    options.seed = 11;
    // Wider weights than a real model's 0.02, so a few LoRA steps visibly move the loss (as in test_trainer).
    options.init_std = 0.3;
    if (arch == "qwen3") options.head_dim = 24;          // not hidden / heads = 16
    if (arch == "gemma3_text") options.sliding_window = 8;  // shorter than the records: the window matters
    if (arch == "phi3") options.partial_rotary_factor = 0.5;
    return options;
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    // Records of different lengths: micro-batches are padded.
    dataset_path_ = out("data.jsonl");
    std::string lines;
    for (int i = 0; i < 16; ++i) {
      lines += "{\"instruction\": \"What is " + std::to_string(i) + " plus " + std::to_string(i) + "?" +
               std::string(i % 3 == 0 ? " Answer in a short sentence, please." : "") + "\", \"output\": \"It is " +
               std::to_string(2 * i) + ".\"}\n";
    }
    lora::write_file_atomically(dataset_path_, lines);
  }

  void training_lowers_the_loss_data() {
    QTest::addColumn<QString>("arch");
    QTest::newRow("qwen3") << "qwen3";
    QTest::newRow("gemma3_text") << "gemma3_text";
    QTest::newRow("phi3") << "phi3";
  }

  void training_lowers_the_loss() {
    QFETCH(QString, arch);
    try {
      const std::string model_dir = out("model-" + arch);
      lora::write_tiny_model(model_dir, tiny(arch));
      lora::TrainingSettings s;
      s.model_dir = model_dir;
      s.dataset_path = dataset_path_;
      s.output_dir = out("adapter-" + arch);
      s.rank = 4;
      s.alpha = 8;
      s.dropout = 0.0;
      // The usual names: on Phi-3 they become the fused layers (q_proj, v_proj → qkv_proj).
      s.target_modules = {"q_proj", "v_proj", "down_proj"};
      s.learning_rate = 1e-2;
      s.micro_batch_size = 2;
      s.batch_size = 4;
      s.max_steps = 16;
      s.cutoff_len = 64;
      s.precision = "float32";
      s.threads = 2;
      s.gradient_checkpointing = arch == "gemma3_text";
      const lora::TrainingResult result = lora::train_lora(s, false);
      QVERIFY2(result.outcome == lora::TrainingResult::Outcome::Finished, result.message.english().c_str());
      const auto log = lora::read_training_log(s.output_dir + "/training_log.jsonl");
      QCOMPARE(log.size(), size_t(16));
      const double first = (log[0].loss + log[1].loss) / 2, last = (log[14].loss + log[15].loss) / 2;
      qInfo("%s: loss %.4f -> %.4f", qPrintable(arch), first, last);
      QVERIFY2(last < 0.8 * first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));

      // The adapter names the layers it trained as PEFT would.
      const lora::LoraConfig config = lora::load_lora_config(s.output_dir);
      const std::vector<std::string> expected_targets =
          arch == "phi3" ? std::vector<std::string>{"qkv_proj", "down_proj"}
                         : std::vector<std::string>{"q_proj", "v_proj", "down_proj"};
      QCOMPARE(config.target_modules.names, expected_targets);
      const auto factors = lora::read_lora_weights(s.output_dir);
      QCOMPARE(factors.size(), size_t(2 * expected_targets.size()));  // 2 layers
      const std::string fused_path = "model.layers.1.self_attn.qkv_proj";
      QCOMPARE(factors.count(fused_path) == 1, arch == "phi3");

      // It loads, changes the logits, and merging it gives the same logits.
      const at::Tensor ids = at::tensor({1, 450, 4996, 29871, 29906, 718, 29871}, at::kLong).unsqueeze(0);
      auto model = lora::CausalLM::load(model_dir, cpu_fp32());
      at::NoGradGuard no_grad;
      const at::Tensor base = model->forward(ids);
      auto adapter = lora::ModelAdapter::load(*model, s.output_dir);
      const at::Tensor adapted = model->forward(ids);
      QVERIFY(relative_error(adapted, base) > 1e-3);
      const std::string merged = out("merged-" + arch);
      const auto merge = test_support::run_cli({"merge", "--model", QString::fromStdString(model_dir), "--adapter",
                                                QString::fromStdString(s.output_dir), "--output",
                                                QString::fromStdString(merged)});
      QVERIFY2(merge.exit_code == 0, merge.err.constData());
      auto merged_model = lora::CausalLM::load(merged, cpu_fp32());
      const double error = relative_error(merged_model->forward(ids), adapted);
      QVERIFY2(error < 1e-4, qPrintable(QString("merged vs adapter: %1").arg(error)));
    } catch (const lora::Error& error) {
      QFAIL(error.what());
    }
  }

  // Gemma's norm node (ops::lean) against its ATen composition: values and gradients, fp32 and bf16.
  void one_plus_weight_norm_has_the_gradient_of_its_composition() {
    for (const at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
      at::manual_seed(5);
      const at::Tensor x0 = at::randn({3, 5, 16}).to(dtype);
      const at::Tensor weight = (at::randn({16}) * 0.5).to(dtype);
      const at::Tensor upstream = at::randn({3, 5, 16}).to(dtype);
      at::Tensor x1 = x0.clone().requires_grad_(true), x2 = x0.clone().requires_grad_(true);
      const at::Tensor fused = lora::ops::rms_norm_one_plus(x1, weight, 1e-6);
      const at::Tensor composed = lora::ops::reference::rms_norm_one_plus(x2, weight, 1e-6);
      QCOMPARE(fused.scalar_type(), dtype);
      const double tolerance = dtype == at::kFloat ? 1e-6 : 1e-2;
      QVERIFY(relative_error(fused, composed) < tolerance);
      (fused * upstream).sum().backward();
      (composed * upstream).sum().backward();
      const double error = relative_error(x1.grad(), x2.grad());
      QVERIFY2(error < (dtype == at::kFloat ? 1e-5 : 2e-2), qPrintable(QString("gradient error %1").arg(error)));
    }
  }

  // Partial RoPE: the first rotary_dim channels of each head rotated, the rest passed through.
  void partial_rotary_rotates_only_its_channels() {
    at::manual_seed(9);
    const int64_t heads = 2, head_dim = 8, rotary = 4, length = 3;
    const at::Tensor x = at::randn({1, length, heads * head_dim});
    const at::Tensor angles = at::randn({1, 1, length, rotary / 2});
    const at::Tensor cos = at::cat({angles, angles}, -1).cos(), sin = at::cat({angles, angles}, -1).sin();
    const at::Tensor out = lora::ops::partial_rotary(x, cos, sin, heads, head_dim, rotary);  // [1, heads, T, D]
    const at::Tensor heads_first = x.view({1, length, heads, head_dim}).transpose(1, 2);
    QVERIFY(at::equal(out.narrow(-1, rotary, head_dim - rotary), heads_first.narrow(-1, rotary, head_dim - rotary)));
    const at::Tensor part = heads_first.narrow(-1, 0, rotary);
    const at::Tensor rotated = at::cat({part.narrow(-1, 2, 2).neg(), part.narrow(-1, 0, 2)}, -1);
    QVERIFY(at::allclose(out.narrow(-1, 0, rotary), part * cos + rotated * sin, 1e-6, 1e-6));
  }

  void make_tiny_and_bench_train_run_data() {
    QTest::addColumn<QString>("arch");
    QTest::addColumn<QString>("architecture");
    QTest::newRow("qwen3") << "qwen3" << "Qwen3ForCausalLM";
    QTest::newRow("gemma3_text") << "gemma3_text" << "Gemma3ForCausalLM";
    QTest::newRow("phi3") << "phi3" << "Phi3ForCausalLM";
  }

  void make_tiny_and_bench_train_run() {
    QFETCH(QString, arch);
    QFETCH(QString, architecture);
    const QString dir = QString::fromStdString(out("cli-tiny-" + arch));
    auto made = test_support::run_cli({"make-tiny", dir, "--arch", arch, "--dtype", "bfloat16", "--tied"});
    QVERIFY2(made.exit_code == 0, made.err.constData());
    // The same options give the same bytes.
    const QString again_dir = QString::fromStdString(out("cli-tiny-again-" + arch));
    made = test_support::run_cli({"make-tiny", again_dir, "--arch", arch, "--dtype", "bfloat16", "--tied"});
    QVERIFY2(made.exit_code == 0, made.err.constData());
    QCOMPARE(lora::read_text_file((dir + "/model.safetensors").toStdString()),
             lora::read_text_file((again_dir + "/model.safetensors").toStdString()));

    const auto info = test_support::run_cli({"info", dir});
    QVERIFY2(info.exit_code == 0, info.err.constData());
    const QJsonObject fields = json_object(info.out);
    QCOMPARE(fields["architecture"].toString(), architecture);
    QCOMPARE(fields["model_type"].toString(), arch);
    QCOMPARE(fields["dtype"].toString(), QString("bfloat16"));
    const QJsonObject config = json_object(QByteArray::fromStdString(lora::read_text_file((dir + "/config.json").toStdString())));
    QVERIFY(config["tie_word_embeddings"].toBool());
    try {
      auto model = lora::CausalLM::load(dir.toStdString(), cpu_fp32());
      QCOMPARE(model->num_parameters(), int64_t(fields["num_parameters"].toDouble()));
      at::NoGradGuard no_grad;
      const at::Tensor logits = model->forward(at::tensor({1, 2, 3, 4}, at::kLong).unsqueeze(0));
      QVERIFY(at::isfinite(logits).all().item<bool>());
    } catch (const lora::Error& error) {
      QFAIL(error.what());
    }

    const auto bench = test_support::run_cli({"bench", "train", "--arch", arch, "--hidden-size", "64",
                                              "--intermediate-size", "96", "--layers", "2", "--heads", "4",
                                              "--kv-heads", "2", "--vocab-size", "300", "--seq-len", "24",
                                              "--micro-batch", "2", "--steps", "2", "--warmup", "0", "--dtype",
                                              "float32", "--threads", "2", "--json"});
    QVERIFY2(bench.exit_code == 0, bench.err.constData());
    const QJsonObject result = json_object(bench.out.trimmed().split('\n').last());
    QCOMPARE(result["bench"].toString(), QString("train"));
    QVERIFY(result["model"].toString().contains(arch));
    QVERIFY(result["tokens_per_second"].toDouble() > 0);
    QVERIFY(result["lora_layers"].toInt() > 0);
  }
};

QTEST_GUILESS_MAIN(TestFamilyTraining)
#include "test_family_training.moc"
