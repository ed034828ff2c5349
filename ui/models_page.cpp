#include "models_page.h"

#include <QLabel>
#include <QVBoxLayout>

#include "app_session.h"

namespace ui {

ModelsPage::ModelsPage(AppSession* session, QWidget* parent) : QWidget(parent), session_(session) {
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("ModelsPage (being built)"), this));
}

}  // namespace ui
