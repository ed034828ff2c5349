// lora-studio: the desktop window.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QProcess>
#include <QSettings>
#include <QSize>

#include "app_session.h"
#include "chat_page.h"
#include "language.h"
#include "main_window.h"
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
