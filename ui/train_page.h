#pragma once
// Train: hyperparameters, start/stop/resume, live loss chart.
#include <QWidget>

namespace ui {

class AppSession;

class TrainPage : public QWidget {
  Q_OBJECT

 public:
  explicit TrainPage(AppSession* session, QWidget* parent = nullptr);

  // Called when the window closes: with a training run going, asks whether to stop it; on yes stops
  // it cleanly (the adapter so far is saved) and returns true once it has stopped.
  bool confirmClose();

 private:
  AppSession* session_;
};

}  // namespace ui
