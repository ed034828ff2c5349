// Torch headers first: Qt's `slots` macro breaks ATen's headers.
#include "causal_lm.h"
#include "device.h"
#include "error.h"
#include "tokenizer.h"

#include "app_session.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThread>

namespace ui {

AppSession::AppSession(QSettings* settings, QObject* parent) : QObject(parent), settings_(settings) {
  dataset_path_ = settings_->value("session/dataset").toString();
  adapter_dir_ = settings_->value("session/adapter").toString();
}

AppSession::~AppSession() = default;

QString AppSession::computeDevice() const { return settings_->value("compute/device", "auto").toString(); }
int AppSession::computeThreads() const { return settings_->value("compute/threads", 0).toInt(); }

void AppSession::loadModel(const QString& model_dir) {
  model_.reset();
  tokenizer_.reset();
  model_dir_ = model_dir;
  model_state_ = ModelState::Loading;
  const quint64 generation = ++load_generation_;
  emit modelLoadStarted(model_dir);

  lora::ComputeOptions options;
  options.device = computeDevice().toStdString();
  options.threads = computeThreads();
  const std::string dir = model_dir.toStdString();
  QPointer<AppSession> self(this);
  QThread* thread = QThread::create([self, generation, dir, options, model_dir] {
    std::shared_ptr<lora::CausalLM> model;
    std::shared_ptr<const lora::Tokenizer> tokenizer;
    QString error;
    try {
      tokenizer = lora::Tokenizer::load(dir);
      model = lora::CausalLM::load(dir, options);
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    // Back on the GUI thread; `self` may be gone when the window closed meanwhile.
    QMetaObject::invokeMethod(
        qApp, [self, generation, model, tokenizer, error, model_dir] {
          if (!self || generation != self->load_generation_) return;  // superseded or cancelled
          if (!error.isEmpty()) {
            self->model_state_ = ModelState::None;
            self->model_dir_.clear();
            emit self->modelLoadFailed(model_dir, error);
            return;
          }
          self->model_ = model;
          self->tokenizer_ = tokenizer;
          self->device_description_ = QString::fromStdString(model->target().describe());
          self->model_state_ = ModelState::Loaded;
          emit self->modelLoaded(model_dir);
        },
        Qt::QueuedConnection);
  });
  connect(thread, &QThread::finished, thread, &QObject::deleteLater);
  thread->start();
}

void AppSession::cancelModelLoad() {
  if (model_state_ != ModelState::Loading) return;
  ++load_generation_;
  model_state_ = ModelState::None;
  const QString dir = model_dir_;
  model_dir_.clear();
  emit modelLoadFailed(dir, tr("Loading was cancelled."));
}

void AppSession::unloadModel() {
  if (model_state_ == ModelState::Loading) cancelModelLoad();
  if (model_state_ == ModelState::None) return;
  model_.reset();
  tokenizer_.reset();
  model_dir_.clear();
  device_description_.clear();
  model_state_ = ModelState::None;
  emit modelUnloaded();
}

void AppSession::setDatasetPath(const QString& path) {
  if (path == dataset_path_) return;
  dataset_path_ = path;
  settings_->setValue("session/dataset", path);
  emit datasetPathChanged(path);
}

void AppSession::setAdapterDir(const QString& dir) {
  if (dir == adapter_dir_) return;
  adapter_dir_ = dir;
  settings_->setValue("session/adapter", dir);
  emit adapterDirChanged(dir);
}

void AppSession::setTraining(bool running) {
  if (running == training_) return;
  training_ = running;
  emit trainingChanged(running);
}

}  // namespace ui
