#include "run_history.h"

#include "error.h"
#include "training_settings.h"

#include <nlohmann/json.hpp>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine_messages.h"
#include "training_log_tail.h"
#include "training_run_folder.h"

namespace ui {

namespace {

QDateTime newest(const QDateTime& a, const QDateTime& b) {
  if (!a.isValid()) return b;
  if (!b.isValid()) return a;
  return std::max(a, b);
}

QDateTime oldest(const QDateTime& a, const QDateTime& b) {
  if (!a.isValid()) return b;
  if (!b.isValid()) return a;
  return std::min(a, b);
}

QDateTime modifiedTime(const QString& path) {
  const QFileInfo info(path);
  return info.exists() ? info.lastModified() : QDateTime();
}

// A value as training_parameters.json writes it, for a person: strings without quotes, lists joined.
QString displayValue(const nlohmann::ordered_json& value) {
  if (value.is_string()) return QString::fromStdString(value.get<std::string>());
  if (value.is_array()) {
    QStringList parts;
    for (const auto& item : value) parts << displayValue(item);
    return parts.join(QStringLiteral(", "));
  }
  return QString::fromStdString(value.dump());
}

nlohmann::ordered_json settingsJson(const lora::TrainingSettings& settings) {
  return nlohmann::ordered_json::parse(lora::training_settings_to_json(settings));
}

// The CLI writes paths as it was given them: "--model m --output a/r1" run in /home/u writes "m" and
// "a/r1". A relative model path is relative to the folder the run was started in, which is the run
// folder less its relative output_dir.
QString absoluteModelDir(const QString& model_dir, const QString& output_dir, const QString& run_folder) {
  if (model_dir.isEmpty() || QDir::isAbsolutePath(model_dir)) return model_dir;
  const QString output = QDir::cleanPath(output_dir);
  if (!output.isEmpty() && QDir::isRelativePath(output) && output != QStringLiteral(".") &&
      run_folder.endsWith(QLatin1Char('/') + output)) {
    const QString started_in = run_folder.left(run_folder.size() - output.size() - 1);
    return QDir::cleanPath(QDir(started_in).filePath(model_dir));
  }
  return model_dir;  // nothing to tell where it was started: as the file says
}

}  // namespace

RunProgress judgeRunProgress(const std::vector<lora::TrainingLogEntry>& entries, const lora::TrainingSettings* settings,
                             bool has_adapter, bool has_checkpoint) {
  RunProgress progress;
  if (entries.empty()) return progress;
  const lora::TrainingLogEntry& last = entries.back();
  progress.stepsDone = last.step;
  progress.totalSteps = last.step;
  if (!settings) {
    // The trainer saves a checkpoint when a run is stopped and removes them when it is done.
    progress.reachedEnd = has_adapter && !has_checkpoint;
    return progress;
  }
  // The total is not in the log: it follows from the run's parameters and the steps per epoch.
  qint64 total = last.step;
  if (settings->max_steps > 0)
    total = settings->max_steps;
  else if (last.epoch > 0)
    total = settings->epochs * std::llround(static_cast<double>(last.step) / last.epoch);
  progress.totalSteps = std::max<qint64>(total, last.step);
  progress.totalKnown = true;
  const bool reached_target_loss =
      settings->stop_at_loss > 0 && std::isfinite(last.loss) && last.loss < settings->stop_at_loss;
  progress.reachedEnd = last.step >= progress.totalSteps || reached_target_loss;
  return progress;
}

double RunRecord::perplexity() const {
  return bestEvalLoss && std::isfinite(*bestEvalLoss) ? std::exp(*bestEvalLoss)
                                                       : std::numeric_limits<double>::quiet_NaN();
}

QString canonicalPath(const QString& path) {
  if (path.isEmpty()) return QString();
  const QFileInfo info(path);
  const QString canonical = info.canonicalFilePath();  // empty when it does not exist
  return canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath()) : canonical;
}

RunRecord readRunRecord(const QString& folder_path) {
  RunRecord run;
  const QFileInfo folder_info(folder_path);
  run.folder = QDir::cleanPath(folder_info.absoluteFilePath());
  run.name = QFileInfo(run.folder).fileName();
  const TrainingRunFolder folder(run.folder);
  QStringList problems;

  // Parameters.
  const QString parameters_path = folder.parametersPath();
  QFile parameters(parameters_path);
  if (!parameters.exists()) {
    problems << QCoreApplication::translate("ui::RunHistory", "%1: missing")
                    .arg(QDir::toNativeSeparators(parameters_path));
  } else if (!parameters.open(QIODevice::ReadOnly)) {
    problems << QCoreApplication::translate("ui::RunHistory", "%1: cannot be read (%2)")
                    .arg(QDir::toNativeSeparators(parameters_path), parameters.errorString());
  } else {
    const QByteArray text = parameters.readAll();
    try {
      run.settings = lora::training_settings_from_json(text.toStdString(), parameters_path.toStdString());
      run.modelDir = absoluteModelDir(QString::fromStdString(run.settings->model_dir),
                                      QString::fromStdString(run.settings->output_dir), run.folder);
    } catch (const std::exception& e) {
      problems << engineMessage(e);
      // A file that is JSON but not quite valid settings (an unknown key, a wrong type) still names
      // its model, so the run is listed under the right one.
      const QJsonDocument document = QJsonDocument::fromJson(text);
      if (document.isObject()) {
        const QJsonObject object = document.object();
        run.modelDir = absoluteModelDir(object.value(QStringLiteral("model_dir")).toString(),
                                        object.value(QStringLiteral("output_dir")).toString(), run.folder);
      }
    }
  }

  // Log.
  run.hasLog = folder.hasLog();
  if (run.hasLog) {
    QFile log(folder.logPath());
    if (!log.open(QIODevice::ReadOnly)) {
      problems << QCoreApplication::translate("ui::RunHistory", "%1: cannot be read (%2)")
                      .arg(QDir::toNativeSeparators(folder.logPath()), log.errorString());
    } else {
      log.close();
      QStringList log_problems;
      run.entries = readTrainingLogFile(folder.logPath(), &log_problems);
      problems << log_problems;
    }
  }
  run.hasAdapter = folder.hasAdapter();

  run.progress = judgeRunProgress(run.entries, run.settings ? &*run.settings : nullptr, run.hasAdapter,
                                  folder.hasCheckpoint());
  if (run.hasAdapter)
    run.status = run.progress.reachedEnd ? RunRecord::Status::Finished : RunRecord::Status::Stopped;
  else
    run.status = RunRecord::Status::Incomplete;

  run.finalLoss = std::numeric_limits<double>::quiet_NaN();
  if (!run.entries.empty()) {
    const lora::TrainingLogEntry& last = run.entries.back();
    run.finalLoss = last.loss;
    run.durationSeconds = last.elapsed_seconds;
    run.meanTokensPerSecond = last.elapsed_seconds > 0 ? static_cast<double>(last.tokens) / last.elapsed_seconds
                                                       : last.tokens_per_second;
    for (const lora::TrainingLogEntry& entry : run.entries) {
      if (!entry.eval_loss || !std::isfinite(*entry.eval_loss)) continue;
      if (!run.bestEvalLoss || *entry.eval_loss < *run.bestEvalLoss) {
        run.bestEvalLoss = *entry.eval_loss;
        run.bestEvalStep = entry.step;
      }
    }
  }

  // Dates. The parameters are written when a run starts (again on resume); the log's last write less
  // the time trained is when its first session began.
  const QDateTime log_time = modifiedTime(folder.logPath());
  run.modified = newest(newest(modifiedTime(parameters_path), log_time),
                        modifiedTime(QDir(run.folder).filePath(QStringLiteral("adapter_model.safetensors"))));
  QDateTime started = modifiedTime(parameters_path);
  if (log_time.isValid() && run.durationSeconds > 0)
    started = oldest(started, log_time.addMSecs(-static_cast<qint64>(run.durationSeconds * 1000)));
  run.started = started.isValid() ? started : run.modified;

  run.problem = problems.join(QLatin1Char('\n'));
  return run;
}

std::vector<RunRecord> findRuns(const QStringList& folders, const QString& model_dir) {
  const QString wanted_model = canonicalPath(model_dir);
  std::vector<RunRecord> runs;
  QSet<QString> seen;
  for (const QString& root : folders) {
    if (root.isEmpty()) continue;
    const QDir dir(root);
    for (const QString& name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
      const QString folder = dir.filePath(name);
      if (!QFileInfo::exists(TrainingRunFolder(folder).parametersPath())) continue;
      const QString key = canonicalPath(folder);
      if (seen.contains(key)) continue;  // the same run reached through two listed folders
      seen.insert(key);
      RunRecord run = readRunRecord(folder);
      const bool model_unknown = run.modelDir.isEmpty();
      if (!wanted_model.isEmpty() && !model_unknown && canonicalPath(run.modelDir) != wanted_model) continue;
      runs.push_back(std::move(run));
    }
  }
  std::stable_sort(runs.begin(), runs.end(), [](const RunRecord& a, const RunRecord& b) {
    if (a.started != b.started) return a.started > b.started;
    return a.modified > b.modified;
  });
  return runs;
}

std::vector<std::pair<QString, QString>> settingsList(const lora::TrainingSettings& settings) {
  std::vector<std::pair<QString, QString>> out;
  const nlohmann::ordered_json json = settingsJson(settings);  // items() does not keep a temporary alive
  for (const auto& item : json.items()) {
    if (item.key() == "output_dir") continue;
    out.emplace_back(QString::fromStdString(item.key()), displayValue(item.value()));
  }
  return out;
}

std::vector<SettingDifference> settingsDifferences(const std::vector<const RunRecord*>& runs) {
  std::vector<SettingDifference> differences;
  if (runs.size() < 2) return differences;
  std::vector<std::optional<nlohmann::ordered_json>> json;
  for (const RunRecord* run : runs) {
    if (run && run->settings) {
      nlohmann::ordered_json j = settingsJson(*run->settings);
      // The same model written two ways ("/m", "/m/", a link) is the same model.
      j["model_dir"] = canonicalPath(run->modelDir).toStdString();
      json.emplace_back(std::move(j));
    } else {
      json.emplace_back();
    }
  }
  // The key order of the file: the settings struct's fields, the same for every run.
  const nlohmann::ordered_json order = settingsJson(lora::TrainingSettings{});
  for (const auto& item : order.items()) {
    const std::string& key = item.key();
    if (key == "output_dir") continue;
    // Runs whose settings are unknown (a broken file) take no part: "?" against a value is no difference.
    const nlohmann::ordered_json* first = nullptr;
    bool differs = false;
    for (const auto& j : json) {
      if (!j) continue;
      const nlohmann::ordered_json& value = j->at(key);
      if (!first)
        first = &value;
      else if (*first != value)
        differs = true;
    }
    if (!differs) continue;
    SettingDifference difference;
    difference.key = QString::fromStdString(key);
    for (size_t i = 0; i < json.size(); ++i) {
      if (!json[i]) {
        difference.values << QStringLiteral("?");
      } else if (key == "model_dir") {
        difference.values << QString::fromStdString(runs[i]->settings->model_dir);
      } else {
        difference.values << displayValue(json[i]->at(key));
      }
    }
    differences.push_back(std::move(difference));
  }
  return differences;
}

std::vector<std::pair<size_t, double>> smoothedLoss(const std::vector<lora::TrainingLogEntry>& entries, double weight) {
  std::vector<std::pair<size_t, double>> out;
  double ema = 0;
  int count = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const double loss = entries[i].loss;
    // A diverged step is logged without a loss: a gap in the curve, not a point.
    if (!std::isfinite(loss)) continue;
    ++count;
    ema = weight * ema + (1 - weight) * loss;
    out.emplace_back(i, ema / (1 - std::pow(weight, count)));
  }
  return out;
}

QString formatTrainingDuration(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return QStringLiteral("—");
  const qint64 total = static_cast<qint64>(std::llround(seconds));
  const qint64 h = total / 3600, m = total / 60 % 60, s = total % 60;
  return h > 0 ? QStringLiteral("%1:%2:%3").arg(h).arg(m, 2, 10, QChar('0')).arg(s, 2, 10, QChar('0'))
               : QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QChar('0'));
}

QString runStatusText(RunRecord::Status status) {
  switch (status) {
    case RunRecord::Status::Finished: return QCoreApplication::translate("ui::RunHistory", "Finished");
    case RunRecord::Status::Stopped: return QCoreApplication::translate("ui::RunHistory", "Stopped");
    case RunRecord::Status::Incomplete: return QCoreApplication::translate("ui::RunHistory", "Incomplete");
  }
  return QString();
}

}  // namespace ui
