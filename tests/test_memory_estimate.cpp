// The memory pre-flight (engine/training/memory_estimate.h): its parts respond to the settings as a
// user expects (nf4 shrinks the decoder's linear weights about 4x, checkpointing shrinks the
// activations, the micro-batch scales them), the parts add up from shapes counted here by hand,
// what it suggests makes the run fit, `train --dry-run` prints it, and the estimate is within 15% of
// the peak resident memory of a real `train` process.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cmath>

#include "memory_estimate.h"
#include "test_support.h"

extern char** environ;

using lora::MemoryChange;
using lora::MemoryEstimate;
using lora::TrainingSettings;

namespace {

// A Llama-shaped model: hidden 512, 8 layers, 8 query and 4 key/value heads, vocabulary 32000.
lora::ModelShape llama_shape() {
  lora::ModelShape shape;
  lora::ModelConfig& c = shape.config;
  c.model_type = "llama";
  c.vocab_size = 32000;
  c.hidden_size = 512;
  c.intermediate_size = 1376;
  c.num_hidden_layers = 8;
  c.num_attention_heads = 8;
  c.num_key_value_heads = 4;
  c.head_dim = 64;
  shape.stored_dtype = "bfloat16";
  return shape;
}

// Parameters of one layer's linear layers, counted from the shapes: q, k, v, o, gate, up, down.
int64_t decoder_linear_parameters(const lora::ModelConfig& c) {
  const int64_t q = c.num_attention_heads * c.head_dim, kv = c.num_key_value_heads * c.head_dim;
  const int64_t per_layer = c.hidden_size * q + 2 * c.hidden_size * kv + q * c.hidden_size +
                            3 * c.hidden_size * c.intermediate_size;
  return per_layer * c.num_hidden_layers;
}

TrainingSettings base_settings() {
  TrainingSettings s;
  s.target_modules = {"all-linear"};
  s.rank = 16;
  s.micro_batch_size = 4;
  s.batch_size = 16;
  s.cutoff_len = 512;
  return s;
}

MemoryEstimate estimate(const TrainingSettings& s, const std::string& dtype = "bfloat16",
                        std::optional<lora::MemoryAvailable> available = std::nullopt) {
  return lora::estimate_training_memory(llama_shape(), s, /*on_gpu=*/false, dtype, available);
}

struct ChildRun {
  int exit_code = -1;
  int64_t peak_rss_bytes = 0;  // the child's own high-water mark (ru_maxrss of wait4)
};

// Runs the CLI as a child process and reads its own peak resident size (VmHWM) from wait4, so
// nothing else this test started is counted.
ChildRun run_measured(const QStringList& arguments) {
  std::vector<std::string> args = {test_support::cli_path().toStdString()};
  for (const QString& a : arguments) args.push_back(a.toStdString());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ChildRun run;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) return run;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  struct rusage usage {};
  if (wait4(pid, &status, 0, &usage) != pid) return run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -2;
  run.peak_rss_bytes = static_cast<int64_t>(usage.ru_maxrss) * 1024;
  return run;
}

}  // namespace

class TestMemoryEstimate : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  QString model_dir_, text_path_;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    model_dir_ = tmp_.filePath("model");
    // Big enough that the activations and logits, not the runtime, make most of the peak.
    const auto made = test_support::run_cli({"make-tiny", model_dir_, "--arch", "llama", "--tokenizer",
                                             test_support::npm_tokenizer_dir("tokenizer-llama2"), "--hidden-size", "256",
                                             "--intermediate-size", "688", "--layers", "4", "--heads", "4",
                                             "--kv-heads", "2"});
    QVERIFY2(made.exit_code == 0, made.err.constData());
    // Raw text: every block is a full cutoff long, as the estimate assumes.
    text_path_ = tmp_.filePath("text.txt");
    QFile text(text_path_);
    QVERIFY(text.open(QIODevice::WriteOnly));
    const char* words[] = {"the", "river", "ran", "past", "old", "mills", "and", "quiet", "towns", "under", "grey", "skies"};
    for (int i = 0; i < 6000; ++i) text.write(QByteArray(words[(i * 7 + i / 5) % 12]) + ((i % 19 == 18) ? "\n" : " "));
  }

  void nf4_shrinks_the_decoder_linears_about_four_times() {
    TrainingSettings s = base_settings();
    const MemoryEstimate plain = estimate(s);
    s.quantize = "nf4";
    const MemoryEstimate nf4 = estimate(s);
    s.double_quant = true;
    const MemoryEstimate nf4_double = estimate(s);
    s.quantize = "int8";
    s.double_quant = false;
    const MemoryEstimate int8 = estimate(s);

    const lora::ModelConfig c = llama_shape().config;
    const double linears = static_cast<double>(decoder_linear_parameters(c));
    // lm_head and the norms; the bf16 embeddings are read in place from the bf16 file.
    const double rest = static_cast<double>(plain.parts.frozen_weights) - 2.0 * linears;
    QCOMPARE(rest, 2.0 * (1.0 * c.vocab_size * c.hidden_size + (2.0 * c.num_hidden_layers + 1) * c.hidden_size));
    // bitsandbytes' NF4: half a byte a weight and an fp32 absmax per 64 (4.5 bits); double
    // quantization: a byte per 64 and an fp32 per 256 blocks (about 4.127 bits).
    const double nf4_linears = static_cast<double>(nf4.parts.frozen_weights) - rest;
    QVERIFY2(std::abs(nf4_linears - linears * (0.5 + 4.0 / 64)) < 64, qPrintable(QString::number(nf4_linears)));
    const double ratio = 2.0 * linears / nf4_linears;
    QVERIFY2(ratio > 3.5 && ratio < 3.6, qPrintable(QString::number(ratio)));
    const double double_linears = static_cast<double>(nf4_double.parts.frozen_weights) - rest;
    // (plus, per weight, the 256-entry fp32 code book of the absmax values and their mean)
    const double matrices = 7.0 * c.num_hidden_layers;
    QVERIFY(std::abs(double_linears - linears * (0.5 + 1.0 / 64 + 4.0 / (64 * 256)) - matrices * 1028) < matrices * 8);
    // int8: a byte a weight and an fp32 scale per output row.
    const double rows = (c.num_attention_heads + 2.0 * c.num_key_value_heads) * c.head_dim + c.hidden_size +
                        2.0 * c.intermediate_size + c.hidden_size;
    QCOMPARE(static_cast<double>(int8.parts.frozen_weights) - rest, linears + 4.0 * rows * c.num_hidden_layers);
    // The adapter does not change with the storage of the frozen weights, nor do the activations:
    // QLoRA trains through the same fused LoRA node as a dense base (measured: docs/PERFORMANCE.md).
    QCOMPARE(nf4.parts.adapter, plain.parts.adapter);
    QCOMPARE(nf4.parts.activations, plain.parts.activations);
    TrainingSettings no_dropout = base_settings();
    no_dropout.dropout = 0;
    const MemoryEstimate dense = estimate(no_dropout);
    no_dropout.quantize = "nf4";
    QCOMPARE(estimate(no_dropout).parts.activations, dense.parts.activations);
    QVERIFY(estimate(no_dropout).peak() < dense.peak());
  }

  // On the CPU, embeddings stored in the compute dtype stay in the file's mapping and only the
  // rows looked up take memory; converted, on a GPU, from a .gguf, or tied to lm_head (read whole),
  // they cost a full table.
  void embeddings_read_in_place_cost_nothing_on_the_cpu() {
    const TrainingSettings s = base_settings();
    const lora::ModelShape shape = llama_shape();
    const double table = static_cast<double>(shape.config.vocab_size) * shape.config.hidden_size;
    auto frozen = [&](const lora::ModelShape& model, bool on_gpu, const std::string& dtype) {
      return static_cast<double>(lora::estimate_training_memory(model, s, on_gpu, dtype, std::nullopt).parts.frozen_weights);
    };
    const double in_place = frozen(shape, false, "bfloat16");
    QCOMPARE(frozen(shape, true, "bfloat16") - in_place, 2.0 * table);
    lora::ModelShape from_gguf = shape;
    from_gguf.safetensors = false;
    QCOMPARE(frozen(from_gguf, false, "bfloat16") - in_place, 2.0 * table);
    lora::ModelShape fp32_file = shape;
    fp32_file.stored_dtype = "float32";
    QCOMPARE(frozen(fp32_file, false, "bfloat16") - in_place, 2.0 * table);  // converted to bf16: a copy
    lora::ModelShape tied = shape;
    tied.config.tie_word_embeddings = true;
    QCOMPARE(frozen(tied, false, "bfloat16"), in_place);  // one table either way: lm_head reads it all
  }

  void the_adapter_part_counts_masters_gradients_and_adam() {
    TrainingSettings s = base_settings();
    s.target_modules = {"q_proj", "v_proj"};
    const lora::ModelConfig c = llama_shape().config;
    const int64_t q = c.num_attention_heads * c.head_dim, kv = c.num_key_value_heads * c.head_dim;
    const int64_t parameters = c.num_hidden_layers * s.rank * ((c.hidden_size + q) + (c.hidden_size + kv));
    const MemoryEstimate fp32 = estimate(s, "float32");
    QCOMPARE(fp32.trainable_parameters, parameters);
    QCOMPARE(fp32.parts.adapter, static_cast<uint64_t>(parameters) * 16);  // master, gradient, two Adam moments
    const MemoryEstimate bf16 = estimate(s, "bfloat16");
    QCOMPARE(bf16.parts.adapter, static_cast<uint64_t>(parameters) * 18);  // and a bf16 copy for the matmuls
    s.optimizer = "sgd";
    QCOMPARE(estimate(s, "float32").parts.adapter, static_cast<uint64_t>(parameters) * 12);
    s.optimizer = "adamw_torch";
    s.rank = 32;
    QCOMPARE(estimate(s, "float32").parts.adapter, static_cast<uint64_t>(parameters) * 32);
  }

  void activations_follow_micro_batch_cutoff_and_checkpointing() {
    TrainingSettings s = base_settings();
    s.micro_batch_size = 1;
    const MemoryEstimate one = estimate(s);
    s.micro_batch_size = 4;
    const MemoryEstimate four = estimate(s);
    // Every activation is per sequence: four sequences, four times the memory.
    QVERIFY(std::abs(double(four.activations_without_checkpointing) / double(one.activations_without_checkpointing) - 4) < 1e-6);
    QCOMPARE(four.parts.frozen_weights, one.parts.frozen_weights);

    // A plain head runs with the cross-entropy a band of rows at a time: the [micro-batch x cutoff,
    // vocabulary] logits are never held whole, so they are far below that size...
    const lora::ModelConfig c = llama_shape().config;
    const uint64_t whole_logits = uint64_t(4) * 512 * c.vocab_size * 2;
    QVERIFY(four.parts.logits_and_loss < whole_logits / 4);
    // ...but with LoRA on the head itself they are held whole, in the compute dtype.
    s.target_modules = {"q_proj", "v_proj", "lm_head"};
    const MemoryEstimate head_targeted = estimate(s);
    QVERIFY(head_targeted.parts.logits_and_loss >= whole_logits);
    QVERIFY(head_targeted.parts.logits_and_loss < whole_logits * 11 / 10);
    s.micro_batch_size = 1;
    QCOMPARE(head_targeted.parts.logits_and_loss, 4 * estimate(s).parts.logits_and_loss);
    s.micro_batch_size = 4;
    s.target_modules = base_settings().target_modules;

    // Checkpointing keeps each layer's input ([tokens, hidden]) and two layers' activations.
    s.gradient_checkpointing = true;
    const MemoryEstimate checkpointed = estimate(s);
    QCOMPARE(checkpointed.parts.activations, checkpointed.activations_with_checkpointing);
    QCOMPARE(checkpointed.activations_without_checkpointing, four.activations_without_checkpointing);
    // (8 layers: at most 4x less; the attention's blocks above the diagonal are never kept either way.)
    QVERIFY(checkpointed.parts.activations * 5 < four.parts.activations * 2);
    QVERIFY(checkpointed.parts.activations > uint64_t(c.num_hidden_layers) * 4 * 512 * c.hidden_size * 2);
    QVERIFY(checkpointed.peak() < four.peak());

    // Attention keeps a [cutoff, cutoff] matrix per head: doubling the cutoff more than doubles them.
    s.gradient_checkpointing = false;
    s.cutoff_len = 1024;
    QVERIFY(estimate(s).parts.activations > 2 * four.parts.activations);
    // float32 doubles what bfloat16 keeps.
    s.cutoff_len = 512;
    const double ratio = double(estimate(s, "float32").parts.activations) / double(four.parts.activations);
    QVERIFY2(ratio > 1.99 && ratio <= 2.0, qPrintable(QString::number(ratio)));
  }

  void suggestions_make_it_fit_when_applied() {
    const TrainingSettings s = base_settings();
    const MemoryEstimate unlimited = estimate(s);
    QVERIFY(unlimited.suggestions.empty());
    QVERIFY(unlimited.fits());  // nothing known about the device: it does not stand in the way

    // 80% of the peak: every change that saves enough is offered with its number.
    const lora::MemoryAvailable room{unlimited.peak() * 8 / 10, lora::Message()};
    const MemoryEstimate tight = estimate(s, "bfloat16", room);
    QVERIFY(!tight.fits());
    QVERIFY(tight.suggestions.size() >= 3);
    bool one_fits = false;
    for (const lora::MemorySuggestion& suggestion : tight.suggestions) {
      TrainingSettings changed = s;
      switch (suggestion.change) {
        case MemoryChange::QuantizeNf4: changed.quantize = "nf4"; changed.double_quant = true; break;
        case MemoryChange::GradientCheckpointing: changed.gradient_checkpointing = true; break;
        case MemoryChange::MicroBatch:
          QVERIFY(s.batch_size % suggestion.value == 0);  // gradient accumulation keeps the batch
          QVERIFY(suggestion.value < s.micro_batch_size);
          changed.micro_batch_size = suggestion.value;
          break;
        case MemoryChange::CutoffLength:
          QVERIFY(suggestion.value < s.cutoff_len);
          changed.cutoff_len = suggestion.value;
          break;
        case MemoryChange::AllTogether: continue;
      }
      const MemoryEstimate applied = estimate(changed, "bfloat16", room);
      QCOMPARE(applied.peak(), suggestion.peak);
      QCOMPARE(applied.fits(), suggestion.fits);
      one_fits = one_fits || suggestion.fits;
    }
    QVERIFY(one_fits);
    // The micro-batch offered is the largest that fits: one step larger would not.
    for (const lora::MemorySuggestion& suggestion : tight.suggestions)
      if (suggestion.change == MemoryChange::MicroBatch && suggestion.fits && suggestion.value < 4) {
        TrainingSettings larger = s;
        for (int64_t m = suggestion.value + 1; m < s.micro_batch_size; ++m)
          if (s.batch_size % m == 0) {
            larger.micro_batch_size = m;
            QVERIFY(!estimate(larger, "bfloat16", room).fits());
          }
      }
    // Far too little for any one change: all of them together is offered too.
    const MemoryEstimate hopeless = estimate(s, "bfloat16", lora::MemoryAvailable{unlimited.peak() / 4, lora::Message()});
    QVERIFY(!hopeless.suggestions.empty());
    QCOMPARE(hopeless.suggestions.back().change, MemoryChange::AllTogether);
  }

  void dry_run_prints_the_breakdown_and_trains_nothing() {
    const QString output = tmp_.filePath("dry-output");
    const QStringList run = {"train", "--model", model_dir_, "--dataset", text_path_, "--output", output,
                             "--micro-batch-size", "2", "--batch-size", "4", "--cutoff-len", "256", "--dry-run"};
    const auto printed = test_support::run_cli(run);
    QVERIFY2(printed.exit_code == 0, printed.err.constData());
    const QString text = QString::fromUtf8(printed.out);
    for (const char* part : {"expected peak RAM use", "frozen weights", "LoRA parameters", "activations for micro-batch 2 x 256 tokens",
                             "logits and loss (512 tokens x 32000", "runtime", "dry run: nothing was trained"})
      QVERIFY2(text.contains(part), qPrintable(text));
    QVERIFY(!QFileInfo::exists(output));

    // --json: the same numbers for scripts; the peak is the parts' sum (or the load's peak).
    const auto json = test_support::run_cli(QStringList(run) << "--json");
    QCOMPARE(json.exit_code, 0);
    const QJsonObject object = QJsonDocument::fromJson(json.out).object();
    const QJsonObject parts = object["parts"].toObject();
    double sum = 0;
    for (const char* key : {"frozen_weights", "adapter", "activations", "logits_and_loss", "overhead"})
      sum += parts[key].toDouble();
    QCOMPARE(object["peak_bytes"].toDouble(), std::max(sum, parts["loading_peak"].toDouble()));
    QCOMPARE(object["fits"].toBool(), true);
    QCOMPARE(object["compute_dtype"].toString(), QString("float32"));  // a float32 checkpoint

    // Without --dataset and --output too; with too little memory: exit 4 and what would fit.
    QProcess tight;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("LORA_STUDIO_RAM_LIMIT", QString::number(object["peak_bytes"].toDouble() * 0.9, 'f', 0));
    tight.setProcessEnvironment(env);
    tight.start(test_support::cli_path(), {"train", "--model", model_dir_, "--micro-batch-size", "2", "--batch-size",
                                           "4", "--cutoff-len", "256", "--dry-run"});
    QVERIFY(tight.waitForFinished(60000));
    const QString advice = QString::fromUtf8(tight.readAllStandardOutput());
    QCOMPARE(tight.exitCode(), 4);
    QVERIFY2(advice.contains("it does not fit") && advice.contains("LORA_STUDIO_RAM_LIMIT"), qPrintable(advice));
    QVERIFY2(advice.contains("to make it fit") && advice.contains("nf4") && advice.contains("gradient checkpointing"),
             qPrintable(advice));
  }

  // The estimate against the peak resident memory of a real training process (one step: the
  // adapter's state is small beside the rest), with and without checkpointing. float32: bfloat16 is
  // measured in docs/PERFORMANCE.md (its steps are slow on a CPU without AMX).
  void estimate_is_within_15_percent_of_a_real_peak_data() {
    QTest::addColumn<QString>("dtype");
    QTest::addColumn<bool>("checkpointing");
    QTest::addColumn<int>("micro_batch");
    QTest::newRow("micro-batch 4") << "float32" << false << 4;
    QTest::newRow("micro-batch 2, checkpointing") << "float32" << true << 2;
  }
  void estimate_is_within_15_percent_of_a_real_peak() {
    QFETCH(QString, dtype);
    QFETCH(bool, checkpointing);
    QFETCH(int, micro_batch);
    const QString output = tmp_.filePath("run-" + dtype + (checkpointing ? "-ckpt" : ""));
    const QString config = tmp_.filePath("overlap.json");
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"raw_text_overlap\": 32}");
    file.close();
    QStringList args = {"train", "--model", model_dir_, "--dataset", text_path_, "--output", output,
                        "--config", config, "--max-steps", "1", "--micro-batch-size", QString::number(micro_batch),
                        "--batch-size", QString::number(micro_batch), "--cutoff-len", "128", "--target-modules",
                        "all-linear", "--eval-samples", "0", "--dtype", dtype, "--threads", "2", "--quiet"};
    if (checkpointing) args << "--gradient-checkpointing";
    const auto dry = test_support::run_cli(QStringList(args) << "--dry-run" << "--json");
    QCOMPARE(dry.exit_code, 0);
    const double estimated = QJsonDocument::fromJson(dry.out).object()["peak_bytes"].toDouble();
    const ChildRun measured = run_measured(args);
    QCOMPARE(measured.exit_code, 0);
    const double error = estimated / static_cast<double>(measured.peak_rss_bytes) - 1.0;
    qInfo("estimated %.1f MiB, measured %.1f MiB (%+.1f%%)", estimated / 1048576.0,
          measured.peak_rss_bytes / 1048576.0, 100 * error);
    QVERIFY2(std::abs(error) <= 0.15, qPrintable(QString::number(100 * error) + "%"));
  }
};

QTEST_GUILESS_MAIN(TestMemoryEstimate)
#include "test_memory_estimate.moc"
