#pragma once
// Dataset: open a dataset (button, drag and drop, or the session's dataset) and preview it: the
// records as a table, the chosen format's rendering of the selected record with the trained tokens
// marked, a histogram of token lengths against the cutoff, the counts, and the bad records.
// Reading, rendering and tokenizing run on a worker thread (runDatasetPreview); any change of the
// file, the format or the token options cancels the running preview and starts another.
//
// Settings (QSettings of the session), read by the Train page as the dataset options to train with:
//   dataset/format          the engine's format option: "alpaca-format", a format file's path,
//                           "chat" (the model's chat format) or "chat:<name>" (chatml, llama2, ...)
//   dataset/format_files    format files the user added to the chooser (string list)
//   dataset/read_as_text    true: the file is read as plain text whatever its extension ("Raw text")
//   dataset/cutoff_len      cutoff length in tokens
//   dataset/train_on_prompt train on the prompt tokens too
//   dataset/add_eos         append EOS after responses
//   dataset/drop_long       drop examples longer than the cutoff instead of truncating them
//   dataset/show_token_pieces, dataset/last_dir, dataset/splitter, dataset/detail_splitter: view state
#include <memory>
#include <string>
#include <vector>

#include "background_job.h"
#include "dataset_preview_worker.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QSplitter;
class QTableView;
class QTimer;
class QVBoxLayout;

namespace ui {

class AppSession;
class DatasetPromptView;
class DatasetTableModel;
class TokenLengthHistogram;

class DatasetPage : public QWidget {
  Q_OBJECT

 public:
  explicit DatasetPage(AppSession* session, QWidget* parent = nullptr);
  ~DatasetPage() override;

  // Opens `path` and makes it the session's dataset.
  void openDataset(const QString& path);
  // Uses this tokenizer instead of the loaded model's (null: back to the session's).
  void setTokenizerOverride(std::shared_ptr<const lora::Tokenizer> tokenizer);

  QString currentPath() const { return path_; }
  bool isBusy() const { return previewing_; }
  const DatasetTableModel* tableModel() const { return table_model_; }
  // The dataset options the controls describe (what the Train page would train with).
  lora::DatasetOptions datasetOptions() const;
  // The selected record's tokenized examples (empty without a tokenizer or selection).
  std::vector<lora::TokenizedExample> selectedExamples() const;

 Q_SIGNALS:
  // A job ended with records (and, with a tokenizer, token statistics) shown.
  void previewUpdated();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  // The constructor's sections.
  void buildOptionRows(QVBoxLayout* layout);
  void buildProgressRow(QVBoxLayout* layout);
  void buildNotices(QVBoxLayout* layout);
  QSplitter* buildRecordList(QWidget* parent);
  QWidget* buildRecordView(QWidget* parent);
  QWidget* buildStatistics(QWidget* parent);
  void restoreOptions();
  void connectControls();
  void buildFormatChooser();
  void chooseFormatFile();
  void browse();
  void optionsChanged();
  void restart();
  void cancelJob();
  void showPreviewProgress(const QString& stage, qint64 done, qint64 total);
  void onRecordsReady(std::shared_ptr<const DatasetRecords> records);
  void onTokensReady(std::shared_ptr<const DatasetTokenStats> tokens);
  void onPreviewFailed(const QString& message);
  void onPreviewEnded();
  void updateCounts();
  void updateModelNotice();
  void showSelectedRecord();
  void showBadRecord(QListWidgetItem* item);
  QString rawRecordText(size_t line) const;
  // "4 records, 1 unreadable, format alpaca-format": the count and what really renders the records.
  QString formatSummary(const DatasetRecords& records) const;
  std::shared_ptr<const lora::Tokenizer> tokenizer() const;
  void saveSettings();

  AppSession* session_;
  QString path_;
  std::shared_ptr<const lora::Tokenizer> tokenizer_override_;
  // The preview in flight; a newer one drops it (its late results are discarded), the page's end joins it.
  BackgroundJob preview_job_{this, BackgroundJob::Ending::Wait};
  bool previewing_ = false;
  std::shared_ptr<const DatasetRecords> records_;
  std::shared_ptr<const DatasetTokenStats> tokens_;
  bool restoring_ = false;

  QPushButton* open_button_;
  QLabel* path_label_;
  QComboBox* format_;
  QSpinBox* cutoff_;
  QCheckBox* train_on_prompt_;
  QCheckBox* add_eos_;
  QCheckBox* drop_long_;
  QCheckBox* show_pieces_;
  QProgressBar* progress_;
  QPushButton* cancel_button_;
  QLabel* status_;
  QWidget* model_notice_;
  QLabel* problem_;
  QTableView* table_;
  DatasetTableModel* table_model_;
  QListWidget* bad_records_;
  QLabel* bad_title_;
  QLabel* record_summary_;
  DatasetPromptView* prompt_view_;
  TokenLengthHistogram* histogram_;
  QLabel* counts_;
  QSplitter* splitter_;
  QSplitter* detail_splitter_;
  QTimer* restart_timer_;
  std::vector<QLabel*> count_values_;
};

}  // namespace ui
