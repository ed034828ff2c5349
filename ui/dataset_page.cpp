#include "dataset_page.h"

#include <QLabel>
#include <QVBoxLayout>

#include "app_session.h"

namespace ui {

DatasetPage::DatasetPage(AppSession* session, QWidget* parent) : QWidget(parent), session_(session) {
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("DatasetPage (being built)"), this));
}

}  // namespace ui
