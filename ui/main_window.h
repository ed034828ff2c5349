#pragma once
// The one window: a navigation list (Models, Dataset, Train, Chat, Export) beside the pages, and a
// status bar with the loaded model, the compute device, memory in use and the training state.
#include <QMainWindow>

class QListWidget;
class QStackedWidget;
class QLabel;

namespace ui {

class AppSession;
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

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void updateStatus();

  AppSession* session_;
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
};

}  // namespace ui
