#include "export_task.h"

#include "adapter_merge.h"
#include "atomic_file.h"
#include "error.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <functional>
#include <stdexcept>

#include "engine_messages.h"

namespace ui {

namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

// Relative paths of the files to copy, in a stable order.
QStringList adapter_files(const QString& adapter_dir, bool include_checkpoints) {
  QStringList files;
  QDirIterator it(adapter_dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
  const QDir root(adapter_dir);
  while (it.hasNext()) {
    const QString relative = root.relativeFilePath(it.next());
    const bool in_subfolder = relative.contains('/');
    if (in_subfolder && !(include_checkpoints && relative.startsWith("checkpoint-"))) continue;
    if (relative.contains(".partial/")) continue;  // a checkpoint the trainer is still writing
    files << relative;
  }
  files.sort();
  return files;
}

}  // namespace

// The copy's own failures, already in the interface language (engineMessage shows them as they are).
[[noreturn]] void failCopy(const char* english, const QString& path) {
  throw std::runtime_error(QCoreApplication::translate("ui::ExportTask", english).arg(path).toStdString());
}

void copyAdapterFolder(const AdapterCopyRequest& request,
                       const std::function<bool(qint64, qint64, const QString&)>& keep_going) {
  const QFileInfo source(request.adapter_dir);
  if (!source.isDir() || !QFileInfo::exists(request.adapter_dir + "/adapter_config.json"))
    failCopy(QT_TRANSLATE_NOOP("ui::ExportTask", "%1: not an adapter folder (no adapter_config.json)"), request.adapter_dir);
  const QString destination = QDir::cleanPath(QDir(request.destination_dir).absolutePath());
  const QString source_path = QDir::cleanPath(source.absoluteFilePath());
  if (destination == source_path || destination.startsWith(source_path + "/"))
    failCopy(QT_TRANSLATE_NOOP("ui::ExportTask", "%1: the copy cannot go into the adapter folder itself"), destination);
  const QFileInfo target(destination);
  const QDir parent = target.dir();
  if (!parent.exists()) failCopy(QT_TRANSLATE_NOOP("ui::ExportTask", "%1: folder does not exist"), parent.path());
  if (target.exists() && !request.replace_existing)
    failCopy(QT_TRANSLATE_NOOP("ui::ExportTask", "%1: already exists"), destination);

  const QStringList files = adapter_files(source_path, request.include_checkpoints);
  qint64 total = 0;
  for (const QString& file : files) total += QFileInfo(source_path + "/" + file).size();

  const QString pid = QString::number(QCoreApplication::applicationPid());
  const QString temp = parent.filePath("." + target.fileName() + ".copying-" + pid);
  QDir(temp).removeRecursively();
  auto fail = [&](const char* english, const QString& path, const QString& reason = {}) {
    QDir(temp).removeRecursively();
    QString message = QCoreApplication::translate("ui::ExportTask", english).arg(path);
    if (!reason.isEmpty()) message = message.arg(reason);
    throw std::runtime_error(message.toStdString());
  };
  const char* const cannot_create = QT_TRANSLATE_NOOP("ui::ExportTask", "%1: cannot create the folder");
  const char* const cannot_read = QT_TRANSLATE_NOOP("ui::ExportTask", "%1: cannot read (%2)");
  if (!parent.mkpath(temp)) fail(cannot_create, temp);

  qint64 done = 0;
  try {
    for (const QString& file : files) {
      const QString from = source_path + "/" + file, to = temp + "/" + file;
      if (!QDir().mkpath(QFileInfo(to).path())) fail(cannot_create, QFileInfo(to).path());
      QFile in(from);
      if (!in.open(QIODevice::ReadOnly)) fail(cannot_read, from, in.errorString());
      // Each file as every adapter write goes: fsync'ed before it gets its name.
      lora::AtomicFileWriter out(to.toStdString());
      // In blocks, so a cancel need not wait for a large weights file.
      constexpr qint64 kBlock = 8 << 20;
      while (!in.atEnd()) {
        const QByteArray block = in.read(kBlock);
        if (block.isEmpty() && in.error() != QFile::NoError)
          fail(cannot_read, from, in.errorString());
        out.write(block.constData(), static_cast<size_t>(block.size()));
        done += block.size();
        if (keep_going && !keep_going(done, total, file))
          fail(QT_TRANSLATE_NOOP("ui::ExportTask", "copy cancelled; nothing was written to %1"), destination);
      }
      out.commit();
    }
  } catch (const std::exception&) {
    QDir(temp).removeRecursively();  // a failed write, as a failed read, leaves no partial copy behind
    throw;
  }

  // Into place: an existing folder is moved aside first and removed once the new one is there.
  QString old;
  if (target.exists()) {
    old = parent.filePath("." + target.fileName() + ".replaced-" + pid);
    QDir(old).removeRecursively();
    if (!QDir().rename(destination, old)) fail(QT_TRANSLATE_NOOP("ui::ExportTask", "%1: cannot replace the existing folder"), destination);
  }
  if (!QDir().rename(temp, destination)) {
    if (!old.isEmpty()) QDir().rename(old, destination);
    fail(QT_TRANSLATE_NOOP("ui::ExportTask", "%1: cannot move the copy into place"), destination);
  }
  lora::sync_folder(parent.path().toStdString());  // persist the rename
  if (!old.isEmpty()) QDir(old).removeRecursively();
}

ExportTask::ExportTask(QObject* parent) : QObject(parent), job_(this, BackgroundJob::Ending::Wait) {}

ExportTask::~ExportTask() = default;

void ExportTask::start() {
  if (started_) return;
  started_ = true;
  job_.start(std::move(work_));
}

void ExportTask::cancel() { job_.cancel(); }

ExportTask* ExportTask::copyTask(const AdapterCopyRequest& request, QObject* parent) {
  auto* task = new ExportTask(parent);
  task->work_ = [task, request](const BackgroundJob::Run& run) {
    try {
      copyAdapterFolder(request, [&](qint64 done, qint64 total, const QString& file) {
        run.post([task, done, total, file] { Q_EMIT task->progress(done, total, file); });
        return !run.cancelled();
      });
      const QString destination = QDir::cleanPath(QDir(request.destination_dir).absolutePath());
      run.post([task, destination] { Q_EMIT task->succeeded(destination, QString(), {}); });
    } catch (const std::exception& e) {
      const QString message = engineMessage(e);
      const bool cancelled = run.cancelled();
      run.post([task, message, cancelled] { Q_EMIT task->failed(message, cancelled); });
    }
  };
  return task;
}

ExportTask* ExportTask::mergeTask(const MergeRequest& request, QObject* parent) {
  auto* task = new ExportTask(parent);
  task->work_ = [task, request](const BackgroundJob::Run& run) {
    lora::MergeOptions options;
    options.model_dir = request.model_dir.toStdString();
    options.adapter_dir = request.adapter_dir.toStdString();
    options.output_dir = request.output_dir.toStdString();
    options.dtype = request.dtype.toStdString();
    options.force = request.replace_model;
    try {
      const lora::MergeResult result = lora::merge_adapter(options, [&](const lora::MergeProgress& progress) {
        const qint64 done = progress.tensors_done, total = progress.tensors_total;
        const QString tensor = q(progress.tensor);
        run.post([task, done, total, tensor] { Q_EMIT task->progress(done, total, tensor); });
        return !run.cancelled();
      });
      QStringList notes;
      for (const lora::Message& note : result.notes) notes << engineMessage(note);
      const QString summary = QCoreApplication::translate("ui::ExportPage",
                                                          "%1 layers merged; %2 tensors in %3 (%4 file(s)).")
                                  .arg(result.merged_modules)
                                  .arg(result.tensors)
                                  .arg(q(result.dtype))
                                  .arg(result.files.size());
      const QString output_dir = q(result.output_dir);
      run.post([task, output_dir, summary, notes] { Q_EMIT task->succeeded(output_dir, summary, notes); });
    } catch (const std::exception& e) {
      const QString message = engineMessage(e);
      const bool cancelled = run.cancelled();
      run.post([task, message, cancelled] { Q_EMIT task->failed(message, cancelled); });
    }
  };
  return task;
}

}  // namespace ui
