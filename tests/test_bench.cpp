// `lora-studio-cli bench train` and the engine code behind it (engine/training/train_step_bench.h):
// the timed steps really train the adapter, the FLOP count follows its documented formula, and the
// command prints every field of its table and JSON for both dtypes. No timing is asserted: speed
// depends on the machine and its load (scripts/bench-train.sh is where speed is measured).
// libtorch before Qt: Qt's `slots` macro would clash with torch's IValue::slots().
#include <ATen/ATen.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>

#include "causal_lm.h"
#include "error.h"
#include "lora_adapter.h"
#include "model_adapter.h"
#include "test_support.h"
#include "tiny_model.h"
#include "train_step_bench.h"

namespace {

// The tiny shape every test here uses (grouped-query attention, so k/v differ from q/o).
constexpr int64_t kHidden = 64, kInter = 128, kLayers = 2, kHeads = 4, kKvHeads = 2, kVocab = 256;
constexpr int64_t kHeadDim = kHidden / kHeads;

const QStringList kTinyShape = {"--arch",   "llama", "--hidden-size", "64", "--intermediate-size", "128",
                                "--layers", "2",     "--heads",       "4",  "--kv-heads",          "2",
                                "--vocab-size", "256", "--threads", "1"};

int64_t frozen_matmul_parameters() {
  const int64_t per_layer = kHidden * kHidden * 2                  // q, o
                            + kHidden * kKvHeads * kHeadDim * 2   // k, v
                            + 3 * kHidden * kInter;               // gate, up, down
  return kLayers * per_layer + kHidden * kVocab;                  // + lm_head
}

int64_t all_linear_lora_parameters(int64_t rank) {
  const int64_t per_layer = rank * ((kHidden + kHidden) * 2               // q, o
                                    + (kHidden + kKvHeads * kHeadDim) * 2  // k, v
                                    + (kHidden + kInter) * 3);             // gate, up, down
  return kLayers * per_layer;
}

double expected_flops(int64_t batch, int64_t seq_len, int64_t lora_parameters) {
  const double tokens = double(batch * seq_len);
  const double attention = 3.0 * kLayers * 2 * 2 * batch * kHeads * double(seq_len) * double(seq_len) * kHeadDim;
  return 4.0 * frozen_matmul_parameters() * tokens + 6.0 * lora_parameters * tokens + attention;
}

}  // namespace

class TestBench : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  std::string model_dir_;

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    lora::TinyModelOptions tiny;
    tiny.hidden_size = kHidden;
    tiny.intermediate_size = kInter;
    tiny.num_layers = kLayers;
    tiny.num_heads = kHeads;
    tiny.num_kv_heads = kKvHeads;
    tiny.vocab_size = kVocab;
    tiny.init_std = 0.3;  // logits wide enough for a few steps to move the loss visibly
    model_dir_ = (tmp_.path() + "/model").toStdString();
    lora::write_tiny_model(model_dir_, tiny);
  }

  // The benchmark's steps go through forward, loss, backward and AdamW: on a repeated batch with a
  // large learning rate the loss must fall and the adapter must move away from PEFT's zero lora_B.
  void timedStepsTrainTheAdapter() {
    lora::ComputeOptions compute;
    compute.device = "cpu";
    compute.dtype = "float32";
    compute.threads = 1;
    auto model = lora::CausalLM::load(model_dir_, compute);
    lora::LoraConfig config;
    config.target_modules.is_regex = true;
    config.target_modules.regex = "all-linear";
    config.r = 4;
    config.lora_alpha = 8;
    auto adapter = lora::ModelAdapter::create(*model, config, 1);

    lora::TrainStepBenchSettings settings;
    settings.micro_batch = 2;
    settings.seq_len = 16;
    settings.warmup_steps = 1;
    settings.timed_steps = 4;
    settings.learning_rate = 1e-2;
    const lora::TrainStepBenchResult result = lora::run_train_step_bench(*model, *adapter, settings);

    QCOMPARE(result.tokens_per_step, int64_t(32));
    QCOMPARE(int64_t(result.steps.size()), int64_t(4));
    QCOMPARE(result.trainable_parameters, all_linear_lora_parameters(4));
    QVERIFY(result.tokens_per_second > 0);
    QVERIFY(std::isfinite(result.first_loss));
    QVERIFY2(result.last_loss < result.first_loss - 0.05,
             qPrintable(QString("loss %1 -> %2").arg(result.first_loss).arg(result.last_loss)));
    double largest_b = 0;
    for (const auto& [name, p] : adapter->parameters())
      if (name.find("lora_B") != std::string::npos) largest_b = std::max(largest_b, p.abs().max().item<double>());
    QVERIFY(largest_b > 0);

    const lora::TrainStepFlops flops = lora::train_step_flops(*model, 2, 16);
    QCOMPARE(flops.total(), expected_flops(2, 16, all_linear_lora_parameters(4)));
  }

  void refusesAModelWithoutAnAdapter() {
    lora::ComputeOptions compute;
    compute.device = "cpu";
    compute.threads = 1;
    auto model = lora::CausalLM::load(model_dir_, compute);
    lora::LoraConfig config;
    config.target_modules.names = {"q_proj"};
    auto adapter = lora::ModelAdapter::create(*model, config, 1);
    adapter->detach();  // the model is without an adapter again
    lora::TrainStepBenchSettings settings;
    settings.seq_len = 8;
    QVERIFY_THROWS_EXCEPTION(lora::Error, lora::run_train_step_bench(*model, *adapter, settings));
  }

  // One JSON object per dtype with every field the issue asks for, consistent with each other.
  void cliJsonHasEveryFieldForBothDtypes() {
    const auto result = test_support::run_cli(QStringList{"bench", "train"} + kTinyShape +
                                              QStringList{"--seq-len", "16", "--micro-batch", "2", "--rank", "4",
                                                          "--steps", "2", "--warmup", "0", "--json"});
    QVERIFY2(result.exit_code == 0, result.err.constData());
    const QList<QByteArray> lines = result.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QStringList dtypes = {"float32", "bfloat16"};
    for (int i = 0; i < 2; ++i) {
      QJsonParseError error;
      const QJsonObject o = QJsonDocument::fromJson(lines[i], &error).object();
      QVERIFY2(error.error == QJsonParseError::NoError, lines[i].constData());
      QCOMPARE(o["dtype"].toString(), dtypes[i]);
      QCOMPARE(o["tokens_per_step"].toInt(), 32);
      QCOMPARE(o["timed_steps"].toInt(), 2);
      QCOMPARE(o["threads"].toInt(), 1);
      QCOMPARE(o["matmul_parameters"].toDouble(), double(frozen_matmul_parameters()));
      QCOMPARE(o["lora_parameters"].toDouble(), double(all_linear_lora_parameters(4)));
      QCOMPARE(o["lora_layers"].toInt(), int(7 * kLayers));
      QCOMPARE(o["flops_per_step"].toDouble(), expected_flops(2, 16, all_linear_lora_parameters(4)));
      for (const char* key : {"tokens_per_second", "step_seconds", "best_step_seconds", "forward_seconds",
                              "backward_seconds", "achieved_flops_per_second", "peak_flops_per_second",
                              "fp32_peak_flops_per_second", "bf16_peak_flops_per_second", "peak_memory_bytes"})
        QVERIFY2(o[key].toDouble() > 0, key);
      const double step = o["step_seconds"].toDouble();
      QVERIFY(std::abs(o["tokens_per_second"].toDouble() - 32 / step) < 1e-6 * 32 / step);
      QVERIFY(std::abs(o["achieved_flops_per_second"].toDouble() - o["flops_per_step"].toDouble() / step) <
              1e-6 * o["achieved_flops_per_second"].toDouble());
      const double own_peak = o[i == 0 ? "fp32_peak_flops_per_second" : "bf16_peak_flops_per_second"].toDouble();
      QCOMPARE(o["peak_flops_per_second"].toDouble(), own_peak);
      QVERIFY(std::abs(o["fraction_of_peak"].toDouble() - o["achieved_flops_per_second"].toDouble() / own_peak) < 1e-9);
      // Which product gave each peak: the size, and whether the right-hand side was transposed as
      // weights are (both layouts are timed; on AMX the transposed one is the faster).
      for (const char* key : {"fp32_peak_shape", "bf16_peak_shape"})
        QVERIFY2(QRegularExpression("^n=(1024|2048)(, B transposed)?$").match(o[key].toString()).hasMatch(),
                 qPrintable(o[key].toString()));
      // A 256-token vocabulary: the untrained loss is about ln(256) ≈ 5.5, certainly finite.
      QVERIFY(o["first_loss"].toDouble() > 1 && o["first_loss"].toDouble() < 20);
      QVERIFY(!o["peak_memory_kind"].toString().isEmpty());
    }
  }

  // The readable table: one block per dtype with every row; LoRA on two modules only; the profile.
  void cliTableAndProfile() {
    const auto result = test_support::run_cli(
        QStringList{"bench", "train"} + kTinyShape +
        QStringList{"--seq-len", "8", "--micro-batch", "1", "--rank", "2", "--target-modules", "q_proj,v_proj",
                    "--dtype", "float32", "--steps", "1", "--warmup", "0", "--profile"});
    QVERIFY2(result.exit_code == 0, result.err.constData());
    const QString out = QString::fromUtf8(result.out);
    for (const char* label : {"bench train: float32", "tokens/s", "step time", "FLOP per step", "achieved",
                              "matmul peak", "of peak", "peak memory", "ops by self time", "aten::"})
      QVERIFY2(out.contains(label), qPrintable(QString("missing '%1' in:\n%2").arg(label, out)));
    QVERIFY(!out.contains("bench train: bfloat16"));
    QVERIFY2(out.contains(QString("%1 layers").arg(2 * kLayers)), qPrintable(out));
  }

  // --ceiling: the step's frozen products alone, on the model's weights, beside the step. A llama
  // layer runs four of them (q/k/v as one, o, gate/up as one, down), the head one more; alone they
  // take less than the whole step. Quantized weights are not plain matmuls: no figure, said so.
  void cliCeilingTimesTheFrozenProductsAlone() {
    const auto result = test_support::run_cli(
        QStringList{"bench", "train"} + kTinyShape +
        QStringList{"--seq-len", "16", "--micro-batch", "2", "--dtype", "float32", "--steps", "2", "--warmup", "1",
                    "--quantize", "nf4", "--ceiling", "--json"});
    QVERIFY2(result.exit_code == 0, result.err.constData());
    const QList<QByteArray> lines = result.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QJsonObject quantized = QJsonDocument::fromJson(lines[0]).object();
    QCOMPARE(quantized["quantize"].toString(), QString("nf4"));
    QVERIFY(quantized.contains("frozen_products_seconds") && quantized["frozen_products_seconds"].isNull());
    const QJsonObject dense = QJsonDocument::fromJson(lines[1]).object();
    QCOMPARE(dense["quantize"].toString(), QString("none"));
    QCOMPARE(dense["frozen_product_weights"].toInt(), int(4 * kLayers + 1));
    const double alone = dense["frozen_products_seconds"].toDouble(), step = dense["step_seconds"].toDouble();
    QVERIFY2(alone > 0 && alone < step, qPrintable(QString("%1 s alone, %2 s a step").arg(alone).arg(step)));
    QVERIFY(std::abs(dense["frozen_products_share_of_step"].toDouble() - alone / step) < 1e-9);
    QVERIFY(dense["fraction_of_peak_frozen_products_alone"].toDouble() > dense["fraction_of_peak"].toDouble());

    // Phi-3 stores q/k/v and gate/up fused: the same four products a layer.
    QStringList phi3 = kTinyShape;
    phi3[1] = "phi3";
    const auto fused = test_support::run_cli(QStringList{"bench", "train"} + phi3 +
                                             QStringList{"--seq-len", "8", "--micro-batch", "1", "--dtype", "float32",
                                                         "--steps", "1", "--warmup", "0", "--ceiling", "--json"});
    QVERIFY2(fused.exit_code == 0, fused.err.constData());
    QCOMPARE(QJsonDocument::fromJson(fused.out.trimmed()).object()["frozen_product_weights"].toInt(), int(4 * kLayers + 1));

    const auto table = test_support::run_cli(QStringList{"bench", "train"} + kTinyShape +
                                             QStringList{"--seq-len", "8", "--micro-batch", "1", "--dtype", "float32",
                                                         "--steps", "1", "--warmup", "0", "--ceiling"});
    QVERIFY2(table.exit_code == 0, table.err.constData());
    QVERIFY2(QString::fromUtf8(table.out).contains(QRegularExpression("frozen products +[0-9.]+ s alone")),
             table.out.constData());
  }

  void cliRefusesBadOptions() {
    auto result = test_support::run_cli(QStringList{"bench", "train"} + kTinyShape + QStringList{"--dtype", "float16"});
    QCOMPARE(result.exit_code, 1);
    QVERIFY(result.err.contains("--dtype"));
    result = test_support::run_cli(QStringList{"bench", "train"} + kTinyShape + QStringList{"--sequence", "8"});
    QCOMPARE(result.exit_code, 1);
    QVERIFY(result.err.contains("--sequence"));
  }
};

QTEST_GUILESS_MAIN(TestBench)
#include "test_bench.moc"
