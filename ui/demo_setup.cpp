#include "demo_setup.h"

#include "demo.h"
#include "error.h"
#include "training_settings.h"

#include <QCoreApplication>
#include <QDir>

#include "app_session.h"
#include "background_job.h"
#include "engine_messages.h"

namespace ui {

DemoSetup::DemoSetup(AppSession* session, QObject* parent)
    : QObject(parent), session_(session), job_(std::make_unique<BackgroundJob>(this)) {}

DemoSetup::~DemoSetup() = default;

QString DemoSetup::demoFolder() { return AppSession::dataDir() + "/demo"; }
QString DemoSetup::demoModelDir() { return demoFolder() + "/model"; }
QString DemoSetup::demoAdapterDir() { return AppSession::adaptersDir() + "/demo"; }

void DemoSetup::start() {
  if (running_) return;
  running_ = true;
  Q_EMIT started();
  const std::string model_dir = demoModelDir().toStdString();
  const std::string adapter_dir = demoAdapterDir().toStdString();
  const std::string device = session_->computeDevice().toStdString();
  const int threads = session_->computeThreads();
  struct Outcome {
    DemoFiles files;
    QString error;
  };
  job_->run(
      [model_dir, adapter_dir, device, threads] {
        Outcome outcome;
        DemoFiles& files = outcome.files;
        try {
          const std::string dataset = lora::find_demo_dataset();
          if (!lora::demo_model_is_current(model_dir)) {
            lora::make_demo_model(model_dir, lora::find_demo_tokenizer());
            files.model_was_made = true;
          }
          lora::TrainingSettings settings = lora::demo_training_settings(model_dir, dataset, adapter_dir);
          settings.device = device;
          // The user's thread count, else the cores not busy with other work (see demo_default_threads).
          settings.threads = threads > 0 ? threads : lora::demo_default_threads();
          files.model_dir = QString::fromStdString(model_dir);
          files.dataset_path = QString::fromStdString(dataset);
          files.training_settings_json = QString::fromStdString(lora::training_settings_to_json(settings));
        } catch (const std::exception& e) {
          outcome.error = engineMessage(e);
        }
        return outcome;
      },
      [this](const Outcome& outcome) {  // not after a cancel, nor once this object is gone
        running_ = false;
        if (!outcome.error.isEmpty()) {
          Q_EMIT failed(outcome.error);
          return;
        }
        apply(outcome.files);
      });
}

void DemoSetup::cancel() {
  if (!running_) return;
  job_->drop();
  running_ = false;
}

void DemoSetup::apply(const DemoFiles& files) {
  session_->addModelFolder(demoFolder());
  session_->loadModel(files.model_dir);
  session_->setDatasetPath(files.dataset_path);
  session_->suggestTrainingSettings(files.training_settings_json);
  Q_EMIT session_->statusMessage(files.model_was_made ? tr("The demo model was made and is loading.")
                                                    : tr("The demo model is loading."));
  Q_EMIT ready(files.model_dir);
  Q_EMIT session_->pageRequested("train");
}

}  // namespace ui
