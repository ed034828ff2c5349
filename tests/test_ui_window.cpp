// The window shell: menus, status bar, settings that persist across a new session and window on the
// same settings file, the first-start demo offer and the one-click demo (model made and loaded).
#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "app_session.h"
#include "demo_setup.h"
#include "main_window.h"
#include "models_page.h"
#include "settings_dialog.h"
#include "test_support.h"
#include "wheel_guard.h"

using namespace ui;
using test_support::child;

class TestUiWindow : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir data_home_;  // XDG_DATA_HOME: where the demo model and adapters go

  template <typename T>
  static T* waitForChild(QObject* parent, const QString& name) {
    T* found = nullptr;
    if (!QTest::qWaitFor([&] { return (found = parent->findChild<T*>(name)) != nullptr; }, 10000)) return nullptr;
    return found;
  }

  static QAbstractButton* buttonWithText(QMessageBox* box, const QString& text) {
    for (QAbstractButton* button : box->buttons())
      if (button->text() == text) return button;
    return nullptr;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(data_home_.isValid());
    qputenv("XDG_DATA_HOME", data_home_.path().toLocal8Bit());
  }

  void menusAndStatusBar() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("demo/offered", true);
    settings.setValue("compute/device", "cpu");
    settings.setValue("compute/threads", 2);
    AppSession session(&settings);
    MainWindow window(&session);
    window.show();
    for (const char* action : {"openDatasetAction", "settingsAction", "quitAction", "runDemoAction", "aboutAction"})
      QVERIFY2(window.findChild<QAction*>(action), action);
    // The device is shown before any model is loaded.
    auto* device = child<QLabel>(&window, "deviceStatus");
    QVERIFY2(device->text().startsWith("CPU, 2 threads ("), qPrintable(device->text()));
    QCOMPARE(child<QLabel>(&window, "modelStatus")->text(), QString("No model loaded"));
    QCOMPARE(child<QLabel>(&window, "trainingStatus")->text(), QString("Idle"));
    QVERIFY(child<QLabel>(&window, "memoryStatus")->text().startsWith("Memory: "));
    session.setTraining(true);
    QCOMPARE(child<QLabel>(&window, "trainingStatus")->text(), QString("Training…"));
    session.setTraining(false);

    // Pages follow the navigation and requests from pages.
    Q_EMIT session.pageRequested("export");
    QCOMPARE(window.currentPage(), QString("export"));
    child<QListWidget>(&window, "navigation")->setCurrentRow(1);
    QCOMPARE(window.currentPage(), QString("dataset"));

    child<QAction>(&window, "aboutAction")->trigger();
    auto* about = waitForChild<QMessageBox>(&window, "aboutBox");
    QVERIFY(about);
    QVERIFY(about->text().contains("LoRA Studio"));
    about->close();
  }

  void openDatasetFromTheFileMenu() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("demo/offered", true);
    AppSession session(&settings);
    MainWindow window(&session);
    window.show();
    const QString dataset = QDir(test_support::fixtures_dir() + "/../../resources/demo").absoluteFilePath("demo_dataset.json");
    QVERIFY(QFileInfo::exists(dataset));
    child<QAction>(&window, "openDatasetAction")->trigger();
    QCOMPARE(window.currentPage(), QString("dataset"));
    auto* dialog = waitForChild<QFileDialog>(&window, "openDatasetDialog");
    QVERIFY(dialog);
    dialog->selectFile(dataset);
    QVERIFY(QMetaObject::invokeMethod(dialog, "accept"));
    QCOMPARE(QFileInfo(session.datasetPath()).canonicalFilePath(), QFileInfo(dataset).canonicalFilePath());
  }

  void settingsPersistAcrossSessions() {
    QTemporaryDir dir;
    const QString path = dir.filePath("settings.ini");
    const QString extra_folder = dir.filePath("more-models");
    QDir().mkpath(extra_folder);
    QByteArray geometry;
    {
      QSettings settings(path, QSettings::IniFormat);
      settings.setValue("demo/offered", true);
      settings.setValue("ui/language", "en");
      AppSession session(&settings);
      MainWindow window(&session);
      window.show();
      window.resize(1400, 900);  // above every page's minimum size
      window.showPage("chat");

      child<QAction>(&window, "settingsAction")->trigger();
      auto* dialog = waitForChild<SettingsDialog>(&window, "settingsDialog");
      QVERIFY(dialog);
      auto* language = child<QComboBox>(dialog, "languageCombo");
      language->setCurrentIndex(language->findData("zh_CN"));
      auto* device = child<QComboBox>(dialog, "deviceCombo");
      device->setCurrentIndex(device->findData("cpu"));
      child<QSpinBox>(dialog, "threadsSpin")->setValue(1);
      auto* folders = child<QListWidget>(dialog, "settingsFolderList");
      auto* item = new QListWidgetItem(extra_folder, folders);
      item->setData(Qt::UserRole, extra_folder);
      QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);

      // The language applies on restart: the window says so and offers it.
      auto* restart = waitForChild<QMessageBox>(&window, "restartQuestion");
      QVERIFY(restart);
      QTest::mouseClick(buttonWithText(restart, "Later"), Qt::LeftButton);
      QVERIFY(!window.restartRequested());
      QVERIFY2(child<QLabel>(&window, "deviceStatus")->text().startsWith("CPU, 1 thread ("),
               qPrintable(child<QLabel>(&window, "deviceStatus")->text()));
      QVERIFY(window.close());
      geometry = window.saveGeometry();
    }
    QSettings settings(path, QSettings::IniFormat);
    AppSession session(&settings);
    QCOMPARE(settings.value("ui/language").toString(), QString("zh_CN"));
    QCOMPARE(session.computeDevice(), QString("cpu"));
    QCOMPARE(session.computeThreads(), 1);
    QVERIFY(session.modelFolders().contains(extra_folder));
    MainWindow window(&session);
    QCOMPARE(window.currentPage(), QString("chat"));
    QCOMPARE(window.size(), QSize(1400, 900));
    QVERIFY(window.findChild<ModelsPage*>()->findChild<QListWidget*>("modelFolderList")->count() ==
            session.modelFolders().size());
  }

  void offersTheDemoOnceWhenThereAreNoModels() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("models/folders", QStringList{dir.filePath("empty")});
    {
      AppSession session(&settings);
      MainWindow window(&session);
      window.show();
      auto* offer = waitForChild<QMessageBox>(&window, "demoOffer");
      QVERIFY(offer);
      QTest::mouseClick(buttonWithText(offer, "Not now"), Qt::LeftButton);
      QVERIFY(settings.value("demo/offered").toBool());
      QVERIFY(!window.demoSetup()->isRunning());
    }
    AppSession session(&settings);
    MainWindow window(&session);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(!window.modelsPage()->isScanning(), 30000);
    QTest::qWait(200);
    QVERIFY(!window.findChild<QMessageBox*>("demoOffer"));  // asked once only
  }

  void demoMakesAndLoadsTheModelAndSetsUpTraining() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("models/folders", QStringList{dir.filePath("empty")});
    settings.setValue("compute/threads", 1);
    AppSession session(&settings);
    MainWindow window(&session);
    window.show();
    QSignalSpy suggested(&session, &AppSession::trainingSettingsSuggested);
    QSignalSpy ready(window.demoSetup(), &DemoSetup::ready);
    QSignalSpy failed(window.demoSetup(), &DemoSetup::failed);

    // The first-start offer, accepted with one click.
    auto* offer = waitForChild<QMessageBox>(&window, "demoOffer");
    QVERIFY(offer);
    QTest::mouseClick(child<QPushButton>(offer, "runDemoButton"), Qt::LeftButton);
    QVERIFY(window.demoSetup()->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failed.isEmpty(), 120000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));

    const QString model_dir = DemoSetup::demoModelDir();
    QVERIFY(model_dir.startsWith(data_home_.path()));
    QVERIFY(QFileInfo::exists(model_dir + "/model.safetensors"));
    QVERIFY(session.modelFolders().contains(DemoSetup::demoFolder()));
    QVERIFY(session.datasetPath().endsWith("demo_dataset.json"));
    QCOMPARE(window.currentPage(), QString("train"));
    QCOMPARE(suggested.count(), 1);
    const QString json = suggested.first().first().toString();
    QVERIFY2(json.contains("all-linear"), qPrintable(json));
    QVERIFY2(json.contains(DemoSetup::demoAdapterDir()), qPrintable(json));
    QTRY_COMPARE_WITH_TIMEOUT(session.modelState(), AppSession::ModelState::Loaded, 60000);
    QCOMPARE(session.modelDir(), model_dir);
    // "The demo model is loading." must not outlive the load.
    QTRY_COMPARE(window.statusBar()->currentMessage(), QString("Loaded model."));
    QVERIFY2(child<QLabel>(&window, "modelStatus")->text().contains("model"),
             qPrintable(child<QLabel>(&window, "modelStatus")->text()));
    QVERIFY(child<QLabel>(&window, "deviceStatus")->text().startsWith("CPU, 1 thread"));
    // The Models page lists the demo model.
    QTRY_VERIFY_WITH_TIMEOUT(!window.modelsPage()->isScanning(), 30000);
    auto* table = child<QTableWidget>(window.modelsPage(), "modelTable");
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 0)->text(), QString("model"));

    // Help → Run the demo again reuses the model that is current.
    const QDateTime made = QFileInfo(model_dir + "/model.safetensors").lastModified();
    ready.clear();
    child<QAction>(&window, "runDemoAction")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failed.isEmpty(), 60000);
    QVERIFY(failed.isEmpty());
    QCOMPARE(QFileInfo(model_dir + "/model.safetensors").lastModified(), made);
    QTRY_COMPARE_WITH_TIMEOUT(session.modelState(), AppSession::ModelState::Loaded, 60000);
  }

  void demoErrorsAreShownInAMessageBox() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("demo/offered", true);
    AppSession session(&settings);
    MainWindow window(&session);
    window.show();
    qputenv("LORA_STUDIO_DEMO_DATASET", dir.filePath("no-such-dataset.json").toLocal8Bit());
    window.runDemo();
    auto* error = waitForChild<QMessageBox>(&window, "demoError");
    qunsetenv("LORA_STUDIO_DEMO_DATASET");
    QVERIFY(error);
    QVERIFY2(error->text().contains("no-such-dataset.json"), qPrintable(error->text()));
    QCOMPARE(session.modelState(), AppSession::ModelState::None);
  }
  // Rolling the wheel through a scrolling page must scroll it, not change the field under the pointer
  // (the rank went from 32 to 42); a field the user clicked into still takes the wheel.
  void wheelScrollsThePageNotAnUnfocusedField() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("demo/offered", true);
    AppSession session(&settings);
    MainWindow window(&session);  // installs the guard for the whole application

    QScrollArea area;
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    auto* rank = new QSpinBox(content);
    rank->setRange(1, 512);
    rank->setValue(32);
    auto* other = new QSpinBox(content);  // somewhere to put the focus that is not `rank`
    layout->addWidget(rank);
    layout->addWidget(other);
    layout->addSpacing(3000);
    area.setWidget(content);
    area.resize(300, 200);
    area.show();
    area.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&area));
    other->setFocus();
    QVERIFY(!rank->hasFocus());

    auto roll_down_over = [](QWidget* widget) {
      const QPointF at(widget->width() / 2.0, widget->height() / 2.0);
      QWheelEvent wheel(at, widget->mapToGlobal(at), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                        Qt::NoScrollPhase, false);
      QApplication::sendEvent(widget, &wheel);
    };
    QScrollBar* bar = area.verticalScrollBar();
    QCOMPARE(bar->value(), 0);
    roll_down_over(rank);
    QCOMPARE(rank->value(), 32);
    QVERIFY2(bar->value() > 0, "the page did not scroll");

    rank->setFocus();
    QVERIFY(rank->hasFocus());
    roll_down_over(rank);
    QCOMPARE(rank->value(), 31);
  }

  void helpOpensTheUsersGuide() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("demo/offered", true);
    settings.setValue("ui/language", "en");
    AppSession session(&settings);
    MainWindow window(&session);
    auto* guide = window.findChild<QAction*>("userGuideAction");
    QVERIFY(guide);
    QVERIFY(guide->isEnabled());
    const QString english = guide->data().toString();
    QCOMPARE(QFileInfo(english).fileName(), QString("USER_GUIDE.md"));
    QFile file(english);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(english));
    QVERIFY(file.readLine().startsWith("# "));
    const QString chinese = MainWindow::userGuidePath("zh_CN");
    QCOMPARE(QFileInfo(chinese).fileName(), QString("USER_GUIDE.zh_CN.md"));
    QVERIFY(QFileInfo(chinese).isFile());
    bool in_help_menu = false;
    for (QAction* action : window.menuBar()->actions())
      if (action->menu() && action->menu()->actions().contains(guide)) in_help_menu = action->text().contains("Help");
    QVERIFY(in_help_menu);
  }

  // ~/.local/share/lora-studio, not ~/.local/share/LoRA Studio/lora-studio; what an earlier version kept in
  // the old folder moves along and stays reachable by its old path.
  void dataFolderIsOneFolderNamedAfterTheProgram() {
    const QString organisation = QCoreApplication::organizationName(), application = QCoreApplication::applicationName();
    const QByteArray data_home = qgetenv("XDG_DATA_HOME");
    auto restore = qScopeGuard([&] {
      QCoreApplication::setOrganizationName(organisation);
      QCoreApplication::setApplicationName(application);
      qputenv("XDG_DATA_HOME", data_home);
    });
    QCoreApplication::setOrganizationName("LoRA Studio");
    QCoreApplication::setApplicationName("lora-studio");

    QTemporaryDir fresh;
    qputenv("XDG_DATA_HOME", fresh.path().toLocal8Bit());
    QCOMPARE(AppSession::dataDir(), fresh.filePath("lora-studio"));
    QVERIFY(QFileInfo(fresh.filePath("lora-studio")).isDir());
    QVERIFY(!QFileInfo::exists(fresh.filePath("LoRA Studio")));

    QTemporaryDir upgraded;
    qputenv("XDG_DATA_HOME", upgraded.path().toLocal8Bit());
    const QString old_adapter = upgraded.filePath("LoRA Studio/lora-studio/adapters/mine/adapter_config.json");
    QVERIFY(QDir().mkpath(QFileInfo(old_adapter).path()));
    {
      QFile file(old_adapter);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("{\"r\": 8}");
    }
    QCOMPARE(AppSession::dataDir(), upgraded.filePath("lora-studio"));
    QFile moved(upgraded.filePath("lora-studio/adapters/mine/adapter_config.json"));
    QVERIFY(moved.open(QIODevice::ReadOnly));
    QCOMPARE(moved.readAll(), QByteArray("{\"r\": 8}"));
    QVERIFY(QFileInfo(old_adapter).isFile());  // a path remembered in the settings still opens
    QCOMPARE(AppSession::adaptersDir(), upgraded.filePath("lora-studio/adapters"));
  }
};

QTEST_MAIN(TestUiWindow)
#include "test_ui_window.moc"
