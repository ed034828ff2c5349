#include "models_page.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "app_session.h"
#include "model_download_dialog.h"

namespace ui {

namespace {

// kFolder (the folder holding the model) tells apart models of the same name found in different places.
enum ModelColumn { kName, kFamily, kParameters, kDtype, kSize, kTokenizer, kContext, kFolder, kModelColumns };
enum AdapterColumn { kAdapterName, kRank, kAlpha, kTargets, kDate, kBaseModel, kAdapterColumns };

const QColor kErrorColor(0xc0, 0x39, 0x2b);

QTableWidgetItem* read_only_item(const QString& text) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(item->flags() & ~Qt::ItemIsEditable);
  return item;
}

QString html_row(const QString& key, const QString& value) {
  return "<tr><td style='padding-right:12px'><b>" + key.toHtmlEscaped() + "</b></td><td>" + value.toHtmlEscaped() +
         "</td></tr>";
}

}  // namespace

ModelsPage::ModelsPage(AppSession* session, QWidget* parent)
    : QWidget(parent), session_(session), scanner_(new ModelScanner(this)) {
  auto* layout = new QVBoxLayout(this);

  layout->addWidget(buildFolderBox());
  buildModelTable(layout);
  QHBoxLayout* load_row = buildLoadRow();

  // Details and adapters of the selected model.
  details_ = new QTextBrowser(this);
  details_->setObjectName("modelDetails");
  QWidget* adapters_widget = buildAdapterList();

  auto* lower = new QSplitter(Qt::Horizontal, this);
  lower->addWidget(details_);
  lower->addWidget(adapters_widget);
  lower->setStretchFactor(0, 1);
  lower->setStretchFactor(1, 1);
  auto* vertical = new QSplitter(Qt::Vertical, this);
  auto* table_widget = new QWidget(this);
  auto* table_layout = new QVBoxLayout(table_widget);
  table_layout->setContentsMargins(0, 0, 0, 0);
  table_layout->addWidget(model_table_, 1);
  table_layout->addLayout(load_row);
  vertical->addWidget(table_widget);
  vertical->addWidget(lower);
  vertical->setStretchFactor(0, 3);
  vertical->setStretchFactor(1, 2);
  layout->addWidget(vertical, 1);

  connectControls();

  connect(session_, &AppSession::modelLoadStarted, this, &ModelsPage::updateLoadControls);
  connect(session_, &AppSession::modelLoaded, this, &ModelsPage::updateLoadControls);
  connect(session_, &AppSession::modelUnloaded, this, &ModelsPage::updateLoadControls);
  connect(session_, &AppSession::modelLoadFailed, this, [this](const QString& dir, const QString& message) {
    updateLoadControls();
    load_status_->setText(tr("Could not load %1: %2").arg(QFileInfo(dir).fileName(), message));
    load_status_->setStyleSheet(QString("color: %1").arg(kErrorColor.name()));
  });
  known_folders_ = session_->modelFolders();
  connect(session_, &AppSession::modelFoldersChanged, this, [this](const QStringList& folders) {
    for (const QString& folder : folders)
      if (!known_folders_.contains(folder) && !added_folders_.contains(folder)) added_folders_ << folder;
    known_folders_ = folders;
    showFolders();
    rescan();
  });
  connect(session_, &AppSession::trainingChanged, this, [this](bool running) {
    if (!running) rescan();  // a finished run wrote a new adapter
  });
  connect(session_, &AppSession::adapterDirChanged, this, [this] { showAdapters(selectedModel()); });

  showFolders();
  updateLoadControls();
  showSelectedModel();
  rescan();
}

// The folders to scan.
QGroupBox* ModelsPage::buildFolderBox() {
  auto* folders_box = new QGroupBox(tr("Model folders"), this);
  auto* folders_layout = new QHBoxLayout(folders_box);
  folder_list_ = new QListWidget(folders_box);
  folder_list_->setObjectName("modelFolderList");
  folder_list_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  folder_list_->setMaximumHeight(72);
  folder_list_->setToolTip(tr("Folders searched for Hugging Face model folders (a folder with config.json) "
                              "and GGUF files, up to two levels deep."));
  auto* folder_buttons = new QVBoxLayout;
  add_folder_ = new QPushButton(tr("Add…"), folders_box);
  add_folder_->setObjectName("addFolderButton");
  add_folder_->setToolTip(tr("Add a folder that holds model folders."));
  add_gguf_ = new QPushButton(tr("Add GGUF…"), folders_box);
  add_gguf_->setObjectName("addGgufButton");
  add_gguf_->setToolTip(tr("Add a GGUF model file (llama.cpp, Ollama, LM Studio): it is dequantized when loaded, "
                           "for chatting and comparing; training needs the Hugging Face folder."));
  remove_folder_ = new QPushButton(tr("Remove"), folders_box);
  remove_folder_->setObjectName("removeFolderButton");
  remove_folder_->setToolTip(tr("Stop scanning the selected folders (nothing is deleted)."));
  rescan_ = new QPushButton(tr("Rescan"), folders_box);
  rescan_->setObjectName("rescanButton");
  rescan_->setToolTip(tr("Look for models and adapters in the folders again."));
  for (QPushButton* button : {add_folder_, add_gguf_, remove_folder_, rescan_}) folder_buttons->addWidget(button);
  folder_buttons->addStretch();
  folders_layout->addWidget(folder_list_, 1);
  folders_layout->addLayout(folder_buttons);
  return folders_box;
}

// The models found, under the scan's status line.
void ModelsPage::buildModelTable(QVBoxLayout* layout) {
  scan_status_ = new QLabel(this);
  scan_status_->setObjectName("scanStatus");
  layout->addWidget(scan_status_);
  model_table_ = new QTableWidget(0, kModelColumns, this);
  model_table_->setObjectName("modelTable");
  model_table_->setHorizontalHeaderLabels({tr("Name"), tr("Family"), tr("Parameters"), tr("Dtype"), tr("Size"),
                                           tr("Tokenizer"), tr("Context length"), tr("Folder")});
  model_table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  model_table_->setSelectionMode(QAbstractItemView::SingleSelection);
  model_table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  model_table_->verticalHeader()->hide();
  model_table_->horizontalHeader()->setStretchLastSection(true);
  model_table_->horizontalHeader()->setSectionResizeMode(kName, QHeaderView::Interactive);
  model_table_->setColumnWidth(kName, 220);
  model_table_->setColumnWidth(kFamily, 110);
}

// Load / Unload, with the load's progress and outcome.
QHBoxLayout* ModelsPage::buildLoadRow() {
  auto* load_row = new QHBoxLayout;
  load_ = new QPushButton(tr("Load"), this);
  load_->setObjectName("loadButton");
  load_->setToolTip(tr("Load the selected model for chatting and exporting (training loads its own copy)."));
  unload_ = new QPushButton(tr("Unload"), this);
  unload_->setObjectName("unloadButton");
  unload_->setToolTip(tr("Free the memory of the loaded model."));
  load_progress_ = new QProgressBar(this);
  load_progress_->setObjectName("loadProgress");
  load_progress_->setRange(0, 0);  // busy: loading reports no fraction
  load_progress_->setMaximumWidth(160);
  cancel_load_ = new QPushButton(tr("Cancel"), this);
  cancel_load_->setObjectName("cancelLoadButton");
  load_status_ = new QLabel(this);
  load_status_->setObjectName("loadStatus");
  load_status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  load_status_->setWordWrap(true);
  load_row->addWidget(load_);
  load_row->addWidget(unload_);
  load_row->addWidget(load_progress_);
  load_row->addWidget(cancel_load_);
  load_row->addWidget(load_status_, 1);
  download_ = new QPushButton(tr("Download…"), this);
  download_->setObjectName("downloadModelButton");
  download_->setToolTip(tr("Download a model from Hugging Face, a mirror of it or ModelScope."));
  load_row->addWidget(download_);
  return load_row;
}

// The adapters of the selected model.
QWidget* ModelsPage::buildAdapterList() {
  auto* adapters_widget = new QWidget(this);
  auto* adapters_layout = new QVBoxLayout(adapters_widget);
  adapters_layout->setContentsMargins(0, 0, 0, 0);
  adapters_label_ = new QLabel(tr("Adapters"), adapters_widget);
  adapter_table_ = new QTableWidget(0, kAdapterColumns, adapters_widget);
  adapter_table_->setObjectName("adapterTable");
  adapter_table_->setHorizontalHeaderLabels({tr("Adapter"), tr("Rank"), tr("Alpha"), tr("Targets"), tr("Date"),
                                             tr("Base model")});
  adapter_table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  adapter_table_->setSelectionMode(QAbstractItemView::SingleSelection);
  adapter_table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  adapter_table_->verticalHeader()->hide();
  adapter_table_->horizontalHeader()->setStretchLastSection(true);
  adapter_table_->setColumnWidth(kAdapterName, 150);
  for (int column : {kRank, kAlpha}) adapter_table_->setColumnWidth(column, 56);
  adapter_table_->setColumnWidth(kTargets, 150);
  adapter_table_->setColumnWidth(kDate, 130);
  adapter_table_->setToolTip(tr("Adapters trained for this model (in the adapters folder or beside the model). "
                                "Select one to use it in Chat and Export."));
  auto* no_adapter = new QPushButton(tr("Use no adapter"), adapters_widget);
  no_adapter->setObjectName("noAdapterButton");
  no_adapter->setToolTip(tr("Chat and Export work with the base model alone."));
  adapters_layout->addWidget(adapters_label_);
  adapters_layout->addWidget(adapter_table_, 1);
  adapters_layout->addWidget(no_adapter, 0, Qt::AlignLeft);
  connect(no_adapter, &QPushButton::clicked, this, [this] {
    session_->setAdapterDir(QString());
    filling_adapters_ = true;
    adapter_table_->clearSelection();
    filling_adapters_ = false;
  });
  return adapters_widget;
}

// What the page's own controls do.
void ModelsPage::connectControls() {
  connect(add_folder_, &QPushButton::clicked, this, &ModelsPage::addFolder);
  connect(add_gguf_, &QPushButton::clicked, this, &ModelsPage::addGgufFile);
  connect(remove_folder_, &QPushButton::clicked, this, &ModelsPage::removeSelectedFolders);
  connect(folder_list_, &QListWidget::itemSelectionChanged, this,
          [this] { remove_folder_->setEnabled(!folder_list_->selectedItems().isEmpty()); });
  connect(rescan_, &QPushButton::clicked, this, &ModelsPage::rescan);
  connect(download_, &QPushButton::clicked, this, &ModelsPage::openDownloadDialog);
  connect(scanner_, &ModelScanner::finished, this, &ModelsPage::showScan);
  connect(model_table_, &QTableWidget::itemSelectionChanged, this, &ModelsPage::showSelectedModel);
  connect(model_table_, &QTableWidget::cellDoubleClicked, this, [this] {
    if (load_->isEnabled()) load_->click();
  });
  connect(load_, &QPushButton::clicked, this, [this] {
    if (const ScannedModel* model = selectedModel(); model && model->loadable()) session_->loadModel(model->dir);
  });
  connect(unload_, &QPushButton::clicked, session_, &AppSession::unloadModel);
  connect(cancel_load_, &QPushButton::clicked, session_, &AppSession::cancelModelLoad);
  connect(adapter_table_, &QTableWidget::itemSelectionChanged, this, [this] {
    if (filling_adapters_) return;
    const QList<QTableWidgetItem*> selected = adapter_table_->selectedItems();
    if (!selected.isEmpty())
      session_->setAdapterDir(adapter_table_->item(selected.first()->row(), kAdapterName)->data(Qt::UserRole).toString());
  });
}

void ModelsPage::showFolders() {
  folder_list_->clear();
  for (const QString& folder : session_->modelFolders()) {
    auto* item = new QListWidgetItem(QDir::toNativeSeparators(folder), folder_list_);
    item->setData(Qt::UserRole, folder);
    if (!QFileInfo(folder).isDir()) {
      item->setForeground(kErrorColor);
      item->setToolTip(tr("This folder does not exist."));
    }
  }
  remove_folder_->setEnabled(false);
}

void ModelsPage::openDownloadDialog() {
  if (!download_dialog_) {
    download_dialog_ = new ModelDownloadDialog(session_, this);
    connect(download_dialog_, &ModelDownloadDialog::modelDownloaded, this, &ModelsPage::showDownloadedModel);
  }
  download_dialog_->show();
  download_dialog_->raise();
  download_dialog_->activateWindow();
}

// The scan finds models in a folder, its subfolders and theirs: a model downloaded elsewhere gets its
// parent folder added to the list.
void ModelsPage::showDownloadedModel(const QString& dir) {
  pending_selection_ = QFileInfo(dir).absoluteFilePath();
  const QString parent = QFileInfo(pending_selection_).absolutePath();
  const QString grandparent = QFileInfo(parent).absolutePath();
  bool scanned = false;
  for (const QString& folder : session_->modelFolders()) {
    const QString root = QFileInfo(folder).absoluteFilePath();
    scanned = scanned || root == pending_selection_ || root == parent || root == grandparent;
  }
  if (scanned)
    rescan();
  else
    session_->addModelFolder(parent);  // rescans
}

void ModelsPage::addFolder() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a model folder"), QDir::homePath());
  if (folder.isEmpty()) return;
  if (session_->modelFolders().contains(QDir::cleanPath(folder))) {
    scan_status_->setText(tr("%1 is already in the list.").arg(QDir::toNativeSeparators(folder)));
    return;
  }
  session_->addModelFolder(folder);
}

// A GGUF file is listed among the folders: the scan treats a file as a model of its own.
void ModelsPage::addGgufFile() {
  const QString file = QFileDialog::getOpenFileName(this, tr("Add a GGUF model file"), QDir::homePath(),
                                                    tr("GGUF models (*.gguf);;All files (*)"));
  if (file.isEmpty()) return;
  if (session_->modelFolders().contains(QDir::cleanPath(file))) {
    scan_status_->setText(tr("%1 is already in the list.").arg(QDir::toNativeSeparators(file)));
    return;
  }
  session_->addModelFolder(file);
}

void ModelsPage::removeSelectedFolders() {
  QStringList folders = session_->modelFolders();
  for (QListWidgetItem* item : folder_list_->selectedItems()) folders.removeAll(item->data(Qt::UserRole).toString());
  session_->setModelFolders(folders);
}

void ModelsPage::rescan() {
  scan_status_->setText(tr("Scanning…"));
  rescan_->setEnabled(false);
  scanner_->scan(session_->modelFolders(), AppSession::adaptersDir());
}

bool ModelsPage::isScanning() const { return scanner_->isScanning(); }

void ModelsPage::showScan(const ScanResult& result) {
  const QString previously_selected = selectedModel() ? selectedModel()->dir : session_->modelDir();
  scan_ = result;
  std::stable_sort(scan_.models.begin(), scan_.models.end(), [](const ScannedModel& a, const ScannedModel& b) {
    if (a.loadable() != b.loadable()) return a.loadable();
    return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
  });
  rescan_->setEnabled(true);

  model_table_->clearSpans();
  model_table_->setRowCount(0);
  model_table_->setRowCount(int(scan_.models.size()));
  int loadable = 0;
  for (int row = 0; row < scan_.models.size(); ++row) {
    const ScannedModel& model = scan_.models[row];
    auto* name = read_only_item(model.name);
    name->setData(Qt::UserRole, row);
    name->setToolTip(QDir::toNativeSeparators(model.dir));
    model_table_->setItem(row, kName, name);
    if (model.loadable()) {
      ++loadable;
      auto* family = read_only_item(model.family);
      family->setToolTip(tr("%1 (model_type %2)").arg(model.architecture, model.model_type));
      model_table_->setItem(row, kFamily, family);
      auto* parameters = read_only_item(humanParameterCount(model.num_parameters));
      parameters->setToolTip(locale().toString(model.num_parameters));
      parameters->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      model_table_->setItem(row, kParameters, parameters);
      model_table_->setItem(row, kDtype, read_only_item(model.dtype));
      auto* size = read_only_item(locale().formattedDataSize(model.size_bytes));
      size->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      model_table_->setItem(row, kSize, size);
      model_table_->setItem(row, kTokenizer, read_only_item(model.tokenizer));
      auto* context = read_only_item(locale().toString(model.context_length));
      context->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      model_table_->setItem(row, kContext, context);
    } else {
      name->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
      auto* reason = read_only_item(tr("Not loadable: %1").arg(model.error));
      reason->setForeground(kErrorColor);
      reason->setToolTip(model.error);
      model_table_->setItem(row, kFamily, reason);
      model_table_->setSpan(row, kFamily, 1, kFolder - kFamily);
    }
    auto* folder = read_only_item(QDir::toNativeSeparators(QFileInfo(model.dir).absolutePath()));
    folder->setToolTip(QDir::toNativeSeparators(model.dir));
    model_table_->setItem(row, kFolder, folder);
  }
  const int broken = int(scan_.models.size()) - loadable;
  QString status = loadable == 1 ? tr("1 model found") : tr("%1 models found").arg(loadable);
  if (broken > 0) status += " · " + (broken == 1 ? tr("1 folder not loadable") : tr("%1 folders not loadable").arg(broken));
  if (scan_.models.isEmpty()) status = tr("No models found. Add a folder that holds Hugging Face model folders, or run the demo (Help → Run the demo).");
  // A folder just added that holds no model says so, else adding it would seem to do nothing.
  for (const QString& folder : added_folders_)
    if (scan_.roots_without_models.contains(folder))
      status += " · " + tr("No model folders found in %1").arg(QDir::toNativeSeparators(folder));
  added_folders_.clear();
  scan_status_->setText(status);

  if (!previously_selected.isEmpty()) selectModel(previously_selected);
  if (!pending_selection_.isEmpty() && selectModel(pending_selection_)) pending_selection_.clear();
  if (!selectedModel() && loadable > 0) model_table_->selectRow(0);
  showSelectedModel();
  Q_EMIT scanFinished(loadable);
}

bool ModelsPage::selectModel(const QString& dir) {
  const QString wanted = QFileInfo(dir).absoluteFilePath();
  for (int row = 0; row < scan_.models.size(); ++row) {
    if (scan_.models[row].dir == wanted) {
      model_table_->selectRow(row);
      return true;
    }
  }
  return false;
}

const ScannedModel* ModelsPage::selectedModel() const {
  const QList<QTableWidgetItem*> selected = model_table_->selectedItems();
  if (selected.isEmpty()) return nullptr;
  const QTableWidgetItem* name = model_table_->item(selected.first()->row(), kName);
  const int index = name ? name->data(Qt::UserRole).toInt() : -1;
  return index >= 0 && index < scan_.models.size() ? &scan_.models[index] : nullptr;
}

void ModelsPage::showSelectedModel() {
  const ScannedModel* model = selectedModel();
  updateLoadControls();
  showAdapters(model);
  if (!model) {
    details_->setHtml("<p>" + tr("Select a model to see its details.").toHtmlEscaped() + "</p>");
    return;
  }
  QString html = "<h3>" + model->name.toHtmlEscaped() + "</h3>";
  html += "<p>" + QDir::toNativeSeparators(model->dir).toHtmlEscaped() + "</p>";
  if (!model->loadable())
    html += QString("<p style='color:%1'>").arg(kErrorColor.name()) + model->error.toHtmlEscaped() + "</p>";
  html += "<table>";
  if (model->loadable()) {
    html += html_row(tr("Family"), model->family);
    html += html_row(tr("Architecture"), tr("%1 (model_type %2)").arg(model->architecture, model->model_type));
    html += html_row(tr("Context length"), tr("%1 tokens").arg(locale().toString(model->context_length)));
    html += html_row(tr("Parameters"), locale().toString(model->num_parameters) + " (" +
                                           humanParameterCount(model->num_parameters) + ")");
    html += html_row(tr("Layers"), locale().toString(model->num_layers));
    html += html_row(tr("Hidden size"), locale().toString(model->hidden_size));
    html += html_row(tr("Vocabulary"), locale().toString(model->vocab_size));
    html += html_row(tr("Chat template"), model->chat_format);
  }
  html += "</table>";
  if (!model->config_fields.isEmpty()) {
    html += "<h4>" + tr("config.json").toHtmlEscaped() + "</h4><table>";
    for (const auto& [key, value] : model->config_fields) html += html_row(key, value);
    html += "</table>";
  }
  html += "<h4>" + tr("Files").toHtmlEscaped() + "</h4><table>";
  for (const auto& [file, bytes] : model->files) html += html_row(file, locale().formattedDataSize(bytes));
  html += "</table>";
  details_->setHtml(html);
}

void ModelsPage::showAdapters(const ScannedModel* model) {
  filling_adapters_ = true;
  adapter_table_->setRowCount(0);
  adapters_label_->setText(model ? tr("Adapters for %1").arg(model->name) : tr("Adapters"));
  if (model) {
    const QString adapters_root = QFileInfo(AppSession::adaptersDir()).absoluteFilePath();
    const QString model_parent = QFileInfo(model->dir).absolutePath();
    QList<const ScannedAdapter*> shown;
    for (const ScannedAdapter& adapter : scan_.adapters) {
      // A folder that is not a model has no adapters of its own: only those naming it as their base.
      if (!model->loadable() && !adapterMatchesModel(adapter, *model)) continue;
      if (adapter.root == adapters_root || adapter.root == model_parent) shown << &adapter;
    }
    std::stable_sort(shown.begin(), shown.end(), [model](const ScannedAdapter* a, const ScannedAdapter* b) {
      const bool a_matches = adapterMatchesModel(*a, *model), b_matches = adapterMatchesModel(*b, *model);
      if (a_matches != b_matches) return a_matches;
      return a->modified > b->modified;
    });
    adapter_table_->setRowCount(int(shown.size()));
    for (int row = 0; row < shown.size(); ++row) {
      const ScannedAdapter& adapter = *shown[row];
      const bool matches = adapterMatchesModel(adapter, *model);
      auto* name = read_only_item(adapter.name);
      name->setData(Qt::UserRole, adapter.dir);
      name->setToolTip(QDir::toNativeSeparators(adapter.dir));
      adapter_table_->setItem(row, kAdapterName, name);
      if (!adapter.error.isEmpty()) {
        auto* reason = read_only_item(adapter.error);
        reason->setForeground(kErrorColor);
        reason->setToolTip(adapter.error);
        adapter_table_->setItem(row, kRank, reason);
        adapter_table_->setSpan(row, kRank, 1, kAdapterColumns - kRank);
        continue;
      }
      adapter_table_->setItem(row, kRank, read_only_item(QString::number(adapter.rank)));
      adapter_table_->setItem(row, kAlpha, read_only_item(QString::number(adapter.alpha)));
      adapter_table_->setItem(row, kTargets, read_only_item(adapter.targets));
      adapter_table_->setItem(row, kDate, read_only_item(locale().toString(adapter.modified, QLocale::ShortFormat)));
      auto* base = read_only_item(matches ? adapter.base_model : tr("other base model: %1").arg(adapter.base_model));
      base->setToolTip(matches ? tr("Trained for this model.")
                               : tr("Trained for another base model; it loads only where the shapes agree."));
      adapter_table_->setItem(row, kBaseModel, base);
      if (!matches)
        for (int column = 0; column < kAdapterColumns; ++column)
          adapter_table_->item(row, column)->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
      if (!session_->adapterDir().isEmpty() && adapter.dir == QFileInfo(session_->adapterDir()).absoluteFilePath())
        adapter_table_->selectRow(row);
    }
  }
  filling_adapters_ = false;
}

void ModelsPage::updateLoadControls() {
  const ScannedModel* model = selectedModel();
  const AppSession::ModelState state = session_->modelState();
  const bool loading = state == AppSession::ModelState::Loading;
  const bool selected_is_current =
      model && state != AppSession::ModelState::None && QFileInfo(session_->modelDir()).absoluteFilePath() == model->dir;
  load_->setEnabled(model && model->loadable() && !selected_is_current);
  unload_->setEnabled(state != AppSession::ModelState::None);
  load_progress_->setVisible(loading);
  cancel_load_->setVisible(loading);
  load_status_->setStyleSheet(QString());
  const QString current = QFileInfo(session_->modelDir()).fileName();
  switch (state) {
    case AppSession::ModelState::None: load_status_->setText(tr("No model loaded.")); break;
    case AppSession::ModelState::Loading: load_status_->setText(tr("Loading %1…").arg(current)); break;
    case AppSession::ModelState::Loaded:
      load_status_->setText(tr("Loaded: %1 on %2").arg(current, session_->deviceDescription()));
      break;
  }
  // The loaded model's row in bold.
  for (int row = 0; row < model_table_->rowCount(); ++row) {
    QTableWidgetItem* name = model_table_->item(row, kName);
    if (!name) continue;
    QFont font = name->font();
    font.setBold(state == AppSession::ModelState::Loaded &&
                 scan_.models[name->data(Qt::UserRole).toInt()].dir == QFileInfo(session_->modelDir()).absoluteFilePath());
    name->setFont(font);
  }
}

}  // namespace ui
