#pragma once
// Train: the hyperparameter panel, Start / Stop / Resume of a run on a worker thread (or, with Devices
// set to several processes, as lora-studio-cli processes: training_process.h), and the live
// view of it (chart, numbers, progress, log) read from the run's training_log.jsonl, so a finished
// or interrupted run can be reopened and looks the same as it did live.
#include <QPointer>
#include <QString>
#include <QWidget>

#include <map>
#include <vector>

#include "training_log_tail.h"

class QGroupBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QThread;
class QVBoxLayout;

namespace lora {
struct TrainingProgress;
struct TrainingSettings;
}  // namespace lora

namespace ui {

class AppSession;
class HyperparameterPanel;
class EvalSamplesView;
class LossChart;
class MemoryPreflightView;
class RunHistoryView;
class RunNotifier;
class TrainingDevicesChoice;
class TrainingProcess;
class TrainingWorker;

class TrainPage : public QWidget {
  Q_OBJECT

 public:
  explicit TrainPage(AppSession* session, QWidget* parent = nullptr);
  ~TrainPage() override;

  // Called when the window closes: with a training run going, asks whether to stop it; on yes stops
  // it cleanly (the adapter so far is saved) and returns true once it has stopped.
  bool confirmClose();

  HyperparameterPanel* panel() const { return panel_; }
  MemoryPreflightView* preflight() const { return preflight_; }
  LossChart* chart() const { return chart_; }
  EvalSamplesView* evalSamples() const { return eval_samples_; }
  RunHistoryView* history() const { return history_; }
  TrainingDevicesChoice* devices() const { return devices_; }
  // Which view of the runs is in front: 0 the current run, 1 the answers at each evaluation, 2 the history.
  void showRunView(int index);
  bool isRunning() const { return !thread_.isNull() || !process_.isNull(); }

  // What the buttons do after their file dialog; each returns false and sets `error` (also shown
  // to the user) when the file or folder cannot be used.
  bool openRun(const QString& run_dir, QString* error = nullptr);
  bool savePreset(const QString& path, QString* error = nullptr);
  bool loadPreset(const QString& path, QString* error = nullptr);
  bool copyParametersFrom(const QString& adapter_dir, QString* error = nullptr);
  // A checkpoint marker's "continue training from here": the shown run's parameters, a new adapter
  // name, and the checkpoint's adapter as the new run's starting weights (until Start or "Start fresh").
  bool continueFromCheckpoint(qint64 step, QString* error = nullptr);
  QString initialAdapter() const { return init_adapter_; }
  RunNotifier* notifier() const { return notifier_; }

 public Q_SLOTS:
  void startTraining();
  void stopTraining();
  void resumeTraining();
  void applySuggestedSettings(const QString& settings_json);

 private:
  void buildLayout();
  QWidget* buildParameterColumn(QWidget* parent);
  void buildControls(QWidget* right, QVBoxLayout* right_layout);
  void buildRunTabs(QWidget* right, QVBoxLayout* right_layout);
  void buildCurrentRun(QWidget* current, QVBoxLayout* current_layout);
  QGroupBox* buildNumbers(QWidget* parent);
  void restoreParameters();
  void saveParameters();
  void applyDatasetPageChoices();
  void onPanelChanged();
  void updateButtons();
  void launch(const lora::TrainingSettings& settings, bool resume);
  void startUnlessAdapterExists(const lora::TrainingSettings& settings);  // Start after the memory question
  void onProgress(const lora::TrainingProgress& progress);
  void onFinished(int outcome, qint64 steps_done, double final_loss, const QString& message);
  void onFailed(const QString& message);
  void onThreadFinished();
  void onProcessEnded();
  bool stopRequested() const;  // Stop was pressed for the running run
  void showRankSpeeds();       // the per-rank tokens/s line of a multi-process run
  void restoreDevices();
  void saveDevices();
  void pollLog();
  void showRun(const QString& run_dir);  // the chart and numbers of a run's log, no dialogs
  void showLogEntriesSummary(const std::vector<lora::TrainingLogEntry>& entries, qint64 total_steps);
  void resetProgress();            // an empty bar: no run, no total
  bool shownRunIsComplete() const;  // the panel's output folder holds a run that reached its end
  bool applyParametersFile(const QString& path, bool keep_model_and_data, QString* error);
  void showError(const QString& title, const QString& message);
  void clearRunView();  // chart, answers and numbers of no run
  void addLogEntries(const std::vector<lora::TrainingLogEntry>& entries);
  void showCheckpoints();  // the markers of run_dir_'s checkpoint-N folders
  void onCheckpointAction(qint64 step, int action);
  void setInitialAdapter(const QString& dir);
  void appendLog(const QString& line);
  lora::TrainingSettings runSettings() const;  // the panel's, with the session's device and threads

  AppSession* session_;
  HyperparameterPanel* panel_ = nullptr;
  LossChart* chart_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* stop_ = nullptr;
  QPushButton* resume_ = nullptr;
  QPushButton* open_run_ = nullptr;
  QLabel* problem_ = nullptr;
  MemoryPreflightView* preflight_ = nullptr;
  QLabel* start_hint_ = nullptr;
  QLabel* init_adapter_label_ = nullptr;
  QPushButton* start_fresh_ = nullptr;
  QString init_adapter_;  // the next run starts from this adapter's weights ("" = fresh ones)
  RunNotifier* notifier_ = nullptr;
  qint64 launched_at_ms_ = 0;
  QString history_model_dir_;  // the model whose runs the history lists
  QString last_phase_;  // the trainer's previous phase: a "saving" just ended means a new checkpoint  // when the running run was started (for the notification)
  QLabel* phase_ = nullptr;
  QLabel* step_ = nullptr;
  QLabel* epoch_ = nullptr;
  QLabel* tokens_per_second_ = nullptr;
  QLabel* elapsed_ = nullptr;
  QLabel* eta_ = nullptr;
  QLabel* memory_ = nullptr;
  QLabel* eval_loss_ = nullptr;
  QLabel* perplexity_ = nullptr;
  QTabWidget* run_tabs_ = nullptr;
  EvalSamplesView* eval_samples_ = nullptr;
  RunHistoryView* history_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPlainTextEdit* log_ = nullptr;
  TrainingDevicesChoice* devices_ = nullptr;
  QLabel* rank_speeds_ = nullptr;
  std::map<int, double> rank_tokens_per_second_;  // of the multi-process run shown

  QPointer<QThread> thread_;
  QPointer<TrainingWorker> worker_;
  QPointer<TrainingProcess> process_;  // a multi-process run (Devices), instead of thread_ and worker_
  QString run_dir_;        // the run being trained or shown
  QString last_output_dir_;
  TrainingLogTail tail_;
  qint64 total_steps_ = 0;
  bool restoring_ = false;
  bool run_complete_ = false;  // run_dir_'s run finished (or reached its target loss): nothing to resume
};

}  // namespace ui
