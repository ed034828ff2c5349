// The engine's own messages (errors, the trainer's log lines) reach a Chinese window in Chinese. They
// carry an id from the engine's catalogue (engine/core/messages/) and the window translates by id.
// Every id is checked: an English text, a Chinese translation with the same %N, both rendering their
// arguments. And the messages a user's action really produces — a model folder without config.json
// or weights, an unsupported model_type, a model too large for the RAM, a GBK-encoded or otherwise bad
// dataset, a folder that is no adapter, an adapter of another base model, a training run with its log
// lines, a damaged checkpoint skipped on resume, a merge into the base model's folder — are Chinese
// with the translation installed, keep the paths, names and numbers, and are exactly the engine's
// English without it. Last, the Dataset page and the Models page's scan show engine reasons in Chinese.
#include "adapter_merge.h"
#include "causal_lm.h"
#include "dataset_records.h"
#include "error.h"
#include "message.h"
#include "lora_adapter.h"
#include "model_adapter.h"
#include "model_config.h"
#include "tiny_model.h"
#include "tokenized_dataset.h"
#include "tokenizer.h"
#include "trainer.h"
#include "training_settings.h"
#include "atomic_file.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QTemporaryDir>
#include <QTranslator>
#include <QXmlStreamReader>
#include <QDir>
#include <QtTest>
#include <filesystem>
#include <functional>

#include "app_session.h"
#include "dataset_page.h"
#include "engine_messages.h"
#include "language.h"
#include "model_scan.h"
#include "test_support.h"

namespace fs = std::filesystem;

namespace {

// The message of the lora::Error the action throws (an empty message when it throws none).
lora::Message error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const lora::Error& e) {
    return e.message();
  } catch (const std::exception& e) {
    qWarning("not a lora::Error: %s", e.what());
  }
  return {};
}

QStringList placeholders(const QString& text) {
  static const QRegularExpression placeholder("%\\d");
  QStringList found;
  for (auto it = placeholder.globalMatch(text); it.hasNext();) found << it.next().captured();
  found.sort();
  found.removeDuplicates();
  return found;
}

bool has_chinese(const QString& text) {
  static const QRegularExpression han(QStringLiteral("\\p{Han}"));
  return text.contains(han);
}

void write(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
  file.write(bytes);
}

}  // namespace

class TestEngineMessages : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QTranslator engine_zh_;
  QSet<QString> finished_translations_;  // ids with a finished translation in the engine's .ts
  std::string model_dir_;
  std::string dataset_path_;

  std::string path(const char* name) const { return tmp_.filePath(name).toStdString(); }

  // English stays English without the translation; with it, the text is Chinese, differs from the
  // English and still holds every piece in `kept` (paths, names, numbers), each exactly once as given.
  QString check(const lora::Message& message, const QStringList& kept) {
    const QString english = QString::fromStdString(message.english());
    [&] { QVERIFY2(!message.empty() && !english.isEmpty(), "the engine call did not fail with a message"); }();
    [&] { QCOMPARE(ui::engineMessage(message), english); }();
    QCoreApplication::installTranslator(&engine_zh_);
    const QString chinese = ui::engineMessage(message);
    QCoreApplication::removeTranslator(&engine_zh_);
    [&] {
      QVERIFY2(has_chinese(chinese) && chinese != english,
               qPrintable("not translated:\n" + english + "\n→ " + chinese));
      for (const QString& piece : kept)
        QVERIFY2(chinese.contains(piece), qPrintable("'" + piece + "' lost in:\n" + chinese + "\n(from: " + english + ")"));
    }();
    return chinese;
  }

  lora::TrainingSettings tiny_run(const std::string& output) const {
    lora::TrainingSettings s;
    s.model_dir = model_dir_;
    s.dataset_path = dataset_path_;
    s.output_dir = output;
    s.rank = 2;
    s.alpha = 4;
    s.target_modules = {"q_proj", "v_proj"};
    s.micro_batch_size = 2;
    s.batch_size = 2;
    s.max_steps = 2;
    s.cutoff_len = 64;
    s.precision = "float32";
    s.threads = 2;
    return s;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    QVERIFY2(engine_zh_.load(":/i18n/lora_studio_engine_zh_CN.qm"), "the engine messages' .qm is not embedded");
    QFile ts(test_support::fixtures_dir() + "/../../translations/lora_studio_engine_zh_CN.ts");
    QVERIFY2(ts.open(QIODevice::ReadOnly), qPrintable(ts.fileName()));
    QXmlStreamReader xml(&ts);
    QString id;
    while (!xml.atEnd()) {
      xml.readNext();
      if (!xml.isStartElement()) continue;
      if (xml.name() == QLatin1String("comment")) id = xml.readElementText();
      if (xml.name() == QLatin1String("translation")) {
        const bool unfinished = xml.attributes().value("type") == QLatin1String("unfinished");
        if (!unfinished && !xml.readElementText().isEmpty()) finished_translations_.insert(id);
      }
    }
    QVERIFY(!xml.hasError());
    model_dir_ = path("model");
    lora::TinyModelOptions options;
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    options.hidden_size = 32;
    options.intermediate_size = 64;
    options.num_layers = 1;
    lora::write_tiny_model(model_dir_, options);
    dataset_path_ = path("data.jsonl");
    std::string lines;
    for (int i = 0; i < 6; ++i)
      lines += "{\"instruction\": \"Add " + std::to_string(i) + "\", \"output\": \"" + std::to_string(i + 1) + "\"}\n";
    lora::write_file_atomically(dataset_path_, lines);
  }

  void modelFolderWithoutConfig() {
    fs::create_directories(path("not-a-model"));
    const lora::Message english = error_of([&] { lora::CausalLM::load(path("not-a-model")); });
    const QString chinese = check(english, {tmp_.filePath("not-a-model"), "config.json"});
    QVERIFY2(chinese.contains(QString::fromUtf8("缺少")), qPrintable(chinese));
  }

  void unsupportedModelType() {
    write(tmp_.filePath("gpt2-config.json"), "{\"model_type\": \"gpt2\", \"vocab_size\": 10}");
    const lora::Message english = error_of([&] { lora::load_model_config(path("gpt2-config.json")); });
    check(english, {tmp_.filePath("gpt2-config.json"), "gpt2", "llama"});
  }

  void modelWithoutWeights() {
    const std::string dir = path("no-weights");
    fs::create_directories(dir);
    fs::copy_file(model_dir_ + "/config.json", dir + "/config.json");
    const lora::Message english = error_of([&] { lora::CausalLM::load(dir); });
    check(english, {QString::fromStdString(dir), "model.safetensors"});
  }

  void modelTooLargeForTheRam() {
    qputenv("LORA_STUDIO_RAM_LIMIT", "1000");
    const lora::Message message = error_of([&] { lora::CausalLM::load(model_dir_); });
    qunsetenv("LORA_STUDIO_RAM_LIMIT");
    const QString chinese = check(message, {QString::fromStdString(model_dir_), "1000", "LORA_STUDIO_RAM_LIMIT"});
    // The needed size keeps its number and unit, the words around it are Chinese.
    const QRegularExpression needed("needs ([0-9.]+ [KMG]iB)");
    const QString english = QString::fromStdString(message.english());
    const QRegularExpressionMatch m = needed.match(english);
    QVERIFY2(m.hasMatch(), qPrintable(english));
    QVERIFY2(chinese.contains(m.captured(1)), qPrintable(chinese));
    QVERIFY2(chinese.contains(QString::fromUtf8("内存")) && !chinese.contains("RAM;") && !chinese.contains("choose"),
             qPrintable(chinese));
  }

  void datasetFileProblems() {
    check(error_of([&] { lora::read_dataset_file(path("missing.jsonl")); }), {tmp_.filePath("missing.jsonl")});
    // A file saved in GBK, as Chinese editors on Windows often do.
    QByteArray gbk;
    for (int i = 0; i < 8; ++i)
      gbk += "{\"instruction\": \"\xC4\xE3\xBA\xC3\xA3\xAC\xCA\xC0\xBD\xE7\", \"output\": \"\xD6\xD0\xCE\xC4\"}\n";
    write(tmp_.filePath("gbk.jsonl"), gbk);
    const lora::Message english = error_of([&] { lora::read_dataset_file(path("gbk.jsonl")); });
    QVERIFY2(english.english().find("GBK") != std::string::npos, english.english().c_str());
    check(english, {tmp_.filePath("gbk.jsonl"), "GBK", "UTF-8"});
  }

  void badRecordsAreListedInChinese() {
    const auto tokenizer = lora::Tokenizer::load(model_dir_);
    write(tmp_.filePath("bad.jsonl"),
          "{\"instruction\": \"Say hi\", \"output\": \"Hi\"}\n"
          "{\"instruction\": 5, \"output\": \"five\"}\n"
          "{\"instruction\": \"no answer\"}\n");
    const lora::Message english = error_of([&] { lora::TrainingDataset::load(path("bad.jsonl"), *tokenizer); });
    const QStringList lines = QString::fromStdString(english.english()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);  // the summary and one line per bad record
    const QString chinese = check(english, {tmp_.filePath("bad.jsonl"), "instruction", "output"});
    const QStringList chinese_lines = chinese.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(chinese_lines.size(), 3);
    for (const QString& line : chinese_lines) QVERIFY2(has_chinese(line), qPrintable(line));
    QVERIFY2(chinese_lines[0].contains(QString::fromUtf8("3 条记录中有 2 条")), qPrintable(chinese_lines[0]));
    QVERIFY2(chinese_lines[1].contains(QString::fromUtf8("第 2 条记录（第 2 行）")) &&
                 chinese_lines[1].contains(QString::fromUtf8("数字")),
             qPrintable(chinese_lines[1]));
    QVERIFY2(chinese_lines[2].contains(QString::fromUtf8("第 3 条记录")) && !chinese_lines[2].contains("no keyset"),
             qPrintable(chinese_lines[2]));
  }

  // Folder names holding the short literals a template splits on (": ", " is ") stay whole; a
  // ShareGPT record's reason and a Chinese first character are translated too.
  void awkwardPathsAndConversationRecords() {
    const auto tokenizer = lora::Tokenizer::load(model_dir_);
    QDir().mkpath(tmp_.filePath("run: v2"));
    write(tmp_.filePath("run: v2/bad.jsonl"),
          "{\"instruction\": \"Say hi\", \"output\": \"Hi\"}\n{\"instruction\": 5, \"output\": \"five\"}\n");
    const lora::Message english = error_of([&] { lora::TrainingDataset::load(path("run: v2/bad.jsonl"), *tokenizer); });
    const QString summary = check(english, {tmp_.filePath("run: v2/bad.jsonl")}).section('\n', 0, 0);
    QVERIFY2(summary.startsWith(tmp_.filePath("run: v2/bad.jsonl")) && summary.contains(QString::fromUtf8("2 条记录中有 1 条")),
             qPrintable(summary));

    QDir().mkpath(tmp_.filePath("this is it"));
    QByteArray utf16("\xFF\xFE");
    for (const char c : std::string("[{\"instruction\": \"a\", \"output\": \"b\"}]")) utf16 += QByteArray(1, c) + '\0';
    write(tmp_.filePath("this is it/data.json"), utf16);
    const lora::Message utf16_english = error_of([&] { lora::read_dataset_file(path("this is it/data.json")); });
    QVERIFY2(utf16_english.english().find("UTF-16") != std::string::npos, utf16_english.english().c_str());
    QVERIFY(check(utf16_english, {tmp_.filePath("this is it/data.json")}).startsWith(tmp_.filePath("this is it/data.json")));

    write(tmp_.filePath("sharegpt.jsonl"),
          "{\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}, {\"from\": \"gpt\", \"value\": 5}]}\n"
          "{\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}, {\"from\": \"gpt\", \"value\": \"ok\"}]}\n");
    const lora::Message conversation = error_of([&] { lora::TrainingDataset::load(path("sharegpt.jsonl"), *tokenizer); });
    const QString reason = check(conversation, {"conversations[1]"}).section('\n', 1, 1);
    QVERIFY2(has_chinese(reason) && !reason.contains("expected"), qPrintable(reason));

    write(tmp_.filePath("plain.jsonl"), QString::fromUtf8("你好，这不是 JSON\n").toUtf8());
    const lora::Message plain = error_of([&] { lora::read_dataset_file(path("plain.jsonl")); });
    QVERIFY2(!check(plain, {tmp_.filePath("plain.jsonl")}).contains("non-ASCII"), plain.english().c_str());
  }

  void invalidTrainingSetting() {
    lora::TrainingSettings s = tiny_run(path("never"));
    s.max_steps = 0;
    s.epochs = 0;
    const QString chinese = check(error_of([&] { s.validate(); }), {});
    QVERIFY2(chinese.contains(QString::fromUtf8("训练设置无效")) && !chinese.contains("epochs"), qPrintable(chinese));
  }

  // A number out of range in a JSON file (here a 73-digit rank): the file, the field and what is expected.
  void numberOutOfRangeInAJsonFile() {
    fs::create_directories(path("huge-rank"));
    write(tmp_.filePath("huge-rank/adapter_config.json"),
          "{\"peft_type\": \"LORA\", \"r\": 4888888888888888888888888888888888888888888888888888888888888888888888888, "
          "\"lora_alpha\": 16, \"target_modules\": [\"q_proj\"]}");
    const QString chinese = check(error_of([&] { lora::load_lora_config(path("huge-rank")); }),
                                  {tmp_.filePath("huge-rank/adapter_config.json")});
    QVERIFY2(chinese.contains(QString::fromUtf8("字段“r”")), qPrintable(chinese));
  }

  void folderWithoutAdapterConfig() {
    fs::create_directories(path("not-an-adapter"));
    check(error_of([&] { lora::load_lora_config(path("not-an-adapter")); }),
          {tmp_.filePath("not-an-adapter"), "adapter_config.json", "PEFT"});
  }

  void trainingLogAndResult() {
    std::vector<lora::Message> log;
    QStringList english_log;
    const auto result = lora::train_lora(tiny_run(path("run")), /*resume=*/true, [&](const lora::TrainingProgress& p) {
      if (!p.message.empty()) {
        log.push_back(p.message);
        english_log << QString::fromStdString(p.message.english());
      }
      return true;
    });
    QCOMPARE(result.steps_done, int64_t(2));
    // Every line the Train page's log shows, from "reading" to the final summary, is translated.
    QVERIFY2(english_log.size() >= 5, qPrintable(english_log.join('\n')));
    for (const lora::Message& line : log) check(line, {});
    QVERIFY(english_log.filter(QRegularExpression("^no checkpoint in .*starting from step 0$")).size() == 1);
    static const QRegularExpression computing_on("^computing on CPU, \\d+ threads? \\(");
    int device = -1;
    for (int i = 0; i < english_log.size() && device < 0; ++i)
      if (computing_on.match(english_log[i]).hasMatch()) device = i;
    QVERIFY(device >= 0);
    QVERIFY2(!check(log[device], {}).contains("thread"), qPrintable(check(log[device], {})));
    const QString final_message = QString::fromStdString(result.message.english());
    const QString chinese = check(result.message, {tmp_.filePath("run"), "2 / 2"});
    const QString loss = final_message.section("last loss ", 1).section(';', 0, 0);
    QVERIFY2(!loss.isEmpty() && chinese.contains(loss), qPrintable(chinese));

    // The same folder again, not resuming: the engine refuses to overwrite the adapter.
    check(error_of([&] { lora::train_lora(tiny_run(path("run")), false); }), {tmp_.filePath("run")});
  }

  // After trainingLogAndResult, whose adapter (hidden size 32) these use.
  void adapterForAnotherBaseModel() {
    const std::string other = path("wider-model");
    lora::TinyModelOptions options;
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    options.hidden_size = 48;
    options.intermediate_size = 64;
    options.num_layers = 1;
    lora::write_tiny_model(other, options);
    const auto model = lora::CausalLM::load(other);
    const lora::Message english = error_of([&] { lora::ModelAdapter::load(*model, path("run")); });
    QVERIFY2(english.english().find("has shape") != std::string::npos, english.english().c_str());
    check(english, {tmp_.filePath("run"), "lora_A", "[2, 32]", "[2, 48]"});
  }

  void mergeIntoTheBaseModelsFolder() {
    lora::MergeOptions options;
    options.model_dir = model_dir_;
    options.adapter_dir = path("run");
    options.output_dir = model_dir_;
    check(error_of([&] { lora::merge_adapter(options); }), {QString::fromStdString(model_dir_)});
  }

  // A damaged newest checkpoint is skipped on resume: the log line names it and says why, both in Chinese.
  void damagedCheckpointIsSkippedOnResume() {
    lora::TrainingSettings s = tiny_run(path("resumed"));
    s.max_steps = 4;
    s.save_every = 1;
    lora::train_lora(s, false, [](const lora::TrainingProgress& p) { return !(p.phase == "training" && p.step >= 2); });
    const fs::path newest = fs::path(path("resumed")) / "checkpoint-2";
    QVERIFY2(fs::is_directory(newest), newest.c_str());
    std::string damaged;
    for (const auto& entry : fs::directory_iterator(newest))
      if (entry.path().extension() == ".safetensors") damaged = entry.path().string();
    QVERIFY(!damaged.empty());
    {
      QFile file(QString::fromStdString(damaged));
      QVERIFY(file.open(QIODevice::ReadWrite));
      file.seek(file.size() - 1);
      const char last = file.peek(1).at(0);
      file.write(QByteArray(1, char(last ^ 0x5A)));
    }
    std::vector<lora::Message> log;
    lora::train_lora(s, true, [&](const lora::TrainingProgress& p) {
      if (!p.message.empty()) log.push_back(p.message);
      return true;
    });
    std::vector<lora::Message> skipped;
    for (const lora::Message& line : log)
      if (line.english().find("skipping a damaged checkpoint") != std::string::npos) skipped.push_back(line);
    QCOMPARE(skipped.size(), size_t(1));
    const QString chinese = check(skipped.front(), {QString::fromStdString(damaged), "SHA-256"});
    QVERIFY2(chinese.contains(QString::fromUtf8("跳过已损坏的检查点")) && chinese.contains(QString::fromUtf8("文件已损坏")),
             qPrintable(chinese));
    for (const lora::Message& line : log) check(line, {});
  }

  // A translation that drops or invents a %N would lose a path or number, or show a raw "%3".
  // Out of memory mid-run (injected as CUDA's allocator raises it): the advice and the checkpoint to
  // resume from, in Chinese, with the settings' numbers and the folder kept.
  void outOfMemoryAdvice() {
    lora::TrainingSettings s = tiny_run(path("oom"));
    s.max_steps = 3;
    s.save_every = 1;
    qputenv("LORA_STUDIO_INJECT_OOM_AT_STEP", "2");
    const lora::Message english = error_of([&] { lora::train_lora(s, false); });
    qunsetenv("LORA_STUDIO_INJECT_OOM_AT_STEP");
    QVERIFY2(english.english().rfind("out of GPU memory during training", 0) == 0, english.english().c_str());
    check(english, {tmp_.filePath("oom") + "/checkpoint-1", "当前 2", "当前 64"});
    qputenv("LORA_STUDIO_INJECT_OOM_AT_STEP", "0");  // while loading the model
    const lora::Message at_load = error_of([&] { lora::train_lora(tiny_run(path("oom-at-load")), false); });
    qunsetenv("LORA_STUDIO_INJECT_OOM_AT_STEP");
    QVERIFY2(at_load.english().rfind("out of GPU memory while loading the model", 0) == 0, at_load.english().c_str());
    QVERIFY(check(at_load, {"bfloat16"}).contains("CPU"));
  }

  // Every id in the catalogue: an English text whose %N run from %1 without a gap, a Chinese
  // translation with the same %N, and both render with their arguments: each argument once, no %N left.
  void everyMessageIdHasEnglishAndChinese_data() {
    QTest::addColumn<int>("index");
    const auto& catalogue = lora::message_catalogue();
    for (size_t i = 0; i < catalogue.size(); ++i) QTest::newRow(catalogue[i].name) << static_cast<int>(i);
  }
  void everyMessageIdHasEnglishAndChinese() {
    QFETCH(int, index);
    const lora::MessageEntry& entry = lora::message_catalogue()[static_cast<size_t>(index)];
    const QString english = QString::fromUtf8(entry.english);
    QVERIFY(!english.trimmed().isEmpty());
    QCOMPARE(&lora::message_entry(entry.id), &entry);  // ids are unique
    const QStringList used = placeholders(english);
    for (int n = 1; n <= used.size(); ++n) QVERIFY2(used.contains(QString("%%1").arg(n)), qPrintable(english));

    std::vector<lora::MessageArg> args;
    QStringList pieces;
    for (int n = 1; n <= used.size(); ++n) {
      pieces << QString("<arg %1>").arg(n);
      args.emplace_back(pieces.back().toStdString());
    }
    const lora::Message message(entry.id, args);
    const QString rendered_english = QString::fromStdString(message.english());
    QCOMPARE(ui::engineMessage(message), rendered_english);

    QCoreApplication::installTranslator(&engine_zh_);
    const QString translated = QCoreApplication::translate("EngineMessage", entry.english, entry.name);
    const QString chinese = ui::engineMessage(message);
    QCoreApplication::removeTranslator(&engine_zh_);
    QVERIFY2(finished_translations_.contains(QString::fromUtf8(entry.name)),
             qPrintable(QString("no finished translation in the .ts for ") + entry.name));
    // Words to translate: English outside the placeholders and quoted names. ("%1 GiB", "NaN", "HTTP %1"
    // have none and may stay as they are.)
    static const QRegularExpression not_words("%\\d|\"[^\"]*\"|'[^']*'");
    static const QRegularExpression word("[a-z]{2,}");
    if (QString(english).remove(not_words).contains(word))
      QVERIFY2(translated != english && has_chinese(translated), qPrintable(QString("no Chinese for ") + entry.name));
    QCOMPARE(placeholders(translated), used);
    for (const QString& piece : pieces) {
      QCOMPARE(rendered_english.count(piece), 1);
      QCOMPARE(chinese.count(piece), 1);
    }
    QVERIFY(placeholders(chinese).isEmpty() && placeholders(rendered_english).isEmpty());
  }

  void outputFolderThatCannotBeCreated() {
    write(tmp_.filePath("a-file"), "not a folder");
    const std::string output = path("a-file") + "/run";
    const lora::Message english = error_of([&] { lora::train_lora(tiny_run(output), false); });
    QVERIFY2(english.english().find("cannot create the output folder") != std::string::npos, english.english().c_str());
    check(english, {QString::fromStdString(output)});
  }

  // Last: installs the whole Chinese interface, which stays for the rest of the process.
  void datasetPageShowsRecordErrorsInChinese() {
    QVERIFY(ui::installTranslations(*qApp, "zh_CN") > 0);
    QSettings settings(tmp_.filePath("settings.ini"), QSettings::IniFormat);
    ui::AppSession session(&settings);
    ui::DatasetPage page(&session);
    page.show();
    page.openDataset(tmp_.filePath("bad.jsonl"));
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 30000);
    auto* list = page.findChild<QListWidget*>("badRecords");
    QVERIFY(list);
    QTRY_COMPARE(list->count(), 2);
    const QString record2 = list->item(0)->text();
    QVERIFY2(record2.contains(QString::fromUtf8("字段“instruction”是数字，应为字符串")), qPrintable(record2));
    QVERIFY2(list->item(1)->text().contains(QString::fromUtf8("缺少字段 \"output\" 或其为空")), qPrintable(list->item(1)->text()));

    // A file that cannot be read at all: the page's message and the engine's reason are both Chinese.
    page.openDataset(tmp_.filePath("gbk.jsonl"));
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 30000);
    auto* problem = page.findChild<QLabel*>("datasetProblem");
    QVERIFY(problem);
    QTRY_VERIFY2(problem->text().contains(QString::fromUtf8("不是 UTF-8 编码")), qPrintable(problem->text()));
    QVERIFY2(!problem->text().contains("legacy"), qPrintable(problem->text()));

    // The Models page's reason why a folder cannot be loaded.
    const ui::ScannedModel scanned = ui::scanModel(tmp_.filePath("no-weights"));
    QVERIFY2(!scanned.loadable() && scanned.error.contains(QString::fromUtf8("缺少 model.safetensors")),
             qPrintable(scanned.error));
  }
};

QTEST_MAIN(TestEngineMessages)
#include "test_engine_messages.moc"
