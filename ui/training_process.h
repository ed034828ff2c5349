#pragma once
// A multi-process run (the Train page's "All GPUs" and "CPU processes"): `lora-studio-cli train
// --nproc N --progress-json` as a child process, whose launcher starts the ranks. Reports as
// TrainingWorker does (progress of every rank, finished, failed), read from the CLI's JSON lines; the
// chart reads the run folder's training_log.jsonl as for a run in this process. Stop is SIGTERM to the
// launcher, which passes it to the ranks: they end after the same step and rank 0 saves the adapter
// and a checkpoint. The launcher gets SIGTERM too when the window dies, and runs in its own process
// group, which is killed if it outlives a stop.
#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include "trainer.h"
#include "training_worker.h"  // Q_DECLARE_METATYPE(lora::TrainingProgress), before the signals below use it

namespace ui {

class TrainingProcess : public QObject {
  Q_OBJECT

 public:
  // settings.device says where: "cuda" (one GPU per process) or "cpu" (the cores split between them).
  TrainingProcess(const lora::TrainingSettings& settings, bool resume, int processes, QObject* parent = nullptr);
  ~TrainingProcess() override;  // stops the run and waits for it (see waitForEnd)

  // lora-studio-cli beside this program; LORA_CLI names another (tests, a development build).
  static QString cliPath();
  QStringList arguments() const { return arguments_; }
  QString commandLine() const;  // the program and its arguments, quoted for a shell
  qint64 processId() const { return process_.processId(); }

  void start();
  void requestStop();
  bool stopRequested() const { return stop_requested_; }
  bool isRunning() const { return process_.state() != QProcess::NotRunning; }
  // Stops the run and waits up to `msecs` for it to save and end; what is left then is killed.
  void waitForEnd(int msecs);

 Q_SIGNALS:
  void progress(const lora::TrainingProgress& progress);  // every rank's
  // outcome is lora::TrainingResult::Outcome as int.
  void finished(int outcome, qint64 steps_done, double final_loss, const QString& message);
  void failed(const QString& message);
  void ended();  // the process is gone (after finished or failed)

 private:
  void readOutput();
  void readErrors();
  void handleLine(const QByteArray& line);
  void onProcessFinished(int exit_code, QProcess::ExitStatus status);
  QString failureMessage(int exit_code, QProcess::ExitStatus status) const;

  QProcess process_;
  QStringList arguments_;
  QByteArray output_, errors_;
  QStringList rank_errors_;    // from the JSON lines, translated
  QStringList stderr_errors_;  // "error: ..." lines (what fails before the JSON starts)
  bool stop_requested_ = false;
  bool has_result_ = false;
  bool reported_end_ = false;
  lora::TrainingResult result_;
};

}  // namespace ui
