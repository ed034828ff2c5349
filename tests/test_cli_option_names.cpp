// One name for one thing across lora-studio-cli: every command that has a concept takes it under the
// documented name (--dtype, --chat-template, --chat-template-kwargs, --model, --max-steps,
// --micro-batch-size, --batch-size), --help lists only that name, and the old spellings that scripts
// use (--precision, --template, --kwargs, --template-kwargs, --chat-format, --steps, --micro-batch,
// --batch) still work and give the same result.
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest>

#include "test_support.h"

using test_support::run_cli;

namespace {

QByteArray read(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll();
}

QString write(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  file.open(QIODevice::WriteOnly);
  file.write(bytes);
  return path;
}

// Whether `help` mentions the option --name itself (not merely a longer option that ends in it).
bool lists_option(const QByteArray& help, const QString& name) {
  return QRegularExpression("--" + QRegularExpression::escape(name) + "(?![\\w-])").match(QString::fromUtf8(help)).hasMatch();
}

// The tiny bench model shape test_bench uses: fast on two cores.
const QStringList kTinyShape = {"--arch", "llama", "--hidden-size", "64", "--intermediate-size", "128", "--layers", "2",
                                "--heads", "4", "--vocab-size", "256", "--threads", "1"};

}  // namespace

class TestCliOptionNames : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString model_, data_;

  QStringList train_args(const QString& output) const {
    return {"train", "--model", model_, "--dataset", data_, "--output", output, "--max-steps", "1", "--rank", "4",
            "--alpha", "8", "--micro-batch-size", "2", "--batch-size", "2", "--cutoff-len", "48", "--threads", "1",
            "--quiet"};
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    model_ = tmp_.path() + "/model";
    const auto made = run_cli({"make-tiny", model_, "--arch", "qwen2", "--tokenizer",
                               test_support::npm_tokenizer_dir("tokenizer-llama2"), "--init-std", "0.3"});
    QVERIFY2(made.exit_code == 0, made.err.constData());
    // A chat template that shows the conversation and one extra template variable verbatim.
    write(model_ + "/chat_template.jinja",
          "[{{ greeting }}]{% for m in messages %}{{ m.role }}:{{ m.content }};{% endfor %}");
    QByteArray lines;
    for (int i = 0; i < 4; ++i)
      lines += QString("{\"instruction\": \"Name %1\", \"output\": \"Number %1\"}\n").arg(i).toUtf8();
    data_ = write(tmp_.path() + "/data.jsonl", lines);
  }

  void help_lists_the_documented_name_not_the_old_one_data() {
    QTest::addColumn<QStringList>("command");
    QTest::addColumn<QStringList>("documented");
    QTest::addColumn<QStringList>("old");
    QTest::newRow("train") << QStringList{"train"} << QStringList{"dtype", "model", "max-steps", "micro-batch-size"}
                           << QStringList{"precision"};
    QTest::newRow("generate") << QStringList{"generate"}
                              << QStringList{"dtype", "model", "chat-template", "chat-template-kwargs", "max-new-tokens"}
                              << QStringList{"precision", "template", "template-kwargs"};
    QTest::newRow("chat-template") << QStringList{"chat-template"}
                                   << QStringList{"model", "chat-template", "chat-template-kwargs"}
                                   << QStringList{"template", "kwargs"};
    QTest::newRow("logits") << QStringList{"logits"} << QStringList{"dtype", "model"} << QStringList{"precision"};
    QTest::newRow("dataset") << QStringList{"dataset"} << QStringList{"dataset", "model", "chat-template"}
                             << QStringList{"chat-format"};
    QTest::newRow("demo") << QStringList{"demo"} << QStringList{"max-steps"} << QStringList{"steps"};
    QTest::newRow("bench") << QStringList{"bench"} << QStringList{"dtype", "model", "batch-size", "micro-batch-size"}
                           << QStringList{"precision", "batch", "micro-batch"};
    QTest::newRow("check-ops") << QStringList{"check-ops"} << QStringList{"dtype"} << QStringList{"precision"};
    QTest::newRow("info") << QStringList{"info"} << QStringList{"model"} << QStringList{};
    QTest::newRow("tokenize") << QStringList{"tokenize"} << QStringList{"model"} << QStringList{};
    QTest::newRow("merge") << QStringList{"merge"} << QStringList{"model", "dtype"} << QStringList{"precision"};
  }
  void help_lists_the_documented_name_not_the_old_one() {
    QFETCH(QStringList, command);
    QFETCH(QStringList, documented);
    QFETCH(QStringList, old);
    const auto help = run_cli(command + QStringList{"--help"});
    QCOMPARE(help.exit_code, 0);
    for (const QString& name : documented) QVERIFY2(lists_option(help.out, name), qPrintable("--" + name));
    for (const QString& name : old) QVERIFY2(!lists_option(help.out, name), qPrintable("--" + name));
  }

  // train: --dtype sets the precision written to training_parameters.json, in the long name whatever
  // spelling is given; --precision trains the same adapter, byte for byte.
  void train_takes_dtype_and_still_precision() {
    const QString documented = tmp_.path() + "/train-dtype";
    const auto by_dtype = run_cli(train_args(documented) + QStringList{"--dtype", "float32"});
    QVERIFY2(by_dtype.exit_code == 0, by_dtype.err.constData());
    const QJsonObject parameters = QJsonDocument::fromJson(read(documented + "/training_parameters.json")).object();
    QCOMPARE(parameters["precision"].toString(), QString("float32"));

    const QString old = tmp_.path() + "/train-precision";
    const auto by_precision = run_cli(train_args(old) + QStringList{"--precision", "float32"});
    QVERIFY2(by_precision.exit_code == 0, by_precision.err.constData());
    const QByteArray weights = read(documented + "/adapter_model.safetensors");
    QVERIFY(!weights.isEmpty());
    QCOMPARE(read(old + "/adapter_model.safetensors"), weights);

    // The short spellings every other --dtype takes.
    const QString short_name = tmp_.path() + "/train-fp32";
    const auto by_short_name = run_cli(train_args(short_name) + QStringList{"--dtype", "fp32"});
    QVERIFY2(by_short_name.exit_code == 0, by_short_name.err.constData());
    QCOMPARE(QJsonDocument::fromJson(read(short_name + "/training_parameters.json")).object()["precision"].toString(),
             QString("float32"));
    QCOMPARE(read(short_name + "/adapter_model.safetensors"), weights);

    const auto bad = run_cli(train_args(tmp_.path() + "/train-bad") + QStringList{"--dtype", "float64"});
    QCOMPARE(bad.exit_code, 1);
    QVERIFY2(bad.err.contains("float64") && bad.err.contains("auto"), bad.err.constData());

    // Both spellings at once is one option given twice: refused, naming both.
    const auto both = run_cli(train_args(tmp_.path() + "/train-both") + QStringList{"--dtype", "float32", "--precision",
                                                                                    "bfloat16"});
    QCOMPARE(both.exit_code, 1);
    QVERIFY2(both.err.contains("--dtype") && both.err.contains("--precision"), both.err.constData());
    QVERIFY(!QFile::exists(tmp_.path() + "/train-both/adapter_model.safetensors"));
  }

  // logits: --model and --dtype, or the old forms (argument, --precision): the same logits file.
  void logits_takes_model_and_dtype_and_still_the_old_forms() {
    const QString documented = tmp_.path() + "/logits-documented.safetensors";
    const auto a = run_cli({"logits", "--model", model_, "--ids", "1,2,3", "--dtype", "float32", "--threads", "1",
                            "--output", documented});
    QVERIFY2(a.exit_code == 0, a.err.constData());
    const QString old = tmp_.path() + "/logits-old.safetensors";
    const auto b = run_cli({"logits", model_, "--ids", "1,2,3", "--precision", "float32", "--threads", "1", "--output", old});
    QVERIFY2(b.exit_code == 0, b.err.constData());
    QVERIFY(read(documented).size() > 3 * 32000 * 4);  // [3, vocab] float32 logits
    QCOMPARE(read(old), read(documented));

    const auto twice = run_cli({"logits", model_, "--model", model_, "--ids", "1", "--output", old});
    QCOMPARE(twice.exit_code, 1);
    QVERIFY2(twice.err.contains("either as --model or as an argument"), twice.err.constData());
  }

  // chat-template renders with --chat-template / --chat-template-kwargs exactly what the template says;
  // --template / --kwargs give the same text.
  void chat_template_takes_the_documented_names_and_the_old_ones() {
    const QString chat = write(tmp_.path() + "/chat.json", R"([{"role": "user", "content": "hi"}])");
    const auto model_template = run_cli({"chat-template", "--model", model_, "--messages", chat, "--chat-template-kwargs",
                                         R"({"greeting": "hello"})"});
    QVERIFY2(model_template.exit_code == 0, model_template.err.constData());
    QCOMPARE(model_template.out, QByteArray("[hello]user:hi;"));
    const auto old_kwargs = run_cli({"chat-template", model_, "--messages", chat, "--kwargs", R"({"greeting": "hello"})"});
    QVERIFY2(old_kwargs.exit_code == 0, old_kwargs.err.constData());
    QCOMPARE(old_kwargs.out, model_template.out);

    const auto builtin = run_cli({"chat-template", model_, "--messages", chat, "--chat-template", "chatml"});
    QVERIFY2(builtin.exit_code == 0, builtin.err.constData());
    QCOMPARE(builtin.out, QByteArray("<|im_start|>user\nhi<|im_end|>\n"));
    const auto old_template = run_cli({"chat-template", model_, "--messages", chat, "--template", "chatml"});
    QVERIFY2(old_template.exit_code == 0, old_template.err.constData());
    QCOMPARE(old_template.out, builtin.out);
  }

  // generate: the prompt it shows follows --chat-template / --chat-template-kwargs, and the old
  // spellings give the same prompt and the same (greedy) answer.
  void generate_takes_the_documented_names_and_the_old_ones() {
    const QStringList common = {"--prompt", "hi", "--max-new-tokens", "3", "--temperature", "0", "--threads", "1",
                                "--show-prompt"};
    const auto documented = run_cli(QStringList{"generate", "--model", model_, "--chat-template", "model",
                                                "--chat-template-kwargs", R"({"greeting": "hello"})", "--dtype",
                                                "float32"} + common);
    QVERIFY2(documented.exit_code == 0, documented.err.constData());
    QVERIFY2(documented.err.startsWith("[hello]user:hi;\n----\n"), documented.err.constData());
    const auto old = run_cli(QStringList{"generate", model_, "--template", "model", "--template-kwargs",
                                         R"({"greeting": "hello"})", "--precision", "float32"} + common);
    QVERIFY2(old.exit_code == 0, old.err.constData());
    QVERIFY2(old.err.startsWith("[hello]user:hi;\n----\n"), old.err.constData());
    QCOMPARE(old.out, documented.out);

    const auto raw = run_cli(QStringList{"generate", model_, "--chat-template", "raw"} + common);
    QVERIFY2(raw.exit_code == 0, raw.err.constData());
    QVERIFY2(raw.err.startsWith("hi\n----\n"), raw.err.constData());
  }

  // dataset: --dataset FILE as train takes it, --chat-template, and the old --chat-format: the same records.
  void dataset_takes_dataset_and_chat_template_and_still_chat_format() {
    const QString chat = write(tmp_.path() + "/messages.jsonl",
                               R"({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})"
                               "\n");
    const auto documented = run_cli({"dataset", "--dataset", chat, "--model", model_, "--chat-template", "chatml"});
    QVERIFY2(documented.exit_code == 0, documented.err.constData());
    const QJsonObject record = QJsonDocument::fromJson(documented.out.split('\n').first()).object();
    QVERIFY2(record["text"].toString().startsWith("<|im_start|>user\na<|im_end|>\n<|im_start|>assistant\nb"),
             documented.out.constData());
    const auto old = run_cli({"dataset", chat, "--model", model_, "--chat-format", "chatml"});
    QVERIFY2(old.exit_code == 0, old.err.constData());
    QCOMPARE(old.out, documented.out);
  }

  // bench: --batch-size / --micro-batch-size and --model, or the old --batch / --micro-batch.
  void bench_takes_the_batch_size_names_and_still_the_old_ones() {
    for (const char* option : {"--batch-size", "--batch"}) {
      const auto forward = run_cli(QStringList{"bench", "forward"} + kTinyShape +
                                   QStringList{"--seq-len", "8", option, "3", "--iters", "1", "--precision", "float32"});
      QVERIFY2(forward.exit_code == 0, forward.err.constData());
      QVERIFY2(forward.out.contains("batch 3 x 8 tokens"), forward.out.constData());
    }
    for (const char* option : {"--micro-batch-size", "--micro-batch"}) {
      const auto train = run_cli(QStringList{"bench", "train"} + kTinyShape +
                                 QStringList{"--seq-len", "8", option, "3", "--rank", "2", "--steps", "1", "--warmup", "0",
                                             "--dtype", "fp32", "--json"});
      QVERIFY2(train.exit_code == 0, train.err.constData());
      const QJsonObject o = QJsonDocument::fromJson(train.out.trimmed()).object();
      QCOMPARE(o["micro_batch"].toInt(), 3);
      QCOMPARE(o["tokens_per_step"].toInt(), 24);
      QCOMPARE(o["dtype"].toString(), QString("float32"));
    }
    const auto on_model = run_cli({"bench", "forward", "--model", model_, "--seq-len", "4", "--iters", "1", "--dtype",
                                   "float32", "--threads", "1"});
    QVERIFY2(on_model.exit_code == 0, on_model.err.constData());
    QVERIFY2(on_model.out.contains(model_.toUtf8()), on_model.out.constData());
  }

  // info and tokenize take --model as well as the argument.
  void info_and_tokenize_take_model() {
    const auto by_option = run_cli({"info", "--model", model_});
    QVERIFY2(by_option.exit_code == 0, by_option.err.constData());
    QCOMPARE(QJsonDocument::fromJson(by_option.out).object()["model_type"].toString(), QString("qwen2"));
    QCOMPARE(run_cli({"info", model_}).out, by_option.out);

    const QByteArray input = "\"Hello world\"\n";
    const auto tokenized = run_cli({"tokenize", "--model", model_, "--input", "-"}, 60000, input);
    QVERIFY2(tokenized.exit_code == 0, tokenized.err.constData());
    QCOMPARE(tokenized.out, QByteArray("[1,22557,1526]\n"));  // <s> ▁Hello ▁world in this tokenizer.json's vocab
    QCOMPARE(run_cli({"tokenize", model_, "--input", "-"}, 60000, input).out, tokenized.out);
  }

  // demo: --max-steps as train takes it, and the old --steps: the same adapter.
  void demo_takes_max_steps_and_still_steps() {
    const QString dir = tmp_.path() + "/demo";
    const auto documented = run_cli({"demo", "--dir", dir, "--max-steps", "1", "--threads", "1", "--quiet"});
    QVERIFY2(documented.exit_code == 0, documented.err.constData());
    QVERIFY(documented.out.contains("Trained 1 steps"));
    const QByteArray weights = read(dir + "/adapter/adapter_model.safetensors");
    QVERIFY(!weights.isEmpty());
    const auto old = run_cli({"demo", "--dir", dir, "--steps", "1", "--threads", "1", "--quiet"});
    QVERIFY2(old.exit_code == 0, old.err.constData());
    QVERIFY(old.out.contains("Trained 1 steps"));
    QCOMPARE(read(dir + "/adapter/adapter_model.safetensors"), weights);
  }
};

QTEST_GUILESS_MAIN(TestCliOptionNames)
#include "test_cli_option_names.moc"
