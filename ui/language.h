#pragma once
// The interface language: English built in, Simplified Chinese from the embedded translations
// (:/i18n/*_zh_CN.qm, one file per part of the window). Follows the system unless the user chose one.
#include <QString>
#include <QStringList>

class QCoreApplication;

namespace ui {

// "en" | "zh_CN"; "system" picks from QLocale::system().
QString resolveLanguage(const QString& choice);
// Installs every translation file of `language` into the application; returns how many were found.
int installTranslations(QCoreApplication& app, const QString& language);
QStringList availableLanguages();  // "en", "zh_CN"

}  // namespace ui
