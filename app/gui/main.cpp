// lora-studio: the desktop window.
#include <QApplication>
#include <QCheckBox>
#include <QCommandLineParser>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QTimer>
#include <QProcess>
#include <QSettings>
#include <QSize>

#include <algorithm>
#include <functional>

#include "app_session.h"
#include "chat_page.h"
#include "export_page.h"
#include "language.h"
#include "main_window.h"
#include "model_download_dialog.h"
#include "models_page.h"
#include "run_history_view.h"
#include "train_page.h"

namespace {

// For the guide's picture of the Chat page: one greedy question to both panes, waited for.
void ask_both_models(ui::ChatPage* chat) {
  if (auto* temperature = chat->findChild<QDoubleSpinBox*>("temperature")) temperature->setValue(0.0);
  if (auto* max_tokens = chat->findChild<QSpinBox*>("max_new_tokens")) max_tokens->setValue(48);
  auto* prompt = chat->findChild<QPlainTextEdit*>("prompt_edit");
  auto* send = chat->findChild<QPushButton*>("send_button");
  if (!prompt || !send) return;
  prompt->setPlainText("What is LoRA Studio?");
  send->click();
  QElapsedTimer waited;
  waited.start();
  do {
    QApplication::processEvents(QEventLoop::AllEvents, 50);
  } while (chat->isGenerating() && waited.elapsed() < 60000);
  for (int i = 0; i < 20; ++i) QApplication::processEvents();
}

// Runs the event loop until `done` or `limit_ms`.
void wait_for(const std::function<bool()>& done, int limit_ms) {
  QElapsedTimer waited;
  waited.start();
  while (!done() && waited.elapsed() < limit_ms) QApplication::processEvents(QEventLoop::AllEvents, 50);
  for (int i = 0; i < 20; ++i) QApplication::processEvents();
}

// The Export page's GGUF and Ollama tabs. LORA_SCREENSHOT_GGUF_MODEL: a base model to show them with
// (the demo model's Llama 2 tokenizer.json is one GGUF export refuses; make-screenshots.sh makes a twin
// of the demo model with the Qwen2.5 tokenizer, which the demo adapter merges into). The GGUF tab's
// export runs, with its check, so that the picture shows a finished export.
void capture_gguf_tabs(ui::MainWindow& window, const QString& dir) {
  ui::ExportPage* page = window.exportPage();
  window.showPage("export");
  const QString model = qEnvironmentVariable("LORA_SCREENSHOT_GGUF_MODEL");
  auto* base = page->findChild<QLineEdit*>("base_model");
  const QString demo_model = base ? base->text() : QString();
  if (base && !model.isEmpty()) base->setText(model);
  page->showTarget("gguf");
  auto* estimate = page->findChild<QLabel*>("gguf_estimate");
  wait_for([estimate] { return estimate && estimate->property("estimated_bytes").toLongLong() != -1; }, 30000);
  wait_for([estimate] { return estimate && !estimate->text().contains("…"); }, 30000);
  if (auto* output = page->findChild<QLineEdit*>("gguf_output"); output && !model.isEmpty()) {
    output->setText(QDir(QDir::homePath()).filePath("exports/" + QFileInfo(output->text()).fileName()));
    QDir().mkpath(QDir::home().filePath("exports"));
    if (auto* button = page->findChild<QPushButton*>("gguf_button")) button->click();
    // The export, then its check.
    wait_for([page] { return page->isBusy(); }, 5000);
    wait_for([page] { return !page->isBusy(); }, 180000);
    wait_for([page] { return page->isBusy(); }, 2000);
    wait_for([page] { return !page->isBusy(); }, 180000);
  }
  // The tab's lower half (the result and the check) in view, also at 1024x640.
  auto* scroll = page->findChild<QScrollArea*>();
  if (auto* check = page->findChild<QWidget*>("gguf_verification"); scroll && check) {
    scroll->ensureWidgetVisible(check, 0, 60);
    scroll->horizontalScrollBar()->setValue(0);
  }
  for (int i = 0; i < 20; ++i) QApplication::processEvents();
  window.grab().save(QDir(dir).filePath("export-gguf.png"));
  page->showTarget("ollama");
  auto* modelfile = page->findChild<QPlainTextEdit*>("ollama_modelfile");
  wait_for([modelfile] { return modelfile && !modelfile->toPlainText().isEmpty(); }, 30000);
  auto* ollama_estimate = page->findChild<QLabel*>("ollama_estimate");
  wait_for([ollama_estimate] { return ollama_estimate && !ollama_estimate->text().contains("…"); }, 30000);
  if (auto* name = page->findChild<QWidget*>("ollama_modelfile"); scroll && name) {
    scroll->ensureWidgetVisible(name, 0, 60);
    scroll->horizontalScrollBar()->setValue(0);
  }
  for (int i = 0; i < 20; ++i) QApplication::processEvents();
  window.grab().save(QDir(dir).filePath("export-ollama.png"));
  if (scroll) scroll->ensureVisible(0, 0);
  page->showTarget("merged");
  if (base && !model.isEmpty()) base->setText(demo_model);
}

// The Models page's Download dialog while a download runs. LORA_SCREENSHOT_DOWNLOAD: the repo id to
// download (make-screenshots.sh serves it from tests/reference/fake_hub.py on 127.0.0.1, HF_ENDPOINT
// pointing there, with the weights file sent slowly, so the picture catches files in progress).
void capture_download(ui::MainWindow& window, const QString& dir) {
  const QString repo = qEnvironmentVariable("LORA_SCREENSHOT_DOWNLOAD");
  if (repo.isEmpty()) return;
  window.showPage("models");
  for (int i = 0; i < 20; ++i) QApplication::processEvents();
  auto* open = window.modelsPage()->findChild<QPushButton*>("downloadModelButton");
  if (!open) return;
  open->click();
  auto* dialog = window.findChild<ui::ModelDownloadDialog*>();
  if (!dialog) return;
  if (auto* endpoint = dialog->findChild<QComboBox*>("endpointCombo"))
    endpoint->setCurrentText(qEnvironmentVariable("HF_ENDPOINT"));
  if (auto* repo_id = dialog->findChild<QLineEdit*>("repoIdEdit")) repo_id->setText(repo);
  if (auto* start = dialog->findChild<QPushButton*>("startDownloadButton")) start->click();
  auto* overall = dialog->findChild<QProgressBar*>("overallProgress");
  // The small files done and the weights on their way (overall 0-1000: past 30%).
  wait_for([overall] { return overall && overall->value() > 300; }, 30000);
  wait_for([] { return false; }, 2500);  // a speed and an ETA to show
  // The window with the dialog over it, as the user sees them.
  QPixmap picture = window.grab();
  const QPixmap over = dialog->grab();
  QPainter painter(&picture);
  painter.drawPixmap((picture.width() - over.width()) / 2, std::max(0, (picture.height() - over.height()) / 2), over);
  painter.end();
  picture.save(QDir(dir).filePath("download.png"));
  if (auto* cancel = dialog->findChild<QPushButton*>("cancelDownloadButton")) cancel->click();
  wait_for([dialog] { return !dialog->isDownloading(); }, 10000);
  dialog->hide();
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("LoRA Studio");
  QApplication::setApplicationName("lora-studio");
  QApplication::setApplicationVersion(LORA_STUDIO_VERSION_STRING);
  bool run_demo = false;
  QString screenshot_dir;
  QSize screenshot_size;
  {
    QCommandLineParser options;
    options.setApplicationDescription(QApplication::translate(
        "main", "LoRA Studio: fine-tune a local large language model with LoRA."));
    options.addHelpOption();
    options.addVersionOption();
    const QCommandLineOption demo_option(
        "demo", QApplication::translate("main", "Open on the built-in demo: a tiny model and the demo dataset, "
                                                "ready to train."));
    options.addOption(demo_option);
    const QCommandLineOption screenshot_option(
        "screenshots", QApplication::translate("main", "With --demo: save each page as DIR/<page>.png and quit "
                                                       "(the pictures of the user's guide)."),
        "DIR");
    options.addOption(screenshot_option);
    const QCommandLineOption size_option(
        "screenshot-size", QApplication::translate("main", "With --screenshots: the window's size, e.g. 1024x640."),
        "WxH");
    options.addOption(size_option);
    options.process(app);  // --help and --version print and exit here
    run_demo = options.isSet(demo_option);
    screenshot_dir = options.value(screenshot_option);
    const QStringList size = options.value(size_option).split('x');
    if (size.size() == 2) screenshot_size = QSize(size[0].toInt(), size[1].toInt());
  }
  int exit_code = 0;
  bool restart = false;
  {
    QSettings settings;
    ui::installTranslations(app, ui::resolveLanguage(settings.value("ui/language", "system").toString()));
    ui::AppSession session(&settings);
    ui::MainWindow window(&session);
    if (screenshot_size.isValid()) window.resize(screenshot_size);
    window.show();
    if (run_demo) QMetaObject::invokeMethod(&window, [&window] { window.runDemo(); }, Qt::QueuedConnection);
    if (!screenshot_dir.isEmpty()) {
      // Once the demo model is loaded and the pages have settled, each page in turn.
      auto* poll = new QTimer(&window);
      QObject::connect(poll, &QTimer::timeout, &window, [&, poll] {
        if (session.modelState() != ui::AppSession::ModelState::Loaded) return;
        poll->stop();
        QTimer::singleShot(3000, &window, [&] {
          QDir().mkpath(screenshot_dir);
          for (const char* page : {"models", "dataset", "train", "chat", "export"}) {
            window.showPage(page);
            for (int i = 0; i < 20; ++i) QApplication::processEvents();
            if (QString(page) == "chat") ask_both_models(window.chatPage());
            window.grab().save(QDir(screenshot_dir).filePath(QString(page) + ".png"));
          }
          capture_gguf_tabs(window, screenshot_dir);
          capture_download(window, screenshot_dir);
          // The Train page's other views: the demo run's answers at each evaluation, and the run
          // history with every run of the demo model overlaid.
          ui::TrainPage* train = window.trainPage();
          window.showPage("train");
          train->showRunView(1);
          for (int i = 0; i < 20; ++i) QApplication::processEvents();
          window.grab().save(QDir(screenshot_dir).filePath("train-answers.png"));
          train->showRunView(2);
          QStringList runs;
          for (int row = 0; row < train->history()->rowCount(); ++row) runs << train->history()->folderAt(row);
          train->history()->selectRuns(runs);
          for (int i = 0; i < 20; ++i) QApplication::processEvents();
          window.grab().save(QDir(screenshot_dir).filePath("train-history.png"));
          train->showRunView(0);
          QApplication::quit();
        });
      });
      poll->start(200);
    }
    exit_code = app.exec();
    restart = window.restartRequested();
  }
  // Settings → language → "Restart now": the settings are written (QSettings synced above); start again.
  if (restart) QProcess::startDetached(QApplication::applicationFilePath(), QApplication::arguments().mid(1));
  return exit_code;
}
