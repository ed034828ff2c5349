#pragma once
// Export: the adapter as a PEFT folder, or merged into the model.
#include <QWidget>

namespace ui {

class AppSession;

class ExportPage : public QWidget {
  Q_OBJECT

 public:
  explicit ExportPage(AppSession* session, QWidget* parent = nullptr);

 private:
  AppSession* session_;
};

}  // namespace ui
