#pragma once
// What an adapter output folder holds of a training run: the adapter, checkpoints to resume from,
// the log and the parameters; and clearing an earlier run before a new one overwrites it.
#include <QString>
#include <QStringList>

namespace ui {

struct TrainingRunFolder {
  explicit TrainingRunFolder(const QString& dir) : dir(dir) {}

  QString dir;

  QString logPath() const;         // training_log.jsonl
  QString parametersPath() const;  // training_parameters.json
  bool hasAdapter() const;         // adapter_model.safetensors
  bool hasLog() const;
  bool hasCheckpoint() const;      // a complete checkpoint-N to resume from
  bool holdsRun() const { return hasAdapter() || hasLog() || hasCheckpoint(); }

  // Removes what a training run writes (adapter, checkpoints, log, parameters, prompt); other files
  // the user put there stay. Returns false with the path it could not remove.
  bool removeRun(QString* failed_path) const;
};

}  // namespace ui
