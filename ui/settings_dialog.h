#pragma once
// Settings…: interface language, compute device and CPU threads, model folders. Written to the
// session's QSettings on OK ("ui/language", "compute/device", "compute/threads", "models/folders").
#include <QDialog>

class QComboBox;
class QListWidget;
class QSpinBox;

namespace ui {

class AppSession;

class SettingsDialog : public QDialog {
  Q_OBJECT

 public:
  explicit SettingsDialog(AppSession* session, QWidget* parent = nullptr);

  // Stores the choices; true when the language changed (it applies when the window restarts).
  bool apply();

 private:
  AppSession* session_;
  QComboBox* language_ = nullptr;
  QComboBox* device_ = nullptr;
  QSpinBox* threads_ = nullptr;
  QListWidget* folders_ = nullptr;
};

}  // namespace ui
