#pragma once
// The Export page's long actions, each on its own thread with progress and cancel: copying the
// adapter folder (into a hidden sibling first, renamed into place at the end) and merging the
// adapter into a full model folder (the engine's merge, which also writes aside and moves into place).
#include <functional>

#include <QObject>
#include <QString>
#include <QStringList>

#include "background_job.h"

namespace ui {

struct AdapterCopyRequest {
  QString adapter_dir;
  QString destination_dir;         // the new folder (its parent must exist)
  bool replace_existing = false;   // else an existing destination is an error
  bool include_checkpoints = false;  // checkpoint-N/ resume folders; not part of the PEFT adapter
};

struct MergeRequest {
  QString model_dir;
  QString adapter_dir;
  QString output_dir;
  QString dtype = "auto";  // "auto" | "float32" | "bfloat16" | "float16"
  bool replace_model = false;
};

class ExportTask : public QObject {
  Q_OBJECT

 public:
  // Made idle: connect to the signals, then start() (a fast task could otherwise finish unheard).
  static ExportTask* copyTask(const AdapterCopyRequest& request, QObject* parent);
  static ExportTask* mergeTask(const MergeRequest& request, QObject* parent);
  void start();
  // Waits for the thread: a cancelled merge stops after its current tensor, a copy after its current file.
  ~ExportTask() override;

  void cancel();  // the task still reports, as failed with `cancelled` set

 Q_SIGNALS:
  void progress(qint64 done, qint64 total, const QString& item);
  // `summary`: a line for the user; `notes`: what else they should know (from the merge).
  void succeeded(const QString& output_dir, const QString& summary, const QStringList& notes);
  void failed(const QString& message, bool cancelled);

 private:
  explicit ExportTask(QObject* parent);

  std::function<void(const BackgroundJob::Run&)> work_;
  BackgroundJob job_;  // joins the thread when the task is deleted
  bool started_ = false;
};

// The copy itself (runs on the calling thread). Throws lora::Error naming the file on failure or
// when `keep_going` returns false; then nothing is left at the destination or beside it.
void copyAdapterFolder(const AdapterCopyRequest& request,
                       const std::function<bool(qint64 done, qint64 total, const QString& file)>& keep_going);

}  // namespace ui
