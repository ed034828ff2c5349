#include "chat_page.h"

#include <QLabel>
#include <QVBoxLayout>

#include "app_session.h"

namespace ui {

ChatPage::ChatPage(AppSession* session, QWidget* parent) : QWidget(parent), session_(session) {
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("ChatPage (being built)"), this));
}

}  // namespace ui
