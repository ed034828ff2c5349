#include "export_task.h"

#include "adapter_merge.h"
#include "atomic_file.h"
#include "causal_lm.h"
#include "chat_prompt.h"
#include "error.h"
#include "generation.h"
#include "gguf_lora_export.h"
#include "gguf_model_export.h"
#include "model_adapter.h"
#include "ollama_export.h"
#include "tokenizer.h"
// Reading a GGUF back (the after-export check) comes with the GGUF import; a build without it says so.
#if __has_include("gguf_model_import.h")
#include "gguf_model_import.h"
#define LORA_UI_HAS_GGUF_IMPORT 1
#endif

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <functional>
#include <optional>
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

namespace {

// The folders from `path` upwards that do not exist yet (innermost first): what an export creates and
// removes again when it fails or is cancelled, so that nothing is left behind.
QStringList missing_folders(const QString& path) {
  QStringList missing;
  QString folder = QDir::cleanPath(QDir(path).absolutePath());
  while (!folder.isEmpty() && !QFileInfo::exists(folder)) {
    missing << folder;
    const QString parent = QFileInfo(folder).path();
    if (parent == folder) break;
    folder = parent;
  }
  return missing;
}

void remove_if_empty(const QStringList& folders) {
  for (const QString& folder : folders) QDir().rmdir(folder);  // innermost first; rmdir keeps a folder with files
}

std::optional<lora::gguf::ExportType> export_type(const QString& type) {
  if (type.isEmpty()) return std::nullopt;
  return lora::gguf::parse_export_type(type.toStdString(), "--type");
}

QString size_text(std::uint64_t bytes) { return QLocale().formattedDataSize(static_cast<qint64>(bytes)); }


}  // namespace

ExportTask* ExportTask::ggufTask(const GgufRequest& request, QObject* parent) {
  auto* task = new ExportTask(parent);
  task->work_ = [task, request](const BackgroundJob::Run& run) {
    auto progress = [&run, task](std::uint64_t done, std::uint64_t total, const std::string& tensor) {
      const qint64 bytes_done = static_cast<qint64>(done), bytes_total = static_cast<qint64>(total);
      const QString name = q(tensor);
      run.post([task, bytes_done, bytes_total, name] {
        const QString item = QCoreApplication::translate("ui::ExportPage", "%1 of %2 — %3")
                                 .arg(QLocale().formattedDataSize(bytes_done), QLocale().formattedDataSize(bytes_total),
                                      name);
        Q_EMIT task->progress(bytes_done, bytes_total, item);
      });
    };
    auto cancelled = [&run] { return run.cancelled(); };
    const QString folder = request.target == GgufTarget::Ollama ? request.output : QFileInfo(request.output).path();
    const QStringList created = missing_folders(folder);
    try {
      QString output = request.output, summary;
      QStringList notes;
      if (request.target == GgufTarget::AdapterFile) {
        QDir().mkpath(folder);
        lora::gguf::LoraExportOptions options;
        options.model_dir = request.model_dir.toStdString();
        options.adapter_dir = request.adapter_dir.toStdString();
        options.output_path = request.output.toStdString();
        options.type = request.type.isEmpty() ? "f32" : request.type.toStdString();
        lora::gguf::WriteCallbacks callbacks;
        callbacks.cancelled = cancelled;
        callbacks.progress = progress;
        const lora::gguf::LoraExportResult result = lora::gguf::export_lora_gguf(options, callbacks);
        for (const lora::Message& note : result.notes) notes << engineMessage(note);
        summary = QCoreApplication::translate("ui::ExportPage", "%1 LoRA pairs, alpha %2, %3; %4.")
                      .arg(result.modules)
                      .arg(result.alpha)
                      .arg(q(result.type), size_text(result.file_size));
      } else if (request.target == GgufTarget::Ollama) {
        lora::gguf::OllamaExportOptions options;
        options.model_dir = request.model_dir.toStdString();
        options.adapter_dir = request.adapter_dir.toStdString();
        options.output_dir = request.output.toStdString();
        if (const auto type = export_type(request.type)) options.type = *type;
        options.force = request.replace_existing;
        options.cancelled = cancelled;
        options.progress = progress;
        const lora::gguf::OllamaExportResult result = lora::gguf::export_ollama(options);
        for (const lora::Message& note : result.model.notes) notes << engineMessage(note);
        output = q(result.gguf_path);
        summary = QCoreApplication::translate("ui::ExportPage", "model.gguf (%1, %2, %3 tensors) and a Modelfile (prompt format: %4).")
                      .arg(q(result.model.type), size_text(result.model.file_size))
                      .arg(result.model.tensors)
                      .arg(result.format.name.empty() ? QCoreApplication::translate("ui::ExportPage", "the GGUF's own chat template") : q(result.format.name));
      } else {
        QDir().mkpath(folder);
        lora::gguf::ModelExportOptions options;
        options.model_dir = request.model_dir.toStdString();
        options.adapter_dir = request.adapter_dir.toStdString();
        options.output_path = request.output.toStdString();
        options.type = export_type(request.type);
        options.cancelled = cancelled;
        options.progress = progress;
        const lora::gguf::ModelExportResult result = lora::gguf::export_model_gguf(options);
        for (const lora::Message& note : result.notes) notes << engineMessage(note);
        summary = QCoreApplication::translate("ui::ExportPage", "%1, %2, %3 tensors, architecture %4.")
                      .arg(q(result.type), size_text(result.file_size))
                      .arg(result.tensors)
                      .arg(q(result.architecture));
        if (result.merged_modules > 0) summary += " " + QCoreApplication::translate("ui::ExportPage", "%1 layers of the adapter merged in.").arg(result.merged_modules);
      }
      run.post([task, output, summary, notes] { Q_EMIT task->succeeded(output, summary, notes); });
    } catch (const std::exception& e) {
      remove_if_empty(created);
      const QString message = engineMessage(e);
      const bool was_cancelled = run.cancelled();
      run.post([task, message, was_cancelled] { Q_EMIT task->failed(message, was_cancelled); });
    }
  };
  return task;
}

namespace {

// One greedy answer of `model_dir` (+ adapter) to `prompt_template` filled with the user's prompt.
struct Answer {
  std::string prompt_text;
  std::vector<int32_t> prompt_ids;
  lora::GenerationResult result;
};

Answer greedy_answer(const std::string& model_dir, const std::string& adapter_dir, const lora::PromptTemplate& prompt_template,
                     const std::string& prompt, const VerifyRequest& request, const BackgroundJob::Run& run) {
  lora::ComputeOptions compute;
  compute.device = request.device.isEmpty() ? "cpu" : request.device.toStdString();
  compute.dtype = "float32";  // the comparison, not the speed: both sides in the same precision
  compute.threads = request.threads;
  auto model = lora::CausalLM::load(model_dir, compute);
  std::unique_ptr<lora::ModelAdapter> adapter;  // detached before the model goes
  if (!adapter_dir.empty()) adapter = lora::ModelAdapter::load(*model, adapter_dir);
  const std::unique_ptr<lora::Tokenizer> tokenizer = lora::Tokenizer::load(model_dir);
  const lora::EncodedPrompt encoded = lora::encode_prompt(prompt_template, *tokenizer, {{"user", prompt}});
  lora::GenerationSettings settings;
  settings.eos_token_ids = lora::load_generation_config(model_dir).eos_token_ids;
  settings.sampling.do_sample = false;
  settings.max_new_tokens = request.max_new_tokens;
  settings.stop_strings = encoded.stop_strings;
  Answer answer;
  answer.prompt_text = encoded.text;
  answer.prompt_ids = encoded.ids;
  answer.result = lora::generate(*model, *tokenizer, encoded.ids, settings,
                                 [&run](const std::string&) { return !run.cancelled(); });
  return answer;
}

}  // namespace

ExportTask* ExportTask::verifyTask(const VerifyRequest& request, QObject* parent) {
  auto* task = new ExportTask(parent);
  task->work_ = [task, request](const BackgroundJob::Run& run) {
    auto step = [&run, task](int done, const QString& what) {
      run.post([task, done, what] { Q_EMIT task->progress(done, 4, what); });
    };
    try {
#ifdef LORA_UI_HAS_GGUF_IMPORT
      const std::string model_dir = request.model_dir.toStdString(), adapter_dir = request.adapter_dir.toStdString();
      // The prompt format the adapter was trained with, for both: the check is about the weights and the tokenizer.
      const lora::PromptTemplate prompt_template = [&] {
        const std::unique_ptr<lora::Tokenizer> tokenizer = lora::Tokenizer::load(model_dir);
        return lora::resolve_prompt_template("", adapter_dir, tokenizer->config());
      }();
      const std::string prompt = request.prompt.toStdString();
      step(0, QCoreApplication::translate("ui::ExportPage", "the source model answers"));
      const Answer source = greedy_answer(model_dir, adapter_dir, prompt_template, prompt, request, run);
      if (run.cancelled()) throw std::runtime_error(QCoreApplication::translate("ui::ExportPage", "check cancelled").toStdString());
      step(2, QCoreApplication::translate("ui::ExportPage", "reading the GGUF file back"));
      const std::string folder = lora::gguf::resolve_model_path(request.gguf_path.toStdString());
      if (run.cancelled()) throw std::runtime_error(QCoreApplication::translate("ui::ExportPage", "check cancelled").toStdString());
      step(3, QCoreApplication::translate("ui::ExportPage", "the exported file answers"));
      const Answer exported = greedy_answer(folder, "", prompt_template, prompt, request, run);
      if (run.cancelled()) throw std::runtime_error(QCoreApplication::translate("ui::ExportPage", "check cancelled").toStdString());
      ExportComparison comparison;
      comparison.prompt = q(source.prompt_text);
      comparison.source_answer = q(source.result.text);
      comparison.exported_answer = q(exported.result.text);
      comparison.same = source.result.ids == exported.result.ids;
      comparison.same_prompt_ids = source.prompt_ids == exported.prompt_ids;
      if (!comparison.same || comparison.source_answer != comparison.exported_answer) {
        const QString& a = comparison.source_answer;
        const QString& b = comparison.exported_answer;
        int i = 0;
        while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
        comparison.first_difference = i;
      }
      const QString path = request.gguf_path;
      run.post([task, comparison, path] {
        Q_EMIT task->compared(comparison);
        Q_EMIT task->succeeded(path, QString(), {});
      });
#else
      (void)step;
      throw std::runtime_error(
          QCoreApplication::translate("ui::ExportPage", "this build cannot read GGUF files back, so the export was not checked").toStdString());
#endif
    } catch (const std::exception& e) {
      const QString message = engineMessage(e);
      const bool was_cancelled = run.cancelled();
      run.post([task, message, was_cancelled] { Q_EMIT task->failed(message, was_cancelled); });
    }
  };
  return task;
}

}  // namespace ui
