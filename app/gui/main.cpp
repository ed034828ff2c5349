// lora-studio: the desktop window.
#include <QApplication>
#include <QCommandLineParser>
#include <QProcess>
#include <QSettings>

#include "app_session.h"
#include "language.h"
#include "main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("LoRA Studio");
  QApplication::setApplicationName("lora-studio");
  QApplication::setApplicationVersion(LORA_STUDIO_VERSION_STRING);
  {
    QCommandLineParser options;
    options.setApplicationDescription(QApplication::translate(
        "main", "LoRA Studio: fine-tune a local large language model with LoRA."));
    options.addHelpOption();
    options.addVersionOption();
    options.process(app);  // --help and --version print and exit here
  }
  int exit_code = 0;
  bool restart = false;
  {
    QSettings settings;
    ui::installTranslations(app, ui::resolveLanguage(settings.value("ui/language", "system").toString()));
    ui::AppSession session(&settings);
    ui::MainWindow window(&session);
    window.show();
    exit_code = app.exec();
    restart = window.restartRequested();
  }
  // Settings → language → "Restart now": the settings are written (QSettings synced above); start again.
  if (restart) QProcess::startDetached(QApplication::applicationFilePath(), QApplication::arguments().mid(1));
  return exit_code;
}
