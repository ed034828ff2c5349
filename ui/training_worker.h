#pragma once
// Runs lora::train_lora on its own QThread and reports back with queued signals. The page owns the
// thread; the worker lives in it. Stop is a flag the trainer's callback reads after each step, so
// the trainer finishes that step, saves the adapter (and a checkpoint to resume from) and returns.
#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>

#include "trainer.h"

Q_DECLARE_METATYPE(lora::TrainingProgress)

namespace ui {

class TrainingWorker : public QObject {
  Q_OBJECT

 public:
  TrainingWorker(const lora::TrainingSettings& settings, bool resume);

  // Thread-safe: asks the running trainer to stop after the current step.
  void requestStop() { stop_requested_.store(true); }
  bool stopRequested() const { return stop_requested_.load(); }

 public Q_SLOTS:
  void run();

 Q_SIGNALS:
  void progress(const lora::TrainingProgress& progress);
  // outcome is lora::TrainingResult::Outcome as int.
  void finished(int outcome, qint64 steps_done, double final_loss, const QString& message);
  // Nothing was trained: bad settings, model or dataset (before the output folder was written),
  // or a failure while training.
  void failed(const QString& message);

 private:
  lora::TrainingSettings settings_;
  bool resume_;
  std::atomic<bool> stop_requested_{false};
};

}  // namespace ui
