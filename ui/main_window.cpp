#include "main_window.h"

#include <algorithm>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QUrl>

#include "app_session.h"
#include "chat_page.h"
#include "dataset_page.h"
#include "demo_setup.h"
#include "export_page.h"
#include "language.h"
#include "models_page.h"
#include "settings_dialog.h"
#include "train_page.h"
#include "wheel_guard.h"

namespace ui {

namespace {
const char* const kPageNames[] = {"models", "dataset", "train", "chat", "export"};

qint64 resident_memory_bytes() {
  QFile status("/proc/self/statm");
  if (!status.open(QIODevice::ReadOnly)) return 0;
  const QList<QByteArray> fields = status.readAll().split(' ');
  return fields.size() > 1 ? fields[1].toLongLong() * 4096 : 0;
}

// A message box that does not block the event loop (and so never blocks tests driving the window).
QMessageBox* open_message(QWidget* parent, QMessageBox::Icon icon, const QString& title, const QString& text,
                          const QString& object_name) {
  auto* box = new QMessageBox(icon, title, text, QMessageBox::Ok, parent);
  box->setObjectName(object_name);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setTextInteractionFlags(Qt::TextSelectableByMouse);
  box->open();
  return box;
}
}  // namespace

MainWindow::MainWindow(AppSession* session, QWidget* parent) : QMainWindow(parent), session_(session) {
  setWindowTitle(tr("LoRA Studio"));
  auto* central = new QWidget(this);
  auto* layout = new QHBoxLayout(central);
  navigation_ = new QListWidget(central);
  navigation_->setObjectName("navigation");
  navigation_->addItems({tr("Models"), tr("Dataset"), tr("Train"), tr("Chat"), tr("Export")});
  // As wide as the longest page name in the interface language, no wider: at 1024 px every pixel
  // left over goes to the page.
  int widest = 0;
  for (int row = 0; row < navigation_->count(); ++row)
    widest = std::max(widest, navigation_->fontMetrics().horizontalAdvance(navigation_->item(row)->text()));
  navigation_->setFixedWidth(widest + 2 * navigation_->frameWidth() + 28);
  navigation_->setToolTip(tr("The steps of fine-tuning, in order: pick a model, check the data, train, "
                             "compare answers, export."));
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

  demo_ = new DemoSetup(session_, this);
  createMenus();
  installWheelGuard(QCoreApplication::instance());

  model_status_ = new QLabel(this);
  model_status_->setObjectName("modelStatus");
  device_status_ = new QLabel(this);
  device_status_->setObjectName("deviceStatus");
  memory_status_ = new QLabel(this);
  memory_status_->setObjectName("memoryStatus");
  training_status_ = new QLabel(this);
  training_status_->setObjectName("trainingStatus");
  for (QLabel* label : {model_status_, device_status_, memory_status_, training_status_}) {
    label->setContentsMargins(6, 0, 6, 0);
    statusBar()->addPermanentWidget(label);
  }
  connect(session_, &AppSession::statusMessage, this, [this](const QString& text) { statusBar()->showMessage(text, 8000); });
  connect(session_, &AppSession::pageRequested, this, &MainWindow::showPage);
  for (auto signal : {&AppSession::modelLoaded, &AppSession::modelLoadStarted})
    connect(session_, signal, this, &MainWindow::updateStatus);
  connect(session_, &AppSession::modelLoadFailed, this, &MainWindow::updateStatus);
  connect(session_, &AppSession::modelUnloaded, this, &MainWindow::updateStatus);
  connect(session_, &AppSession::trainingChanged, this, &MainWindow::updateStatus);
  connect(session_, &AppSession::computeOptionsChanged, this, &MainWindow::updateStatus);
  auto* memory_timer = new QTimer(this);
  connect(memory_timer, &QTimer::timeout, this, &MainWindow::updateStatus);
  memory_timer->start(2000);
  updateStatus();

  // The demo: a busy dialog while the model is made, errors in a message box.
  connect(demo_, &DemoSetup::started, this, [this] {
    if (!demo_progress_) {
      demo_progress_ = new QProgressDialog(tr("Preparing the demo model…"), tr("Cancel"), 0, 0, this);
      demo_progress_->setObjectName("demoProgress");
      demo_progress_->setWindowTitle(tr("Demo"));
      demo_progress_->setMinimumDuration(0);
      demo_progress_->setAutoClose(false);
      demo_progress_->setAutoReset(false);
      connect(demo_progress_, &QProgressDialog::canceled, demo_, &DemoSetup::cancel);
    }
    demo_progress_->open();
  });
  auto close_progress = [this] {
    if (demo_progress_) demo_progress_->hide();
  };
  connect(demo_, &DemoSetup::ready, this, close_progress);
  connect(demo_, &DemoSetup::failed, this, [this, close_progress](const QString& message) {
    close_progress();
    open_message(this, QMessageBox::Warning, tr("Demo"), tr("The demo could not be prepared:\n%1").arg(message),
                 "demoError");
  });
  connect(models_, &ModelsPage::scanFinished, this, &MainWindow::offerDemoIfNoModels);
  // Replaces a "…is loading" line that would otherwise outlive the load by seconds.
  connect(session_, &AppSession::modelLoaded, this, [this](const QString& dir) {
    statusBar()->showMessage(tr("Loaded %1.").arg(QFileInfo(dir).fileName()), 8000);
  });
  connect(session_, &AppSession::modelLoadFailed, this, [this](const QString& dir, const QString& message) {
    statusBar()->showMessage(tr("Could not load %1: %2").arg(QFileInfo(dir).fileName(), message), 15000);
  });

  // Every page is laid out for 1024x640 and up (in logical pixels, so high-DPI screens scale it); smaller, the
  // pages' widgets would overlap.
  setMinimumSize(1024, 640);

  // Where the user left the window.
  QSettings& settings = session_->settings();
  if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1280, 820);
  restoreState(settings.value("window/state").toByteArray());
  showPage(settings.value("window/page", "models").toString());
  connect(navigation_, &QListWidget::currentRowChanged, this,
          [this] { session_->settings().setValue("window/page", currentPage()); });
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open_dataset = file->addAction(tr("&Open dataset…"));
  open_dataset->setObjectName("openDatasetAction");
  open_dataset->setShortcut(QKeySequence::Open);
  connect(open_dataset, &QAction::triggered, this, &MainWindow::openDataset);
  QAction* settings = file->addAction(tr("&Settings…"));
  settings->setObjectName("settingsAction");
  settings->setShortcut(QKeySequence::Preferences);
  settings->setMenuRole(QAction::PreferencesRole);
  connect(settings, &QAction::triggered, this, &MainWindow::showSettings);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"));
  quit->setObjectName("quitAction");
  quit->setShortcut(QKeySequence::Quit);
  quit->setMenuRole(QAction::QuitRole);
  connect(quit, &QAction::triggered, this, &QWidget::close);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  QAction* guide = help->addAction(tr("&User's guide"));
  guide->setObjectName("userGuideAction");
  guide->setShortcut(QKeySequence::HelpContents);
  guide->setToolTip(tr("Open the user's guide: every page explained, step by step."));
  guide->setData(userGuidePath(resolveLanguage(session_->settings().value("ui/language", "system").toString())));
  guide->setEnabled(!guide->data().toString().isEmpty());
  connect(guide, &QAction::triggered, this, [guide] {
    QDesktopServices::openUrl(QUrl::fromLocalFile(guide->data().toString()));
  });
  QAction* demo = help->addAction(tr("Run the &demo"));
  demo->setObjectName("runDemoAction");
  demo->setToolTip(tr("Make a tiny model, open the demo dataset and set up a training run that finishes in minutes."));
  connect(demo, &QAction::triggered, this, &MainWindow::runDemo);
  QAction* about = help->addAction(tr("&About LoRA Studio"));
  about->setObjectName("aboutAction");
  about->setMenuRole(QAction::AboutRole);
  connect(about, &QAction::triggered, this, &MainWindow::showAbout);
}

QString MainWindow::userGuidePath(const QString& language) {
  const QString name = language == "zh_CN" ? "USER_GUIDE.zh_CN.md" : "USER_GUIDE.md";
  const QDir bin(QCoreApplication::applicationDirPath());
  // A build (build/bin/ or build/tests/ → the source's docs/), else an installed copy (bin/ → share/doc/).
  for (const QString& folder : {bin.filePath("../../docs"), bin.filePath("../share/doc/lora-studio")}) {
    const QFileInfo guide(QDir(folder).filePath(name));
    if (guide.isFile()) return guide.canonicalFilePath();
  }
  return {};
}

void MainWindow::openDataset() {
  showPage("dataset");
  QString dir = session_->settings().value("dataset/last_dir").toString();
  if (dir.isEmpty() && !session_->datasetPath().isEmpty()) dir = QFileInfo(session_->datasetPath()).absolutePath();
  auto* dialog = new QFileDialog(this, tr("Open a dataset"), dir,
                                 tr("Datasets (*.json *.jsonl *.txt *.text *.md);;All files (*)"));
  dialog->setObjectName("openDatasetDialog");
  dialog->setFileMode(QFileDialog::ExistingFile);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& file) {
    if (!file.isEmpty()) dataset_->openDataset(file);
  });
  dialog->open();
}

void MainWindow::showPage(const QString& name) {
  for (int i = 0; i < int(std::size(kPageNames)); ++i)
    if (name == QLatin1String(kPageNames[i])) navigation_->setCurrentRow(i);
}

QString MainWindow::currentPage() const { return QLatin1String(kPageNames[pages_->currentIndex()]); }

void MainWindow::runDemo() { demo_->start(); }

void MainWindow::offerDemoIfNoModels(int loadable_models) {
  const bool first_scan = !first_scan_done_;
  first_scan_done_ = true;
  QSettings& settings = session_->settings();
  if (!first_scan || loadable_models > 0 || settings.value("demo/offered", false).toBool()) return;
  settings.setValue("demo/offered", true);
  auto* box = new QMessageBox(QMessageBox::Question, tr("Try the demo?"),
                              tr("No models were found in your model folders.\n\n"
                                 "LoRA Studio can make a tiny demo model and open a small demo dataset, so you can "
                                 "train an adapter and compare chats in a couple of minutes."),
                              QMessageBox::NoButton, this);
  box->setObjectName("demoOffer");
  box->setAttribute(Qt::WA_DeleteOnClose);
  QPushButton* run = box->addButton(tr("Run the demo"), QMessageBox::AcceptRole);
  run->setObjectName("runDemoButton");
  box->addButton(tr("Not now"), QMessageBox::RejectRole);
  box->setInformativeText(tr("You can start it later from Help → Run the demo."));
  connect(box, &QMessageBox::buttonClicked, this, [this, run](QAbstractButton* clicked) {
    if (clicked == run) runDemo();
  });
  box->open();
}

void MainWindow::showSettings() {
  auto* dialog = new SettingsDialog(session_, this);
  dialog->setObjectName("settingsDialog");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this, [this, dialog] {
    if (!dialog->apply()) return;
    auto* box = new QMessageBox(QMessageBox::Information, tr("Language"),
                                tr("The new language applies when LoRA Studio starts again."), QMessageBox::NoButton,
                                this);
    box->setObjectName("restartQuestion");
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* restart = box->addButton(tr("Restart now"), QMessageBox::AcceptRole);
    box->addButton(tr("Later"), QMessageBox::RejectRole);
    connect(box, &QMessageBox::buttonClicked, this, [this, restart](QAbstractButton* clicked) {
      if (clicked != restart) return;
      restart_requested_ = true;
      // Closing asks about a running training like any close; if the user keeps it, nothing restarts.
      QTimer::singleShot(0, this, [this] {
        if (!close()) restart_requested_ = false;
      });
    });
    box->open();
  });
  dialog->open();
}

void MainWindow::showAbout() {
  open_message(this, QMessageBox::Information, tr("About LoRA Studio"),
               tr("LoRA Studio %1\n\nFine-tune local language models with LoRA: pick a model, preview the data, "
                  "train while watching the loss, compare answers with and without the adapter, and export the adapter "
                  "or a merged model.\n\nQt %2")
                   .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())),
               "aboutBox");
}

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
  model_status_->setToolTip(session_->modelDir());
  device_status_->setText(session_->deviceDescription());
  device_status_->setToolTip(session_->modelState() == AppSession::ModelState::Loaded
                                 ? tr("The device the loaded model computes on.")
                                 : tr("The device a model will compute on (Settings → Compute)."));
  device_status_->setVisible(!session_->deviceDescription().isEmpty());
  memory_status_->setText(tr("Memory: %1").arg(locale().formattedDataSize(resident_memory_bytes())));
  memory_status_->setToolTip(tr("Memory this program uses (resident set size)."));
  training_status_->setText(session_->isTraining() ? tr("Training…") : tr("Idle"));
}

void MainWindow::saveWindowState() {
  QSettings& settings = session_->settings();
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  settings.setValue("window/page", currentPage());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  // The Train page asks whether to stop a running training and saves before the window goes.
  if (!train_->confirmClose()) {
    event->ignore();
    return;
  }
  saveWindowState();
  session_->settings().sync();
  event->accept();
}

}  // namespace ui
