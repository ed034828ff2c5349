#include "main_window.h"

#include <QCloseEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>

#include "app_session.h"
#include "chat_page.h"
#include "dataset_page.h"
#include "export_page.h"
#include "models_page.h"
#include "train_page.h"

namespace ui {

namespace {
const char* const kPageNames[] = {"models", "dataset", "train", "chat", "export"};

qint64 resident_memory_bytes() {
  QFile status("/proc/self/statm");
  if (!status.open(QIODevice::ReadOnly)) return 0;
  const QList<QByteArray> fields = status.readAll().split(' ');
  return fields.size() > 1 ? fields[1].toLongLong() * 4096 : 0;
}
}  // namespace

MainWindow::MainWindow(AppSession* session, QWidget* parent) : QMainWindow(parent), session_(session) {
  setWindowTitle(tr("LoRA Studio"));
  auto* central = new QWidget(this);
  auto* layout = new QHBoxLayout(central);
  navigation_ = new QListWidget(central);
  navigation_->setObjectName("navigation");
  navigation_->addItems({tr("Models"), tr("Dataset"), tr("Train"), tr("Chat"), tr("Export")});
  navigation_->setFixedWidth(140);
  pages_ = new QStackedWidget(central);
  models_ = new ModelsPage(session, pages_);
  dataset_ = new DatasetPage(session, pages_);
  train_ = new TrainPage(session, pages_);
  chat_ = new ChatPage(session, pages_);
  export_ = new ExportPage(session, pages_);
  for (QWidget* page : {static_cast<QWidget*>(models_), static_cast<QWidget*>(dataset_),
                        static_cast<QWidget*>(train_), static_cast<QWidget*>(chat_), static_cast<QWidget*>(export_)})
    pages_->addWidget(page);
  layout->addWidget(navigation_);
  layout->addWidget(pages_, 1);
  setCentralWidget(central);
  connect(navigation_, &QListWidget::currentRowChanged, pages_, &QStackedWidget::setCurrentIndex);
  navigation_->setCurrentRow(0);

  model_status_ = new QLabel(this);
  device_status_ = new QLabel(this);
  memory_status_ = new QLabel(this);
  training_status_ = new QLabel(this);
  for (QLabel* label : {model_status_, device_status_, memory_status_, training_status_})
    statusBar()->addPermanentWidget(label);
  connect(session_, &AppSession::statusMessage, this, [this](const QString& text) { statusBar()->showMessage(text, 8000); });
  connect(session_, &AppSession::pageRequested, this, &MainWindow::showPage);
  for (auto signal : {&AppSession::modelLoaded, &AppSession::modelLoadStarted})
    connect(session_, signal, this, &MainWindow::updateStatus);
  connect(session_, &AppSession::modelLoadFailed, this, &MainWindow::updateStatus);
  connect(session_, &AppSession::modelUnloaded, this, &MainWindow::updateStatus);
  connect(session_, &AppSession::trainingChanged, this, &MainWindow::updateStatus);
  auto* memory_timer = new QTimer(this);
  connect(memory_timer, &QTimer::timeout, this, &MainWindow::updateStatus);
  memory_timer->start(2000);
  updateStatus();
}

void MainWindow::showPage(const QString& name) {
  for (int i = 0; i < int(std::size(kPageNames)); ++i)
    if (name == QLatin1String(kPageNames[i])) navigation_->setCurrentRow(i);
}

QString MainWindow::currentPage() const { return QLatin1String(kPageNames[pages_->currentIndex()]); }

void MainWindow::updateStatus() {
  switch (session_->modelState()) {
    case AppSession::ModelState::None: model_status_->setText(tr("No model loaded")); break;
    case AppSession::ModelState::Loading:
      model_status_->setText(tr("Loading %1…").arg(QFileInfo(session_->modelDir()).fileName()));
      break;
    case AppSession::ModelState::Loaded:
      model_status_->setText(tr("Model: %1").arg(QFileInfo(session_->modelDir()).fileName()));
      break;
  }
  device_status_->setText(session_->deviceDescription());
  device_status_->setVisible(!session_->deviceDescription().isEmpty());
  memory_status_->setText(tr("Memory: %1").arg(locale().formattedDataSize(resident_memory_bytes())));
  training_status_->setText(session_->isTraining() ? tr("Training…") : tr("Idle"));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  // The Train page asks whether to stop a running training and saves before the window goes.
  if (!train_->confirmClose()) {
    event->ignore();
    return;
  }
  event->accept();
}

}  // namespace ui
