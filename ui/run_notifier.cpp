#include "run_notifier.h"

#include <QApplication>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QWidget>

namespace ui {

namespace {
constexpr int kMessageMilliseconds = 15000;
}

RunNotifier::RunNotifier(QWidget* window) : QObject(window), window_(window) {
  // `window` may be a page inside the main window: its top-level window is what the user looks at.
  is_window_active_ = [this] {
    return window_ && window_->window()->isActiveWindow() && !window_->window()->isMinimized() &&
           QApplication::applicationState() == Qt::ApplicationActive;
  };
  is_tray_available_ = [] { return QSystemTrayIcon::isSystemTrayAvailable(); };
  tray_hide_timer_ = new QTimer(this);
  tray_hide_timer_->setSingleShot(true);
  connect(tray_hide_timer_, &QTimer::timeout, this, &RunNotifier::hideTrayIcon);
}

RunNotifier::~RunNotifier() { hideTrayIcon(); }

bool RunNotifier::runEnded(const QString& title, const QString& message, bool failed, double run_seconds) {
  if (run_seconds < minimum_run_seconds_ || is_window_active_()) return false;
  Notification note;
  note.title = title;
  note.text = message;
  note.failed = failed;
  if (is_tray_available_()) {
    if (!tray_) {
      // The tray icon exists only while it carries a message: the app is no tray application.
      tray_ = new QSystemTrayIcon(this);
      QIcon icon = window_ ? window_->window()->windowIcon() : QIcon();
      if (icon.isNull()) icon = QApplication::windowIcon();
      if (icon.isNull()) icon = QApplication::style()->standardIcon(QStyle::SP_ComputerIcon);
      tray_->setIcon(icon);
      tray_->setToolTip(QApplication::applicationDisplayName());
      connect(tray_, &QSystemTrayIcon::messageClicked, this, [this] {
        if (window_) {
          QWidget* top = window_->window();
          if (top->isMinimized()) top->showNormal();
          top->raise();
          top->activateWindow();
        }
        hideTrayIcon();
      });
    }
    tray_->show();
    tray_->showMessage(title, message, failed ? QSystemTrayIcon::Critical : QSystemTrayIcon::Information,
                       kMessageMilliseconds);
    tray_hide_timer_->start(kMessageMilliseconds + 5000);
    note.kind = Kind::TrayMessage;
  } else {
    // No tray: the taskbar entry asks for attention until the window is activated (it carries no text;
    // the window shows the result when the user comes back).
    if (window_) QApplication::alert(window_->window(), 0);
    note.kind = Kind::Alert;
  }
  last_ = note;
  Q_EMIT notified(note.title, note.text, note.failed);
  return true;
}

void RunNotifier::hideTrayIcon() {
  tray_hide_timer_->stop();
  if (tray_) tray_->hide();
}

}  // namespace ui
