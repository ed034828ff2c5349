// lora-studio: the desktop window.
#include <QApplication>
#include <QCommandLineParser>
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
  QSettings settings;
  ui::installTranslations(app, ui::resolveLanguage(settings.value("ui/language", "system").toString()));
  ui::AppSession session(&settings);
  ui::MainWindow window(&session);
  window.resize(1280, 820);
  window.show();
  return app.exec();
}
