#pragma once
// Export: the adapter as a PEFT folder (its files and settings, a copy elsewhere, how other tools
// load it), merged into a full Hugging Face model folder, or as GGUF for llama.cpp (the model with the
// adapter merged in, or the adapter alone for --lora), Ollama (model.gguf + Modelfile, `ollama create`)
// and LM Studio (its models folder layout). Each export runs on a worker thread with progress and
// cancel; a GGUF target shows the file's size before it is written and what to do next, and after a
// model export asks the exported file and the source model the same question (greedy) and compares.
#include <array>
#include <memory>

#include <QHash>
#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTimer;
class QTreeWidget;
class QVBoxLayout;
class QGroupBox;
class QProcess;
class QTabWidget;

namespace ui {

class AppSession;
class BackgroundJob;
class ExportTask;
struct ExportComparison;

class ExportPage : public QWidget {
  Q_OBJECT

 public:
  explicit ExportPage(AppSession* session, QWidget* parent = nullptr);
  ~ExportPage() override;

  bool isBusy() const;  // a copy, merge, export or check is running
  // The export targets' tabs, by name: "adapter", "merged", "gguf", "ollama", "lmstudio".
  void showTarget(const QString& name);

 private:
  void browseAdapter();
  void refreshAdapter();
  void refreshSnippets();
  void suggestMergeOutput();
  QString copyTarget() const;
  void updateCopyTarget();
  void startCopy();
  void startMerge();
  void cancelTask();
  void beginTask(ExportTask* task, QLabel* result);
  void endTask();
  void updateTaskButtons();
  // The chosen adapter is the folder a running training writes, or a checkpoint in it: copying or
  // merging it now takes the weights saved so far (or a checkpoint the run may remove).
  bool adapterBeingTrained() const;
  QString trainingWarning() const;  // what the note and the question before Copy or Merge say
  bool confirmExportWhileTraining();  // true when nothing is being trained or the user goes ahead
  void onTrainingChanged(bool running);
  // The constructor's sections.
  QGroupBox* buildAdapterBox(QWidget* parent);
  QGroupBox* buildCopyBox(QWidget* parent);
  QGroupBox* buildMergeBox(QWidget* parent);
  QGroupBox* buildToolsBox(QWidget* parent);
  QWidget* snippetTab(const QString& explanation, QPlainTextEdit** editor, const QString& name);
  QGroupBox* buildGgufBox(QWidget* parent);
  QGroupBox* buildOllamaBox(QWidget* parent);
  QGroupBox* buildLmStudioBox(QWidget* parent);

  // The three GGUF targets share their type choice, size estimate, result, next steps and check.
  enum GgufKind { GgufFile = 0, OllamaFolder = 1, LmStudioFile = 2 };
  struct GgufTargetWidgets {
    QGroupBox* box = nullptr;
    QComboBox* type = nullptr;
    QLabel* estimate = nullptr;
    QCheckBox* verify = nullptr;
    QPushButton* button = nullptr;
    QLabel* result = nullptr;
    QPlainTextEdit* next = nullptr;
    QLabel* verification = nullptr;
  };
  void addGgufCommonRows(GgufKind kind, QVBoxLayout* layout, const QString& prefix);
  QComboBox* makeTypeCombo(QWidget* parent, const QString& name);
  bool ggufAdapterOnly() const;  // the GGUF tab's "the adapter alone" choice
  QString ggufAdapterDir() const;  // the adapter to merge in: "" when there is none or it is exported alone
  void scheduleEstimate();
  void updateEstimate();
  void refreshGguf();  // outputs, next steps and Modelfile after the model, adapter or a field changed
  void refreshModelfile();
  QString lmStudioFile() const;
  void startGgufExport(GgufKind kind);
  void startVerification(GgufKind kind, const QString& gguf_path);
  void showComparison(GgufKind kind, const ExportComparison& comparison);
  void runOllamaCreate(const QString& folder, const QString& name);

  AppSession* session_;
  QLabel* adapter_path_;
  QLabel* adapter_message_;
  QLabel* training_note_;
  QLabel* summary_;
  QTreeWidget* files_;
  QGroupBox* copy_box_;
  QLineEdit* copy_destination_;
  QCheckBox* include_checkpoints_;
  QLabel* copy_target_;
  QPushButton* copy_button_;
  QLabel* copy_result_;
  QGroupBox* merge_box_;
  QLineEdit* base_model_;
  QLineEdit* merge_output_;
  QComboBox* merge_dtype_;
  QCheckBox* replace_model_;
  QPushButton* merge_button_;
  QPushButton* cancel_button_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* merge_result_;
  QPushButton* load_merged_button_;
  QPlainTextEdit* webui_snippet_;
  QPlainTextEdit* peft_snippet_;
  QPlainTextEdit* vllm_snippet_;
  QPlainTextEdit* llama_cpp_snippet_;
  QPlainTextEdit* merged_snippet_;
  QTabWidget* targets_ = nullptr;

  std::array<GgufTargetWidgets, 3> gguf_;
  QComboBox* gguf_contents_ = nullptr;
  QLineEdit* gguf_output_ = nullptr;
  QString suggested_gguf_output_;
  QLineEdit* ollama_folder_ = nullptr;
  QLineEdit* ollama_name_ = nullptr;
  QCheckBox* ollama_replace_ = nullptr;
  QPlainTextEdit* ollama_modelfile_ = nullptr;
  QString suggested_ollama_folder_, suggested_ollama_name_;
  QLineEdit* lmstudio_folder_ = nullptr;
  QLineEdit* lmstudio_publisher_ = nullptr;
  QLineEdit* lmstudio_name_ = nullptr;
  QLabel* lmstudio_target_ = nullptr;
  QString suggested_lmstudio_name_;
  QString source_default_type_;   // "f16" or "bf16": export-gguf's default for the base model
  QHash<QString, QString> estimates_;  // "model|adapter|type" -> the estimate's text (or its error)
  QHash<QString, qint64> estimate_bytes_;
  QTimer* estimate_timer_ = nullptr;
  std::unique_ptr<BackgroundJob> estimate_job_;
  std::unique_ptr<BackgroundJob> modelfile_job_;
  QProcess* ollama_create_ = nullptr;
  int task_kind_ = -1;  // the GGUF target the running export or check is for; -1 for copy / merge

  int adapter_rank_ = 8;
  QString merged_dir_;  // the last merge's output
  QString suggested_output_;  // what suggestMergeOutput last filled in (replaced unless the user typed another)
  QPointer<ExportTask> task_;
  QLabel* task_result_ = nullptr;  // where the running task reports
  QTimer* training_poll_;          // while the chosen adapter is trained: keeps the step in the note current
};

}  // namespace ui
