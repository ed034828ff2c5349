#pragma once
// The built-in demo in one click: makes (or reuses) the tiny demo model under <data>/demo/model on a
// worker thread, then adds <data>/demo as a model folder, loads the model, opens the demo dataset and
// hands the demo's training settings (adapter to <data>/adapters/demo) to the Train page.
#include <memory>

#include <QObject>
#include <QString>

namespace ui {

class AppSession;
class BackgroundJob;

struct DemoFiles {
  QString model_dir;
  QString dataset_path;
  QString training_settings_json;  // training_parameters.json text for the Train page
  bool model_was_made = false;     // false when an up-to-date demo model was reused
};

class DemoSetup : public QObject {
  Q_OBJECT

 public:
  explicit DemoSetup(AppSession* session, QObject* parent = nullptr);
  ~DemoSetup() override;

  // Starts the worker; ready (after the session was set up) or failed follows. A start while one runs is ignored.
  void start();
  // Drops the running setup's result (the model being written is finished in the background and reused next time).
  void cancel();
  bool isRunning() const { return running_; }

  static QString demoFolder();     // <data>/demo: the model folder the Models page scans
  static QString demoModelDir();   // <data>/demo/model
  static QString demoAdapterDir(); // <data>/adapters/demo

 Q_SIGNALS:
  void started();
  void ready(const QString& model_dir);
  void failed(const QString& message);

 private:
  void apply(const DemoFiles& files);

  AppSession* session_;
  std::unique_ptr<BackgroundJob> job_;  // making the demo model
  bool running_ = false;
};

}  // namespace ui
