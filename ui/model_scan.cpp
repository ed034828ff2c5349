#include "model_scan.h"

#include "chat_prompt.h"
#include "error.h"
#include "gguf_model_import.h"
#include "lora_adapter.h"
#include "model_info.h"
#include "tokenizer_config.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

#include "background_job.h"
#include "chat_page.h"
#include "engine_messages.h"

namespace ui {

namespace {

bool is_candidate(const QDir& dir) {
  if (dir.exists("adapter_config.json")) return false;
  if (dir.exists("config.json")) return true;
  return !dir.entryList({"*.safetensors"}, QDir::Files).isEmpty();
}

QStringList subfolders(const QString& path) {
  QStringList out;
  const QDir dir(path);
  for (const QString& name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Readable, QDir::Name))
    out << dir.filePath(name);
  return out;
}

QString json_value_text(const QJsonValue& value) {
  switch (value.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
      const double number = value.toDouble();
      return number == double(qint64(number)) ? QString::number(qint64(number)) : QString::number(number, 'g', 10);
    }
    case QJsonValue::String: return value.toString();
    case QJsonValue::Array: return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object: return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    default: return {};
  }
}

QString display_name(const QString& model_dir) {
  // models--Qwen--Qwen2.5-0.5B/snapshots/<hash> -> Qwen/Qwen2.5-0.5B
  const QFileInfo info(model_dir);
  const QDir snapshots = info.dir();
  if (snapshots.dirName() == "snapshots") {
    QDir entry = snapshots;
    entry.cdUp();
    if (entry.dirName().startsWith("models--"))
      return entry.dirName().mid(int(qstrlen("models--"))).replace("--", "/");
  }
  return info.fileName();
}

}  // namespace

QStringList findModelFolders(const QString& root) {
  QStringList found;
  const QFileInfo root_info(root);
  if (root_info.isFile() && lora::gguf::is_gguf_path(root.toStdString())) return {root_info.absoluteFilePath()};
  if (!root_info.isDir()) return found;
  // GGUF files (llama.cpp, Ollama, LM Studio: publisher/model/file.gguf) are models of their own.
  auto add_gguf_files = [&found](const QString& folder) {
    for (const QFileInfo& file : QDir(folder).entryInfoList({"*.gguf", "*.GGUF"}, QDir::Files | QDir::Readable, QDir::Name))
      if (!found.contains(file.absoluteFilePath())) found << file.absoluteFilePath();
  };
  auto visit = [&found, &add_gguf_files](const QString& path) {
    if (is_candidate(QDir(path))) found << QFileInfo(path).absoluteFilePath();
    else add_gguf_files(path);
  };
  add_gguf_files(root);
  if (is_candidate(QDir(root))) {
    visit(root);
    return found;  // a model folder's subfolders are its own (e.g. checkpoints), not other models
  }
  for (const QString& level1 : subfolders(root)) {
    const QString name = QFileInfo(level1).fileName();
    if (name.startsWith("models--")) {  // a Hugging Face hub cache entry
      for (const QString& snapshot : subfolders(level1 + "/snapshots")) visit(snapshot);
      continue;
    }
    if (is_candidate(QDir(level1))) {
      visit(level1);
      continue;
    }
    add_gguf_files(level1);
    for (const QString& level2 : subfolders(level1)) visit(level2);
  }
  return found;
}

ScannedModel scanModel(const QString& model_dir) {
  ScannedModel model;
  model.dir = QFileInfo(model_dir).absoluteFilePath();
  model.name = display_name(model.dir);
  // A .gguf file is read through the folder prepared for it (config, tokenizer, weights in the GGUF).
  const bool gguf = QFileInfo(model.dir).isFile();
  std::string dir = model.dir.toStdString();
  try {
    if (gguf) dir = lora::gguf::resolve_model_path(dir);
    const lora::ModelInfo info = lora::read_model_info(dir);
    model.architecture = QString::fromStdString(info.architecture);
    model.model_type = QString::fromStdString(info.model_type);
    model.family = QString::fromStdString(info.family);
    model.num_parameters = info.num_parameters;
    model.num_layers = info.num_layers;
    model.hidden_size = info.hidden_size;
    model.vocab_size = info.vocab_size;
    model.dtype = gguf ? QStringLiteral("GGUF %1").arg(QString::fromStdString(lora::gguf::gguf_weight_type(model.dir.toStdString())))
                       : QString::fromStdString(info.dtype);
    model.tokenizer = QString::fromStdString(info.tokenizer);
    model.context_length = info.context_length;
    model.size_bytes = info.size_bytes;
    if (info.tokenizer.empty())
      model.error = QCoreApplication::translate("ui::ModelScan", "%1: no tokenizer (tokenizer.json or tokenizer.model)")
                        .arg(model.dir);
  } catch (const std::exception& e) {
    model.error = engineMessage(e);
  }

  QFile config(QString::fromStdString(dir) + "/config.json");
  if (config.open(QIODevice::ReadOnly)) {
    const QJsonObject object = QJsonDocument::fromJson(config.readAll()).object();
    for (auto it = object.begin(); it != object.end(); ++it) model.config_fields.append({it.key(), json_value_text(it.value())});
  }
  if (model.loadable()) {
    try {
      const lora::TokenizerConfigFile tokenizer_config = lora::read_tokenizer_config(dir);
      model.chat_format = ChatPage::describeTemplate(lora::resolve_prompt_template("", "", tokenizer_config.tokens));
    } catch (const std::exception& e) {
      model.chat_format = engineMessage(e);
    }
  }
  if (gguf) model.files.append({QFileInfo(model.dir).fileName(), QFileInfo(model.dir).size()});
  QDirIterator files(gguf ? QString() : model.dir, QDir::Files, QDirIterator::Subdirectories);
  while (!gguf && files.hasNext()) {
    files.next();
    model.files.append({QDir(model.dir).relativeFilePath(files.filePath()), files.fileInfo().size()});
  }
  std::sort(model.files.begin(), model.files.end());
  if (!model.loadable() && model.size_bytes == 0)
    for (const auto& file : model.files) model.size_bytes += file.second;
  return model;
}

QList<ScannedAdapter> scanAdapters(const QString& root) {
  QList<ScannedAdapter> adapters;
  QStringList folders{root};
  for (const QString& sub : subfolders(root))
    if (!QFileInfo(sub).fileName().startsWith("checkpoint-")) folders << sub;
  for (const QString& folder : folders) {
    const QDir dir(folder);
    if (!dir.exists("adapter_config.json")) continue;
    ScannedAdapter adapter;
    adapter.dir = QFileInfo(folder).absoluteFilePath();
    adapter.name = dir.dirName();
    adapter.root = QFileInfo(root).absoluteFilePath();
    const QFileInfo weights(dir.filePath("adapter_model.safetensors"));
    adapter.modified = (weights.exists() ? weights : QFileInfo(dir.filePath("adapter_config.json"))).lastModified();
    try {
      const lora::LoraConfig config = lora::load_lora_config(adapter.dir.toStdString());
      adapter.rank = config.r;
      adapter.alpha = config.lora_alpha;
      if (config.target_modules.is_regex) {
        adapter.targets = QString::fromStdString(config.target_modules.regex);
      } else {
        QStringList names;
        for (const auto& name : config.target_modules.names) names << QString::fromStdString(name);
        adapter.targets = names.join(", ");
      }
      adapter.base_model = QString::fromStdString(config.base_model_name_or_path);
    } catch (const std::exception& e) {
      adapter.error = engineMessage(e);
    }
    adapters << adapter;
  }
  return adapters;
}

bool adapterMatchesModel(const ScannedAdapter& adapter, const ScannedModel& model) {
  if (adapter.base_model.isEmpty()) return false;
  const QString base = QDir::cleanPath(adapter.base_model);
  if (QFileInfo(base).isAbsolute() && QFileInfo(base).canonicalFilePath() == QFileInfo(model.dir).canonicalFilePath() &&
      !QFileInfo(model.dir).canonicalFilePath().isEmpty())
    return true;
  const QString base_last = base.section('/', -1);
  return base_last == QFileInfo(model.dir).fileName() || base_last == model.name.section('/', -1) || base == model.name;
}

ScanResult scanAll(const QStringList& model_roots, const QStringList& adapter_roots, const std::atomic_bool* cancel) {
  ScanResult result;
  QStringList roots_for_adapters;
  for (const QString& root : adapter_roots) roots_for_adapters << QFileInfo(root).absoluteFilePath();
  QStringList seen_models;  // canonical paths
  for (const QString& root : model_roots) {
    const QStringList found = findModelFolders(root);
    if (found.isEmpty()) result.roots_without_models << root;
    for (const QString& dir : found) {
      if (cancel && *cancel) return result;
      const QString canonical = QFileInfo(dir).canonicalFilePath();
      if (seen_models.contains(canonical)) continue;
      seen_models << canonical;
      result.models << scanModel(dir);
      const QString parent = QFileInfo(dir).absolutePath();
      if (!roots_for_adapters.contains(parent)) roots_for_adapters << parent;
    }
  }
  for (const QString& root : roots_for_adapters) {
    if (cancel && *cancel) return result;
    for (const ScannedAdapter& adapter : scanAdapters(root))
      if (std::none_of(result.adapters.begin(), result.adapters.end(),
                       [&](const ScannedAdapter& a) {
                         return QFileInfo(a.dir).canonicalFilePath() == QFileInfo(adapter.dir).canonicalFilePath();
                       }))
        result.adapters << adapter;
  }
  return result;
}

QString humanParameterCount(qint64 count) {
  struct Unit {
    double scale;
    const char* suffix;
  };
  for (const Unit unit : {Unit{1e12, "T"}, Unit{1e9, "B"}, Unit{1e6, "M"}, Unit{1e3, "K"}}) {
    if (double(count) >= unit.scale) {
      const double value = double(count) / unit.scale;
      return QString::number(value, 'f', value < 100 ? 1 : 0) + unit.suffix;
    }
  }
  return QString::number(count);
}

ModelScanner::ModelScanner(QObject* parent) : QObject(parent), job_(std::make_unique<BackgroundJob>(this)) {
  qRegisterMetaType<ui::ScanResult>();
}

// The job's end cancels the scan: the worker stops soon and its result is dropped.
ModelScanner::~ModelScanner() = default;

void ModelScanner::scan(const QStringList& model_roots, const QString& adapters_dir) {
  scanning_ = true;
  Q_EMIT started();
  // Replaces the scan in flight: that one stops early and its result is dropped.
  job_->start([this, model_roots, adapters_dir](const BackgroundJob::Run& run) {
    ScanResult result = scanAll(model_roots, {adapters_dir}, run.cancelFlag());
    run.post([this, result] {
      scanning_ = false;
      Q_EMIT finished(result);
    });
  });
}

void ModelScanner::cancel() {
  job_->drop();
  scanning_ = false;
}

}  // namespace ui
