#include "language.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace ui {

QString resolveLanguage(const QString& choice) {
  if (choice == "en" || choice == "zh_CN") return choice;
  const QLocale system = QLocale::system();
  return system.language() == QLocale::Chinese ? QStringLiteral("zh_CN") : QStringLiteral("en");
}

QStringList availableLanguages() { return {"en", "zh_CN"}; }

int installTranslations(QCoreApplication& app, const QString& language) {
  if (language == "en") return 0;
  // Dates and byte counts ("656 bytes", "28 Nov") come from the locale, not the translators: a Chinese
  // window on an English system would otherwise show them in English.
  const QLocale wanted(language);
  if (QLocale().language() != wanted.language()) QLocale::setDefault(wanted);
  int installed = 0;
  const QStringList files = QDir(":/i18n").entryList({"*_" + language + ".qm"}, QDir::Files, QDir::Name);
  for (const QString& file : files) {
    auto* translator = new QTranslator(&app);
    if (translator->load(":/i18n/" + file)) {
      app.installTranslator(translator);
      ++installed;
    } else {
      delete translator;
    }
  }
  // Qt's own strings (standard buttons, dialogs) in the same language.
  auto* qt_translator = new QTranslator(&app);
  if (qt_translator->load("qtbase_" + language, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
    app.installTranslator(qt_translator);
  else
    delete qt_translator;
  return installed;
}

}  // namespace ui
