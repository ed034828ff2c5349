// The whole flow a newcomer follows, in the real window on the built-in demo: the demo loads in one
// click, the dataset preview and histogram fill, training draws the chart and advances, stop and
// resume reach the end, and Chat shows the base model and the adapter answering differently.
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTextEdit>
#include <QtTest>

#include "app_session.h"
#include "chat_page.h"
#include "dataset_page.h"
#include "loss_chart.h"
#include "main_window.h"
#include "test_support.h"
#include "token_length_histogram.h"
#include "train_page.h"

using namespace ui;

namespace {

using test_support::child;

QPair<int, int> steps(TrainPage* page) {
  const QStringList parts = child<QLabel>(page, "stepLabel")->text().split('/');
  if (parts.size() != 2) return {-1, -1};
  return {parts[0].trimmed().toInt(), parts[1].trimmed().toInt()};
}

bool wait_until(const std::function<bool()>& done, int timeout_ms) {
  QElapsedTimer timer;
  timer.start();
  while (!done() && timer.elapsed() < timeout_ms) QTest::qWait(20);
  return done();
}

}  // namespace

class TestUiFlow : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).removeRecursively();
  }

  void the_whole_flow_on_the_demo() {
    QSettings settings(tmp_.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("demo/offered", true);  // the test asks for the demo itself, as Help → Run the demo
    AppSession session(&settings);
    MainWindow window(&session);
    window.resize(1400, 900);
    window.show();

    // 1. One click: the demo model is made and loaded, the dataset opened, the Train page filled.
    window.runDemo();
    QTRY_VERIFY_WITH_TIMEOUT(session.modelState() == AppSession::ModelState::Loaded, 180000);
    QTRY_COMPARE_WITH_TIMEOUT(window.currentPage(), QString("train"), 10000);
    QVERIFY(session.datasetPath().endsWith("demo_dataset.json"));

    // 2. The dataset preview: every record, the histogram, the prompt of the first record.
    window.showPage("dataset");
    auto* table = child<QTableView>(window.datasetPage(), "recordsTable");
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 316, 60000);
    auto* histogram = child<TokenLengthHistogram>(window.datasetPage(), "lengthHistogram");
    QTRY_COMPARE_WITH_TIMEOUT(histogram->examples(), int64_t(316), 60000);
    QCOMPARE(histogram->examplesOverCutoff(), int64_t(0));
    QVERIFY(histogram->plottedExamples() == 316.0);
    table->selectRow(0);
    QTRY_VERIFY(child<QTextEdit>(window.datasetPage(), "promptView")->toPlainText().contains("### Response:"));

    // 3. Train: a short run, stopped midway, then resumed to the end, the chart following.
    window.showPage("train");
    TrainPage* train = window.trainPage();
    child<QSpinBox>(train, "maxSteps")->setValue(24);
    auto* start = child<QPushButton>(train, "startButton");
    QVERIFY2(start->isEnabled(), qPrintable(child<QLabel>(train, "startProblem")->text()));
    QTest::mouseClick(start, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(session.isTraining(), 10000);
    // Stop at once: the run stops after the step in progress (the first), however fast the steps go
    // (waiting for chart points first raced a busy machine's event loop against the worker).
    QTest::mouseClick(child<QPushButton>(train, "stopButton"), Qt::LeftButton);
    QVERIFY(wait_until([&] { return !session.isTraining(); }, 120000));
    const auto [stopped_at, total] = steps(train);
    QCOMPARE(total, 24);
    QVERIFY2(stopped_at > 0 && stopped_at < total, qPrintable(QString("%1 of %2").arg(stopped_at).arg(total)));
    auto* resume = child<QPushButton>(train, "resumeButton");
    // Enabled once the training thread has wound down, a moment after the run reports its end.
    QTRY_VERIFY_WITH_TIMEOUT(resume->isEnabled(), 10000);
    QTest::mouseClick(resume, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(session.isTraining(), 10000);
    QVERIFY(wait_until([&] { return !session.isTraining(); }, 180000));
    QCOMPARE(steps(train), qMakePair(24, 24));
    QCOMPARE(train->chart()->lossPointCount(), 24);
    QVERIFY(QFileInfo::exists(session.adapterDir() + "/adapter_model.safetensors"));

    // 4. Chat: the same question, greedy, to the base model and to the model with the new adapter.
    window.showPage("chat");
    ChatPage* chat = window.chatPage();
    child<QDoubleSpinBox>(chat, "temperature")->setValue(0.0);
    child<QSpinBox>(chat, "max_new_tokens")->setValue(16);
    child<QPlainTextEdit>(chat, "prompt_edit")->setPlainText(table->model()->index(0, 1).data().toString());
    auto* send = child<QPushButton>(chat, "send_button");
    QTRY_VERIFY_WITH_TIMEOUT(send->isEnabled(), 10000);
    QTest::mouseClick(send, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(chat->isGenerating(), 5000);
    QVERIFY(wait_until([&] { return !chat->isGenerating(); }, 120000));
    const QString base = child<QTextBrowser>(chat, "base_transcript")->toPlainText();
    const QString adapted = child<QTextBrowser>(chat, "adapter_transcript")->toPlainText();
    QVERIFY2(!base.isEmpty() && !adapted.isEmpty(), qPrintable(base + " | " + adapted));
    QVERIFY2(base != adapted, qPrintable(base));
  }
};

QTEST_MAIN(TestUiFlow)
#include "test_ui_flow.moc"
