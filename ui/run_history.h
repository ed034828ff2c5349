#pragma once
// The training runs of a base model, as the Train page's run history lists them: each adapter
// output folder that holds a training_parameters.json, read into one record (settings, log, how far it
// got, losses, speed). Also the one judgement of "did this run reach its end" that the history and
// the Train page share, and the settings that differ between runs.
#include "training_log.h"
#include "training_settings.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace ui {

// How far a run's log got and how far its parameters said it would go.
struct RunProgress {
  qint64 stepsDone = 0;     // the last logged step
  qint64 totalSteps = 0;    // what the parameters plan (never below stepsDone); stepsDone when unknown
  bool totalKnown = false;  // the parameters were read
  bool reachedEnd = false;  // all its steps, or it reached its stop_at_loss: nothing to resume
};

// `settings` null when the run's parameters could not be read; then the end is judged by the folder:
// the trainer leaves a checkpoint when stopped and removes it when done (without save_every).
RunProgress judgeRunProgress(const std::vector<lora::TrainingLogEntry>& entries, const lora::TrainingSettings* settings,
                             bool has_adapter = false, bool has_checkpoint = false);

struct RunRecord {
  enum class Status {
    Finished,    // reached its end and saved its adapter
    Stopped,     // saved an adapter before its end (stopped by the user): it can be resumed
    Incomplete,  // no adapter: still running, crashed, diverged, or killed
  };

  QString folder;    // absolute, as found
  QString name;      // the folder's name
  QString modelDir;  // as training_parameters.json names it, made absolute (a CLI run may write a path
                     // relative to where it was started); empty when unreadable
  QDateTime started;   // when the run began (its log's last write less the time it trained)
  QDateTime modified;  // the newest write of its parameters, log or adapter
  std::optional<lora::TrainingSettings> settings;  // none when training_parameters.json is broken
  std::vector<lora::TrainingLogEntry> entries;
  Status status = Status::Incomplete;
  bool hasAdapter = false;
  bool hasLog = false;
  RunProgress progress;
  double finalLoss = 0;  // the last logged step's loss; NaN when none (or it diverged)
  std::optional<double> bestEvalLoss;
  qint64 bestEvalStep = 0;
  double durationSeconds = 0;      // training time, over every resume
  double meanTokensPerSecond = 0;  // tokens trained on / duration
  QString problem;  // each broken file, "path: why", one per line; empty when all read

  bool hasEntries() const { return !entries.empty(); }
  double perplexity() const;  // exp(best eval loss); NaN without one
};

// Reads one run folder; never throws (what is broken goes into `problem`).
RunRecord readRunRecord(const QString& folder);

// "/a/b", "/a/b/" and a link to /a/b give the same string; a path that does not exist is cleaned only.
QString canonicalPath(const QString& path);

// The runs in the immediate subfolders (holding training_parameters.json) of each of `folders`,
// newest first. With `model_dir` set, only the runs of that model (compared canonically); a run whose
// parameters are too broken to name its model is listed too, with its problem. Each folder once.
std::vector<RunRecord> findRuns(const QStringList& folders, const QString& model_dir);

// The settings whose values differ between `runs` (output_dir ignored; model_dir compared
// canonically), in the order training_parameters.json lists them. values[i] belongs to runs[i],
// written as in the file (lists joined with ", "). Runs whose settings are unknown (a broken file) are
// not compared; their values read "?".
struct SettingDifference {
  QString key;
  QStringList values;
};
std::vector<SettingDifference> settingsDifferences(const std::vector<const RunRecord*>& runs);
// Every setting of one run but output_dir, as (key, value) in the file's order.
std::vector<std::pair<QString, QString>> settingsList(const lora::TrainingSettings& settings);

// The smoothed training loss the charts draw: an exponential moving average, debiased as TensorBoard
// does so the start is not pulled towards 0. Steps without a finite loss (a diverged step) are left out;
// returns (step index in `entries`, smoothed value).
constexpr double kLossSmoothingWeight = 0.9;
std::vector<std::pair<size_t, double>> smoothedLoss(const std::vector<lora::TrainingLogEntry>& entries,
                                                   double weight = kLossSmoothingWeight);

// "1:02:03" / "2:03"; "—" for an unknown duration.
QString formatTrainingDuration(double seconds);

QString runStatusText(RunRecord::Status status);

}  // namespace ui
