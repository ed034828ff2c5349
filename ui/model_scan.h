#pragma once
// Finding models and adapters on disk for the Models page. Reads config.json, the safetensors headers,
// tokenizer_config.json and adapter_config.json only (no weights), so a scan of a folder of large
// models takes a moment, not minutes; it still runs on a worker thread (ModelScanner), since folders
// may sit on slow or network disks.
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>

namespace ui {

class BackgroundJob;

struct ScannedModel {
  QString dir;           // absolute path of the model folder
  QString name;          // its folder name ("org/name" for a Hugging Face hub cache entry)
  QString error;         // why it cannot be loaded; empty when loadable
  bool loadable() const { return error.isEmpty(); }
  // From lora::read_model_info (valid when loadable, and as far as they were read otherwise).
  QString architecture;
  QString model_type;
  QString family;        // "Qwen3", "Gemma 3", ... (the engine's model-family registry)
  qint64 num_parameters = 0;
  qint64 num_layers = 0;
  qint64 hidden_size = 0;
  qint64 vocab_size = 0;
  QString dtype;
  QString tokenizer;     // "tokenizer.json" | "sentencepiece"
  qint64 context_length = 0;
  qint64 size_bytes = 0;
  // For the details pane.
  QList<QPair<QString, QString>> config_fields;  // config.json's top-level values, as text
  QString chat_format;                          // which chat template generation uses, and why
  QList<QPair<QString, qint64>> files;          // file name -> bytes
};

struct ScannedAdapter {
  QString dir;
  QString name;          // folder name
  QString root;          // the folder it was found in (adapters folder or a model folder's parent)
  QString error;         // adapter_config.json not readable; empty when fine
  qint64 rank = 0;
  double alpha = 0;
  QString targets;       // "q_proj, v_proj" or "all-linear"
  QString base_model;    // base_model_name_or_path
  QDateTime modified;    // of the adapter weights (else the config)
};

struct ScanResult {
  QList<ScannedModel> models;  // each model folder once, however many roots reach it
  QList<ScannedAdapter> adapters;
  QStringList roots_without_models;  // model roots (as given) in which no model folder was found
};

// Candidate model folders: a root that is one itself, its subfolders and theirs (two levels), and
// the snapshots of Hugging Face hub cache entries (models--org--name/snapshots/<hash>). A folder is a
// candidate when it holds config.json or *.safetensors and no adapter_config.json.
QStringList findModelFolders(const QString& root);
ScannedModel scanModel(const QString& model_dir);
// Adapter folders (adapter_config.json) in `root` and one level below it, training checkpoints left out.
QList<ScannedAdapter> scanAdapters(const QString& root);
// Does the adapter name this model as its base? Compares paths, then the last path component
// (adapters trained elsewhere name the hub id, "Qwen/Qwen2.5-0.5B", of a folder named "Qwen2.5-0.5B").
bool adapterMatchesModel(const ScannedAdapter& adapter, const ScannedModel& model);
// model folders + adapter roots -> everything found (a folder reached through two roots, or through a
// link, is listed once: they are compared by canonical path); stops early (returning what it has) when *cancel.
ScanResult scanAll(const QStringList& model_roots, const QStringList& adapter_roots, const std::atomic_bool* cancel);

// "9.4M", "7.2B", "350K".
QString humanParameterCount(qint64 count);

// Runs scanAll on a worker thread. A scan asked for while one runs replaces it (the older result is dropped).
class ModelScanner : public QObject {
  Q_OBJECT

 public:
  explicit ModelScanner(QObject* parent = nullptr);
  ~ModelScanner() override;

  // Adapter roots: `adapters_dir` plus each model folder's parent, found during the scan.
  void scan(const QStringList& model_roots, const QString& adapters_dir);
  void cancel();
  bool isScanning() const { return scanning_; }

 Q_SIGNALS:
  void started();
  void finished(const ui::ScanResult& result);

 private:
  std::unique_ptr<BackgroundJob> job_;
  bool scanning_ = false;
};

}  // namespace ui

Q_DECLARE_METATYPE(ui::ScanResult)
