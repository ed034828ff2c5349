#pragma once
// Models: the folders to scan, the Hugging Face model folders found in them (loadable or with the
// reason they are not), the selected model's details and adapters, and Load / Unload.
#include <QWidget>

#include "model_scan.h"

class QGroupBox;
class QHBoxLayout;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTextBrowser;
class QVBoxLayout;

namespace ui {

class AppSession;
class ModelDownloadDialog;

class ModelsPage : public QWidget {
  Q_OBJECT

 public:
  explicit ModelsPage(AppSession* session, QWidget* parent = nullptr);

  // Scans the session's model folders again (off the GUI thread); scanFinished follows.
  void rescan();
  bool isScanning() const;
  const ScanResult& lastScan() const { return scan_; }
  // Selects the model in `dir` in the table (false when it is not listed).
  bool selectModel(const QString& dir);

 Q_SIGNALS:
  void scanFinished(int loadable_models);

 private:
  // The constructor's sections.
  QGroupBox* buildFolderBox();
  void buildModelTable(QVBoxLayout* layout);
  QHBoxLayout* buildLoadRow();
  QWidget* buildAdapterList();
  void connectControls();
  void showScan(const ScanResult& result);
  void showSelectedModel();
  void showAdapters(const ScannedModel* model);
  void updateLoadControls();
  void addFolder();
  void addGgufFile();
  void removeSelectedFolders();
  void showFolders();
  void openDownloadDialog();
  void showDownloadedModel(const QString& dir);
  const ScannedModel* selectedModel() const;

  AppSession* session_;
  ModelScanner* scanner_;
  ScanResult scan_;
  QListWidget* folder_list_ = nullptr;
  QPushButton* add_folder_ = nullptr;
  QPushButton* add_gguf_ = nullptr;
  QPushButton* remove_folder_ = nullptr;
  QPushButton* rescan_ = nullptr;
  QLabel* scan_status_ = nullptr;
  QTableWidget* model_table_ = nullptr;
  QTextBrowser* details_ = nullptr;
  QTableWidget* adapter_table_ = nullptr;
  QLabel* adapters_label_ = nullptr;
  QPushButton* load_ = nullptr;
  QPushButton* unload_ = nullptr;
  QPushButton* cancel_load_ = nullptr;
  QProgressBar* load_progress_ = nullptr;
  QLabel* load_status_ = nullptr;
  QPushButton* download_ = nullptr;
  ModelDownloadDialog* download_dialog_ = nullptr;  // made when first opened; hidden, not deleted, when closed
  QString pending_selection_;  // a model just downloaded, selected once the scan lists it
  QStringList known_folders_;  // the session's model folders as of the last change, to tell which were just added
  QStringList added_folders_;  // added since the last scan: the scan says when they hold no model
  bool filling_adapters_ = false;  // programmatic selection changes must not change the session's adapter
};

}  // namespace ui
