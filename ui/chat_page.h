#pragma once
// Chat: the base model and the model with the adapter answering side by side.
#include <QWidget>

namespace ui {

class AppSession;

class ChatPage : public QWidget {
  Q_OBJECT

 public:
  explicit ChatPage(AppSession* session, QWidget* parent = nullptr);

 private:
  AppSession* session_;
};

}  // namespace ui
