// The Train page driven as a user would: fill the panel, start a run on a tiny model and watch the
// chart and progress, stop and resume, refuse bad input, presets, reopening a run, suggested settings,
// and closing the window during a run.
#include "demo.h"
#include "tiny_model.h"
#include "training_log.h"
#include "training_settings.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <memory>

#include "app_session.h"
#include "hyperparameter_panel.h"
#include "language.h"
#include "loss_chart.h"
#include "test_support.h"
#include "run_notifier.h"
#include "train_page.h"
#include "train_page_fixture.h"

using ui::TrainPage;
using test_support::child;

class TestUiTrain : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  TrainPageFixture fixture_;
  const QString& model_dir_ = fixture_.model_dir;
  const QString& dataset_path_ = fixture_.dataset_path;
  std::unique_ptr<QSettings>& settings_ = fixture_.settings;
  std::unique_ptr<ui::AppSession>& session_ = fixture_.session;

  static int countLogLines(const QString& run_dir) {
    QFile file(QDir(run_dir).filePath("training_log.jsonl"));
    if (!file.open(QIODevice::ReadOnly)) return -1;
    int lines = 0;
    for (const QByteArray& line : file.readAll().split('\n'))
      if (!line.trimmed().isEmpty()) ++lines;
    return lines;
  }

  static QString logText(TrainPage* page) { return child<QPlainTextEdit>(page, "trainingLog")->toPlainText(); }

  // Step label "done / total" as numbers.
  static QPair<int, int> steps(TrainPage* page) {
    const QStringList parts = child<QLabel>(page, "stepLabel")->text().split('/');
    if (parts.size() != 2) return {-1, -1};
    return {parts[0].trimmed().toInt(), parts[1].trimmed().toInt()};
  }

  // A small, quick run: q and v, rank 4, 12 records in batches of 4.
  void fillPanel(TrainPage* page, const QString& name, int epochs) {
    child<QLineEdit>(page, "adapterName")->setText(name);
    child<QLineEdit>(page, "modelDir")->setText(model_dir_);
    child<QLineEdit>(page, "datasetPath")->setText(dataset_path_);
    child<QCheckBox>(page, "targetAllLinear")->setChecked(false);
    for (const char* m : {"target_q_proj", "target_v_proj"}) child<QCheckBox>(page, m)->setChecked(true);
    for (const char* m : {"target_k_proj", "target_o_proj", "target_gate_proj", "target_up_proj", "target_down_proj"})
      child<QCheckBox>(page, m)->setChecked(false);
    child<QSpinBox>(page, "rank")->setValue(4);
    child<QDoubleSpinBox>(page, "alpha")->setValue(8);
    child<QDoubleSpinBox>(page, "dropout")->setValue(0);
    child<QSpinBox>(page, "epochs")->setValue(epochs);
    child<QSpinBox>(page, "maxSteps")->setValue(0);
    child<QLineEdit>(page, "learningRate")->setText("1e-2");
    child<QSpinBox>(page, "microBatchSize")->setValue(2);
    child<QSpinBox>(page, "batchSize")->setValue(4);
    child<QSpinBox>(page, "cutoffLen")->setValue(64);
    child<QDoubleSpinBox>(page, "evalSplit")->setValue(0);
    child<QSpinBox>(page, "evalEvery")->setValue(0);
    child<QSpinBox>(page, "saveEvery")->setValue(0);
    child<QDoubleSpinBox>(page, "stopAtLoss")->setValue(0);
  }

  static QString adapterDir(const QString& name) { return QDir(ui::HyperparameterPanel::adaptersRoot()).filePath(name); }

  static bool waitUntilIdle(TrainPage* page, int timeout_ms = 60000) {
    QElapsedTimer timer;
    timer.start();
    while (page->isRunning() && timer.elapsed() < timeout_ms) QTest::qWait(20);
    return !page->isRunning();
  }

 private Q_SLOTS:
  void initTestCase() {
    fixture_.setUp(tmp_, [](int i) {
      return QStringLiteral("{\"instruction\": \"What is %1 plus %1?\", \"output\": \"It is %2.\"}").arg(i).arg(2 * i);
    });
  }

  void invalid_inputs_disable_start_with_a_reason() {
    TrainPage page(session_.get());
    fillPanel(&page, "checks", 1);
    auto* start = child<QPushButton>(&page, "startButton");
    auto* problem = child<QLabel>(&page, "startProblem");
    QVERIFY2(start->isEnabled(), qPrintable(problem->text()));

    child<QSpinBox>(&page, "batchSize")->setValue(3);  // micro-batch is 2
    QVERIFY(!start->isEnabled());
    QVERIFY(!problem->isHidden());
    QVERIFY2(problem->text().contains("multiple"), qPrintable(problem->text()));
    QVERIFY(!child<QLabel>(&page, "batchSizeHint")->isHidden());
    child<QSpinBox>(&page, "batchSize")->setValue(4);
    QVERIFY(start->isEnabled());
    QVERIFY(child<QLabel>(&page, "batchSizeHint")->isHidden());

    // A '.' typed into the name is refused on the spot, and the user is told why.
    auto* name = child<QLineEdit>(&page, "adapterName");
    name->clear();
    QTest::keyClicks(name, "my.adapter");
    QCOMPARE(name->text(), QString("myadapter"));
    QVERIFY(!child<QLabel>(&page, "adapterNameHint")->isHidden());
    // A name that arrives with a '.' anyway (pasted programmatically) blocks Start.
    name->setText("my.adapter");
    QVERIFY(!start->isEnabled());
    QVERIFY2(problem->text().contains("."), qPrintable(problem->text()));
    name->setText("");
    QVERIFY(!start->isEnabled());
    name->setText("checks");
    QVERIFY(start->isEnabled());

    // Rank and alpha cannot go to 0; a learning rate takes no letters.
    auto* rank = child<QSpinBox>(&page, "rank");
    rank->setValue(0);
    QCOMPARE(rank->value(), 1);
    auto* alpha = child<QDoubleSpinBox>(&page, "alpha");
    alpha->setValue(0);
    QVERIFY(alpha->value() > 0);
    auto* lr = child<QLineEdit>(&page, "learningRate");
    lr->clear();
    QTest::keyClicks(lr, "3xe-4");
    QCOMPARE(lr->text(), QString("3e-4"));
    QVERIFY(start->isEnabled());
    lr->setText("0");
    QVERIFY(!start->isEnabled());

    // No target module at all.
    lr->setText("3e-4");
    child<QCheckBox>(&page, "target_q_proj")->setChecked(false);
    child<QCheckBox>(&page, "target_v_proj")->setChecked(false);
    QVERIFY(!start->isEnabled());
    child<QCheckBox>(&page, "targetAllLinear")->setChecked(true);
    QVERIFY(start->isEnabled());
    QVERIFY(!child<QCheckBox>(&page, "target_q_proj")->isEnabled());

    // The base model and the dataset are checked as they are typed, the reason next to the field.
    auto* model = child<QLineEdit>(&page, "modelDir");
    auto* model_hint = child<QLabel>(&page, "modelDirHint");
    QVERIFY(model_hint->isHidden());
    const QString empty_folder = tmp_.filePath("empty-model");
    QVERIFY(QDir().mkpath(empty_folder));
    model->setText(empty_folder);
    QVERIFY(!start->isEnabled());
    QVERIFY(!child<QPushButton>(&page, "resumeButton")->isEnabled());
    QVERIFY(!model_hint->isHidden());
    QVERIFY2(model_hint->text().contains("config.json"), qPrintable(model_hint->text()));
    QCOMPARE(problem->text(), model_hint->text());
    // A model without its tokenizer: what Start used to find out only after loading.
    const QString no_tokenizer = tmp_.filePath("model-without-tokenizer");
    QVERIFY(QDir().mkpath(no_tokenizer));
    for (const QString& file : QDir(model_dir_).entryList(QDir::Files))
      if (!file.startsWith("tokenizer")) QVERIFY(QFile::copy(QDir(model_dir_).filePath(file), QDir(no_tokenizer).filePath(file)));
    model->setText(no_tokenizer);
    QVERIFY(!start->isEnabled());
    QVERIFY2(model_hint->text().contains("tokenizer.json"), qPrintable(model_hint->text()));
    model->setText(tmp_.filePath("no-such-model"));
    QVERIFY(!start->isEnabled());
    QVERIFY2(model_hint->text().contains("no such folder"), qPrintable(model_hint->text()));
    model->setText(model_dir_);
    QVERIFY(model_hint->isHidden());
    QVERIFY(start->isEnabled());
    auto* dataset = child<QLineEdit>(&page, "datasetPath");
    auto* dataset_hint = child<QLabel>(&page, "datasetPathHint");
    dataset->setText(tmp_.filePath("missing.jsonl"));
    QVERIFY(!start->isEnabled());
    QVERIFY(!dataset_hint->isHidden());
    QVERIFY2(dataset_hint->text().contains("missing.jsonl") && dataset_hint->text().contains("no such file"),
             qPrintable(dataset_hint->text()));
    dataset->setText(dataset_path_);
    QVERIFY(dataset_hint->isHidden());
    QVERIFY(start->isEnabled());

    // Before any run the progress bar shows no step count (it used to read "0 / 1 steps").
    QVERIFY(child<QProgressBar>(&page, "trainingProgress")->text().isEmpty());
    // No run, no evaluation: the legend does not list an evaluation loss.
    QVERIFY(!page.chart()->legendNames().contains("Evaluation loss"));

    // Every hyperparameter explains itself.
    for (const char* field : {"rank", "alpha", "dropout", "epochs", "learningRate", "scheduler", "warmupSteps",
                              "microBatchSize", "batchSize", "cutoffLen", "rawTextOverlap", "evalSplit", "evalEvery", "saveEvery",
                              "stopAtLoss", "seed", "precision", "gradientCheckpointing", "target_q_proj",
                              "targetAllLinear", "adapterName"})
      QVERIFY2(child<QWidget>(&page, field)->toolTip().size() > 40, field);
    QVERIFY(child<QSpinBox>(&page, "rank")->toolTip().contains("4-8"));
  }

  void training_fills_the_chart_and_saves_the_adapter() {
    TrainPage page(session_.get());
    fillPanel(&page, "run-a", 2);
    child<QDoubleSpinBox>(&page, "evalSplit")->setValue(0.25);
    child<QSpinBox>(&page, "evalEvery")->setValue(1);
    QSignalSpy training(session_.get(), &ui::AppSession::trainingChanged);
    QSignalSpy adapter(session_.get(), &ui::AppSession::adapterDirChanged);
    auto* start = child<QPushButton>(&page, "startButton");
    QVERIFY(start->isEnabled());
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY(session_->isTraining());
    QVERIFY(!start->isEnabled());
    QVERIFY(child<QPushButton>(&page, "stopButton")->isEnabled());
    QVERIFY(!child<QWidget>(&page, "hyperparameters")->isEnabled());
    QTRY_VERIFY2_WITH_TIMEOUT(page.chart()->lossPointCount() > 0, qPrintable(logText(&page)), 30000);
    QVERIFY2(waitUntilIdle(&page), qPrintable(logText(&page)));
    QVERIFY(!session_->isTraining());
    QCOMPARE(training.count(), 2);
    QCOMPARE(training.at(0).at(0).toBool(), true);
    QCOMPARE(training.at(1).at(0).toBool(), false);

    const auto [done, total] = steps(&page);
    QVERIFY(total > 0);
    QCOMPARE(done, total);
    const QString dir = adapterDir("run-a");
    QVERIFY(QFileInfo::exists(dir + "/adapter_config.json"));
    QVERIFY(QFileInfo::exists(dir + "/adapter_model.safetensors"));
    QCOMPARE(page.chart()->lossPointCount(), countLogLines(dir));
    QCOMPARE(page.chart()->lossPointCount(), total);
    QCOMPARE(page.chart()->learningRatePointCount(), total);
    QCOMPARE(page.chart()->evalPointCount(), total);  // evaluated every step
    QVERIFY(page.chart()->legendNames().contains("Evaluation loss"));
    QCOMPARE(child<QProgressBar>(&page, "trainingProgress")->text(), QString("%1 / %1 steps").arg(total));
    QVERIFY(!child<QPushButton>(&page, "resumeButton")->isEnabled());
    QCOMPARE(session_->adapterDir(), dir);
    QCOMPARE(adapter.count(), 1);
    QVERIFY(child<QPlainTextEdit>(&page, "trainingLog")->toPlainText().contains("done"));
    QVERIFY(start->isEnabled());

    // The chart's controls: log scale, PNG.
    page.chart()->setLogScale(true);
    QVERIFY(page.chart()->logScale());
    QVERIFY(child<QCheckBox>(&page, "logScale")->isChecked());
    const QString png = tmp_.filePath("chart.png");
    QVERIFY(page.chart()->savePng(png));
    QVERIFY(QFileInfo(png).size() > 1000);
  }

  void checkpoints_are_markers_with_chat_export_and_continue() {
    TrainPage page(session_.get());
    fillPanel(&page, "run-ckpt", 2);  // 12 records, batches of 4: 3 steps an epoch, 6 in all
    child<QSpinBox>(&page, "saveEvery")->setValue(2);
    // The window is in the background and the run counts as long: it ends with a notification.
    page.notifier()->setWindowActivePredicate([] { return false; });
    page.notifier()->setTrayAvailablePredicate([] { return false; });
    page.notifier()->setMinimumRunSeconds(0);
    QTest::mouseClick(child<QPushButton>(&page, "startButton"), Qt::LeftButton);
    QVERIFY2(waitUntilIdle(&page), qPrintable(logText(&page)));
    QCOMPARE(page.notifier()->lastNotification().title, QString("Training finished"));
    QVERIFY(page.notifier()->lastNotification().text.contains("run-ckpt"));

    // The periodic checkpoints (steps 2 and 4; the end is the adapter itself) are on the chart.
    const QString run = adapterDir("run-ckpt");
    QCOMPARE(page.chart()->checkpointSteps(), (QList<qint64>{2, 4}));
    // Reopened, the run shows them again.
    TrainPage reopened(session_.get());
    QVERIFY(reopened.openRun(run));
    QCOMPARE(reopened.chart()->checkpointSteps(), (QList<qint64>{2, 4}));

    // Chat with a checkpoint: it becomes the session's adapter and the Chat page is asked for.
    QSignalSpy pages(session_.get(), &ui::AppSession::pageRequested);
    Q_EMIT page.chart()->checkpointActionRequested(4, ui::LossChart::CheckpointAction::Chat);
    QCOMPARE(session_->adapterDir(), run + "/checkpoint-4");
    QCOMPARE(pages.takeLast().at(0).toString(), QString("chat"));
    Q_EMIT page.chart()->checkpointActionRequested(2, ui::LossChart::CheckpointAction::Export);
    QCOMPARE(session_->adapterDir(), run + "/checkpoint-2");
    QCOMPARE(pages.takeLast().at(0).toString(), QString("export"));

    // Continue from step 2 as a new run: its own folder, started from the checkpoint's weights.
    Q_EMIT page.chart()->checkpointActionRequested(2, ui::LossChart::CheckpointAction::ContinueAsNewRun);
    QCOMPARE(child<QLineEdit>(&page, "adapterName")->text(), QString("run-ckpt-from-2"));
    QCOMPARE(page.initialAdapter(), run + "/checkpoint-2");
    QVERIFY(child<QLabel>(&page, "initialAdapter")->isVisibleTo(&page));
    QCOMPARE(child<QSpinBox>(&page, "saveEvery")->value(), 2);  // the run's own parameters
    child<QSpinBox>(&page, "epochs")->setValue(1);
    QTest::mouseClick(child<QPushButton>(&page, "startButton"), Qt::LeftButton);
    QVERIFY2(waitUntilIdle(&page), qPrintable(logText(&page)));
    QVERIFY(page.initialAdapter().isEmpty());  // the next run starts fresh again
    QFile parameters(adapterDir("run-ckpt-from-2") + "/training_parameters.json");
    QVERIFY(parameters.open(QIODevice::ReadOnly));
    const QJsonObject saved = QJsonDocument::fromJson(parameters.readAll()).object();
    QCOMPARE(saved.value("init_adapter").toString(), run + "/checkpoint-2");
    // Starting from the trained weights, the new run's first loss is the old run's loss near step 2,
    // far below the first loss of the fresh run.
    const auto first_loss = [](const QString& dir) {
      QFile log(dir + "/training_log.jsonl");
      return log.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(log.readLine()).object().value("loss").toDouble() : -1;
    };
    QVERIFY2(first_loss(adapterDir("run-ckpt-from-2")) < first_loss(run),
             qPrintable(QString("%1 vs %2").arg(first_loss(adapterDir("run-ckpt-from-2"))).arg(first_loss(run))));

    // "Start fresh instead" drops the checkpoint.
    QCOMPARE(page.chart()->checkpointSteps(), (QList<qint64>{2}));  // the new run's own
    Q_EMIT page.chart()->checkpointActionRequested(2, ui::LossChart::CheckpointAction::ContinueAsNewRun);
    QCOMPARE(child<QLineEdit>(&page, "adapterName")->text(), QString("run-ckpt-from-2-from-2"));
    QVERIFY(!page.initialAdapter().isEmpty());
    QVERIFY(page.chart()->checkpointSteps().isEmpty());  // the new run's folder has none yet
    QTest::mouseClick(child<QPushButton>(&page, "startFreshButton"), Qt::LeftButton);
    QVERIFY(page.initialAdapter().isEmpty());
    QVERIFY(!child<QLabel>(&page, "initialAdapter")->isVisibleTo(&page));
  }

  void reopened_run_shows_the_same_points() {
    const QString dir = adapterDir("run-a");
    const int lines = countLogLines(dir);
    QVERIFY(lines > 0);
    TrainPage page(session_.get());
    QString error;
    QVERIFY2(page.openRun(dir, &error), qPrintable(error));
    QCOMPARE(page.chart()->lossPointCount(), lines);
    QCOMPARE(page.chart()->evalPointCount(), lines);
    QCOMPARE(steps(&page), qMakePair(lines, lines));
    QCOMPARE(child<QLineEdit>(&page, "adapterName")->text(), QString("run-a"));

    // Typing the name of a run that exists shows it too.
    TrainPage other(session_.get());
    child<QLineEdit>(&other, "adapterName")->setText("something-new");
    QCOMPARE(other.chart()->lossPointCount(), 0);
    child<QLineEdit>(&other, "adapterName")->setText("run-a");
    QCOMPARE(other.chart()->lossPointCount(), lines);

    // A folder that holds no run is refused with a reason.
    QVERIFY(!page.openRun(tmp_.path(), &error));
    QVERIFY(error.contains("training_log.jsonl"));
    QTRY_VERIFY(page.findChild<QMessageBox*>("trainErrorBox"));
  }

  void stop_saves_and_resume_continues_to_the_end() {
    TrainPage page(session_.get());
    fillPanel(&page, "run-b", 150);  // 450 short steps: long enough to stop midway
    QTest::mouseClick(child<QPushButton>(&page, "startButton"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(page.chart()->lossPointCount() >= 3, qPrintable(logText(&page)), 30000);
    QTest::mouseClick(child<QPushButton>(&page, "stopButton"), Qt::LeftButton);
    QVERIFY(!child<QPushButton>(&page, "stopButton")->isEnabled());
    QVERIFY2(waitUntilIdle(&page), qPrintable(logText(&page)));
    const QString dir = adapterDir("run-b");
    const auto [stopped_at, total] = steps(&page);
    QVERIFY2(stopped_at > 0 && stopped_at < total, qPrintable(QString("%1 of %2").arg(stopped_at).arg(total)));
    QVERIFY(QFileInfo::exists(dir + "/adapter_model.safetensors"));
    QVERIFY(QFileInfo::exists(dir + "/checkpoint-" + QString::number(stopped_at)));
    QCOMPARE(countLogLines(dir), stopped_at);
    QCOMPARE(session_->adapterDir(), dir);

    QVERIFY(!page.chart()->legendNames().contains("Evaluation loss"));  // no eval split
    QVERIFY(page.chart()->legendNames().contains("Training loss"));

    auto* resume = child<QPushButton>(&page, "resumeButton");
    QVERIFY(resume->isEnabled());
    QTest::mouseClick(resume, Qt::LeftButton);
    QVERIFY(page.isRunning());
    QVERIFY2(waitUntilIdle(&page), qPrintable(logText(&page)));
    QCOMPARE(steps(&page), qMakePair(total, total));
    QVERIFY(child<QPlainTextEdit>(&page, "trainingLog")->toPlainText().contains("resuming from"));
    // Resume adds to the log: the start of the run and its stop are still there.
    QVERIFY2(logText(&page).contains("Training a new adapter in") && logText(&page).contains("Stopping"),
             qPrintable(logText(&page)));
    // Finished: nothing to resume, and (checkpoints only at the end) the stop's checkpoint is gone.
    QVERIFY(!resume->isEnabled());
    QVERIFY(!QFileInfo::exists(dir + "/checkpoint-" + QString::number(stopped_at)));
    QCOMPARE(countLogLines(dir), total);
    QCOMPARE(page.chart()->lossPointCount(), total);
    // The log has each step once, in order, across the stop.
    const auto entries = lora::read_training_log((dir + "/training_log.jsonl").toStdString());
    for (size_t i = 0; i < entries.size(); ++i) QCOMPARE(entries[i].step, int64_t(i + 1));
  }

  // Out of memory mid-run (injected as CUDA's allocator raises it): the page says so with the advice,
  // the window stays usable, the last checkpoint is offered for Resume, and resuming finishes the run.
  void out_of_memory_stops_the_run_and_offers_resume() {
    TrainPage page(session_.get());
    fillPanel(&page, "run-oom", 2);  // 6 steps
    child<QSpinBox>(&page, "saveEvery")->setValue(2);
    qputenv("LORA_STUDIO_INJECT_OOM_AT_STEP", "5");
    QTest::mouseClick(child<QPushButton>(&page, "startButton"), Qt::LeftButton);
    const bool idle = waitUntilIdle(&page);
    qunsetenv("LORA_STUDIO_INJECT_OOM_AT_STEP");
    QVERIFY2(idle, qPrintable(logText(&page)));
    QVERIFY(!session_->isTraining());
    QVERIFY2(logText(&page).contains("out of GPU memory") && logText(&page).contains("checkpoint-4"),
             qPrintable(logText(&page)));
    auto* box = page.findChild<QMessageBox*>("trainErrorBox");
    QVERIFY(box && box->isVisible());
    QVERIFY2(box->text().contains("micro-batch-size"), qPrintable(box->text()));
    box->close();
    auto* resume = child<QPushButton>(&page, "resumeButton");
    QVERIFY(resume->isEnabled());
    QVERIFY(child<QPushButton>(&page, "startButton")->isEnabled());
    QTest::mouseClick(resume, Qt::LeftButton);
    QVERIFY2(waitUntilIdle(&page), qPrintable(logText(&page)));
    QCOMPARE(steps(&page), qMakePair(6, 6));
    QVERIFY(QFileInfo::exists(adapterDir("run-oom") + "/adapter_model.safetensors"));
    // Periodic checkpoints stay, but the run is finished: Resume is not offered (it used to retrain
    // from checkpoint-4 and overwrite the finished adapter), not here and not on reopening it.
    QVERIFY(QFileInfo::exists(adapterDir("run-oom") + "/checkpoint-4"));
    QVERIFY(!resume->isEnabled());
    TrainPage reopened(session_.get());
    child<QLineEdit>(&reopened, "adapterName")->setText("run-oom");
    QCOMPARE(steps(&reopened), qMakePair(6, 6));
    QVERIFY(!child<QPushButton>(&reopened, "resumeButton")->isEnabled());
    QVERIFY(child<QPushButton>(&reopened, "startButton")->isEnabled());
    // Start over it asks first, naming the folder, and does not offer to resume.
    QTest::mouseClick(child<QPushButton>(&reopened, "startButton"), Qt::LeftButton);
    auto* question = reopened.findChild<QMessageBox*>("overwriteQuestion");
    QVERIFY(question && question->isVisible());
    QVERIFY2(question->text().contains(QDir::toNativeSeparators(adapterDir("run-oom"))), qPrintable(question->text()));
    QVERIFY(!question->findChild<QPushButton*>("resumeInsteadButton"));
    question->button(QMessageBox::Cancel)->click();
    QVERIFY(!reopened.isRunning());
  }

  void starting_over_an_existing_adapter_asks_first() {
    TrainPage page(session_.get());
    fillPanel(&page, "run-a", 1);
    const QString dir = adapterDir("run-a");
    const int lines_before = countLogLines(dir);
    QTest::mouseClick(child<QPushButton>(&page, "startButton"), Qt::LeftButton);
    QMessageBox* question = page.findChild<QMessageBox*>("overwriteQuestion");
    QVERIFY(question);
    QVERIFY(question->isVisible());
    question->button(QMessageBox::Cancel)->click();
    QVERIFY(!page.isRunning());
    QTRY_VERIFY(!page.findChild<QMessageBox*>("overwriteQuestion"));
    QCOMPARE(countLogLines(dir), lines_before);

    QTest::mouseClick(child<QPushButton>(&page, "startButton"), Qt::LeftButton);
    question = page.findChild<QMessageBox*>("overwriteQuestion");
    QVERIFY(question);
    child<QPushButton>(question, "overwriteButton")->click();
    QVERIFY(page.isRunning());
    QVERIFY2(waitUntilIdle(&page), qPrintable(logText(&page)));
    const auto [done, total] = steps(&page);
    QCOMPARE(done, total);
    QCOMPARE(countLogLines(dir), total);  // 1 epoch now: the old log is gone
    QVERIFY(total < lines_before);
    QVERIFY(QFileInfo::exists(dir + "/adapter_config.json"));
  }

  void preset_round_trips_and_parameters_copy_from_an_adapter() {
    const QString preset = tmp_.filePath("preset.json");
    {
      TrainPage page(session_.get());
      fillPanel(&page, "preset-test", 3);
      child<QSpinBox>(&page, "rank")->setValue(12);
      child<QDoubleSpinBox>(&page, "alpha")->setValue(24);
      child<QLineEdit>(&page, "learningRate")->setText("2e-4");
      auto* scheduler = child<QComboBox>(&page, "scheduler");
      scheduler->setCurrentIndex(scheduler->findData("cosine"));
      child<QSpinBox>(&page, "warmupSteps")->setValue(7);
      child<QCheckBox>(&page, "target_k_proj")->setChecked(true);
      child<QCheckBox>(&page, "gradientCheckpointing")->setChecked(true);
      auto* precision = child<QComboBox>(&page, "precision");
      precision->setCurrentIndex(precision->findData("float32"));
      QString error;
      QVERIFY2(page.savePreset(preset, &error), qPrintable(error));
    }
    TrainPage page(session_.get());
    fillPanel(&page, "preset-test", 1);  // different values
    QString error;
    QVERIFY2(page.loadPreset(preset, &error), qPrintable(error));
    QCOMPARE(child<QSpinBox>(&page, "rank")->value(), 12);
    QCOMPARE(child<QDoubleSpinBox>(&page, "alpha")->value(), 24.0);
    QCOMPARE(child<QSpinBox>(&page, "epochs")->value(), 3);
    QCOMPARE(child<QLineEdit>(&page, "learningRate")->text(), QString("2e-4"));
    QCOMPARE(child<QComboBox>(&page, "scheduler")->currentData().toString(), QString("cosine"));
    QCOMPARE(child<QSpinBox>(&page, "warmupSteps")->value(), 7);
    QVERIFY(child<QCheckBox>(&page, "target_k_proj")->isChecked());
    QVERIFY(child<QCheckBox>(&page, "gradientCheckpointing")->isChecked());
    QCOMPARE(child<QComboBox>(&page, "precision")->currentData().toString(), QString("float32"));
    QCOMPARE(child<QLineEdit>(&page, "adapterName")->text(), QString("preset-test"));  // the name stays

    // A broken preset is refused with the reason, and the panel keeps its values.
    QFile broken(tmp_.filePath("broken.json"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"rank\": 8, \"rnak\": 3}");
    broken.close();
    QVERIFY(!page.loadPreset(broken.fileName(), &error));
    QVERIFY2(error.contains("rnak"), qPrintable(error));
    QCOMPARE(child<QSpinBox>(&page, "rank")->value(), 12);

    // Copy from the adapter trained above (rank 4, q and v).
    QVERIFY2(page.copyParametersFrom(adapterDir("run-a"), &error), qPrintable(error));
    QCOMPARE(child<QSpinBox>(&page, "rank")->value(), 4);
    QVERIFY(!child<QCheckBox>(&page, "target_k_proj")->isChecked());
    QVERIFY(!page.copyParametersFrom(tmp_.path(), &error));
  }

  // Raw text is cut into blocks of the cutoff that overlap by this many tokens: the field never offers
  // an overlap the cutoff leaves no room for (the run would refuse to start), and a preset carries it.
  void raw_text_overlap_stays_below_the_cutoff() {
    TrainPage page(session_.get());
    fillPanel(&page, "overlap-test", 1);
    auto* cutoff = child<QSpinBox>(&page, "cutoffLen");
    auto* overlap = child<QSpinBox>(&page, "rawTextOverlap");
    cutoff->setValue(512);
    overlap->setValue(200);
    QCOMPARE(overlap->value(), 200);
    cutoff->setValue(100);  // blocks of 99 tokens after the BOS: at most 98 of them repeated
    QCOMPARE(overlap->maximum(), 98);
    QCOMPARE(overlap->value(), 98);
    overlap->setValue(32);
    const QString preset = tmp_.filePath("overlap-preset.json");
    QString error;
    QVERIFY2(page.savePreset(preset, &error), qPrintable(error));
    QFile file(preset);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY2(file.readAll().contains("\"raw_text_overlap\": 32"), "the preset keeps the overlap");
    overlap->setValue(0);
    QVERIFY2(page.loadPreset(preset, &error), qPrintable(error));
    QCOMPARE(overlap->value(), 32);
  }

  void parameters_persist_in_the_settings() {
    {
      TrainPage page(session_.get());
      fillPanel(&page, "remembered", 5);
      child<QSpinBox>(&page, "rank")->setValue(6);
    }
    TrainPage page(session_.get());
    QCOMPARE(child<QLineEdit>(&page, "adapterName")->text(), QString("remembered"));
    QCOMPARE(child<QSpinBox>(&page, "rank")->value(), 6);
    QCOMPARE(child<QSpinBox>(&page, "epochs")->value(), 5);
    QCOMPARE(child<QLineEdit>(&page, "modelDir")->text(), model_dir_);
  }

  void suggested_settings_fill_the_panel() {
    TrainPage page(session_.get());
    const lora::TrainingSettings demo =
        lora::demo_training_settings(model_dir_.toStdString(), dataset_path_.toStdString(), "/somewhere/demo-adapter");
    session_->suggestTrainingSettings(QString::fromStdString(lora::training_settings_to_json(demo)));
    QCOMPARE(child<QLineEdit>(&page, "adapterName")->text(), QString("demo-adapter"));
    QCOMPARE(child<QSpinBox>(&page, "rank")->value(), int(demo.rank));
    QCOMPARE(child<QSpinBox>(&page, "epochs")->value(), int(demo.epochs));
    QVERIFY(child<QCheckBox>(&page, "targetAllLinear")->isChecked());
    QCOMPARE(child<QLineEdit>(&page, "learningRate")->text(), QString("5e-3"));
    QCOMPARE(child<QSpinBox>(&page, "microBatchSize")->value(), int(demo.micro_batch_size));
    QCOMPARE(child<QLineEdit>(&page, "datasetPath")->text(), dataset_path_);
    QVERIFY(child<QPushButton>(&page, "startButton")->isEnabled());
    QCOMPARE(page.panel()->outputDir(), adapterDir("demo-adapter"));
    // The page itself says what to do next (the status bar message is soon replaced).
    auto* hint = child<QLabel>(&page, "startHint");
    QVERIFY(!hint->isHidden());
    QVERIFY2(hint->text().contains("press Start training"), qPrintable(hint->text()));
  }

  void closing_during_training_stops_and_saves() {
    TrainPage page(session_.get());
    fillPanel(&page, "run-close", 150);
    QTest::mouseClick(child<QPushButton>(&page, "startButton"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(page.chart()->lossPointCount() >= 2, qPrintable(logText(&page)), 30000);
    // Answer the question "Stop training and quit?" with Yes once it shows.
    QTimer answer;
    connect(&answer, &QTimer::timeout, this, [&answer] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      if (!box) return;
      answer.stop();
      box->button(QMessageBox::Yes)->click();
    });
    answer.start(20);
    QVERIFY(page.confirmClose());
    QVERIFY(!page.isRunning());
    QVERIFY(!session_->isTraining());
    const QString dir = adapterDir("run-close");
    QVERIFY(QFileInfo::exists(dir + "/adapter_model.safetensors"));
    const auto [done, total] = steps(&page);
    QVERIFY(done < total);
  }

  // Last: the translators stay installed once loaded.
  void page_speaks_chinese() {
    QVERIFY(ui::installTranslations(*qApp, "zh_CN") > 0);
    TrainPage page(session_.get());
    QCOMPARE(child<QPushButton>(&page, "startButton")->text(), QString::fromUtf8("开始训练"));
    QVERIFY(child<QSpinBox>(&page, "rank")->toolTip().contains(QString::fromUtf8("秩")));
    QVERIFY(child<QLineEdit>(&page, "learningRate")->toolTip().contains(QString::fromUtf8("学习率")));
    child<QLineEdit>(&page, "adapterName")->setText("a.b");
    QVERIFY(child<QLabel>(&page, "startProblem")->text().contains(QString::fromUtf8("适配器名称")));
    child<QLineEdit>(&page, "adapterName")->setText("ab");
    child<QLineEdit>(&page, "datasetPath")->setText(tmp_.filePath("missing.jsonl"));
    QVERIFY2(child<QLabel>(&page, "datasetPathHint")->text().contains(QString::fromUtf8("没有这个文件")),
             qPrintable(child<QLabel>(&page, "datasetPathHint")->text()));
    const lora::TrainingSettings demo =
        lora::demo_training_settings(model_dir_.toStdString(), dataset_path_.toStdString(), "/somewhere/demo-adapter");
    session_->suggestTrainingSettings(QString::fromStdString(lora::training_settings_to_json(demo)));
    QVERIFY2(child<QLabel>(&page, "startHint")->text().contains(QString::fromUtf8("开始训练")),
             qPrintable(child<QLabel>(&page, "startHint")->text()));
  }

  void cleanupTestCase() { QDir(ui::HyperparameterPanel::adaptersRoot()).removeRecursively(); }
};

QTEST_MAIN(TestUiTrain)
#include "test_ui_train.moc"
