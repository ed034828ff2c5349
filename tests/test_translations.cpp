// Every user-visible string of the window has a finished Simplified Chinese translation: lupdate is run
// over all of ui/*.cpp into a temporary .ts, and each (context, source) it finds must have a finished
// translation in one of translations/*.ts — so a page whose author forgot to translate is caught by name.
// And installing zh_CN really changes what the window shows.
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLibraryInfo>
#include <QListWidget>
#include <QPushButton>
#include <QProcess>
#include <QSet>
#include <QSettings>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include "app_session.h"
#include "language.h"
#include "main_window.h"
#include "test_support.h"

namespace {

const char* const kLupdate = "/usr/lib/qt6/bin/lupdate";

struct TsMessage {
  QString context;
  QString source;
  bool finished = false;
};

// Reads a .ts file. A message is finished when its translation is not marked unfinished/vanished/
// obsolete and has text (every plural form, for numerus messages).
QList<TsMessage> read_ts(const QString& path, QString* error) {
  QList<TsMessage> messages;
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    *error = path + ": cannot be read";
    return messages;
  }
  QXmlStreamReader xml(&file);
  QString context;
  TsMessage message;
  bool in_message = false;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isStartElement()) {
      const auto name = xml.name();
      if (name == QLatin1String("name") && !in_message) {
        context = xml.readElementText();
      } else if (name == QLatin1String("message")) {
        in_message = true;
        message = TsMessage{context, QString(), false};
      } else if (name == QLatin1String("source") && in_message) {
        message.source = xml.readElementText();
      } else if (name == QLatin1String("translation") && in_message) {
        const QString type = xml.attributes().value("type").toString();
        const bool marked_done = type.isEmpty();
        bool has_text = false, all_forms = true;
        QString direct_text;
        while (!(xml.isEndElement() && xml.name() == QLatin1String("translation")) && !xml.atEnd()) {
          xml.readNext();
          if (xml.isCharacters()) direct_text += xml.text();
          if (xml.isStartElement() && xml.name() == QLatin1String("numerusform")) {
            const QString form = xml.readElementText();
            has_text = true;
            all_forms = all_forms && !form.trimmed().isEmpty();
          }
        }
        if (!has_text) all_forms = !direct_text.trimmed().isEmpty();
        message.finished = marked_done && all_forms;
      }
    } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
      in_message = false;
      messages << message;
    }
  }
  if (xml.hasError()) *error = path + ": " + xml.errorString();
  return messages;
}

QString source_root() { return QDir(test_support::fixtures_dir() + "/../..").canonicalPath(); }

}  // namespace

class TestTranslations : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void everyWindowStringHasAChineseTranslation() {
    const QString root = source_root();
    QVERIFY2(QFileInfo(root + "/ui").isDir(), qPrintable("no ui/ folder under " + root));
    QVERIFY2(QFileInfo(kLupdate).isExecutable(), kLupdate);
    QStringList sources;
    for (const QString& name : QDir(root + "/ui").entryList({"*.cpp"}, QDir::Files, QDir::Name))
      sources << root + "/ui/" + name;
    QVERIFY(!sources.isEmpty());

    QTemporaryDir tmp;
    const QString extracted = tmp.filePath("all_zh_CN.ts");
    QProcess lupdate;
    lupdate.start(kLupdate, QStringList{"-silent", "-locations", "none"} + sources + QStringList{"-ts", extracted});
    QVERIFY(lupdate.waitForFinished(120000));
    QVERIFY2(lupdate.exitCode() == 0, lupdate.readAllStandardError().constData());
    QString error;
    const QList<TsMessage> needed = read_ts(extracted, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(needed.size() > 20, "lupdate found almost no tr() strings in ui/*.cpp");

    QSet<QString> translated;  // context + '\x1f' + source
    const QStringList ts_files = QDir(root + "/translations").entryList({"*_zh_CN.ts"}, QDir::Files, QDir::Name);
    QVERIFY(!ts_files.isEmpty());
    for (const QString& name : ts_files) {
      for (const TsMessage& message : read_ts(root + "/translations/" + name, &error))
        if (message.finished) translated.insert(message.context + QChar(0x1f) + message.source);
      QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    QStringList missing;
    for (const TsMessage& message : needed)
      if (!translated.contains(message.context + QChar(0x1f) + message.source))
        missing << QString("  [%1] %2").arg(message.context, message.source);
    missing.removeDuplicates();
    QVERIFY2(missing.isEmpty(), qPrintable(QString("%1 string(s) of ui/*.cpp have no finished zh_CN translation in "
                                                   "translations/*.ts:\n%2")
                                               .arg(missing.size())
                                               .arg(missing.join('\n'))));
  }

  void chineseShowsInTheWindow() {
    QVERIFY(ui::installTranslations(*qApp, "zh_CN") > 0);
    QTemporaryDir dir;
    QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("demo/offered", true);
    settings.setValue("models/folders", QStringList{dir.path()});
    ui::AppSession session(&settings);
    ui::MainWindow window(&session);
    auto* navigation = window.findChild<QListWidget*>("navigation");
    QVERIFY(navigation);
    QCOMPARE(navigation->item(0)->text(), QString::fromUtf8("模型"));
    QCOMPARE(navigation->item(2)->text(), QString::fromUtf8("训练"));
    QCOMPARE(window.windowTitle(), QString("LoRA Studio"));
    // Sizes and dates come from the locale, which follows the chosen language even on an English system:
    // the Export page's file list must not say "656 bytes" in a Chinese window.
    QVERIFY2(window.locale().formattedDataSize(656).contains(QString::fromUtf8("字节")),
             qPrintable(window.locale().formattedDataSize(656)));
  }
  // Qt's own strings (standard buttons, file dialogs) follow the interface language too, from Qt's
  // translations (Debian: qt6-translations-l10n).
  void qtsOwnButtonsAreChinese() {
    const QString folder = QLibraryInfo::path(QLibraryInfo::TranslationsPath);
    if (!QFileInfo(folder + "/qtbase_zh_CN.qm").isFile())
      QSKIP(qPrintable("Qt's translations are not installed (no " + folder +
                       "/qtbase_zh_CN.qm; Debian: apt-get install qt6-translations-l10n)"));
    ui::installTranslations(*qApp, "zh_CN");
    QDialogButtonBox buttons(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    QCOMPARE(buttons.button(QDialogButtonBox::Cancel)->text(), QString::fromUtf8("取消"));
    QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QString::fromUtf8("取消"));
  }
};

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
