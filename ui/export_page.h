#pragma once
// Export: the adapter as a PEFT folder (its files and settings, a copy elsewhere, how other tools
// load it), or merged into a full Hugging Face model folder on a worker thread with progress and cancel.
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
class QGroupBox;

namespace ui {

class AppSession;
class ExportTask;

class ExportPage : public QWidget {
  Q_OBJECT

 public:
  explicit ExportPage(AppSession* session, QWidget* parent = nullptr);
  ~ExportPage() override;

  bool isBusy() const;  // a copy or merge is running

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
  QPushButton* cancel_button_;
  QProgressBar* progress_;
  QLabel* merge_result_;
  QPushButton* load_merged_button_;
  QPlainTextEdit* webui_snippet_;
  QPlainTextEdit* peft_snippet_;
  QPlainTextEdit* vllm_snippet_;
  QPlainTextEdit* llama_cpp_snippet_;
  QPlainTextEdit* merged_snippet_;

  int adapter_rank_ = 8;
  QString merged_dir_;  // the last merge's output
  QString suggested_output_;  // what suggestMergeOutput last filled in (replaced unless the user typed another)
  QPointer<ExportTask> task_;
  QLabel* task_result_ = nullptr;  // where the running task reports
  QTimer* training_poll_;          // while the chosen adapter is trained: keeps the step in the note current
};

}  // namespace ui
