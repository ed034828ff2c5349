#pragma once
// Tells the user that a long training run ended while they were in another window: a desktop
// notification through the system tray where there is one, else the taskbar entry asks for attention.
// A run the user watched end, or a short one, needs no notification.
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

class QSystemTrayIcon;
class QTimer;
class QWidget;

namespace ui {

class RunNotifier : public QObject {
  Q_OBJECT

 public:
  enum class Kind { None, TrayMessage, Alert };
  struct Notification {
    Kind kind = Kind::None;
    QString title;
    QString text;
    bool failed = false;
  };

  // `window`: the main window or any widget in it (the notifier is its child).
  explicit RunNotifier(QWidget* window);
  ~RunNotifier() override;

  // Runs shorter than this end unannounced (default 30 s).
  void setMinimumRunSeconds(double seconds) { minimum_run_seconds_ = seconds; }
  double minimumRunSeconds() const { return minimum_run_seconds_; }
  // Whether the user is looking at the window; by default, the window is the active one and not minimised.
  void setWindowActivePredicate(std::function<bool()> is_active) { is_window_active_ = std::move(is_active); }
  // Whether a system tray can show messages; by default QSystemTrayIcon::isSystemTrayAvailable().
  void setTrayAvailablePredicate(std::function<bool()> is_available) { is_tray_available_ = std::move(is_available); }

  // A run ended: `title` says how ("Training finished"), `message` what came of it (for a failure, the
  // reason). Returns whether a notification was shown.
  bool runEnded(const QString& title, const QString& message, bool failed, double run_seconds);

  // The last notification shown (kind None before the first).
  const Notification& lastNotification() const { return last_; }

 Q_SIGNALS:
  void notified(const QString& title, const QString& text, bool failed);

 private:
  void hideTrayIcon();

  QPointer<QWidget> window_;
  double minimum_run_seconds_ = 30;
  std::function<bool()> is_window_active_;
  std::function<bool()> is_tray_available_;
  QSystemTrayIcon* tray_ = nullptr;  // created on the first tray message
  QTimer* tray_hide_timer_ = nullptr;
  Notification last_;
};

}  // namespace ui
