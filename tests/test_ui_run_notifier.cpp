// A long run that ends while the user is in another window is announced (a tray message, or the
// taskbar asking for attention where there is no tray) with its title and, for a failure, the reason;
// a run the user watched end, or a short one, is not.
#include <QApplication>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QWidget>
#include <QtTest>

#include "run_notifier.h"

class TestUiRunNotifier : public QObject {
  Q_OBJECT

  std::unique_ptr<QWidget> window_;
  ui::RunNotifier* notifier_ = nullptr;  // owned by the window
  bool window_active_ = false;

 private Q_SLOTS:
  void init() {
    window_ = std::make_unique<QWidget>();
    window_->setWindowTitle("LoRA Studio");
    window_->show();
    notifier_ = new ui::RunNotifier(window_.get());
    window_active_ = false;
    notifier_->setWindowActivePredicate([this] { return window_active_; });
  }
  void cleanup() { window_.reset(); }

  void a_long_run_ending_in_the_background_is_announced() {
    QSignalSpy notified(notifier_, &ui::RunNotifier::notified);
    QVERIFY(notifier_->runEnded("Training finished", "my-adapter: 960 steps, last loss 1.2345.", false, 600));
    QCOMPARE(notified.count(), 1);
    const ui::RunNotifier::Notification& note = notifier_->lastNotification();
    QVERIFY(note.kind != ui::RunNotifier::Kind::None);
    QCOMPARE(note.title, QString("Training finished"));
    QCOMPARE(note.text, QString("my-adapter: 960 steps, last loss 1.2345."));
    QVERIFY(!note.failed);
    // Offscreen there is no system tray: the taskbar entry asks for attention instead.
    if (!QSystemTrayIcon::isSystemTrayAvailable()) QCOMPARE(note.kind, ui::RunNotifier::Kind::Alert);
  }

  void a_failure_names_what_went_wrong() {
    QVERIFY(notifier_->runEnded("Training could not run", "Out of memory on the GPU at step 12", true, 95));
    const ui::RunNotifier::Notification& note = notifier_->lastNotification();
    QCOMPARE(note.title, QString("Training could not run"));
    QVERIFY2(note.text.contains("Out of memory on the GPU at step 12"), qPrintable(note.text));
    QVERIFY(note.failed);
  }

  void a_run_the_user_watched_end_is_not_announced() {
    window_active_ = true;
    QSignalSpy notified(notifier_, &ui::RunNotifier::notified);
    QVERIFY(!notifier_->runEnded("Training finished", "done", false, 600));
    QCOMPARE(notified.count(), 0);
    QCOMPARE(notifier_->lastNotification().kind, ui::RunNotifier::Kind::None);
  }

  void a_short_run_is_not_announced() {
    QVERIFY(!notifier_->runEnded("Training finished", "done", false, 12));
    QCOMPARE(notifier_->lastNotification().kind, ui::RunNotifier::Kind::None);
    // The threshold is the caller's to set.
    notifier_->setMinimumRunSeconds(5);
    QVERIFY(notifier_->runEnded("Training finished", "done", false, 12));
    QCOMPARE(notifier_->lastNotification().title, QString("Training finished"));
  }

  // Where the desktop has a tray, the message goes there, from an icon that is shown only for it.
  void with_a_tray_the_message_goes_there() {
    notifier_->setTrayAvailablePredicate([] { return true; });
    QVERIFY(notifier_->runEnded("Training finished", "my-adapter: 960 steps", false, 600));
    QCOMPARE(notifier_->lastNotification().kind, ui::RunNotifier::Kind::TrayMessage);
    auto* tray = notifier_->findChild<QSystemTrayIcon*>();
    QVERIFY(tray);
    QVERIFY(tray->isVisible());
    QVERIFY(!tray->icon().isNull());
    Q_EMIT tray->messageClicked();  // the user clicks the message: back to the window, the icon goes
    QVERIFY(!tray->isVisible());
  }

  // By default "in the background" is the window's own state: a window that is not the active one.
  void by_default_an_inactive_window_counts_as_background() {
    ui::RunNotifier plain(window_.get());
    QWidget other;
    other.show();
    other.activateWindow();
    QTRY_VERIFY(!window_->isActiveWindow());
    QVERIFY(plain.runEnded("Training finished", "done", false, 60));
    window_->activateWindow();
    QTRY_VERIFY(window_->isActiveWindow());
    QVERIFY(!plain.runEnded("Training finished", "done", false, 60));
    // A page inside the window stands for its window.
    auto* page = new QWidget(window_.get());
    ui::RunNotifier from_page(page);
    QVERIFY(!from_page.runEnded("Training finished", "done", false, 60));
    other.activateWindow();
    QTRY_VERIFY(!window_->isActiveWindow());
    QVERIFY(from_page.runEnded("Training finished", "done", false, 60));
  }
};

QTEST_MAIN(TestUiRunNotifier)
#include "test_ui_run_notifier.moc"
