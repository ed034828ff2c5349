#pragma once
// Dataset: open a dataset and preview records, prompts, trained tokens and lengths.
#include <QWidget>

namespace ui {

class AppSession;

class DatasetPage : public QWidget {
  Q_OBJECT

 public:
  explicit DatasetPage(AppSession* session, QWidget* parent = nullptr);

 private:
  AppSession* session_;
};

}  // namespace ui
