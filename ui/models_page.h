#pragma once
// Models: model folders, the models found, load and unload.
#include <QWidget>

namespace ui {

class AppSession;

class ModelsPage : public QWidget {
  Q_OBJECT

 public:
  explicit ModelsPage(AppSession* session, QWidget* parent = nullptr);

 private:
  AppSession* session_;
};

}  // namespace ui
