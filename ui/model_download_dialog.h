#pragma once
// The Models page's Download dialog: a model repository by id (or found with a search of the Hub by
// name), from Hugging Face, a mirror of it or ModelScope, with an access token for gated and private
// models, into a folder the Models page scans. The download (engine/download/model_download.h) runs
// off the GUI thread with per-file and overall progress; Cancel keeps the .part files, so downloading
// again goes on from them. Closing the dialog while a download runs only hides it.
// Settings: "download/source", "download/endpoint_<hf|modelscope>", "download/token_<hf|modelscope>".
// The token is kept there and shown as a password field; it is never written to a log or a message.
#include <memory>
#include <vector>

#include <QDialog>
#include <QString>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace lora::download {
struct DownloadProgress;
struct HubModelSummary;
}

namespace ui {

class AppSession;
class BackgroundJob;

class ModelDownloadDialog : public QDialog {
  Q_OBJECT

 public:
  explicit ModelDownloadDialog(AppSession* session, QWidget* parent = nullptr);
  ~ModelDownloadDialog() override;  // cancels a download still running (its .part files stay) and waits for it

  bool isDownloading() const { return downloading_; }
  QString outputDir() const;

 Q_SIGNALS:
  // A download finished: `dir` holds the model.
  void modelDownloaded(const QString& dir);

 private:
  void buildLayout();
  void showSource();  // the chosen hub's addresses and token
  void saveSettings();
  void search();
  void showSearchResults(const std::vector<lora::download::HubModelSummary>& models);
  void startDownload();
  void showProgress(const lora::download::DownloadProgress& progress);
  void finishDownload(const QString& dir, const QString& summary);
  void failDownload(const QString& message, bool cancelled);
  void setDownloading(bool running);
  void updateDefaultOutput();
  bool huggingFaceChosen() const;

  AppSession* session_;
  std::unique_ptr<BackgroundJob> download_job_;
  std::unique_ptr<BackgroundJob> search_job_;
  bool downloading_ = false;
  bool output_edited_ = false;  // the user chose the folder: a new repo id no longer changes it
  QString downloaded_dir_;
  QString shown_source_key_;  // "hf" / "modelscope": whose address and token the fields show
  QLineEdit* repo_id_ = nullptr;
  QPushButton* search_ = nullptr;
  QTableWidget* search_results_ = nullptr;
  QComboBox* source_ = nullptr;
  QComboBox* endpoint_ = nullptr;
  QLineEdit* token_ = nullptr;
  QLineEdit* output_ = nullptr;
  QPushButton* browse_ = nullptr;
  QProgressBar* overall_bar_ = nullptr;
  QLabel* overall_label_ = nullptr;
  QTableWidget* file_table_ = nullptr;
  QLabel* status_ = nullptr;
  QPushButton* download_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* load_now_ = nullptr;
  QPushButton* close_ = nullptr;
};

}  // namespace ui
