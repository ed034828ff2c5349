#include "train_page.h"

#include <QLabel>
#include <QVBoxLayout>

#include "app_session.h"

namespace ui {

TrainPage::TrainPage(AppSession* session, QWidget* parent) : QWidget(parent), session_(session) {
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("TrainPage (being built)"), this));
}

bool TrainPage::confirmClose() { return true; }

}  // namespace ui
