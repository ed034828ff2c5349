#include "export_page.h"

#include <QLabel>
#include <QVBoxLayout>

#include "app_session.h"

namespace ui {

ExportPage::ExportPage(AppSession* session, QWidget* parent) : QWidget(parent), session_(session) {
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("ExportPage (being built)"), this));
}

}  // namespace ui
