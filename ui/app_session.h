#pragma once
// What the pages of one window share: the loaded model (one copy, used by Chat and Export; training
// loads its own), the chosen dataset and adapter, whether a training run is going, and the settings.
// Lives on the GUI thread; loading runs on a worker thread and reports back through signals.
#include <memory>

#include <QObject>
#include <QSettings>
#include <QString>
#include <QStringList>

namespace lora {
class CausalLM;
class Tokenizer;
}  // namespace lora

namespace ui {

class BackgroundJob;

class AppSession : public QObject {
  Q_OBJECT

 public:
  enum class ModelState { None, Loading, Loaded };

  explicit AppSession(QSettings* settings, QObject* parent = nullptr);
  ~AppSession() override;

  QSettings& settings() { return *settings_; }

  ModelState modelState() const { return model_state_; }
  QString modelDir() const { return model_dir_; }  // of the loaded or loading model; empty with none
  // The folder the engine reads the loaded model from: modelDir() itself, or for a .gguf file the
  // folder prepared for it (gguf_model_import.h). Empty until loaded.
  QString modelFolder() const { return model_folder_; }
  // Null unless Loaded. A worker that generates keeps its own copy of the pointer while it runs, so
  // unloading never pulls the model from under it.
  std::shared_ptr<lora::CausalLM> model() const { return model_; }
  std::shared_ptr<const lora::Tokenizer> tokenizer() const { return tokenizer_; }
  // The loaded model's device, or before a load the one the settings pick, e.g. "CPU, 2 threads (bf16 via
  // AVX-512)" or "CUDA: NVIDIA H100 (bf16)".
  QString deviceDescription() const;

  // Device options the user chose in the settings ("auto" | "cpu" | "cuda"; threads 0 = all cores).
  QString computeDevice() const;
  int computeThreads() const;
  // Stores "compute/device" and "compute/threads"; they apply to the next load or training run.
  void setComputeOptions(const QString& device, int threads);
  // How the loaded model keeps its decoder's linear weights ("model/quantize"): "none", "nf4"
  // (bitsandbytes NF4 with double quantization, as QLoRA) or "int8". Setting another one reloads a
  // loaded (or loading) model with it. A bnb-4bit model folder is NF4 whatever this says.
  QString modelQuantize() const;
  void setModelQuantize(const QString& quantize);

  // The user's data folder (<GenericDataLocation>/lora-studio; an earlier "LoRA Studio/lora-studio" is moved
  // there, a link left in its place), created when missing: the demo,
  // trained adapters (<data>/adapters) and the default model folder (<data>/models) live there.
  static QString dataDir();
  static QString defaultModelFolder();  // <data>/models, created when missing
  static QString adaptersDir();         // <data>/adapters, created when missing
  // The folders the Models page scans ("models/folders"; the default model folder until the user sets them).
  QStringList modelFolders() const;
  void setModelFolders(const QStringList& folders);
  void addModelFolder(const QString& folder);  // no-op when already listed

  // Loads off the GUI thread: modelLoadStarted, then modelLoaded or modelLoadFailed. A load asked
  // for while one runs replaces it (the older result is dropped when it arrives).
  void loadModel(const QString& model_dir);
  void cancelModelLoad();  // the load in flight finishes in the background and is dropped
  void unloadModel();

  QString datasetPath() const { return dataset_path_; }
  void setDatasetPath(const QString& path);
  QString adapterDir() const { return adapter_dir_; }  // the adapter Chat and Export work with
  void setAdapterDir(const QString& dir);

  bool isTraining() const { return training_; }
  // The adapter folder the running training writes (its output folder, where its checkpoint-N folders
  // are); empty when no run goes on, or a run that did not say.
  QString trainingOutputDir() const { return training_output_dir_; }
  // A run starts (with the folder it writes) or ends. trainingChanged is emitted when either changes.
  void setTraining(bool running, const QString& output_dir = {});

  // Hands training settings (training_parameters.json text) to the Train page, e.g. the demo's.
  void suggestTrainingSettings(const QString& settings_json) { Q_EMIT trainingSettingsSuggested(settings_json); }

 Q_SIGNALS:
  void modelLoadStarted(const QString& model_dir);
  void modelLoaded(const QString& model_dir);
  void modelLoadFailed(const QString& model_dir, const QString& message);
  void modelUnloaded();
  void datasetPathChanged(const QString& path);
  void adapterDirChanged(const QString& dir);
  void trainingChanged(bool running);
  void trainingSettingsSuggested(const QString& settings_json);
  void computeOptionsChanged();
  void modelFoldersChanged(const QStringList& folders);
  // A page asks the window to show another page ("models", "dataset", "train", "chat", "export").
  void pageRequested(const QString& page);
  // A line for the status bar.
  void statusMessage(const QString& text);

 private:
  QSettings* settings_;
  ModelState model_state_ = ModelState::None;
  QString model_dir_;
  QString model_folder_;
  std::shared_ptr<lora::CausalLM> model_;
  std::shared_ptr<const lora::Tokenizer> tokenizer_;
  QString device_description_;          // of the loaded model
  QString planned_device_description_;  // from the settings, shown before a model is loaded
  std::unique_ptr<BackgroundJob> load_job_;  // the model load in flight
  QString dataset_path_;
  QString adapter_dir_;
  bool training_ = false;
  QString training_output_dir_;

  void updatePlannedDevice();
};

}  // namespace ui
