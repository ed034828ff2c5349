// `lora-studio-cli train` as a user drives it: bad datasets are refused with messages that name the
// file and record, and an adapter already written is never touched by a run that fails.
#include <QJsonArray>
#include <QRegularExpression>
#include <QtTest>

#include <cmath>

#include "test_support.h"

using test_support::run_cli;

class TestTrainCli : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString model_, data_, adapter_;

  QString write(const QString& name, const QByteArray& bytes) {
    QFile file(tmp_.path() + "/" + name);
    file.open(QIODevice::WriteOnly);
    file.write(bytes);
    return file.fileName();
  }
  static QByteArray read(const QString& path) {
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return file.readAll();
  }
  QStringList train_args(const QString& data, const QString& output) const {
    return {"train", "--model", model_, "--dataset", data, "--output", output, "--max-steps", "2", "--rank", "4",
            "--alpha", "8", "--micro-batch-size", "2", "--batch-size", "2", "--cutoff-len", "48", "--precision",
            "float32", "--quiet"};
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    model_ = tmp_.path() + "/model";
    auto made = run_cli({"make-tiny", model_, "--arch", "qwen2", "--tokenizer",
                         test_support::npm_tokenizer_dir("tokenizer-llama2"), "--init-std", "0.3"});
    QVERIFY2(made.exit_code == 0, made.err.constData());
    QByteArray lines;
    for (int i = 0; i < 6; ++i)
      lines += QString("{\"instruction\": \"Name %1\", \"output\": \"Number %1\"}\n").arg(i).toUtf8();
    data_ = write("good.jsonl", lines);
    adapter_ = tmp_.path() + "/adapter";
    auto trained = run_cli(train_args(data_, adapter_));
    QVERIFY2(trained.exit_code == 0, trained.err.constData());
    QVERIFY(QFile::exists(adapter_ + "/adapter_model.safetensors"));
  }

  void help_shows_the_defaults() {
    auto help = run_cli({"train", "--help"});
    QCOMPARE(help.exit_code, 0);
    for (const char* text : {"--rank R (32)", "--alpha A (64)", "q_proj,v_proj", "--epochs E (3)", "--lr X (3e-4)",
                             "linear", "--cutoff-len N (256)", "--micro-batch-size M (4)"})
      QVERIFY2(help.out.contains(text), text);
  }

  void bad_datasets_are_refused_and_the_adapter_is_untouched_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("invalid JSON names the line")
        << QByteArray("{\"instruction\": \"a\", \"output\": \"b\"}\n{\"instruction\": \"c\", \"output\": }\n")
        << "line 2";
    QTest::newRow("wrong type names the record and field")
        << QByteArray("{\"instruction\": \"a\", \"output\": \"b\"}\n{\"instruction\": 5, \"output\": \"b\"}\n")
        << "record 2";
    QTest::newRow("empty file") << QByteArray() << "empty";
    QTest::newRow("UTF-16 file") << QByteArray("\xff\xfe{\x00\"\x00", 6) << "UTF-16";
    QByteArray huge = "{\"instruction\": \"a\", \"output\": \"";
    huge += QByteArray(50 * 1024 * 1024, 'x');
    huge += "\"}\n";
    QTest::newRow("50 MB record") << huge << "record 1";
  }

  void bad_datasets_are_refused_and_the_adapter_is_untouched() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QByteArray before = read(adapter_ + "/adapter_model.safetensors");
    const QString path = write("bad.jsonl", content);
    QStringList args = train_args(path, adapter_);
    args << "--resume";
    auto result = run_cli(args);
    QVERIFY(result.exit_code != 0);
    QVERIFY2(result.err.contains("bad.jsonl"), result.err.constData());
    QVERIFY2(QString::fromUtf8(result.err).contains(expected, Qt::CaseInsensitive), result.err.constData());
    QCOMPARE(read(adapter_ + "/adapter_model.safetensors"), before);
  }

  void skip_bad_records_trains_on_the_rest_and_says_so() {
    QByteArray lines = read(data_);
    lines += "{\"instruction\": 7}\n";
    const QString path = write("mixed.jsonl", lines);
    QStringList args = train_args(path, tmp_.path() + "/skipped");
    args.removeAll("--quiet");
    args << "--skip-bad-records";
    auto result = run_cli(args);
    QVERIFY2(result.exit_code == 0, result.err.constData());
    QVERIFY2(result.err.contains("record 7"), result.err.constData());
  }

  void init_adapter_and_config_file() {
    // --config supplies settings, options on the command line win; --init-adapter starts from an adapter.
    const QString config = write("settings.json", "{\"rank\": 8, \"alpha\": 16, \"max_steps\": 1, \"seed\": 3}");
    QStringList args = {"train", "--model", model_, "--dataset", data_, "--output", tmp_.path() + "/from_config",
                        "--config", config, "--micro-batch-size", "2", "--batch-size", "2", "--cutoff-len", "48",
                        "--quiet"};
    auto result = run_cli(args);
    QVERIFY2(result.exit_code == 0, result.err.constData());
    const auto params = QJsonDocument::fromJson(read(tmp_.path() + "/from_config/training_parameters.json")).object();
    QCOMPARE(params["rank"].toInt(), 8);
    QCOMPARE(params["seed"].toInt(), 3);
    const auto adapter_config = QJsonDocument::fromJson(read(tmp_.path() + "/from_config/adapter_config.json")).object();
    QCOMPARE(adapter_config["r"].toInt(), 8);
    QCOMPARE(adapter_config["peft_type"].toString(), QString("LORA"));

    QStringList continued = train_args(data_, tmp_.path() + "/continued");
    continued << "--init-adapter" << adapter_;
    result = run_cli(continued);
    QVERIFY2(result.exit_code == 0, result.err.constData());
    const auto init_config = QJsonDocument::fromJson(read(tmp_.path() + "/continued/adapter_config.json")).object();
    QCOMPARE(init_config["r"].toInt(), 4);  // the initial adapter's rank, not the default 32
  }

  // The answers logged at each evaluation are what chat with the adapter gives: the last one equals
  // `lora-studio-cli generate` (greedy, same token limit) with the finished adapter. The progress
  // line shows perplexity = exp(eval loss) beside the eval loss.
  void eval_samples_match_generate_with_the_finished_adapter() {
    QByteArray lines;
    for (int i = 0; i < 12; ++i)
      lines += QString("{\"instruction\": \"Name %1\", \"output\": \"Number %1\"}\n").arg(i).toUtf8();
    const QString data = write("twelve.jsonl", lines);
    const QString output = tmp_.path() + "/sampled";
    QStringList args = train_args(data, output);
    args.removeAll("--quiet");
    args.replace(args.indexOf("--max-steps") + 1, "4");
    args << "--eval-split" << "0.25" << "--eval-every" << "2" << "--eval-samples" << "2" << "--eval-sample-tokens" << "16"
         << "--lr" << "1e-2" << "--threads" << "2";
    auto trained = run_cli(args);
    QVERIFY2(trained.exit_code == 0, trained.err.constData());

    QList<QJsonObject> evaluations;
    for (const QByteArray& line : read(output + "/training_log.jsonl").split('\n')) {
      const QJsonObject entry = QJsonDocument::fromJson(line).object();
      if (entry.contains("eval_loss")) evaluations << entry;
    }
    QCOMPARE(evaluations.size(), 2);  // steps 2 and 4
    for (const QJsonObject& entry : evaluations) {
      const double eval_loss = entry["eval_loss"].toDouble();
      const QString perplexity = QString("eval %1  perplexity %2").arg(eval_loss, 0, 'f', 4).arg(std::exp(eval_loss), 0, 'g', 3);
      QVERIFY2(QString::fromUtf8(trained.err).contains(perplexity), qPrintable(perplexity + "\n" + trained.err));
    }
    const QJsonArray samples = evaluations.last()["eval_samples"].toArray();
    QCOMPARE(samples.size(), 2);
    for (const QJsonValue& value : samples) {
      const QJsonObject sample = value.toObject();
      // The alpaca prompt around the record's instruction; chat asks with the instruction alone.
      const auto match = QRegularExpression("### Instruction:\\n(.*)\\n\\n### Response:\\n$").match(sample["prompt"].toString());
      QVERIFY2(match.hasMatch(), qPrintable(sample["prompt"].toString()));
      const QString instruction = match.captured(1);
      QCOMPARE(sample["reference"].toString(), QString(instruction).replace("Name", "Number"));
      auto generated = run_cli({"generate", model_, "--adapter", output, "--prompt", instruction, "--temperature", "0",
                                "--repetition-penalty", "1", "--max-new-tokens", "16", "--threads", "2"});
      QVERIFY2(generated.exit_code == 0, generated.err.constData());
      QVERIFY(!generated.out.isEmpty());  // an answer to compare, not two empty ones
      QCOMPARE(QString::fromUtf8(generated.out), sample["output"].toString());
    }
  }

  void unknown_option_is_an_error() {
    auto result = run_cli({"train", "--model", model_, "--dataset", data_, "--output", tmp_.path() + "/x", "--rnak", "4"});
    QVERIFY(result.exit_code != 0);
    QVERIFY2(result.err.contains("--rnak"), result.err.constData());
  }
};

QTEST_GUILESS_MAIN(TestTrainCli)
#include "test_train_cli.moc"
