#include "settings_dialog.h"

#include "device.h"

#include <algorithm>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "app_session.h"
#include "language.h"

namespace ui {

SettingsDialog::SettingsDialog(AppSession* session, QWidget* parent) : QDialog(parent), session_(session) {
  setWindowTitle(tr("Settings"));
  auto* layout = new QVBoxLayout(this);

  auto* general = new QGroupBox(tr("General"), this);
  auto* form = new QFormLayout(general);
  language_ = new QComboBox(general);
  language_->setObjectName("languageCombo");
  // Each language in its own name, so a user who cannot read the current one still finds theirs.
  language_->addItem(tr("System"), "system");
  language_->addItem("English", "en");
  language_->addItem("简体中文", "zh_CN");
  language_->setCurrentIndex(
      std::max(0, language_->findData(session_->settings().value("ui/language", "system").toString())));
  language_->setToolTip(tr("The language of the interface. \"System\" follows the operating system."));
  form->addRow(tr("Language:"), language_);

  auto* compute = new QGroupBox(tr("Compute"), this);
  auto* compute_form = new QFormLayout(compute);
  device_ = new QComboBox(compute);
  device_->setObjectName("deviceCombo");
  device_->addItem(tr("Automatic (CUDA GPU when there is one)"), "auto");
  device_->addItem(tr("CPU"), "cpu");
  device_->addItem(tr("CUDA GPU"), "cuda");
  device_->setCurrentIndex(std::max(0, device_->findData(session_->computeDevice())));
  device_->setToolTip(tr("Where models load, train and generate. Applies to the next load or training run."));
  compute_form->addRow(tr("Device:"), device_);
  threads_ = new QSpinBox(compute);
  threads_->setObjectName("threadsSpin");
  threads_->setRange(0, 1024);
  threads_->setSpecialValueText(tr("All cores (%1)").arg(lora::cpu_core_count()));
  threads_->setValue(session_->computeThreads());
  threads_->setToolTip(tr("CPU threads for computing. Fewer than all cores leaves the computer responsive "
                          "for other work; on a busy machine fewer threads can even be faster."));
  compute_form->addRow(tr("CPU threads:"), threads_);

  auto* folders_box = new QGroupBox(tr("Model folders"), this);
  auto* folders_layout = new QHBoxLayout(folders_box);
  folders_ = new QListWidget(folders_box);
  folders_->setObjectName("settingsFolderList");
  folders_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  for (const QString& folder : session_->modelFolders()) {
    auto* item = new QListWidgetItem(QDir::toNativeSeparators(folder), folders_);
    item->setData(Qt::UserRole, folder);
  }
  auto* folder_buttons = new QVBoxLayout;
  auto* add = new QPushButton(tr("Add…"), folders_box);
  auto* remove = new QPushButton(tr("Remove"), folders_box);
  add->setToolTip(tr("Add a folder that holds model folders."));
  remove->setToolTip(tr("Stop scanning the selected folders (nothing is deleted)."));
  folder_buttons->addWidget(add);
  folder_buttons->addWidget(remove);
  folder_buttons->addStretch();
  folders_layout->addWidget(folders_, 1);
  folders_layout->addLayout(folder_buttons);
  connect(add, &QPushButton::clicked, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a model folder"), QDir::homePath());
    if (folder.isEmpty()) return;
    auto* item = new QListWidgetItem(QDir::toNativeSeparators(folder), folders_);
    item->setData(Qt::UserRole, folder);
  });
  connect(remove, &QPushButton::clicked, this, [this] { qDeleteAll(folders_->selectedItems()); });

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  layout->addWidget(general);
  layout->addWidget(compute);
  layout->addWidget(folders_box, 1);
  layout->addWidget(buttons);
  resize(560, 480);
}

bool SettingsDialog::apply() {
  const QString language = language_->currentData().toString();
  const bool language_changed =
      resolveLanguage(language) != resolveLanguage(session_->settings().value("ui/language", "system").toString());
  session_->settings().setValue("ui/language", language);
  session_->setComputeOptions(device_->currentData().toString(), threads_->value());
  QStringList folders;
  for (int row = 0; row < folders_->count(); ++row) folders << folders_->item(row)->data(Qt::UserRole).toString();
  session_->setModelFolders(folders);
  return language_changed;
}

}  // namespace ui
