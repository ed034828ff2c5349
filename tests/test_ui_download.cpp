// The Models page's Download dialog against the fake hub on 127.0.0.1 (tests/reference/fake_hub.py),
// offscreen. What a user would notice: a search by name lists the hub's text-generation models; a
// download brings the model's files byte for byte into ORG/NAME under the models folder, the model
// then appears on the Models page and loads at once; a gated model without a token says how to get
// access; Cancel keeps the unfinished files and downloading again goes on from them. The source
// model's bytes and the fake's counters (bytes sent per file, each request's Range) are the reference.
#include <QComboBox>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

#include "app_session.h"
#include "model_download_dialog.h"
#include "models_page.h"
#include "fake_hub_process.h"
#include "test_support.h"

using namespace ui;
using test_support::child;
using test_support::FakeHub;

namespace {

const QString kShard1 = "model-00001-of-00002.safetensors";
const QString kShard2 = "model-00002-of-00002.safetensors";
const QString kCommit = "0123456789abcdef0123456789abcdef01234567";

QByteArray read(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll();
}

void write(const QString& path, const QByteArray& bytes) {
  QDir().mkpath(QFileInfo(path).path());
  QFile file(path);
  if (file.open(QIODevice::WriteOnly)) file.write(bytes);
}

// One window's worth: settings, session and the Models page, shown at the window's smallest size.
struct Fixture {
  explicit Fixture(const QString& settings_path)
      : made_dir(QDir().mkpath(QFileInfo(settings_path).path())), settings(settings_path, QSettings::IniFormat),
        session(&settings) {}
  bool made_dir;
  QSettings settings;
  AppSession session;
};

int row_of(QTableWidget* table, const QString& name) {
  for (int row = 0; row < table->rowCount(); ++row)
    if (table->item(row, 0) && table->item(row, 0)->text() == name) return row;
  return -1;
}

}  // namespace

class TestUiDownload : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString source_;  // the tiny model the fake serves
  int case_ = 0;
  // The files a default download brings (tests/test_download.cpp checks the choice itself).
  const QStringList expected_ = {"LICENSE", "README.md", "config.json", "generation_config.json", kShard1, kShard2,
                                 "model.safetensors.index.json", "tokenizer.json", "tokenizer_config.json"};

  QJsonObject repos() const {
    return {{"org/tiny", QJsonObject{{"dir", source_}, {"commit", kCommit}, {"downloads", 500}, {"parameters", 1234567}}},
            {"org/gated", QJsonObject{{"dir", source_}, {"commit", kCommit}, {"gated", true}, {"downloads", 20}}}};
  }
  QString fresh_dir() { return tmp_.path() + QString("/case-%1").arg(++case_); }

  void verify_complete_copy(const QString& folder) {
    for (const QString& name : expected_) {
      QVERIFY2(QFile::exists(folder + "/" + name), qPrintable(folder + "/" + name));
      QVERIFY2(read(folder + "/" + name) == read(source_ + "/" + name), qPrintable(name));
      QVERIFY2(!QFile::exists(folder + "/" + name + ".part"), qPrintable(name));
    }
    QVERIFY(!QFile::exists(folder + "/pytorch_model.bin"));  // another copy of the weights, left out
  }

  // Opens the page's Download dialog and points it at `endpoint`.
  static ModelDownloadDialog* open_dialog(ModelsPage& page, const QString& endpoint) {
    child<QPushButton>(&page, "downloadModelButton")->click();
    auto* dialog = page.findChild<ModelDownloadDialog*>("modelDownloadDialog");
    if (!dialog) qFatal("the Download button opened no dialog");
    if (!dialog->isVisible()) qFatal("the Download dialog is not shown");
    child<QComboBox>(dialog, "endpointCombo")->setCurrentText(endpoint);
    return dialog;
  }

  static void wait_for_scan(ModelsPage& page) { QTRY_VERIFY_WITH_TIMEOUT(!page.isScanning(), 30000); }

  static void verify_fits_the_window(QWidget* dialog) {
    const QSize minimum = dialog->minimumSizeHint();
    QVERIFY2(minimum.width() <= 1024 && minimum.height() <= 600,
             qPrintable(QString("%1x%2").arg(minimum.width()).arg(minimum.height())));
    QVERIFY2(dialog->width() <= 1024 && dialog->height() <= 600,
             qPrintable(QString("%1x%2").arg(dialog->width()).arg(dialog->height())));
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    // No token, mirror, proxy or models folder of the machine's user.
    for (const char* name : {"HF_TOKEN", "HF_ENDPOINT", "HF_TOKEN_PATH", "HUGGING_FACE_HUB_TOKEN", "MODELSCOPE_API_TOKEN",
                             "MODELSCOPE_DOMAIN", "http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY",
                             "HTTPS_PROXY", "ALL_PROXY"})
      qunsetenv(name);
    qputenv("HF_HOME", (tmp_.path() + "/hf-home").toLocal8Bit());
    qputenv("XDG_DATA_HOME", (tmp_.path() + "/data-home").toLocal8Bit());
    source_ = tmp_.path() + "/source";
    const auto made = test_support::run_cli({"make-tiny", source_, "--arch", "llama", "--shards", "2", "--tokenizer",
                                             test_support::npm_tokenizer_dir("tokenizer-llama2")});
    QVERIFY2(made.exit_code == 0, made.err.constData());
    write(source_ + "/README.md", "# tiny\n");
    write(source_ + "/LICENSE", "MIT\n");
    write(source_ + "/pytorch_model.bin", QByteArray(3000, 'x'));
    for (const QString& name : expected_) QVERIFY2(QFile::exists(source_ + "/" + name), qPrintable(name));
    QVERIFY(QFileInfo(source_ + "/" + kShard1).size() > 100000);
  }

  // Search by name, pick a result, download into the default folder (ORG/NAME in the models folder):
  // the files arrive, the model is listed on the Models page, selected, and "Load now" loads it.
  void downloadThroughTheDialogListsTheModel() {
    FakeHub hub(tmp_.path(), repos(), {});
    QVERIFY(hub.ok());
    Fixture fixture(fresh_dir() + "/settings.ini");
    ModelsPage page(&fixture.session);
    page.resize(1024, 600);
    page.show();
    wait_for_scan(page);
    ModelDownloadDialog* dialog = open_dialog(page, hub.endpoint());
    verify_fits_the_window(dialog);

    auto* repo_id = child<QLineEdit>(dialog, "repoIdEdit");
    repo_id->setText("ORG");  // the fake, like the Hub, matches the id case-insensitively
    child<QPushButton>(dialog, "searchButton")->click();
    auto* results = child<QTableWidget>(dialog, "searchResults");
    QTRY_VERIFY2_WITH_TIMEOUT(results->isVisible() && results->rowCount() == 2,
                              qPrintable(child<QLabel>(dialog, "downloadStatus")->text()), 20000);
    // Most downloaded first, with the hub's counts and sizes.
    QCOMPARE(results->item(0, 0)->text(), QString("org/tiny"));
    QCOMPARE(results->item(0, 1)->text(), dialog->locale().toString(500));
    QCOMPARE(results->item(0, 2)->text(), QString("1.2M"));
    QVERIFY(!results->item(0, 3)->text().isEmpty() && results->item(0, 3)->text() != "–");
    QCOMPARE(results->item(1, 0)->text(), QString("org/gated"));
    QVERIFY(!results->item(1, 4)->text().isEmpty());  // a token is needed
    verify_fits_the_window(dialog);
    results->selectRow(0);
    QCOMPARE(repo_id->text(), QString("org/tiny"));

    const QString expected_dir = AppSession::defaultModelFolder() + "/org/tiny";
    QCOMPARE(QDir::fromNativeSeparators(child<QLineEdit>(dialog, "outputEdit")->text()), expected_dir);
    auto* token = child<QLineEdit>(dialog, "tokenEdit");
    QCOMPARE(token->echoMode(), QLineEdit::Password);
    token->setText("hf_reader");

    QSignalSpy downloaded(dialog, &ModelDownloadDialog::modelDownloaded);
    child<QPushButton>(dialog, "startDownloadButton")->click();
    QVERIFY(dialog->isDownloading());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isDownloading(), 60000);
    QVERIFY2(downloaded.count() == 1, qPrintable(child<QLabel>(dialog, "downloadStatus")->text()));
    verify_complete_copy(expected_dir);
    // Progress shows every file done and the whole size.
    auto* files = child<QTableWidget>(dialog, "fileProgressTable");
    QCOMPARE(files->rowCount(), expected_.size());
    QVERIFY2(child<QLabel>(dialog, "overallProgressLabel")->text().startsWith(QString("%1 of %1 files").arg(expected_.size())),
             qPrintable(child<QLabel>(dialog, "overallProgressLabel")->text()));
    verify_fits_the_window(dialog);
    // The token is kept in the settings, for the next time.
    QCOMPARE(fixture.settings.value("download/token_hf").toString(), QString("hf_reader"));
    QCOMPARE(fixture.settings.value("download/endpoint_hf").toString(), hub.endpoint());

    // Listed on the Models page, and selected.
    auto* table = child<QTableWidget>(&page, "modelTable");
    QTRY_VERIFY_WITH_TIMEOUT(!page.isScanning() && row_of(table, "tiny") >= 0, 30000);
    const int row = row_of(table, "tiny");
    QVERIFY2(table->item(row, 1)->text() == "Llama", qPrintable(table->item(row, 1)->text()));
    QVERIFY(table->item(row, 0)->isSelected());

    // "Load now" loads it.
    QSignalSpy loaded(&fixture.session, &AppSession::modelLoaded);
    auto* load_now = child<QPushButton>(dialog, "loadNowButton");
    QVERIFY(load_now->isEnabled());
    load_now->click();
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() == 1, 60000);
    QCOMPARE(QFileInfo(fixture.session.modelDir()).absoluteFilePath(), QFileInfo(expected_dir).absoluteFilePath());
    QVERIFY(!dialog->isVisible());
  }

  // A gated model without a token: the engine's message, naming the model's page and the Token field.
  void gatedModelWithoutTokenSaysHowToGetAccess() {
    FakeHub hub(tmp_.path(), repos(), {});
    QVERIFY(hub.ok());
    Fixture fixture(fresh_dir() + "/settings.ini");
    ModelsPage page(&fixture.session);
    page.show();
    wait_for_scan(page);
    ModelDownloadDialog* dialog = open_dialog(page, hub.endpoint());
    const QString out = fresh_dir();
    child<QLineEdit>(dialog, "repoIdEdit")->setText("org/gated");
    child<QLineEdit>(dialog, "outputEdit")->setText(out);
    child<QLineEdit>(dialog, "tokenEdit")->clear();
    QSignalSpy downloaded(dialog, &ModelDownloadDialog::modelDownloaded);
    child<QPushButton>(dialog, "startDownloadButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isDownloading(), 60000);
    QCOMPARE(downloaded.count(), 0);
    const QString status = child<QLabel>(dialog, "downloadStatus")->text();
    QVERIFY2(status.contains("org/gated is a gated model"), qPrintable(status));
    QVERIFY2(status.contains(hub.endpoint() + "/org/gated"), qPrintable(status));  // where to ask for access
    QVERIFY2(status.contains("the Download dialog's Token field"), qPrintable(status));
    QVERIFY(!QFile::exists(out + "/config.json"));
    QVERIFY(!child<QPushButton>(dialog, "loadNowButton")->isEnabled());
    // The field the message names is there, labelled so.
    bool labelled = false;
    for (QLabel* label : dialog->findChildren<QLabel*>())
      labelled = labelled || (label->text() == "Token" && label->buddy() == child<QLineEdit>(dialog, "tokenEdit"));
    QVERIFY(labelled);
    // With a token that has access, the same dialog downloads it.
    child<QLineEdit>(dialog, "tokenEdit")->setText("hf_granted");
    child<QPushButton>(dialog, "startDownloadButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isDownloading(), 60000);
    QVERIFY2(downloaded.count() == 1, qPrintable(child<QLabel>(dialog, "downloadStatus")->text()));
    verify_complete_copy(out);
  }

  // Cancel halfway through a file keeps its .part; downloading again asks only for the rest. The
  // folder is outside the scanned folders: its parent is added, and the model is listed.
  void cancelThenDownloadAgainResumes() {
    // The first request for the first shard sends half the file and then nothing for a minute.
    FakeHub hub(tmp_.path(), repos(), {{"stall", QJsonObject{{kShard1, QJsonArray{1, 60}}}}});
    QVERIFY(hub.ok());
    Fixture fixture(fresh_dir() + "/settings.ini");
    const QString scanned = fresh_dir();
    QDir().mkpath(scanned);
    fixture.settings.setValue("models/folders", QStringList{scanned});
    ModelsPage page(&fixture.session);
    page.show();
    wait_for_scan(page);
    ModelDownloadDialog* dialog = open_dialog(page, hub.endpoint());
    const QString out = fresh_dir() + "/elsewhere/tiny";
    child<QLineEdit>(dialog, "repoIdEdit")->setText("org/tiny");
    QTest::keyClicks(child<QLineEdit>(dialog, "outputEdit"), "x");  // the user's own folder from now on
    child<QLineEdit>(dialog, "outputEdit")->setText(out);
    child<QLineEdit>(dialog, "repoIdEdit")->setText("org/tiny ");
    QCOMPARE(child<QLineEdit>(dialog, "outputEdit")->text(), out);  // a new id no longer changes it

    QSignalSpy downloaded(dialog, &ModelDownloadDialog::modelDownloaded);
    child<QPushButton>(dialog, "startDownloadButton")->click();
    const qint64 size = QFileInfo(source_ + "/" + kShard1).size();
    const QString part = out + "/" + kShard1 + ".part";
    // Cancelled once the dialog shows the first half of the shard received (the fake sends no more).
    auto* files = child<QTableWidget>(dialog, "fileProgressTable");
    auto shard_progress = [files] {
      for (int row = 0; row < files->rowCount(); ++row)
        if (files->item(row, 0) && files->item(row, 0)->text() == kShard1)
          if (auto* bar = qobject_cast<QProgressBar*>(files->cellWidget(row, 2))) return bar->value();
      return -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(hub.bytes_sent(kShard1) == size / 2 && shard_progress() >= 490, 20000);
    QVERIFY(shard_progress() < 1000);
    auto* cancel = child<QPushButton>(dialog, "cancelDownloadButton");
    QVERIFY(cancel->isEnabled());
    cancel->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isDownloading(), 20000);
    QCOMPARE(downloaded.count(), 0);
    const QString status = child<QLabel>(dialog, "downloadStatus")->text();
    QVERIFY2(status.contains("download cancelled"), qPrintable(status));
    QCOMPARE(QFileInfo(part).size(), size / 2);  // kept
    QVERIFY(!QFile::exists(out + "/" + kShard1));  // the folder does not look complete

    child<QPushButton>(dialog, "startDownloadButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isDownloading(), 60000);
    QVERIFY2(downloaded.count() == 1, qPrintable(child<QLabel>(dialog, "downloadStatus")->text()));
    verify_complete_copy(out);
    // The rest only: half the file the first time, the other half after a Range request.
    QCOMPARE(hub.bytes_sent(kShard1), size);
    const auto shard_requests = hub.requests("cdn", kShard1);
    QVERIFY(shard_requests.size() >= 2);
    QCOMPARE(shard_requests.last()["range"].toString(), QString("bytes=%1-").arg(size / 2));

    // The parent of the folder is scanned now, and the model listed.
    QTRY_VERIFY_WITH_TIMEOUT(fixture.session.modelFolders().contains(QFileInfo(out).absolutePath()), 5000);
    QVERIFY(fixture.session.modelFolders().contains(scanned));
    auto* table = child<QTableWidget>(&page, "modelTable");
    QTRY_VERIFY_WITH_TIMEOUT(!page.isScanning() && row_of(table, "tiny") >= 0, 30000);
  }
};

QTEST_MAIN(TestUiDownload)
#include "test_ui_download.moc"
