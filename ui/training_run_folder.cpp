#include "training_run_folder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace ui {

namespace {
const char* const kRunFiles[] = {"adapter_model.safetensors", "adapter_config.json", "training_parameters.json",
                                 "training_prompt.json", "training_log.jsonl"};

QStringList checkpointFolders(const QString& dir, bool include_partial) {
  static const QRegularExpression complete(QStringLiteral("^checkpoint-[0-9]+$"));
  QStringList out;
  for (const QString& name : QDir(dir).entryList({"checkpoint-*"}, QDir::Dirs | QDir::NoDotAndDotDot))
    if (include_partial || complete.match(name).hasMatch()) out << name;
  return out;
}
}  // namespace

QString TrainingRunFolder::logPath() const { return QDir(dir).filePath("training_log.jsonl"); }
QString TrainingRunFolder::parametersPath() const { return QDir(dir).filePath("training_parameters.json"); }
bool TrainingRunFolder::hasAdapter() const { return QFileInfo::exists(QDir(dir).filePath("adapter_model.safetensors")); }
bool TrainingRunFolder::hasLog() const { return QFileInfo(logPath()).isFile(); }
bool TrainingRunFolder::hasCheckpoint() const { return !dir.isEmpty() && !checkpointFolders(dir, false).isEmpty(); }

bool TrainingRunFolder::removeRun(QString* failed_path) const {
  QDir folder(dir);
  for (const QString& name : checkpointFolders(dir, true)) {
    QDir checkpoint(folder.filePath(name));
    if (!checkpoint.removeRecursively()) {
      if (failed_path) *failed_path = checkpoint.path();
      return false;
    }
  }
  for (const char* name : kRunFiles) {
    const QString path = folder.filePath(QString::fromLatin1(name));
    if (QFileInfo::exists(path) && !QFile::remove(path)) {
      if (failed_path) *failed_path = path;
      return false;
    }
  }
  return true;
}

}  // namespace ui
