// The Models page: folders scanned off the GUI thread, loadable models and broken folders with their
// reason, details, load/unload through the session, and the adapters listed for a model.
#include "lora_adapter.h"
#include "tiny_model.h"

#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>

#include "app_session.h"
#include "model_scan.h"
#include "models_page.h"
#include "test_support.h"

using namespace ui;
using test_support::child;

class TestUiModels : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir data_home_;  // XDG_DATA_HOME: the app's data folder (adapters, default model folder)
  QTemporaryDir root_;       // a model folder with two models and a broken one
  QString llama_dir_, qwen_dir_, broken_dir_;

  static void writeFile(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
  }

  static void writeAdapterConfig(const QString& dir, const QString& base_model, int rank,
                                 const std::vector<std::string>& targets) {
    lora::LoraConfig config;
    config.r = rank;
    config.lora_alpha = 2.0 * rank;
    config.target_modules.names = targets;
    config.base_model_name_or_path = base_model.toStdString();
    writeFile(dir + "/adapter_config.json", QByteArray::fromStdString(lora::lora_config_to_json(config)));
  }

  // Returns once the page's scan (started by its constructor) is shown.
  static void waitForScan(ModelsPage& page) { QTRY_VERIFY_WITH_TIMEOUT(!page.isScanning(), 30000); }

  static int rowOf(QTableWidget* table, const QString& name) {
    for (int row = 0; row < table->rowCount(); ++row)
      if (table->item(row, 0) && table->item(row, 0)->text() == name) return row;
    return -1;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(data_home_.isValid());
    QVERIFY(root_.isValid());
    qputenv("XDG_DATA_HOME", data_home_.path().toLocal8Bit());
    const std::string tokenizer = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();

    llama_dir_ = root_.filePath("tiny-llama");
    lora::TinyModelOptions llama;
    llama.arch = "llama";
    llama.tokenizer_path = tokenizer;
    llama.tied = true;
    llama.max_position_embeddings = 1024;
    lora::write_tiny_model(llama_dir_.toStdString(), llama);

    // One level deeper (an "organisation" folder), stored in bf16.
    qwen_dir_ = root_.filePath("org/tiny-qwen");
    lora::TinyModelOptions qwen;
    qwen.arch = "qwen2";
    qwen.tokenizer_path = tokenizer;
    qwen.dtype = "bfloat16";
    qwen.tied = true;
    lora::write_tiny_model(qwen_dir_.toStdString(), qwen);

    // A folder that looks like a model but has no weights.
    broken_dir_ = root_.filePath("broken-model");
    QDir().mkpath(broken_dir_);
    QVERIFY(QFile::copy(llama_dir_ + "/config.json", broken_dir_ + "/config.json"));
  }

  void humanParameterCounts() {
    QCOMPARE(humanParameterCount(9'400'000), QString("9.4M"));
    QCOMPARE(humanParameterCount(7'241'732'096), QString("7.2B"));
    QCOMPARE(humanParameterCount(350'000), QString("350K"));
    QCOMPARE(humanParameterCount(999), QString("999"));
  }

  void listsLoadableModelsAndBrokenFoldersWithReason() {
    QTemporaryDir settings_dir;
    QSettings settings(settings_dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("models/folders", QStringList{root_.path()});
    AppSession session(&settings);
    ModelsPage page(&session);
    page.resize(1000, 700);
    page.show();
    waitForScan(page);

    auto* table = page.findChild<QTableWidget*>("modelTable");
    QVERIFY(table);
    QCOMPARE(table->rowCount(), 3);
    const int llama = rowOf(table, "tiny-llama"), qwen = rowOf(table, "tiny-qwen"), broken = rowOf(table, "broken-model");
    QVERIFY(llama >= 0 && qwen >= 0 && broken >= 0);
    QCOMPARE(broken, 2);  // loadable models first

    // The family from the engine's registry; the class and model_type on hover.
    QCOMPARE(table->item(llama, 1)->text(), QString("Llama"));
    QCOMPARE(table->item(qwen, 1)->text(), QString("Qwen2"));
    QCOMPARE(table->item(llama, 1)->toolTip(), QString("LlamaForCausalLM (model_type llama)"));
    QCOMPARE(table->item(llama, 3)->text(), QString("float32"));
    QCOMPARE(table->item(qwen, 3)->text(), QString("bfloat16"));
    QCOMPARE(table->item(llama, 5)->text(), QString("tokenizer.json"));
    QCOMPARE(table->item(llama, 6)->text(), QLocale().toString(1024));
    // Parameters in short form: 32000×64 embedding (tied) + 2 layers ≈ 2.2M.
    QVERIFY2(table->item(llama, 2)->text().endsWith("M"), qPrintable(table->item(llama, 2)->text()));
    QVERIFY(!table->item(llama, 4)->text().isEmpty());

    // The broken folder says why, in one cell across the columns.
    const QString reason = table->item(broken, 1)->text();
    QVERIFY2(reason.startsWith("Not loadable: "), qPrintable(reason));
    QVERIFY2(reason.contains("broken-model"), qPrintable(reason));
    QVERIFY(table->columnSpan(broken, 1) > 1);
    auto* status = child<QLabel>(&page, "scanStatus");
    QVERIFY2(status->text().contains("2 models found"), qPrintable(status->text()));
    QVERIFY2(status->text().contains("1 folder not loadable"), qPrintable(status->text()));

    // Details of the selected model: config fields, chat format, files.
    table->selectRow(qwen);
    const QString details = child<QTextBrowser>(&page, "modelDetails")->toPlainText();
    QVERIFY2(details.contains("hidden_size"), qPrintable(details));
    QVERIFY2(details.contains("Chat template"), qPrintable(details));
    QVERIFY2(details.contains("Family") && details.contains("Qwen2"), qPrintable(details));
    QVERIFY2(details.contains("Context length"), qPrintable(details));
    // In the window's words (translated with the rest), not the engine's "chat_template of the tokenizer".
    QVERIFY2(details.contains("chat template") && !details.contains("chat_template of the tokenizer"), qPrintable(details));
    QVERIFY2(details.contains("model.safetensors"), qPrintable(details));
    QVERIFY(child<QPushButton>(&page, "loadButton")->isEnabled());
    table->selectRow(broken);
    QVERIFY(!page.findChild<QPushButton*>("loadButton")->isEnabled());
  }

  // A family the engine does not run says which model_type it has and which ones are supported.
  void unsupportedFamilyNamesItsModelTypeAndTheSupportedOnes() {
    QTemporaryDir dir;
    writeFile(dir.filePath("config.json"), R"({"model_type": "gpt2", "vocab_size": 10, "n_embd": 8})");
    const ScannedModel model = scanModel(dir.path());
    QVERIFY(!model.loadable());
    QVERIFY2(model.error.contains("\"gpt2\""), qPrintable(model.error));
    for (const char* type : {"llama", "qwen2", "qwen3", "gemma3", "phi3", "mistral"})
      QVERIFY2(model.error.contains(type), qPrintable(model.error));
  }

  void loadsAndUnloadsTheSelectedModel() {
    QTemporaryDir settings_dir;
    QSettings settings(settings_dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("models/folders", QStringList{root_.path()});
    settings.setValue("compute/threads", 1);
    AppSession session(&settings);
    ModelsPage page(&session);
    page.show();
    waitForScan(page);
    auto* table = child<QTableWidget>(&page, "modelTable");
    auto* load = child<QPushButton>(&page, "loadButton");
    auto* unload = child<QPushButton>(&page, "unloadButton");
    auto* status = child<QLabel>(&page, "loadStatus");
    table->selectRow(rowOf(table, "tiny-llama"));
    QVERIFY(!unload->isEnabled());

    QTest::mouseClick(load, Qt::LeftButton);
    QCOMPARE(session.modelState(), AppSession::ModelState::Loading);
    QTRY_COMPARE_WITH_TIMEOUT(session.modelState(), AppSession::ModelState::Loaded, 60000);
    QCOMPARE(QFileInfo(session.modelDir()).absoluteFilePath(), QFileInfo(llama_dir_).absoluteFilePath());
    QVERIFY(session.model());
    QVERIFY2(status->text().contains("tiny-llama") && status->text().contains("CPU, 1 thread"), qPrintable(status->text()));
    QVERIFY(!load->isEnabled());  // it is the loaded one
    QVERIFY(table->item(rowOf(table, "tiny-llama"), 0)->font().bold());

    QTest::mouseClick(unload, Qt::LeftButton);
    QCOMPARE(session.modelState(), AppSession::ModelState::None);
    QVERIFY(!session.model());
    QCOMPARE(status->text(), QString("No model loaded."));
    QVERIFY(load->isEnabled());
  }

  void cancelledLoadLeavesNoModel() {
    QTemporaryDir settings_dir;
    QSettings settings(settings_dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("models/folders", QStringList{root_.path()});
    AppSession session(&settings);
    ModelsPage page(&session);
    page.show();
    waitForScan(page);
    auto* table = child<QTableWidget>(&page, "modelTable");
    table->selectRow(rowOf(table, "tiny-qwen"));
    QTest::mouseClick(child<QPushButton>(&page, "loadButton"), Qt::LeftButton);
    auto* cancel = child<QPushButton>(&page, "cancelLoadButton");
    QVERIFY(cancel->isVisible());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QCOMPARE(session.modelState(), AppSession::ModelState::None);
    QVERIFY(!cancel->isVisible());
    QTest::qWait(1500);  // the abandoned load finishing in the background changes nothing
    QCOMPARE(session.modelState(), AppSession::ModelState::None);
    QVERIFY(!session.model());
  }

  void listsAdaptersForTheModelAndSelectsOne() {
    // One adapter trained here for tiny-llama, one copied in beside the models for another base.
    const QString mine = AppSession::adaptersDir() + "/llama-style";
    writeAdapterConfig(mine, llama_dir_, 8, {"q_proj", "v_proj"});
    writeAdapterConfig(root_.filePath("someone-elses"), "Qwen/Qwen2.5-7B", 64, {"q_proj"});
    QTemporaryDir settings_dir;
    QSettings settings(settings_dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("models/folders", QStringList{root_.path()});
    AppSession session(&settings);
    ModelsPage page(&session);
    page.show();
    waitForScan(page);
    auto* table = child<QTableWidget>(&page, "modelTable");
    QCOMPARE(table->rowCount(), 3);  // the adapter folder is not taken for a model
    table->selectRow(rowOf(table, "tiny-llama"));
    auto* adapters = child<QTableWidget>(&page, "adapterTable");
    QCOMPARE(adapters->rowCount(), 2);
    QCOMPARE(adapters->item(0, 0)->text(), QString("llama-style"));  // the matching one first
    QCOMPARE(adapters->item(0, 1)->text(), QString("8"));
    QCOMPARE(adapters->item(0, 3)->text(), QString("q_proj, v_proj"));
    QVERIFY(!adapters->item(0, 4)->text().isEmpty());
    QCOMPARE(adapters->item(1, 0)->text(), QString("someone-elses"));
    QVERIFY2(adapters->item(1, 5)->text().startsWith("other base model"), qPrintable(adapters->item(1, 5)->text()));

    QSignalSpy changed(&session, &AppSession::adapterDirChanged);
    adapters->selectRow(0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(session.adapterDir(), QFileInfo(mine).absoluteFilePath());
    QTest::mouseClick(child<QPushButton>(&page, "noAdapterButton"), Qt::LeftButton);
    QVERIFY(session.adapterDir().isEmpty());

    // A training run that finished rescans: a new adapter shows up.
    writeAdapterConfig(AppSession::adaptersDir() + "/fresh", llama_dir_, 4, {"all-linear"});
    session.setTraining(true);
    session.setTraining(false);
    QTRY_COMPARE_WITH_TIMEOUT(adapters->rowCount(), 3, 30000);
    QDir(mine).removeRecursively();
    QDir(AppSession::adaptersDir() + "/fresh").removeRecursively();
    QDir(root_.filePath("someone-elses")).removeRecursively();
  }

  // Adding a folder with no model in it says so; before, the count simply stayed the same.
  void addingAFolderWithoutModelsSaysSo() {
    QTemporaryDir settings_dir, empty;
    QSettings settings(settings_dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("models/folders", QStringList{root_.path()});
    AppSession session(&settings);
    ModelsPage page(&session);
    page.show();
    waitForScan(page);
    auto* status = child<QLabel>(&page, "scanStatus");
    QVERIFY2(!status->text().contains("No model folders found"), qPrintable(status->text()));
    session.addModelFolder(empty.path());
    waitForScan(page);
    QCOMPARE(child<QTableWidget>(&page, "modelTable")->rowCount(), 3);
    QVERIFY2(status->text().contains("No model folders found in " + QDir::toNativeSeparators(empty.path())),
             qPrintable(status->text()));
    QVERIFY2(status->text().contains("2 models found"), qPrintable(status->text()));
  }

  // A folder and its parent both added reach tiny-qwen twice: it is listed once. Two different models of
  // the same name are told apart by the folder they are in.
  void aModelReachedTwiceIsListedOnceAndSameNamesShowTheirFolder() {
    QTemporaryDir settings_dir, elsewhere;
    const QString copy = elsewhere.filePath("tiny-llama");
    QVERIFY(QDir().mkpath(copy));
    for (const QString& file : QDir(llama_dir_).entryList(QDir::Files))
      QVERIFY(QFile::copy(llama_dir_ + "/" + file, copy + "/" + file));
    QSettings settings(settings_dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("models/folders", QStringList{root_.path(), root_.filePath("org"), elsewhere.path()});
    AppSession session(&settings);
    ModelsPage page(&session);
    page.show();
    waitForScan(page);
    auto* table = child<QTableWidget>(&page, "modelTable");
    QStringList names, folders;
    for (int row = 0; row < table->rowCount(); ++row) {
      names << table->item(row, 0)->text();
      if (table->item(row, 0)->text() == "tiny-llama") folders << table->item(row, 7)->text();
    }
    QCOMPARE(names.count("tiny-qwen"), 1);
    QCOMPARE(names.count("tiny-llama"), 2);
    QCOMPARE(table->rowCount(), 4);
    QCOMPARE(table->horizontalHeaderItem(7)->text(), QString("Folder"));
    folders.sort();
    QStringList expected{QDir::toNativeSeparators(QFileInfo(root_.path()).absoluteFilePath()),
                         QDir::toNativeSeparators(QFileInfo(elsewhere.path()).absoluteFilePath())};
    expected.sort();
    QCOMPARE(folders, expected);
  }

  // A broken folder is not the base of adapters trained for other models.
  void aBrokenModelListsNoAdaptersOfOtherModels() {
    const QString mine = AppSession::adaptersDir() + "/for-llama";
    writeAdapterConfig(mine, llama_dir_, 8, {"q_proj", "v_proj"});
    writeAdapterConfig(root_.filePath("someone-elses"), "Qwen/Qwen2.5-7B", 64, {"q_proj"});
    QTemporaryDir settings_dir;
    QSettings settings(settings_dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("models/folders", QStringList{root_.path()});
    AppSession session(&settings);
    ModelsPage page(&session);
    page.show();
    waitForScan(page);
    auto* table = child<QTableWidget>(&page, "modelTable");
    auto* adapters = child<QTableWidget>(&page, "adapterTable");
    table->selectRow(rowOf(table, "tiny-llama"));
    QCOMPARE(adapters->rowCount(), 2);
    table->selectRow(rowOf(table, "broken-model"));
    QCOMPARE(adapters->rowCount(), 0);
    QDir(mine).removeRecursively();
    QDir(root_.filePath("someone-elses")).removeRecursively();
  }

  void addingAndRemovingFoldersRescans() {
    QTemporaryDir settings_dir;
    QSettings settings(settings_dir.filePath("settings.ini"), QSettings::IniFormat);
    AppSession session(&settings);
    // The default folder: <data>/models, created.
    QCOMPARE(session.modelFolders(), QStringList{AppSession::defaultModelFolder()});
    QVERIFY(QFileInfo(AppSession::defaultModelFolder()).isDir());
    QVERIFY(AppSession::defaultModelFolder().startsWith(data_home_.path()));
    ModelsPage page(&session);
    page.show();
    waitForScan(page);
    auto* table = child<QTableWidget>(&page, "modelTable");
    QCOMPARE(table->rowCount(), 0);

    session.addModelFolder(root_.path());
    auto* folders = child<QListWidget>(&page, "modelFolderList");
    QCOMPARE(folders->count(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 3, 30000);
    QCOMPARE(settings.value("models/folders").toStringList().size(), 2);

    folders->item(1)->setSelected(true);
    QTest::mouseClick(child<QPushButton>(&page, "removeFolderButton"), Qt::LeftButton);
    QCOMPARE(folders->count(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 0, 30000);
  }
};

QTEST_MAIN(TestUiModels)
#include "test_ui_models.moc"
