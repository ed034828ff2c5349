#include "model_download_dialog.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QVBoxLayout>

#include "app_session.h"
#include "background_job.h"
#include "download_messages.h"
#include "engine_messages.h"
#include "error.h"
#include "hub_api.h"
#include "hub_search.h"
#include "model_download.h"
#include "model_scan.h"

namespace ui {

namespace {

namespace dl = lora::download;

enum FileColumn { kFilePath, kFileSize, kFileProgress, kFileColumns };
enum SearchColumn { kSearchId, kSearchDownloads, kSearchParameters, kSearchSize, kSearchAccess, kSearchColumns };

const QColor kErrorColor(0xc0, 0x39, 0x2b);
constexpr const char* kMirror = "https://hf-mirror.com";

QString source_key(dl::HubSource source) { return source == dl::HubSource::modelscope ? "modelscope" : "hf"; }

QTableWidgetItem* read_only_item(const QString& text) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(item->flags() & ~Qt::ItemIsEditable);
  return item;
}

QTableWidget* make_table(QWidget* parent, const QStringList& headers, const char* name) {
  auto* table = new QTableWidget(0, int(headers.size()), parent);
  table->setObjectName(name);
  table->setHorizontalHeaderLabels(headers);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->setSelectionMode(QAbstractItemView::SingleSelection);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->verticalHeader()->hide();
  table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  table->setMinimumHeight(70);
  return table;
}

bool is_cancelled(const lora::Message& message) {
  return message.id() == lora::Message(lora::msg::Download::cancelled).id();
}

}  // namespace

ModelDownloadDialog::ModelDownloadDialog(AppSession* session, QWidget* parent)
    : QDialog(parent),
      session_(session),
      download_job_(std::make_unique<BackgroundJob>(this, BackgroundJob::Ending::Wait)),
      search_job_(std::make_unique<BackgroundJob>(this)) {
  setObjectName("modelDownloadDialog");
  setWindowTitle(tr("Download a model"));
  buildLayout();

  const int saved_source = source_->findData(session_->settings().value("download/source", "hf").toString());
  source_->setCurrentIndex(saved_source >= 0 ? saved_source : 0);
  showSource();
  connect(source_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ModelDownloadDialog::showSource);
  connect(repo_id_, &QLineEdit::textChanged, this, &ModelDownloadDialog::updateDefaultOutput);
  connect(repo_id_, &QLineEdit::returnPressed, this, [this] {
    if (search_->isEnabled()) search();
  });
  connect(output_, &QLineEdit::textEdited, this, [this] { output_edited_ = true; });
  connect(browse_, &QPushButton::clicked, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Download into"), output_->text());
    if (folder.isEmpty()) return;
    output_->setText(QDir::toNativeSeparators(folder));
    output_edited_ = true;
  });
  connect(search_, &QPushButton::clicked, this, &ModelDownloadDialog::search);
  connect(search_results_, &QTableWidget::itemSelectionChanged, this, [this] {
    const QList<QTableWidgetItem*> selected = search_results_->selectedItems();
    if (!selected.isEmpty()) repo_id_->setText(search_results_->item(selected.first()->row(), kSearchId)->text());
  });
  connect(download_, &QPushButton::clicked, this, &ModelDownloadDialog::startDownload);
  connect(cancel_, &QPushButton::clicked, this, [this] {
    download_job_->cancel();
    cancel_->setEnabled(false);
    status_->setStyleSheet(QString());
    status_->setText(tr("Cancelling…"));
  });
  connect(load_now_, &QPushButton::clicked, this, [this] {
    if (downloaded_dir_.isEmpty()) return;
    session_->loadModel(downloaded_dir_);
    hide();
  });
  connect(close_, &QPushButton::clicked, this, &QDialog::hide);
  setDownloading(false);
  updateDefaultOutput();
  resize(760, 540);
}

ModelDownloadDialog::~ModelDownloadDialog() = default;

void ModelDownloadDialog::buildLayout() {
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

  repo_id_ = new QLineEdit(this);
  repo_id_->setObjectName("repoIdEdit");
  repo_id_->setPlaceholderText(tr("ORG/NAME, e.g. Qwen/Qwen2.5-0.5B-Instruct"));
  repo_id_->setToolTip(tr("The model's id as on its page on the hub; or type a name and search."));
  search_ = new QPushButton(tr("Search"), this);
  search_->setObjectName("searchButton");
  search_->setAutoDefault(false);
  auto* repo_row = new QHBoxLayout;
  repo_row->addWidget(repo_id_, 1);
  repo_row->addWidget(search_);
  form->addRow(tr("Model"), repo_row);

  search_results_ = make_table(this, {tr("Model"), tr("Downloads"), tr("Parameters"), tr("Size"), tr("Access")},
                               "searchResults");
  search_results_->setToolTip(tr("Text-generation models whose name contains the words searched, most downloaded "
                                 "first. Size is the whole repository's, every format included."));
  search_results_->setVisible(false);
  form->addRow(search_results_);

  source_ = new QComboBox(this);
  source_->setObjectName("sourceCombo");
  source_->addItem(tr("Hugging Face"), "hf");
  source_->addItem(tr("ModelScope"), "modelscope");
  form->addRow(tr("Source"), source_);

  endpoint_ = new QComboBox(this);
  endpoint_->setObjectName("endpointCombo");
  endpoint_->setEditable(true);
  endpoint_->setToolTip(tr("The hub's address, or a mirror of Hugging Face such as %1 (for users in mainland "
                           "China). The default comes from HF_ENDPOINT or MODELSCOPE_DOMAIN.")
                            .arg(kMirror));
  form->addRow(tr("Address"), endpoint_);

  token_ = new QLineEdit(this);
  token_->setObjectName("tokenEdit");
  token_->setEchoMode(QLineEdit::Password);
  token_->setToolTip(tr("An access token (read access) for gated and private models, created in your account's "
                        "settings on the hub. It is kept in this program's settings."));
  form->addRow(tr("Token"), token_);

  output_ = new QLineEdit(this);
  output_->setObjectName("outputEdit");
  output_->setToolTip(tr("The model's folder. By default ORG/NAME in the models folder, which the Models page "
                         "lists."));
  browse_ = new QPushButton(tr("Browse…"), this);
  browse_->setObjectName("browseOutputButton");
  browse_->setAutoDefault(false);
  auto* output_row = new QHBoxLayout;
  output_row->addWidget(output_, 1);
  output_row->addWidget(browse_);
  form->addRow(tr("Folder"), output_row);
  layout->addLayout(form);

  overall_bar_ = new QProgressBar(this);
  overall_bar_->setObjectName("overallProgress");
  overall_bar_->setRange(0, 1000);
  overall_bar_->setValue(0);
  overall_bar_->setTextVisible(false);
  overall_label_ = new QLabel(this);
  overall_label_->setObjectName("overallProgressLabel");
  file_table_ = make_table(this, {tr("File"), tr("Size"), tr("Progress")}, "fileProgressTable");
  file_table_->setSelectionMode(QAbstractItemView::NoSelection);
  file_table_->setColumnWidth(kFileSize, 100);
  file_table_->setColumnWidth(kFileProgress, 180);
  layout->addWidget(overall_bar_);
  layout->addWidget(overall_label_);
  layout->addWidget(file_table_, 1);

  status_ = new QLabel(this);
  status_->setObjectName("downloadStatus");
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
  status_->setOpenExternalLinks(true);
  layout->addWidget(status_);

  auto* buttons = new QHBoxLayout;
  download_ = new QPushButton(tr("Download"), this);
  download_->setObjectName("startDownloadButton");
  download_->setToolTip(tr("Download the model's files. Files already in the folder are not downloaded again; "
                           "an interrupted download goes on where it stopped."));
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setObjectName("cancelDownloadButton");
  cancel_->setToolTip(tr("Stop the download. Unfinished files are kept (as .part): downloading again goes on "
                         "from them."));
  load_now_ = new QPushButton(tr("Load now"), this);
  load_now_->setObjectName("loadNowButton");
  load_now_->setToolTip(tr("Load the downloaded model for chatting and exporting."));
  close_ = new QPushButton(tr("Close"), this);
  close_->setObjectName("closeDownloadButton");
  close_->setToolTip(tr("Hide this window; a download goes on."));
  for (QPushButton* button : {download_, cancel_, load_now_, close_}) button->setAutoDefault(false);
  buttons->addWidget(download_);
  buttons->addWidget(cancel_);
  buttons->addWidget(load_now_);
  buttons->addStretch();
  buttons->addWidget(close_);
  layout->addLayout(buttons);
}

bool ModelDownloadDialog::huggingFaceChosen() const { return source_->currentData().toString() == "hf"; }

QString ModelDownloadDialog::outputDir() const { return QDir::cleanPath(QDir::fromNativeSeparators(output_->text().trimmed())); }

// Keeps the fields of the source shown before, then shows the chosen one's address and token.
void ModelDownloadDialog::showSource() {
  QSettings& settings = session_->settings();
  if (!shown_source_key_.isEmpty()) {
    settings.setValue("download/endpoint_" + shown_source_key_, endpoint_->currentText().trimmed());
    settings.setValue("download/token_" + shown_source_key_, token_->text().trimmed());
  }
  const dl::HubSource source = huggingFaceChosen() ? dl::HubSource::hugging_face : dl::HubSource::modelscope;
  shown_source_key_ = source_key(source);
  QStringList addresses{QString::fromStdString(dl::default_endpoint(source))};
  if (source == dl::HubSource::hugging_face) addresses << kMirror;
  const QString from_environment = QString::fromStdString(dl::endpoint_from_environment(source));
  if (!addresses.contains(from_environment)) addresses.prepend(from_environment);
  endpoint_->clear();
  endpoint_->addItems(addresses);
  const QString saved = settings.value("download/endpoint_" + shown_source_key_).toString();
  endpoint_->setCurrentText(saved.isEmpty() ? from_environment : saved);
  token_->setText(settings.value("download/token_" + shown_source_key_).toString());
  const bool environment_token = !dl::token_from_environment(source).empty();
  if (source == dl::HubSource::hugging_face)
    token_->setPlaceholderText(environment_token ? tr("Empty: the token of HF_TOKEN or of hf auth login")
                                                 : tr("For gated and private models"));
  else
    token_->setPlaceholderText(environment_token ? tr("Empty: the token of MODELSCOPE_API_TOKEN")
                                                 : tr("For private models"));
  search_->setEnabled(!downloading_ && source == dl::HubSource::hugging_face);
  search_->setToolTip(source == dl::HubSource::hugging_face
                          ? tr("Search the hub for text-generation models by name, most downloaded first.")
                          : tr("Searching works with Hugging Face and its mirrors; on ModelScope, type the id."));
  if (source != dl::HubSource::hugging_face) search_results_->setVisible(false);
}

void ModelDownloadDialog::saveSettings() {
  QSettings& settings = session_->settings();
  settings.setValue("download/source", shown_source_key_);
  settings.setValue("download/endpoint_" + shown_source_key_, endpoint_->currentText().trimmed());
  settings.setValue("download/token_" + shown_source_key_, token_->text().trimmed());
}

void ModelDownloadDialog::updateDefaultOutput() {
  if (output_edited_) return;
  const QString repo = repo_id_->text().trimmed();
  output_->setText(QDir::toNativeSeparators(repo.isEmpty() ? AppSession::defaultModelFolder()
                                                           : AppSession::defaultModelFolder() + "/" + repo));
}

void ModelDownloadDialog::search() {
  dl::SearchRequest request;
  request.endpoint = dl::normalize_endpoint(endpoint_->currentText().trimmed().toStdString());
  request.token = token_->text().trimmed().toStdString();
  if (request.token.empty()) request.token = dl::token_from_environment(dl::HubSource::hugging_face);
  request.query = repo_id_->text().trimmed().toStdString();
  search_->setEnabled(false);
  status_->setStyleSheet(QString());
  status_->setText(tr("Searching…"));
  search_job_->start([this, request](const BackgroundJob::Run& run) mutable {
    request.cancel = run.cancelFlag();
    try {
      const std::vector<dl::HubModelSummary> models = dl::search_models(request);
      run.post([this, models] { showSearchResults(models); });
    } catch (const lora::Error& error) {
      const lora::Message message = error.message();
      run.post([this, message] {
        showSearchResults({});
        status_->setStyleSheet(QString("color: %1").arg(kErrorColor.name()));
        status_->setText(engineMessage(message));
      });
    } catch (const std::exception& error) {
      const std::string what = error.what();
      run.post([this, what] {
        showSearchResults({});
        status_->setStyleSheet(QString("color: %1").arg(kErrorColor.name()));
        status_->setText(QString::fromStdString(what));
      });
    }
  });
}

void ModelDownloadDialog::showSearchResults(const std::vector<dl::HubModelSummary>& models) {
  search_->setEnabled(!downloading_ && huggingFaceChosen());
  status_->setText(models.empty() ? tr("No text-generation model found.")
                                  : tr("Models found: %1. Select one to download it.").arg(models.size()));
  const QSignalBlocker blocker(search_results_);
  search_results_->setRowCount(int(models.size()));
  for (int row = 0; row < int(models.size()); ++row) {
    const dl::HubModelSummary& model = models[row];
    search_results_->setItem(row, kSearchId, read_only_item(QString::fromStdString(model.id)));
    auto number = [this](const QString& text) {
      QTableWidgetItem* item = read_only_item(text);
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      return item;
    };
    search_results_->setItem(row, kSearchDownloads, number(model.downloads >= 0 ? locale().toString(model.downloads) : "–"));
    search_results_->setItem(row, kSearchParameters,
                             number(model.parameters >= 0 ? humanParameterCount(model.parameters) : "–"));
    search_results_->setItem(row, kSearchSize,
                             number(model.storage_bytes >= 0 ? locale().formattedDataSize(model.storage_bytes) : "–"));
    auto* access = read_only_item(model.gated ? tr("token needed") : QString());
    if (model.gated) access->setToolTip(tr("A gated model: accept its conditions on its page, then give a token."));
    search_results_->setItem(row, kSearchAccess, access);
  }
  search_results_->resizeColumnsToContents();
  search_results_->horizontalHeader()->setSectionResizeMode(kSearchId, QHeaderView::Stretch);
  search_results_->setVisible(!models.empty());
}

void ModelDownloadDialog::startDownload() {
  dl::DownloadRequest request;
  request.source = huggingFaceChosen() ? dl::HubSource::hugging_face : dl::HubSource::modelscope;
  request.repo_id = repo_id_->text().trimmed().toStdString();
  const QString endpoint = endpoint_->currentText().trimmed();
  request.endpoint = endpoint.isEmpty() ? dl::endpoint_from_environment(request.source)
                                        : dl::normalize_endpoint(endpoint.toStdString());
  request.token = token_->text().trimmed().toStdString();
  if (request.token.empty()) request.token = dl::token_from_environment(request.source);
  request.output_dir = outputDir().toStdString();
  try {
    dl::check_repo_id(request.repo_id);
    dl::check_token(request.token);
  } catch (const std::exception& error) {
    failDownload(engineMessage(error), false);
    return;
  }
  if (output_->text().trimmed().isEmpty()) {
    failDownload(tr("Choose the folder to download into."), false);
    return;
  }
  saveSettings();
  downloaded_dir_.clear();
  file_table_->setRowCount(0);
  overall_bar_->setValue(0);
  overall_label_->setText(tr("Asking %1 for the file list…").arg(endpoint));
  status_->setStyleSheet(QString());
  status_->setText(QString());
  setDownloading(true);

  download_job_->start([this, request](const BackgroundJob::Run& run) mutable {
    request.cancel = run.cancelFlag();
    request.on_progress = [this, run](const dl::DownloadProgress& progress) {
      run.post([this, progress] { showProgress(progress); });
    };
    request.on_note = [this, run](const lora::Message& note) {
      run.post([this, note] { status_->setText(engineMessage(note)); });
    };
    try {
      const dl::DownloadResult result = dl::download_model(request);
      const QString dir = QString::fromStdString(result.output_dir);
      const int downloaded = result.files_downloaded, present = result.files_already_present;
      const qint64 total = qint64(result.total_bytes);
      run.post([this, dir, downloaded, present, total] {
        const QString size = locale().formattedDataSize(total);
        finishDownload(dir, downloaded == 0
                                ? tr("Already complete: %1 (%2).").arg(QDir::toNativeSeparators(dir), size)
                                : tr("Done: %1 (%2 in all; files downloaded: %3, already there: %4).")
                                      .arg(QDir::toNativeSeparators(dir), size)
                                      .arg(downloaded)
                                      .arg(present));
      });
    } catch (const lora::Error& error) {
      const lora::Message message = error.message();
      run.post([this, message] { failDownload(engineMessage(message), is_cancelled(message)); });
    } catch (const std::exception& error) {
      const std::string what = error.what();
      run.post([this, what] { failDownload(QString::fromStdString(what), false); });
    }
  });
}

namespace {

QString duration_text(double seconds) {
  const qint64 s = qint64(seconds + 0.5);
  if (s >= 3600) return ModelDownloadDialog::tr("%1 h %2 min").arg(s / 3600).arg((s / 60) % 60, 2, 10, QChar('0'));
  if (s >= 60) return ModelDownloadDialog::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
  return ModelDownloadDialog::tr("%1 s").arg(s);
}

}  // namespace

void ModelDownloadDialog::showProgress(const dl::DownloadProgress& progress) {
  using State = dl::FileProgress::State;
  if (file_table_->rowCount() != int(progress.files.size())) {
    file_table_->setRowCount(int(progress.files.size()));
    for (int row = 0; row < int(progress.files.size()); ++row) {
      const dl::FileProgress& file = progress.files[row];
      file_table_->setItem(row, kFilePath, read_only_item(QString::fromStdString(file.path)));
      auto* size = read_only_item(file.total_bytes ? locale().formattedDataSize(qint64(file.total_bytes)) : "–");
      size->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      file_table_->setItem(row, kFileSize, size);
      auto* bar = new QProgressBar(file_table_);
      bar->setRange(0, 1000);
      file_table_->setCellWidget(row, kFileProgress, bar);
    }
  }
  for (int row = 0; row < int(progress.files.size()); ++row) {
    const dl::FileProgress& file = progress.files[row];
    auto* bar = qobject_cast<QProgressBar*>(file_table_->cellWidget(row, kFileProgress));
    if (!bar) continue;
    const int permille = file.total_bytes ? int(1000.0 * double(file.done_bytes) / double(file.total_bytes)) : 0;
    const int percent = permille / 10;
    switch (file.state) {
      case State::waiting: bar->setValue(permille); bar->setFormat(tr("Waiting")); break;
      case State::downloading: bar->setValue(permille); bar->setFormat(tr("%1%").arg(percent)); break;
      case State::retrying: bar->setValue(permille); bar->setFormat(tr("Retrying (%1%)").arg(percent)); break;
      case State::verifying: bar->setValue(1000); bar->setFormat(tr("Checking")); break;
      case State::done: bar->setValue(1000); bar->setFormat(tr("Done")); break;
      case State::already_present: bar->setValue(1000); bar->setFormat(tr("Already here")); break;
    }
  }
  if (progress.total_bytes)
    overall_bar_->setValue(int(1000.0 * double(progress.done_bytes) / double(progress.total_bytes)));
  QString text = tr("%1 of %2 files · %3 of %4")
                     .arg(progress.files_done)
                     .arg(progress.files_total)
                     .arg(locale().formattedDataSize(qint64(progress.done_bytes)),
                          locale().formattedDataSize(qint64(progress.total_bytes)));
  if (progress.bytes_per_second > 0)
    text += " · " + tr("%1/s").arg(locale().formattedDataSize(qint64(progress.bytes_per_second)));
  if (progress.eta_seconds >= 0 && progress.files_done < progress.files_total)
    text += " · " + tr("%1 left").arg(duration_text(progress.eta_seconds));
  overall_label_->setText(text);
}

void ModelDownloadDialog::finishDownload(const QString& dir, const QString& summary) {
  setDownloading(false);
  downloaded_dir_ = dir;
  overall_bar_->setValue(1000);
  status_->setStyleSheet(QString());
  status_->setText(summary);
  load_now_->setEnabled(true);
  Q_EMIT modelDownloaded(dir);
}

void ModelDownloadDialog::failDownload(const QString& message, bool cancelled) {
  setDownloading(false);
  status_->setStyleSheet(cancelled ? QString() : QString("color: %1").arg(kErrorColor.name()));
  status_->setText(message);
  if (cancelled) overall_label_->setText(overall_label_->text() + " · " + tr("cancelled"));
}

void ModelDownloadDialog::setDownloading(bool running) {
  downloading_ = running;
  for (QWidget* input : std::initializer_list<QWidget*>{repo_id_, source_, endpoint_, token_, output_, browse_,
                                                         search_results_, download_})
    input->setEnabled(!running);
  search_->setEnabled(!running && huggingFaceChosen());
  cancel_->setEnabled(running);
  load_now_->setEnabled(!running && !downloaded_dir_.isEmpty());
}

}  // namespace ui
