#pragma once
// The one window: a navigation list (Models, Dataset, Train, Chat, Export) beside the pages, a menu
// bar (File, Help), and a status bar with the loaded model, the compute device, memory in use and
// the training state. Remembers its geometry and last page; offers the demo on a first start.
#include <QMainWindow>

class QListWidget;
class QStackedWidget;
class QLabel;
class QProgressDialog;

namespace ui {

class AppSession;
class DemoSetup;
class ModelsPage;
class DatasetPage;
class TrainPage;
class ChatPage;
class ExportPage;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(AppSession* session, QWidget* parent = nullptr);

  // "models", "dataset", "train", "chat", "export".
  void showPage(const QString& name);
  QString currentPage() const;

  ModelsPage* modelsPage() const { return models_; }
  DatasetPage* datasetPage() const { return dataset_; }
  TrainPage* trainPage() const { return train_; }
  ChatPage* chatPage() const { return chat_; }
  ExportPage* exportPage() const { return export_; }
  DemoSetup* demoSetup() const { return demo_; }

  // Help → Run the demo: makes/loads the demo model off the GUI thread, a busy dialog meanwhile.
  void runDemo();
  // Offers the demo (a non-blocking question) when no model folder holds a model and it was never offered.
  void offerDemoIfNoModels(int loadable_models);
  void showSettings();
  // File → Open dataset…: shows the Dataset page and a file dialog; the chosen file opens there.
  void openDataset();
  void showAbout();
  // The user's guide (docs/USER_GUIDE.md, or USER_GUIDE.zh_CN.md for "zh_CN") of this build or installation;
  // empty when neither is there. Help → User's guide opens it.
  static QString userGuidePath(const QString& language);

  // The user asked to restart (to change the language): main() starts the program again after the window closed.
  bool restartRequested() const { return restart_requested_; }

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createMenus();
  void updateStatus();
  void saveWindowState();

  AppSession* session_;
  DemoSetup* demo_ = nullptr;
  QProgressDialog* demo_progress_ = nullptr;
  QListWidget* navigation_ = nullptr;
  QStackedWidget* pages_ = nullptr;
  ModelsPage* models_ = nullptr;
  DatasetPage* dataset_ = nullptr;
  TrainPage* train_ = nullptr;
  ChatPage* chat_ = nullptr;
  ExportPage* export_ = nullptr;
  QLabel* model_status_ = nullptr;
  QLabel* device_status_ = nullptr;
  QLabel* memory_status_ = nullptr;
  QLabel* training_status_ = nullptr;
  bool first_scan_done_ = false;
  bool restart_requested_ = false;
};

}  // namespace ui
