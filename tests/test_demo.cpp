// The built-in demo: with the demo's own model and LoRA settings, an adapter trained on a slice of
// the shipped demo dataset gives back the trained answers under greedy decoding, and the base model
// does not; `lora-studio-cli demo` runs end to end.
// libtorch before Qt: Qt's `slots` macro breaks ATen's ivalue_inl.h.
#include <ATen/ATen.h>

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <filesystem>

#include "atomic_file.h"
#include "causal_lm.h"
#include "chat_prompt.h"
#include "demo.h"
#include "error.h"
#include "generation.h"
#include "model_adapter.h"
#include "test_support.h"
#include "tokenized_dataset.h"
#include "tokenizer.h"
#include "trainer.h"

namespace fs = std::filesystem;

class TestDemo : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  std::string model_dir_;
  std::string slice_path_;

  std::string out(const char* name) const { return (tmp_.path() + "/" + name).toStdString(); }

  // The demo's settings, on one thread: ctest runs tests side by side, and two OpenMP threads on
  // a busy 2-core machine make tiny matmuls several times slower than one.
  lora::TrainingSettings demo_settings(const std::string& output) const {
    lora::TrainingSettings s = lora::demo_training_settings(model_dir_, slice_path_, output);
    s.threads = 1;
    return s;
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    const QString tokenizer = test_support::npm_tokenizer_dir(lora::kDemoTokenizerPackage);
    if (!QFile::exists(tokenizer + "/tokenizer.json"))
      QFAIL(qPrintable("missing " + tokenizer + "/tokenizer.json: run scripts/setup.sh"));
    model_dir_ = out("model");
    lora::make_demo_model(model_dir_, tokenizer.toStdString());
    QVERIFY(lora::demo_model_is_current(model_dir_));

    // The first 40 records of the shipped dataset, found the way the demo finds it.
    const std::string dataset = lora::find_demo_dataset();
    QFile file(QString::fromStdString(dataset));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray all = QJsonDocument::fromJson(file.readAll()).array();
    QVERIFY2(all.size() >= 300, "the demo dataset should hold a few hundred records");
    QJsonArray slice;
    for (int i = 0; i < 40; ++i) slice.append(all.at(i));
    slice_path_ = out("slice.json");
    lora::write_file_atomically(slice_path_, QJsonDocument(slice).toJson().toStdString());
  }

  void demo_model_is_remade_only_when_outdated() {
    const std::string dir = out("marker-check");
    lora::make_demo_model(dir, test_support::npm_tokenizer_dir(lora::kDemoTokenizerPackage).toStdString());
    QVERIFY(lora::demo_model_is_current(dir));
    // A folder made with other options (an older build's demo) is not current.
    lora::write_file_atomically(dir + "/demo_model.json", "{\"hidden_size\": 64}\n");
    QVERIFY(!lora::demo_model_is_current(dir));
    fs::remove(dir + "/demo_model.json");
    QVERIFY(!lora::demo_model_is_current(dir));
  }

  // The "demo run": loss falls well below its start; greedy generation with the adapter
  // reproduces most trained answers, without it (almost) none.
  void adapter_reproduces_trained_answers() {
    const std::string adapter = out("adapter");
    double first_loss = -1;
    const lora::TrainingResult result =
        lora::train_lora(demo_settings(adapter), false, [&](const lora::TrainingProgress& p) {
          if (p.phase == "training" && first_loss < 0) first_loss = p.loss;
          return true;
        });
    QCOMPARE(int(result.outcome), int(lora::TrainingResult::Outcome::Finished));
    QVERIFY(first_loss > 0);
    QVERIFY2(result.final_loss < 0.3 * first_loss,
             qPrintable(QString("loss %1 -> %2").arg(first_loss).arg(result.final_loss)));

    std::unique_ptr<lora::Tokenizer> tokenizer = lora::Tokenizer::load(model_dir_);
    lora::ComputeOptions compute;
    compute.threads = 1;
    std::unique_ptr<lora::CausalLM> model = lora::CausalLM::load(model_dir_, compute);
    const std::unique_ptr<lora::ModelAdapter> loaded = lora::ModelAdapter::load(*model, adapter);
    const lora::TrainingDataset dataset =
        lora::TrainingDataset::load(slice_path_, *tokenizer, lora::dataset_options_for(demo_settings(adapter)));
    const lora::TokenizedSet set = dataset.tokenize_all();
    QCOMPARE(set.examples.size(), size_t(40));
    // The prompt `generate --adapter` builds from training_prompt.json is the one trained on.
    const lora::PromptTemplate prompt_template = lora::resolve_prompt_template("", adapter, tokenizer->config());

    int with_adapter = 0, without_adapter = 0;
    QStringList misses;
    for (const lora::TokenizedExample& example : set.examples) {
      const lora::DatasetRecord& record = dataset.record(example.record);
      const std::string answer = *record.field("output");
      const std::vector<int32_t> prompt = lora::example_prompt_ids(example);
      if (!record.field("input") || record.field("input")->empty()) {
        const lora::EncodedPrompt encoded =
            lora::encode_prompt(prompt_template, *tokenizer, {{"user", *record.field("instruction")}});
        QVERIFY2(encoded.ids == prompt, qPrintable("prompt of record " + QString::number(record.number) +
                                                   " differs between training and generation"));
      }
      lora::GenerationSettings greedy;
      greedy.sampling.do_sample = false;
      // Room for the whole answer and its EOS and a little more: a longer text cannot match anyway.
      greedy.max_new_tokens = static_cast<int64_t>(lora::example_answer_ids(example).size()) + 4;
      loaded->set_enabled(true);
      const std::string tuned = lora::generate(*model, *tokenizer, prompt, greedy).text;
      loaded->set_enabled(false);
      const std::string base = lora::generate(*model, *tokenizer, prompt, greedy).text;
      if (tuned == answer) ++with_adapter;
      else misses << QString::fromStdString(answer + " => " + tuned);
      if (base == answer) ++without_adapter;
    }
    const int n = static_cast<int>(set.examples.size());
    qInfo("loss %.3f -> %.4f; greedy answers equal to the trained ones: %d of %d with the adapter, %d without",
          first_loss, result.final_loss, with_adapter, n, without_adapter);
    QVERIFY2(with_adapter >= n * 8 / 10, qPrintable(QString("%1 of %2 reproduced; misses:\n").arg(with_adapter).arg(n) +
                                                    misses.join("\n")));
    QVERIFY2(without_adapter <= n / 10, qPrintable(QString("base model reproduced %1 of %2").arg(without_adapter).arg(n)));

    // The demo's fast whole-set check agrees with token-by-token generation.
    loaded->set_enabled(true);
    const lora::ReproductionCheck fast_with = lora::check_reproduction(*model, set);
    loaded->set_enabled(false);
    const lora::ReproductionCheck fast_without = lora::check_reproduction(*model, set);
    QCOMPARE(fast_with.checked, size_t(n));
    QVERIFY2(std::abs(int(fast_with.reproduced) - with_adapter) <= 1,
             qPrintable(QString("check %1, generation %2").arg(fast_with.reproduced).arg(with_adapter)));
    QVERIFY(int(fast_without.reproduced) <= n / 10);
  }

  void cli_demo_runs_end_to_end() {
    const QString dir = tmp_.path() + "/cli-demo";
    const auto first = test_support::run_cli({"demo", "--dir", dir, "--steps", "3", "--threads", "1", "--quiet"});
    QVERIFY2(first.exit_code == 0, first.err.constData());
    for (const char* file : {"adapter_config.json", "adapter_model.safetensors", "training_parameters.json",
                             "training_prompt.json", "training_log.jsonl"})
      QVERIFY2(QFile::exists(dir + "/adapter/" + file), file);
    QVERIFY(QFile::exists(dir + "/model/model.safetensors"));
    QVERIFY(first.out.contains("Making the demo model"));
    QVERIFY(first.out.contains("Trained 3 steps"));
    QVERIFY(first.out.contains("with the adapter:"));
    QVERIFY(first.out.contains("generate '" + dir.toUtf8() + "/model' --adapter '" + dir.toUtf8() + "/adapter'"));
    const QDateTime model_time = QFileInfo(dir + "/model/model.safetensors").lastModified();

    // Run again: the model is reused, the adapter replaced.
    const auto second = test_support::run_cli({"demo", "--dir", dir, "--steps", "1", "--threads", "1", "--quiet"});
    QVERIFY2(second.exit_code == 0, second.err.constData());
    QVERIFY(!second.out.contains("Making the demo model"));
    QVERIFY(second.out.contains("Trained 1 steps"));
    QCOMPARE(QFileInfo(dir + "/model/model.safetensors").lastModified(), model_time);
    QFile log(dir + "/adapter/training_log.jsonl");
    QVERIFY(log.open(QIODevice::ReadOnly));
    QCOMPARE(log.readAll().count('\n'), 1);
  }

  void cli_demo_says_what_is_missing() {
    // A demo folder without a model needs the tokenizer; a wrong one is named in the error.
    qputenv("LORA_STUDIO_DEMO_TOKENIZER", (tmp_.path() + "/no-such-tokenizer").toUtf8());
    const auto result = test_support::run_cli({"demo", "--dir", tmp_.path() + "/no-model", "--steps", "1"});
    qunsetenv("LORA_STUDIO_DEMO_TOKENIZER");
    QCOMPARE(result.exit_code, 1);
    QVERIFY2(result.err.contains("no-such-tokenizer"), result.err.constData());
    QVERIFY(!QFile::exists(tmp_.path() + "/no-model/adapter"));

    // Something that is not an adapter where the demo writes its adapter is left alone.
    const QString dir = tmp_.path() + "/occupied";
    QVERIFY(QDir().mkpath(dir + "/adapter"));
    QFile precious(dir + "/adapter/notes.txt");
    QVERIFY(precious.open(QIODevice::WriteOnly));
    precious.write("mine");
    precious.close();
    qputenv("LORA_STUDIO_DEMO_TOKENIZER", test_support::npm_tokenizer_dir(lora::kDemoTokenizerPackage).toUtf8());
    const auto occupied = test_support::run_cli({"demo", "--dir", dir, "--steps", "1", "--threads", "1"});
    qunsetenv("LORA_STUDIO_DEMO_TOKENIZER");
    QCOMPARE(occupied.exit_code, 1);
    QVERIFY2(occupied.err.contains("not a LoRA adapter folder"), occupied.err.constData());
    QVERIFY(QFile::exists(dir + "/adapter/notes.txt"));
  }
};

QTEST_GUILESS_MAIN(TestDemo)
#include "test_demo.moc"
