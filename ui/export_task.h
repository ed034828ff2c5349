#pragma once
// The Export page's long actions, each on its own thread with progress and cancel: copying the
// adapter folder (into a hidden sibling first, renamed into place at the end) and merging the
// adapter into a full model folder (the engine's merge, which also writes aside and moves into place),
// GGUF exports (a model file, the adapter alone for llama.cpp's --lora, an Ollama folder, a file in LM
// Studio's models folder; the engine writes each file aside and renames it when complete), and the check
// after a GGUF export: one greedy answer from the exported file and from the source model + adapter.
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

enum class GgufTarget { ModelFile, AdapterFile, Ollama, LmStudio };

struct GgufRequest {
  GgufTarget target = GgufTarget::ModelFile;
  QString model_dir;
  QString adapter_dir;  // "" = the model alone (AdapterFile needs one)
  QString output;       // the .gguf file; for Ollama the folder that gets model.gguf and Modelfile
  QString type;         // "f32" | "f16" | "bf16" | "q8_0" | "q4_0" | "q4_k_m"; "" = export-gguf's default
  bool replace_existing = false;  // Ollama: model.gguf / Modelfile already in the folder
};

// The check after an export: the same chat prompt (the template the adapter was trained with) answered
// greedily by the source model with its adapter and by the exported GGUF file, read back by the engine.
struct VerifyRequest {
  QString model_dir;
  QString adapter_dir;  // "" = the model alone
  QString gguf_path;
  QString prompt;
  int max_new_tokens = 24;
  QString device = "cpu";
  int threads = 0;
};

struct ExportComparison {
  QString prompt;  // the rendered prompt
  QString source_answer, exported_answer;
  bool same = false;             // the same generated token ids
  bool same_prompt_ids = false;  // both tokenizers encoded the prompt alike
  int first_difference = -1;     // the first character where the answers differ (-1: none)
};

class ExportTask : public QObject {
  Q_OBJECT

 public:
  // Made idle: connect to the signals, then start() (a fast task could otherwise finish unheard).
  static ExportTask* copyTask(const AdapterCopyRequest& request, QObject* parent);
  static ExportTask* mergeTask(const MergeRequest& request, QObject* parent);
  static ExportTask* ggufTask(const GgufRequest& request, QObject* parent);
  static ExportTask* verifyTask(const VerifyRequest& request, QObject* parent);
  void start();
  // Waits for the thread: a cancelled merge stops after its current tensor, a copy after its current file.
  ~ExportTask() override;

  void cancel();  // the task still reports, as failed with `cancelled` set

 Q_SIGNALS:
  void progress(qint64 done, qint64 total, const QString& item);
  // `summary`: a line for the user; `notes`: what else they should know (from the merge).
  void succeeded(const QString& output_dir, const QString& summary, const QStringList& notes);
  void failed(const QString& message, bool cancelled);
  // A verify task: the two answers, before `succeeded`.
  void compared(const ExportComparison& comparison);

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
