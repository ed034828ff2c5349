#include "app_session.h"

#include "causal_lm.h"
#include "device.h"
#include "error.h"
#include "gguf_model_import.h"
#include "tokenizer.h"

#include <algorithm>

#include "background_job.h"
#include "engine_messages.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace ui {

namespace {

// ComputeTarget::describe() reads the thread count of the calling thread (OpenMP keeps it per
// thread), which on the GUI thread is not the one computing: the count comes from the settings.
QString describe_target(const lora::ComputeTarget& target, int threads) {
  if (target.device.is_cuda()) return engineMessage(target.description());
  const int count = threads > 0 ? threads : std::max(1, lora::cpu_core_count());
  QString precision = QString::fromStdString(lora::precision_short_name(target.dtype));
  if (target.dtype == c10::kBFloat16 && (lora::cpu_has_amx_bf16() || lora::cpu_has_bf16()))
    precision = AppSession::tr("%1 via %2", "a number format and the CPU units computing in it")
                    .arg(precision, lora::cpu_has_amx_bf16() ? "AMX" : "AVX-512");
  return count == 1 ? AppSession::tr("CPU, 1 thread (%1)").arg(precision)
                    : AppSession::tr("CPU, %1 threads (%2)").arg(count).arg(precision);
}

QString created_folder(const QString& path) {
  QDir().mkpath(path);
  return path;
}

}  // namespace

AppSession::AppSession(QSettings* settings, QObject* parent)
    : QObject(parent), settings_(settings), load_job_(std::make_unique<BackgroundJob>(this)) {
  dataset_path_ = settings_->value("session/dataset").toString();
  adapter_dir_ = settings_->value("session/adapter").toString();
  updatePlannedDevice();
}

QString AppSession::deviceDescription() const {
  return model_state_ == ModelState::Loaded ? device_description_ : planned_device_description_;
}

void AppSession::setComputeOptions(const QString& device, int threads) {
  if (device == computeDevice() && threads == computeThreads()) return;
  settings_->setValue("compute/device", device);
  settings_->setValue("compute/threads", threads);
  updatePlannedDevice();
  Q_EMIT computeOptionsChanged();
}

void AppSession::updatePlannedDevice() {
  // What a bf16 checkpoint would run in: the device, and bf16 where the CPU has the units for it.
  lora::ComputeOptions options;
  options.device = computeDevice().toStdString();
  try {
    planned_device_description_ = describe_target(lora::resolve_compute_target(options, "bfloat16"), computeThreads());
  } catch (const std::exception& e) {
    planned_device_description_ = engineMessage(e);  // e.g. "cuda" chosen on a machine without CUDA
  }
}

QString AppSession::dataDir() {
  // One folder named after the program (~/.local/share/lora-studio), not Qt's organisation/application pair
  // (~/.local/share/LoRA Studio/lora-studio) that earlier versions used.
  const QString generic = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
  const QString folder = QDir(generic).filePath(QCoreApplication::applicationName());
  const QString earlier = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
  const QFileInfo earlier_info(earlier);
  if (QDir::cleanPath(earlier) != QDir::cleanPath(folder) && earlier_info.isDir() && !earlier_info.isSymLink() &&
      !QFileInfo::exists(folder)) {
    // Moved, with a link left behind: paths remembered in the settings (an adapter, a model folder) still open.
    if (!QDir().rename(earlier, folder)) return earlier;
    QFile::link(folder, earlier);
  }
  return created_folder(folder);
}
QString AppSession::defaultModelFolder() { return created_folder(dataDir() + "/models"); }
QString AppSession::adaptersDir() { return created_folder(dataDir() + "/adapters"); }

QStringList AppSession::modelFolders() const {
  if (!settings_->contains("models/folders")) return {defaultModelFolder()};
  return settings_->value("models/folders").toStringList();
}

void AppSession::setModelFolders(const QStringList& folders) {
  QStringList cleaned;
  for (const QString& folder : folders) {
    const QString path = QDir::cleanPath(folder);
    if (!path.isEmpty() && !cleaned.contains(path)) cleaned << path;
  }
  if (settings_->contains("models/folders") && cleaned == modelFolders()) return;
  settings_->setValue("models/folders", cleaned);
  Q_EMIT modelFoldersChanged(cleaned);
}

void AppSession::addModelFolder(const QString& folder) {
  QStringList folders = modelFolders();
  if (folders.contains(QDir::cleanPath(folder))) return;
  folders << folder;
  setModelFolders(folders);
}

AppSession::~AppSession() = default;

QString AppSession::modelQuantize() const {
  const QString quantize = settings_->value("model/quantize", "none").toString();
  return quantize == "nf4" || quantize == "int8" ? quantize : QString("none");
}

void AppSession::setModelQuantize(const QString& quantize) {
  if (quantize == modelQuantize()) return;
  settings_->setValue("model/quantize", quantize);
  if (model_state_ != ModelState::None && !model_dir_.isEmpty()) loadModel(model_dir_);
}

QString AppSession::computeDevice() const { return settings_->value("compute/device", "auto").toString(); }
int AppSession::computeThreads() const { return settings_->value("compute/threads", 0).toInt(); }

void AppSession::loadModel(const QString& model_dir) {
  model_.reset();
  tokenizer_.reset();
  model_folder_.clear();
  model_dir_ = model_dir;
  model_state_ = ModelState::Loading;
  Q_EMIT modelLoadStarted(model_dir);

  lora::ComputeOptions options;
  options.device = computeDevice().toStdString();
  options.threads = computeThreads();
  options.quantize = modelQuantize().toStdString();
  options.double_quant = options.quantize == "nf4";
  const std::string dir = model_dir.toStdString();
  struct Loaded {
    std::shared_ptr<lora::CausalLM> model;
    std::shared_ptr<const lora::Tokenizer> tokenizer;
    QString folder;  // where the engine reads it: the folder, or the one prepared for a .gguf file
    QString error;
  };
  // A load asked for meanwhile (or a cancel) drops this one's result.
  load_job_->run(
      [dir, options] {
        Loaded loaded;
        try {
          const std::string folder = lora::gguf::resolve_model_path(dir);
          loaded.folder = QString::fromStdString(folder);
          loaded.tokenizer = lora::Tokenizer::load(folder);
          loaded.model = lora::CausalLM::load(folder, options);
        } catch (const std::exception& e) {
          loaded.error = engineMessage(e);
        }
        return loaded;
      },
      [this, model_dir](const Loaded& loaded) {
        if (!loaded.error.isEmpty()) {
          model_state_ = ModelState::None;
          model_dir_.clear();
          Q_EMIT modelLoadFailed(model_dir, loaded.error);
          return;
        }
        model_ = loaded.model;
        tokenizer_ = loaded.tokenizer;
        model_folder_ = loaded.folder;
        device_description_ = describe_target(loaded.model->target(), computeThreads());
        model_state_ = ModelState::Loaded;
        Q_EMIT modelLoaded(model_dir);
      });
}

void AppSession::cancelModelLoad() {
  if (model_state_ != ModelState::Loading) return;
  load_job_->drop();
  model_state_ = ModelState::None;
  const QString dir = model_dir_;
  model_dir_.clear();
  Q_EMIT modelLoadFailed(dir, tr("Loading was cancelled."));
}

void AppSession::unloadModel() {
  if (model_state_ == ModelState::Loading) cancelModelLoad();
  if (model_state_ == ModelState::None) return;
  model_.reset();
  tokenizer_.reset();
  model_dir_.clear();
  model_folder_.clear();
  device_description_.clear();
  model_state_ = ModelState::None;
  Q_EMIT modelUnloaded();
}

void AppSession::setDatasetPath(const QString& path) {
  if (path == dataset_path_) return;
  dataset_path_ = path;
  settings_->setValue("session/dataset", path);
  Q_EMIT datasetPathChanged(path);
}

void AppSession::setAdapterDir(const QString& dir) {
  if (dir == adapter_dir_) return;
  adapter_dir_ = dir;
  settings_->setValue("session/adapter", dir);
  Q_EMIT adapterDirChanged(dir);
}

void AppSession::setTraining(bool running, const QString& output_dir) {
  const QString dir = running && !output_dir.isEmpty() ? QDir::cleanPath(QDir(output_dir).absolutePath()) : QString();
  if (running == training_ && dir == training_output_dir_) return;
  training_ = running;
  training_output_dir_ = dir;
  Q_EMIT trainingChanged(running);
}

}  // namespace ui
