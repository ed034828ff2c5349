// The Export page on a tiny model with a real tokenizer and an adapter that changes its answers: the
// adapter's settings and files are shown; "Copy adapter" writes the same files under the adapter's
// name (without resume checkpoints) and nothing else; "Merge into model" writes a model folder that
// the engine loads and whose greedy answer is the Chat page's adapter pane's; a bad output folder
// shows the engine's message and writes nothing; the snippets name the real folders.
// GGUF (on a second tiny model with a tokenizer GGUF export converts): the page's size estimate is the
// written file's size within 2%; the file parses in a third-party GGUF reader (@huggingface/gguf, through
// tests/reference/gguf_reference.mjs) with the type asked for; the check after the export finds the same
// greedy answer in the f32 file as in the source model with its adapter; a cancelled export leaves no
// file; the Ollama target writes model.gguf and the Modelfile it showed; LM Studio's target is its
// models folder layout.
#include <ATen/ATen.h>

#include "causal_lm.h"
#include "chat_prompt.h"
#include "generation.h"
#include "lora_adapter.h"
#include "lora_linear.h"
#include "model_adapter.h"
#include "model_test_support.h"
#include "tiny_model.h"
#include "tokenizer.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDirIterator>
#include <QClipboard>
#include <QDir>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTimer>
#include <QTableWidget>
#include <QTreeWidget>
#include <QtTest>
#include <QTranslator>

#include <filesystem>

#include "app_session.h"
#include "chat_page.h"
#include "export_page.h"
#include "language.h"
#include "llama_cpp_reference.h"
#include "models_page.h"
#include "test_support.h"

using test_support::child;

namespace {

lora::ComputeOptions fp32_cpu() { return test_support::fp32_cpu(2); }

void write_text(const QString& path, const QByteArray& text) {
  QDir().mkpath(QFileInfo(path).path());
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(text);
}

QByteArray bytes_of(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Every entry under `dir`, hidden ones too, as relative paths.
QStringList entries(const QString& dir) {
  QStringList found;
  QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
  while (it.hasNext()) found << QDir(dir).relativeFilePath(it.next());
  found.sort();
  return found;
}

}  // namespace

class TestUiExport : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  QString model_dir_, adapter_dir_;
  std::unique_ptr<QSettings> settings_;
  std::unique_ptr<ui::AppSession> session_;
  std::unique_ptr<ui::ExportPage> page_;

  QString qwen_model_, qwen_adapter_;  // a model whose tokenizer GGUF export converts, and an adapter for it

  QStringList questions_asked_;  // the texts of the questions answer_next_question answered
  QTimer* answer_poll_ = nullptr;

  // Answers the next question box the page opens with `answer`, noting its text in questions_asked_
  // (cleared first). Returns at once; the box opens when the test clicks.
  void answer_next_question(QMessageBox::StandardButton answer) {
    questions_asked_.clear();
    delete answer_poll_;
    answer_poll_ = new QTimer(this);
    answer_poll_->setInterval(20);
    connect(answer_poll_, &QTimer::timeout, this, [this, answer] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      if (!box) return;
      questions_asked_ << box->text();
      answer_poll_->stop();
      box->button(answer)->click();
    });
    answer_poll_->start();
  }

  // The Qwen2.5 tokenizer (byte-level BPE; the Llama 2 tokenizer.json above, with byte fallback, is one
  // GGUF export refuses), tied embeddings, rows of 32: a small file.
  void make_qwen_model() {
    if (!qwen_model_.isEmpty()) return;
    qwen_model_ = tmp_.path() + "/qwen";
    qwen_adapter_ = tmp_.path() + "/qwen-adapter";
    lora::TinyModelOptions options;
    options.arch = "qwen2";
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-qwen2_5").toStdString();
    options.seed = 5;
    options.tied = true;
    options.hidden_size = 32;
    options.intermediate_size = 64;
    options.num_heads = 4;
    options.num_kv_heads = 2;
    options.init_std = 0.3;
    lora::write_tiny_model(qwen_model_.toStdString(), options);
    lora::LoraConfig config;
    config.target_modules.names = {"q_proj", "v_proj", "up_proj"};
    config.r = 4;
    config.lora_alpha = 8;
    test_support::write_random_adapter(qwen_model_.toStdString(), qwen_adapter_.toStdString(), config, 3, 11, 0.3,
                                       fp32_cpu());
  }

  // The GGUF tab set to the Qwen model and adapter, type `type`, writing `output`.
  void choose_gguf(const QString& type, const QString& output) {
    make_qwen_model();
    session_->setAdapterDir(qwen_adapter_);
    child<QLineEdit>(page_.get(), "base_model")->setText(qwen_model_);
    page_->showTarget("gguf");
    auto* types = child<QComboBox>(page_.get(), "gguf_type");
    types->setCurrentIndex(types->findData(type));
    child<QLineEdit>(page_.get(), "gguf_output")->setText(output);
  }

  void merge(const QString& output) {
    page_->showTarget("merged");  // where the user clicks Merge and its results show
    child<QLineEdit>(page_.get(), "merge_output")->setText(output);
    QVERIFY(child<QPushButton>(page_.get(), "merge_button")->isEnabled());
    QTest::mouseClick(child<QPushButton>(page_.get(), "merge_button"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isBusy(), 60000);
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    qputenv("XDG_CACHE_HOME", (tmp_.path() + "/cache").toLocal8Bit());  // where a GGUF read back is prepared
    model_dir_ = tmp_.path() + "/model";
    adapter_dir_ = tmp_.path() + "/my-adapter";
    lora::TinyModelOptions options;
    options.arch = "llama";
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    options.seed = 9;
    options.init_std = 0.3;  // logits with room to move, so the adapter changes the answer
    lora::write_tiny_model(model_dir_.toStdString(), options);
    {
      lora::LoraConfig config;
      config.target_modules.names = {"q_proj", "v_proj", "o_proj", "up_proj", "down_proj"};
      config.r = 4;
      config.lora_alpha = 8;
      test_support::write_random_adapter(model_dir_.toStdString(), adapter_dir_.toStdString(), config, 3, 7, 0.3,
                                         fp32_cpu());
    }
    write_text(adapter_dir_ + "/training_prompt.json", "{\"format\": \"alpaca-format\"}\n");
    write_text(adapter_dir_ + "/training_log.jsonl", "{\"step\": 1, \"loss\": 2.5}\n");
    write_text(adapter_dir_ + "/checkpoint-3/optimizer.safetensors", "resume state, not part of the adapter");

    settings_ = std::make_unique<QSettings>(tmp_.path() + "/settings.ini", QSettings::IniFormat);
    settings_->setValue("compute/device", "cpu");
    settings_->setValue("compute/threads", 2);
    session_ = std::make_unique<ui::AppSession>(settings_.get());
    QSignalSpy loaded(session_.get(), &ui::AppSession::modelLoaded);
    session_->loadModel(model_dir_);
    QVERIFY(loaded.wait(30000));
    page_ = std::make_unique<ui::ExportPage>(session_.get());
    page_->resize(1200, 800);
    page_->show();
  }

  void without_an_adapter_the_page_says_how_to_get_one() {
    QCOMPARE(child<QLabel>(page_.get(), "adapter_path")->text(), QString("No adapter chosen"));
    QVERIFY(child<QLabel>(page_.get(), "adapter_message")->text().contains("Train page"));
    QVERIFY(!child<QGroupBox>(page_.get(), "merge_box")->isEnabled());
    QVERIFY(!child<QPushButton>(page_.get(), "copy_button")->isEnabled());
  }

  void the_adapter_is_summarised() {
    session_->setAdapterDir(adapter_dir_);
    const QString summary = child<QLabel>(page_.get(), "adapter_summary")->text();
    QVERIFY2(summary.contains("Rank (r): 4") && summary.contains("Alpha: 8 (scaling 2)") &&
                 summary.contains("q_proj, v_proj, o_proj, up_proj, down_proj") && summary.contains(model_dir_) &&
                 summary.contains("alpaca-format"),
             qPrintable(summary));
    QStringList files;
    auto* tree = child<QTreeWidget>(page_.get(), "adapter_files");
    for (int i = 0; i < tree->topLevelItemCount(); ++i) files << tree->topLevelItem(i)->text(0);
    QCOMPARE(files, (QStringList{"adapter_config.json", "adapter_model.safetensors", "training_log.jsonl",
                                 "training_prompt.json", "checkpoint-3/"}));
    QVERIFY(child<QGroupBox>(page_.get(), "merge_box")->isEnabled());
    // The merge defaults to the loaded model and a new folder beside it.
    QCOMPARE(child<QLineEdit>(page_.get(), "base_model")->text(), model_dir_);
    QCOMPARE(child<QLineEdit>(page_.get(), "merge_output")->text(), tmp_.path() + "/model-my-adapter");
    // Snippets that load it elsewhere, with the real folders.
    const QString llama_cpp = child<QPlainTextEdit>(page_.get(), "llama_cpp_snippet")->toPlainText();
    QVERIFY2(llama_cpp.contains("export-gguf --model " + model_dir_ + " --adapter " + adapter_dir_ + " --lora-only") && llama_cpp.contains(adapter_dir_),
             qPrintable(llama_cpp));
    const QString peft = child<QPlainTextEdit>(page_.get(), "peft_snippet")->toPlainText();
    QVERIFY2(peft.contains("PeftModel.from_pretrained(base, \"" + adapter_dir_ + "\")"), qPrintable(peft));
    QVERIFY(child<QPlainTextEdit>(page_.get(), "webui_snippet")->toPlainText().contains("loras/"));
  }

  void copy_writes_the_same_files_and_nothing_else() {
    const QString destination = tmp_.path() + "/webui-loras";
    QVERIFY(QDir().mkpath(destination));
    child<QLineEdit>(page_.get(), "copy_destination")->setText(destination);
    QVERIFY(child<QLabel>(page_.get(), "copy_target")->text().contains(destination + "/my-adapter"));
    QTest::mouseClick(child<QPushButton>(page_.get(), "copy_button"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(!page_->isBusy(), qPrintable(child<QLabel>(page_.get(), "copy_result")->text()), 30000);
    QVERIFY2(child<QLabel>(page_.get(), "copy_result")->text().startsWith("Copied to"), qPrintable(child<QLabel>(page_.get(), "copy_result")->text()));
    // No hidden work folder left beside it, and the resume checkpoint stayed behind.
    QCOMPARE(entries(destination), (QStringList{"my-adapter", "my-adapter/adapter_config.json",
                                                "my-adapter/adapter_model.safetensors",
                                                "my-adapter/training_log.jsonl", "my-adapter/training_prompt.json"}));
    for (const char* name : {"adapter_config.json", "adapter_model.safetensors", "training_log.jsonl", "training_prompt.json"})
      QVERIFY2(bytes_of(destination + "/my-adapter/" + name) == bytes_of(adapter_dir_ + "/" + name), name);
    QCOMPARE(settings_->value("export/copy_destination").toString(), destination);
  }

  // "Creates FOLDER" is what happens: the folder to copy into is made, not refused as missing.
  void copy_into_a_new_folder_creates_it() {
    const QString destination = tmp_.path() + "/new/loras";
    child<QLineEdit>(page_.get(), "copy_destination")->setText(destination);
    const QString target_line = child<QLabel>(page_.get(), "copy_target")->text();
    QVERIFY2(target_line.contains("Creates the folder " + destination) && target_line.contains(destination + "/my-adapter"),
             qPrintable(target_line));
    QTest::mouseClick(child<QPushButton>(page_.get(), "copy_button"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isBusy(), 30000);
    const QString result = child<QLabel>(page_.get(), "copy_result")->text();
    QVERIFY2(result.startsWith("Copied to " + destination + "/my-adapter") && !result.contains("does not exist"),
             qPrintable(result));
    QCOMPARE(bytes_of(destination + "/my-adapter/adapter_model.safetensors"),
             bytes_of(adapter_dir_ + "/adapter_model.safetensors"));
  }

  void merged_model_answers_as_the_adapter_pane() {
    const QString output = tmp_.path() + "/merged";
    // The Models page, scanning the folder the merge writes into, lists the new model without a Rescan.
    session_->setModelFolders({tmp_.path()});
    ui::ModelsPage models(session_.get());
    QTRY_VERIFY_WITH_TIMEOUT(!models.isScanning(), 30000);
    auto* model_table = child<QTableWidget>(&models, "modelTable");
    auto listed = [model_table](const QString& name) {
      for (int row = 0; row < model_table->rowCount(); ++row)
        if (model_table->item(row, 0) && model_table->item(row, 0)->text() == name) return true;
      return false;
    };
    QVERIFY(listed("model") && !listed("merged"));
    QSignalSpy progress(child<QProgressBar>(page_.get(), "export_progress"), &QProgressBar::valueChanged);
    merge(output);
    QTRY_VERIFY_WITH_TIMEOUT(listed("merged"), 30000);
    const QString result = child<QLabel>(page_.get(), "merge_result")->text();
    QVERIFY2(result.startsWith("Merged model written to " + output), qPrintable(result));
    QVERIFY(result.contains("10 layers merged"));  // 5 projections x 2 layers
    QVERIFY(progress.count() >= 2);
    QVERIFY(child<QPushButton>(page_.get(), "load_merged_button")->isVisible());
    QVERIFY(child<QPlainTextEdit>(page_.get(), "merged_snippet")->toPlainText().contains(output));

    // The Chat page's adapter pane, greedy.
    ui::ChatPage chat(session_.get());
    chat.show();  // a click reaches only a visible button
    child<QDoubleSpinBox>(&chat, "temperature")->setValue(0.0);
    child<QSpinBox>(&chat, "max_new_tokens")->setValue(16);
    child<QPlainTextEdit>(&chat, "prompt_edit")->setPlainText("Name three colours.");
    QTest::mouseClick(child<QPushButton>(&chat, "send_button"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!chat.isGenerating(), 30000);
    QTest::mouseClick(child<QPushButton>(&chat, "adapter_copy_button"), Qt::LeftButton);
    const QString adapter_answer = QApplication::clipboard()->text();
    QTest::mouseClick(child<QPushButton>(&chat, "base_copy_button"), Qt::LeftButton);
    const QString base_answer = QApplication::clipboard()->text();
    QVERIFY(!adapter_answer.isEmpty());
    QVERIFY(adapter_answer != base_answer);

    // The engine loads it as a plain model, and it answers greedily as the adapter pane did.
    auto merged = lora::CausalLM::load(output.toStdString(), fp32_cpu());
    for (const auto& path : merged->linear_layer_paths()) QVERIFY(!merged->linear_layer(path).has_lora());
    auto tokenizer = lora::Tokenizer::load(output.toStdString());
    const lora::PromptTemplate prompt_template =
        lora::resolve_prompt_template("", adapter_dir_.toStdString(), tokenizer->config());
    const lora::EncodedPrompt prompt = lora::encode_prompt(prompt_template, *tokenizer, {{"user", "Name three colours."}});
    lora::GenerationSettings settings;
    settings.eos_token_ids = lora::load_generation_config(output.toStdString()).eos_token_ids;
    settings.sampling.do_sample = false;
    settings.max_new_tokens = 16;
    settings.stop_strings = prompt.stop_strings;
    QCOMPARE(QString::fromStdString(lora::generate(*merged, *tokenizer, prompt.ids, settings).text), adapter_answer);
  }

  void a_bad_output_folder_shows_the_error_and_writes_nothing() {
    const QString output = tmp_.path() + "/merged";
    const QStringList before = entries(output);
    const QByteArray weights = bytes_of(output + "/model.safetensors");
    merge(output);  // already holds a model
    const QString result = child<QLabel>(page_.get(), "merge_result")->text();
    QVERIFY2(result.startsWith("Failed: ") && result.contains(output), qPrintable(result));
    // The way out is the window's checkbox, by its label, not the command line's flag.
    QVERIFY2(result.contains(child<QCheckBox>(page_.get(), "replace_model")->text()) && !result.contains("--force"), qPrintable(result));
    QCOMPARE(entries(output), before);
    QCOMPARE(bytes_of(output + "/model.safetensors"), weights);
    QCOMPARE(QDir(tmp_.path()).entryList(QStringList{"*.merging-*"}, QDir::AllEntries | QDir::Hidden), QStringList());

    // Allowed to replace it, the merge goes through (in bf16 this time: another file).
    child<QCheckBox>(page_.get(), "replace_model")->setChecked(true);
    child<QComboBox>(page_.get(), "merge_dtype")->setCurrentIndex(child<QComboBox>(page_.get(), "merge_dtype")->findData("bfloat16"));
    merge(output);
    QVERIFY2(child<QLabel>(page_.get(), "merge_result")->text().contains("bfloat16"), qPrintable(child<QLabel>(page_.get(), "merge_result")->text()));
    QVERIFY(bytes_of(output + "/model.safetensors") != weights);
    QVERIFY(bytes_of(output + "/model.safetensors").size() < weights.size());
  }

  // While training writes the chosen adapter (the session says which folder the run writes), the page
  // says so, and Copy and Merge ask before taking the weights saved so far; another adapter exports as
  // before; when the run ends the page shows the files as the run left them.
  void the_adapter_being_trained_is_exported_only_after_a_warning() {
    session_->setAdapterDir(adapter_dir_);
    const QByteArray log = "{\"step\": 1, \"loss\": 2.5}\n{\"step\": 2, \"loss\": 2.25}\n{\"step\": 3, \"loss\": 2.0}\n";
    write_text(adapter_dir_ + "/training_log.jsonl", log);
    auto* note = child<QLabel>(page_.get(), "training_note");
    auto* merge_button = child<QPushButton>(page_.get(), "merge_button");
    auto* copy_button = child<QPushButton>(page_.get(), "copy_button");
    auto* copy_result = child<QLabel>(page_.get(), "copy_result");
    auto* merge_result = child<QLabel>(page_.get(), "merge_result");

    // A run that writes another adapter: nothing to say, nothing asked.
    session_->setTraining(true, tmp_.path() + "/another-adapter");
    QVERIFY(!note->isVisible());
    const QString quiet_destination = tmp_.path() + "/while-another-trains";
    child<QLineEdit>(page_.get(), "copy_destination")->setText(quiet_destination);
    answer_next_question(QMessageBox::No);  // records a question, should one come
    QTest::mouseClick(copy_button, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isBusy(), 30000);
    QVERIFY2(copy_result->text().startsWith("Copied to"), qPrintable(copy_result->text()));
    QVERIFY(QFileInfo::exists(quiet_destination + "/my-adapter/adapter_model.safetensors"));
    QVERIFY2(questions_asked_.isEmpty(), qPrintable(questions_asked_.join('|')));
    session_->setTraining(false);

    // This one: the note names the step the run is at (the last step in its log).
    session_->setTraining(true, adapter_dir_ + "/");  // however the folder is spelled
    QVERIFY(note->isVisible());
    QCOMPARE(note->text(), QString("This adapter is still being trained (step 3); exporting now takes the weights "
                                   "saved so far, not the finished adapter."));
    QVERIFY(merge_button->isEnabled() && copy_button->isEnabled());

    // Copy asks first; "No" writes nothing.
    const QString destination = tmp_.path() + "/mid-run";
    child<QLineEdit>(page_.get(), "copy_destination")->setText(destination);
    copy_result->clear();
    answer_next_question(QMessageBox::No);
    QTest::mouseClick(copy_button, Qt::LeftButton);
    QTRY_COMPARE(questions_asked_.size(), 1);
    QVERIFY2(questions_asked_.first().contains("still being trained (step 3)"), qPrintable(questions_asked_.first()));
    QVERIFY(!page_->isBusy());
    QVERIFY(!QFileInfo::exists(destination));
    QVERIFY(copy_result->text().isEmpty());

    // So does Merge.
    merge_result->clear();
    answer_next_question(QMessageBox::No);
    QTest::mouseClick(merge_button, Qt::LeftButton);
    QTRY_COMPARE(questions_asked_.size(), 1);
    QVERIFY(!page_->isBusy());
    QVERIFY(merge_result->text().isEmpty());

    // "Yes" copies the weights saved so far.
    answer_next_question(QMessageBox::Yes);
    QTest::mouseClick(copy_button, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isBusy() && !copy_result->text().isEmpty(), 30000);
    QVERIFY2(copy_result->text().startsWith("Copied to"), qPrintable(copy_result->text()));
    QCOMPARE(bytes_of(destination + "/my-adapter/adapter_model.safetensors"),
             bytes_of(adapter_dir_ + "/adapter_model.safetensors"));

    // The step follows the run.
    const QByteArray longer = log + "{\"step\": 4, \"loss\": 1.75}\n{\"step\": 5, \"loss\": 1.5}\n";
    write_text(adapter_dir_ + "/training_log.jsonl", longer);
    QTRY_VERIFY_WITH_TIMEOUT(note->text().contains("(step 5)"), 5000);

    // A checkpoint of that run: complete, but the run may remove it.
    session_->setAdapterDir(adapter_dir_ + "/checkpoint-3");
    QVERIFY(note->isVisible());
    QVERIFY2(note->text().contains("checkpoint belongs to a run that is still training (now at step 5)"),
             qPrintable(note->text()));

    // Another adapter while that run goes on: no note.
    session_->setAdapterDir(tmp_.path() + "/model");
    QVERIFY(!note->isVisible());
    session_->setAdapterDir(adapter_dir_);
    QVERIFY(note->isVisible());

    // The run ends: the note goes, and the files show their sizes as the run left them.
    session_->setTraining(false);
    QVERIFY(!note->isVisible());
    QVERIFY(session_->trainingOutputDir().isEmpty());
    auto* tree = child<QTreeWidget>(page_.get(), "adapter_files");
    QString shown_size;
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
      if (tree->topLevelItem(i)->text(0) == "training_log.jsonl") shown_size = tree->topLevelItem(i)->text(1);
    QCOMPARE(shown_size, page_->locale().formattedDataSize(longer.size()));
    QVERIFY(shown_size != page_->locale().formattedDataSize(log.size()));
    answer_next_question(QMessageBox::No);
    QTest::mouseClick(copy_button, Qt::LeftButton);  // replaces the earlier copy: asks that, not about training
    QTRY_COMPARE(questions_asked_.size(), 1);
    QVERIFY2(!questions_asked_.first().contains("trained"), qPrintable(questions_asked_.first()));
  }

  void gguf_export_is_its_estimate_parses_and_answers_as_the_source() {
    const QString output = tmp_.path() + "/exports/qwen-f32.gguf";
    choose_gguf("f32", output);
    QCOMPARE(child<QComboBox>(page_.get(), "gguf_contents")->currentData().toString(), QString("merged"));
    auto* estimate = child<QLabel>(page_.get(), "gguf_estimate");
    QTRY_VERIFY2_WITH_TIMEOUT(estimate->property("estimated_bytes").toLongLong() > 0, qPrintable(estimate->text()), 30000);
    const qint64 estimated = estimate->property("estimated_bytes").toLongLong();
    QVERIFY2(estimate->text().contains("F32"), qPrintable(estimate->text()));
    // What to do next names the file.
    QVERIFY(child<QPlainTextEdit>(page_.get(), "gguf_next")->toPlainText().contains("llama-cli -m " + output));

    auto* verify = child<QCheckBox>(page_.get(), "gguf_verify");
    verify->setChecked(true);
    QSignalSpy progress(child<QProgressBar>(page_.get(), "export_progress"), &QProgressBar::valueChanged);
    QTest::mouseClick(child<QPushButton>(page_.get(), "gguf_button"), Qt::LeftButton);
    auto* result = child<QLabel>(page_.get(), "gguf_result");
    auto* verification = child<QLabel>(page_.get(), "gguf_verification");
    // The export, then the check.
    QTRY_VERIFY2_WITH_TIMEOUT(!page_->isBusy() && !verification->text().isEmpty() &&
                                  !verification->text().startsWith("Checking"),
                              qPrintable(result->text() + " | " + verification->text()), 120000);
    QVERIFY2(result->text().startsWith("Written: " + output), qPrintable(result->text()));
    QVERIFY(progress.count() >= 2);
    const qint64 written = QFileInfo(output).size();
    QVERIFY2(std::abs(written - estimated) <= written / 50,
             qPrintable(QString("estimated %1, written %2").arg(estimated).arg(written)));
    QCOMPARE(QDir(tmp_.path() + "/exports").entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{"qwen-f32.gguf"});

    // A third-party reader parses it: the architecture, every tensor f32, the tied head not written.
    const QJsonObject metadata = test_support::llama_cpp_reference(
        QJsonObject{{"gguf", output}, {"load", false}, {"metadata", true}, {"metadata_arrays", "summary"}}).value("metadata").toObject();
    QVERIFY2(!metadata.isEmpty(), "the GGUF reader returned nothing");
    QCOMPARE(metadata["kv"].toObject()["general.architecture"].toString(), QString("qwen2"));
    const QJsonArray tensors = metadata["tensors"].toArray();
    QCOMPARE(tensors.size(), 1 + 1 + 2 * 12);  // token_embd, output_norm, 12 per layer (q/k/v with biases)
    for (const QJsonValue& tensor : tensors) {
      QCOMPARE(tensor["type"].toString(), QString("F32"));
      QVERIFY2(tensor["name"].toString() != "output.weight", "a tied model's GGUF has no output tensor");
    }

    QVERIFY2(verification->text().startsWith("verified: same greedy answer"), qPrintable(verification->text()));
  }

  void a_cancelled_gguf_export_leaves_no_file() {
    const QString folder = tmp_.path() + "/cancelled";
    const QString output = folder + "/qwen-f16.gguf";
    choose_gguf("f16", output);
    QTest::mouseClick(child<QPushButton>(page_.get(), "gguf_button"), Qt::LeftButton);
    QVERIFY(page_->isBusy());
    QTest::mouseClick(child<QPushButton>(page_.get(), "cancel_button"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isBusy(), 60000);
    QCOMPARE(child<QLabel>(page_.get(), "gguf_result")->text(), QString("Cancelled; nothing was written."));
    QVERIFY(child<QLabel>(page_.get(), "gguf_verification")->text().isEmpty());
    QVERIFY2(!QFileInfo::exists(folder), qPrintable(entries(folder).join(", ")));  // not even the folder made for it
  }

  void the_ollama_target_writes_model_gguf_and_the_modelfile_it_shows() {
    choose_gguf("f32", tmp_.path() + "/unused.gguf");
    page_->showTarget("ollama");
    const QString folder = tmp_.path() + "/ollama";
    child<QLineEdit>(page_.get(), "ollama_folder")->setText(folder);
    child<QLineEdit>(page_.get(), "ollama_name")->setText("qwen-test");
    auto* types = child<QComboBox>(page_.get(), "ollama_type");
    QCOMPARE(types->currentData().toString(), QString("q4_k_m"));  // export-ollama's default
    types->setCurrentIndex(types->findData("q8_0"));
    auto* modelfile_view = child<QPlainTextEdit>(page_.get(), "ollama_modelfile");
    QTRY_VERIFY_WITH_TIMEOUT(modelfile_view->toPlainText().contains("\nFROM ./model.gguf\n"), 30000);
    const QString next = child<QPlainTextEdit>(page_.get(), "ollama_next")->toPlainText();
    QVERIFY2(next.contains("ollama create qwen-test -f " + folder + "/Modelfile") && next.contains("ollama run qwen-test"),
             qPrintable(next));
    child<QCheckBox>(page_.get(), "ollama_verify")->setChecked(false);  // checked once above
    QTest::mouseClick(child<QPushButton>(page_.get(), "ollama_button"), Qt::LeftButton);
    auto* result = child<QLabel>(page_.get(), "ollama_result");
    QTRY_VERIFY2_WITH_TIMEOUT(!page_->isBusy() && !result->text().startsWith("Exporting"), qPrintable(result->text()), 60000);
    QVERIFY2(result->text().startsWith("Written: " + folder + "/model.gguf"), qPrintable(result->text()));
    QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden), (QStringList{"model.gguf", "Modelfile"}));
    QCOMPARE(QString::fromUtf8(bytes_of(folder + "/Modelfile")), modelfile_view->toPlainText());
    QVERIFY(bytes_of(folder + "/Modelfile").contains("<|im_start|>"));  // Qwen's ChatML as Ollama's TEMPLATE
    QVERIFY(bytes_of(folder + "/model.gguf").startsWith("GGUF"));
    if (QStandardPaths::findExecutable("ollama").isEmpty())
      QVERIFY2(result->text().contains("Ollama is not installed here"), qPrintable(result->text()));

    // Again into the same folder: refused unless replacing is ticked.
    QTest::mouseClick(child<QPushButton>(page_.get(), "ollama_button"), Qt::LeftButton);
    QVERIFY(!page_->isBusy());
    QVERIFY2(result->text().startsWith("Failed: " + folder + " already holds"), qPrintable(result->text()));
  }

  void lm_studio_gets_its_models_folder_layout() {
    choose_gguf("f32", tmp_.path() + "/unused.gguf");
    page_->showTarget("lmstudio");
    QCOMPARE(child<QLineEdit>(page_.get(), "lmstudio_folder")->text(), QDir::home().filePath(".lmstudio/models"));
    child<QLineEdit>(page_.get(), "lmstudio_folder")->setText(tmp_.path() + "/lms");
    child<QLineEdit>(page_.get(), "lmstudio_name")->setText("My Model");
    auto* types = child<QComboBox>(page_.get(), "lmstudio_type");
    types->setCurrentIndex(types->findData("q8_0"));
    const QString file = tmp_.path() + "/lms/lora-studio/my-model/my-model-Q8_0.gguf";
    QCOMPARE(child<QLabel>(page_.get(), "lmstudio_target")->text(), "Writes " + file);
    QVERIFY(child<QPlainTextEdit>(page_.get(), "lmstudio_next")->toPlainText().contains("lms load lora-studio/my-model"));
  }

  // In Chinese the snippets' comment lines are Chinese; the commands stay as the tools need them.
  void snippet_comments_follow_the_interface_language() {
    session_->setAdapterDir(adapter_dir_);  // the GGUF tests chose another
    QVERIFY(ui::installTranslations(*qApp, "zh_CN") > 0);
    child<QLineEdit>(page_.get(), "base_model")->setText(model_dir_ + "/");  // any change redraws the snippets
    const QString webui = child<QPlainTextEdit>(page_.get(), "webui_snippet")->toPlainText();
    QVERIFY2(webui.contains("# 两者一起启动") && webui.contains("cp -r " + adapter_dir_ + " text-generation-webui/user_data/loras/"),
             qPrintable(webui));
    QVERIFY2(!webui.contains("start with both"), qPrintable(webui));
    const QString vllm = child<QPlainTextEdit>(page_.get(), "vllm_snippet")->toPlainText();
    QVERIFY2(vllm.contains("# 然后按名称请求该适配器：") && vllm.contains("--enable-lora"), qPrintable(vllm));
    for (QTranslator* translator : qApp->findChildren<QTranslator*>()) QCoreApplication::removeTranslator(translator);
  }
};

QTEST_MAIN(TestUiExport)
#include "test_ui_export.moc"
