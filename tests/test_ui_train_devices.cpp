// The Train page's "Devices": a run as two CPU processes of lora-studio-cli, driven as a user would
// (pick "CPU processes", Start, Stop, Resume), showing the same chart, numbers and adapter as a run in
// the window's own process, plus the tokens/s of each rank; Stop leaves no process behind and a
// checkpoint to resume from. And the window's settings -> CLI options give the CLI the same settings,
// all of them (Adam's betas and epsilon, the raw-text overlap too).
#include "tiny_model.h"
#include "training_checkpoint.h"
#include "training_log.h"
#include "training_settings.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include <signal.h>

#include "app_session.h"
#include "hyperparameter_panel.h"
#include "loss_chart.h"
#include "run_history_view.h"
#include "test_support.h"
#include "train_page.h"
#include "train_page_fixture.h"
#include "training_cli_arguments.h"
#include "training_devices_choice.h"

using test_support::child;
using ui::TrainPage;

namespace {

// The processes whose command line names `needle` (the run's folder): ours, not another test's.
QStringList processesNaming(const QString& needle) {
  QStringList found;
  for (const QString& pid : QDir("/proc").entryList(QDir::Dirs)) {
    bool numeric = false;
    pid.toLongLong(&numeric);
    if (!numeric) continue;
    QFile cmdline("/proc/" + pid + "/cmdline");
    if (!cmdline.open(QIODevice::ReadOnly)) continue;
    const QByteArray words = cmdline.readAll();
    if (words.contains(needle.toUtf8())) found << pid + ": " + QString::fromUtf8(words).replace(QChar(0), ' ');
  }
  return found;
}

// The pid of the rank `rank` among the processes of `processes` (their environment says RANK=N).
qint64 rankProcess(const QStringList& processes, int rank) {
  for (const QString& process : processes) {
    const QString pid = process.section(':', 0, 0);
    QFile environ("/proc/" + pid + "/environ");
    if (environ.open(QIODevice::ReadOnly) && environ.readAll().split('\0').contains("RANK=" + QByteArray::number(rank)))
      return pid.toLongLong();
  }
  return -1;
}

QString readText(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

}  // namespace

class TestUiTrainDevices : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  TrainPageFixture fixture_;
  const QString& model_dir_ = fixture_.model_dir;
  const QString& dataset_path_ = fixture_.dataset_path;
  std::unique_ptr<ui::AppSession>& session_ = fixture_.session;

  static QString logText(TrainPage* page) { return child<QPlainTextEdit>(page, "trainingLog")->toPlainText(); }
  static QString adapterDir(const QString& name) { return QDir(ui::HyperparameterPanel::adaptersRoot()).filePath(name); }

  // A small, quick run (q and v, rank 4, 12 records in batches of 4), set as "Load preset" sets it.
  void fillPanel(TrainPage* page, const QString& name, int epochs) {
    lora::TrainingSettings s;
    s.model_dir = model_dir_.toStdString();
    s.dataset_path = dataset_path_.toStdString();
    s.target_modules = {"q_proj", "v_proj"};
    s.rank = 4;
    s.alpha = 8;
    s.dropout = 0;
    s.epochs = epochs;
    s.learning_rate = 1e-2;
    s.micro_batch_size = 2;
    s.batch_size = 4;
    s.cutoff_len = 64;
    page->panel()->setSettings(s);
    page->panel()->setAdapterName(name);
  }

  static void chooseCpuProcesses(TrainPage* page, int count) {
    auto* devices = child<QComboBox>(page, "devicesChoice");
    devices->setCurrentIndex(devices->findData("cpu_processes"));
    child<QSpinBox>(page, "cpuProcesses")->setValue(count);
  }

  static bool waitUntilIdle(TrainPage* page, int timeout_ms = 60000) {
    QElapsedTimer timer;
    timer.start();
    while (page->isRunning() && timer.elapsed() < timeout_ms) QTest::qWait(20);
    return !page->isRunning();
  }

  static int lastLoggedStep(const QString& run_dir) {
    const auto entries = lora::read_training_log(QDir(run_dir).filePath("training_log.jsonl").toStdString());
    return entries.empty() ? -1 : static_cast<int>(entries.back().step);
  }

 private Q_SLOTS:
  void initTestCase() {
    fixture_.setUp(tmp_, [](int i) {
      const QString count = QStringList({"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}).mid(0, i + 1).join(' ');
      return QStringLiteral("{\"instruction\": \"Count to %1.\", \"output\": \"%2\"}").arg(i + 1).arg(count);
    });
  }

  // The options the window gives the CLI make the CLI train with exactly the window's settings: every
  // setting off its default, through the CLI's own parser, read back from the training_parameters.json
  // the CLI writes.
  void settings_become_the_same_cli_settings() {
    lora::TrainingSettings s = lora::training_settings_from_json(R"({
      "format": "chat", "chat_template": "chatml", "target_modules": ["q_proj", "k_proj", "v_proj"], "rank": 4,
      "alpha": 12.5, "dropout": 0.1, "use_rslora": true, "use_dora": true, "lora_plus_ratio": 4, "epochs": 2,
      "max_steps": 1, "learning_rate": 2.5e-3, "scheduler": "cosine", "warmup_steps": 1, "optimizer": "sgd",
      "weight_decay": 0.01, "adam_beta1": 0.8, "adam_beta2": 0.95, "adam_epsilon": 1e-6, "max_grad_norm": 0.5,
      "micro_batch_size": 2, "batch_size": 4, "cutoff_len": 48, "drop_long": true, "train_on_prompt": true,
      "add_eos": false, "skip_bad_records": true, "group_by_length": false, "raw_text_overlap": 16,
      "eval_split": 0.25, "eval_every": 1, "eval_samples": 1, "eval_sample_tokens": 4, "save_every": 1,
      "log_every": 2, "stop_at_loss": 0.001, "seed": 1234, "device": "cpu", "precision": "float32",
      "gradient_checkpointing": true, "threads": 1})",
                                                                 "the window's settings");
    s.model_dir = model_dir_.toStdString();
    s.dataset_path = dataset_path_.toStdString();
    s.output_dir = tmp_.filePath("flags run").toStdString();  // a space, as in a user's folder
    const auto run = test_support::run_cli(QStringList{"train"} + ui::trainingCliArguments(s) + QStringList{"--quiet"});
    QVERIFY2(run.exit_code == 0, run.err.constData());
    const QString saved = readText(QDir(QString::fromStdString(s.output_dir)).filePath("training_parameters.json"));
    QVERIFY(!saved.isEmpty());
    const lora::TrainingSettings back = lora::training_settings_from_json(saved.toStdString(), "training_parameters.json");
    QCOMPARE(QString::fromStdString(lora::training_settings_to_json(back)),
             QString::fromStdString(lora::training_settings_to_json(s)));
    // The other way round from the defaults: nothing is left to the CLI's own defaults.
    lora::TrainingSettings defaults;
    defaults.model_dir = s.model_dir;
    const QStringList flags = ui::trainingCliArguments(defaults);
    for (const char* option : {"--rank", "--alpha", "--lr", "--epochs", "--batch-size", "--cutoff-len", "--seed",
                               "--adam-beta1", "--adam-beta2", "--adam-epsilon", "--raw-text-overlap", "--add-eos"})
      QVERIFY2(flags.contains(option), option);
    // No settings file: every setting is an option.
    QVERIFY(!flags.contains("--config"));
  }

  void devices_choice_is_offered_and_kept() {
    {
      TrainPage page(session_.get());
      auto* devices = child<QComboBox>(&page, "devicesChoice");
      QCOMPARE(devices->currentData().toString(), QString("this_process"));  // the default
      QVERIFY(child<QSpinBox>(&page, "cpuProcesses")->isHidden());
      // "All GPUs" is there; without two CUDA GPUs it cannot be picked, and says why.
      const int all_gpus = devices->findData("all_gpus");
      QVERIFY(all_gpus >= 0);
      auto* model = qobject_cast<QStandardItemModel*>(devices->model());
      QVERIFY(model);
      if (!model->item(all_gpus)->isEnabled())
        QVERIFY2(devices->itemData(all_gpus, Qt::ToolTipRole).toString().contains("GPU"),
                 qPrintable(devices->itemData(all_gpus, Qt::ToolTipRole).toString()));
      chooseCpuProcesses(&page, 2);
      QVERIFY(!child<QSpinBox>(&page, "cpuProcesses")->isHidden());
      QVERIFY(child<QSpinBox>(&page, "cpuProcesses")->minimum() == 2);
      QVERIFY2(child<QLabel>(&page, "devicesNote")->text().contains("2 processes"),
               qPrintable(child<QLabel>(&page, "devicesNote")->text()));
    }
    // A new page (the next start of the program) keeps the choice.
    TrainPage again(session_.get());
    QCOMPARE(child<QComboBox>(&again, "devicesChoice")->currentData().toString(), QString("cpu_processes"));
    QCOMPARE(child<QSpinBox>(&again, "cpuProcesses")->value(), 2);
  }

  void two_cpu_processes_train_the_adapter() {
    TrainPage page(session_.get());
    fillPanel(&page, "two-processes", 2);
    chooseCpuProcesses(&page, 2);
    auto* start = child<QPushButton>(&page, "startButton");
    QVERIFY2(start->isEnabled(), qPrintable(child<QLabel>(&page, "startProblem")->text()));
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY(page.isRunning());
    QVERIFY(session_->isTraining());
    QVERIFY(!child<QWidget>(&page, "devices")->isEnabled());
    QVERIFY(child<QPushButton>(&page, "stopButton")->isEnabled());
    QVERIFY2(waitUntilIdle(&page), qPrintable(logText(&page)));
    QVERIFY(!session_->isTraining());

    const QString dir = adapterDir("two-processes");
    QVERIFY2(QFileInfo::exists(QDir(dir).filePath("adapter_model.safetensors")), qPrintable(logText(&page)));
    QCOMPARE(child<QLabel>(&page, "phaseLabel")->text(), QString("Training finished"));
    // 12 records, batches of 4, 2 epochs: 6 steps, every one on the chart, the bar full.
    QCOMPARE(page.chart()->lossPointCount(), 6);
    QCOMPARE(lastLoggedStep(dir), 6);
    QCOMPARE(child<QLabel>(&page, "stepLabel")->text(), QString("6 / 6"));
    // Both ranks reported their own speed.
    const QString speeds = child<QLabel>(&page, "rankThroughputLabel")->text();
    QVERIFY2(speeds.contains("rank 0: ") && speeds.contains("rank 1: ") && speeds.contains("tokens/s"),
             qPrintable(speeds));
    QVERIFY(!child<QLabel>(&page, "rankThroughputLabel")->isHidden());
    // The run's log says it ran as two processes (rank 0's engine messages reach it).
    QVERIFY2(logText(&page).contains("2 training processes"), qPrintable(logText(&page)));
    // The run is in the history as a single run would be.
    QVERIFY(page.history()->rowOf(dir) >= 0);
    QVERIFY(processesNaming(dir).isEmpty());
    // What the CLI trained with is what the panel said (apart from where: CPU processes, threads per share).
    lora::TrainingSettings expected = page.panel()->settings();
    expected.device = "cpu";
    expected.threads = 0;
    const lora::TrainingSettings used = lora::training_settings_from_json(
        readText(QDir(dir).filePath("training_parameters.json")).toStdString(), "training_parameters.json");
    lora::TrainingSettings used_here = used;
    used_here.threads = 0;  // each rank writes the share of threads it got
    QCOMPARE(QString::fromStdString(lora::training_settings_to_json(used_here)),
             QString::fromStdString(lora::training_settings_to_json(expected)));
  }

  void stop_leaves_no_process_and_a_run_to_resume() {
    TrainPage page(session_.get());
    fillPanel(&page, "stopped", 100);  // 300 steps: far more than the test waits for
    chooseCpuProcesses(&page, 2);
    QTest::mouseClick(child<QPushButton>(&page, "startButton"), Qt::LeftButton);
    const QString dir = adapterDir("stopped");
    QTRY_VERIFY2_WITH_TIMEOUT(page.chart()->lossPointCount() >= 2, qPrintable(logText(&page)), 40000);
    QCOMPARE(processesNaming(dir).size(), 3);  // the launcher and its two ranks
    QTest::mouseClick(child<QPushButton>(&page, "stopButton"), Qt::LeftButton);
    QVERIFY(!child<QPushButton>(&page, "stopButton")->isEnabled());
    QVERIFY2(waitUntilIdle(&page, 30000), qPrintable(logText(&page)));
    QCOMPARE(child<QLabel>(&page, "phaseLabel")->text(), QString("Training stopped; the adapter so far is saved"));
    QStringList left = processesNaming(dir);
    QVERIFY2(left.isEmpty(), qPrintable(left.join('\n')));
    const int stopped_at = lastLoggedStep(dir);
    QVERIFY(stopped_at >= 2 && stopped_at < 300);
    QCOMPARE(lora::list_training_checkpoints(dir.toStdString()).size(), size_t(1));
    QVERIFY(QFileInfo::exists(QDir(dir).filePath(QString::fromStdString(lora::checkpoint_dir_name(stopped_at)))));

    // Resume continues from that checkpoint, in two processes again; a second Stop ends it further on.
    auto* resume = child<QPushButton>(&page, "resumeButton");
    QVERIFY(resume->isEnabled());
    QTest::mouseClick(resume, Qt::LeftButton);
    QVERIFY(page.isRunning());
    QTRY_VERIFY2_WITH_TIMEOUT(page.chart()->lossPointCount() >= stopped_at + 2, qPrintable(logText(&page)), 40000);
    QTest::mouseClick(child<QPushButton>(&page, "stopButton"), Qt::LeftButton);
    QVERIFY2(waitUntilIdle(&page, 30000), qPrintable(logText(&page)));
    QCOMPARE(child<QLabel>(&page, "phaseLabel")->text(), QString("Training stopped; the adapter so far is saved"));
    left = processesNaming(dir);
    QVERIFY2(left.isEmpty(), qPrintable(left.join('\n')));
    // One step after another, from 1 to where it stopped now: the resumed run went on from the checkpoint.
    const auto entries = lora::read_training_log(QDir(dir).filePath("training_log.jsonl").toStdString());
    QVERIFY(static_cast<int>(entries.size()) >= stopped_at + 2);
    for (size_t i = 0; i < entries.size(); ++i) QCOMPARE(entries[i].step, static_cast<int64_t>(i + 1));
    QCOMPARE(page.chart()->lossPointCount(), static_cast<int>(entries.size()));
    QVERIFY(QFileInfo::exists(QDir(dir).filePath("adapter_model.safetensors")));
    QVERIFY(child<QPushButton>(&page, "resumeButton")->isEnabled());
  }

  // A rank that dies: the run fails with a message that names it, in the error box and the log.
  void a_killed_rank_is_named() {
    TrainPage page(session_.get());
    fillPanel(&page, "killed-rank", 100);
    chooseCpuProcesses(&page, 2);
    QTest::mouseClick(child<QPushButton>(&page, "startButton"), Qt::LeftButton);
    const QString dir = adapterDir("killed-rank");
    QTRY_VERIFY2_WITH_TIMEOUT(page.chart()->lossPointCount() >= 2, qPrintable(logText(&page)), 40000);
    const qint64 rank1 = rankProcess(processesNaming(dir), 1);
    QVERIFY(rank1 > 0);
    QVERIFY(::kill(static_cast<pid_t>(rank1), SIGKILL) == 0);
    QVERIFY2(waitUntilIdle(&page, 40000), qPrintable(logText(&page)));
    QCOMPARE(child<QLabel>(&page, "phaseLabel")->text(), QString("Failed"));
    auto* box = page.findChild<QMessageBox*>("trainErrorBox");
    QVERIFY(box);
    QVERIFY2(box->text().contains("rank 1") && box->text().contains("signal 9"), qPrintable(box->text()));
    QVERIFY2(logText(&page).contains("rank 1"), qPrintable(logText(&page)));
    const QStringList left = processesNaming(dir);
    QVERIFY2(left.isEmpty(), qPrintable(left.join('\n')));
    QVERIFY(child<QPushButton>(&page, "startButton")->isEnabled());
  }
};

QTEST_MAIN(TestUiTrainDevices)
#include "test_ui_train_devices.moc"
