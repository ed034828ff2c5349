#include "dataset_page.h"

#include "chat_template.h"
#include "error.h"
#include "prompt_format.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTextStream>
#include <QTimer>
#include <QVBoxLayout>

#include "app_session.h"
#include "engine_messages.h"
#include "dataset_prompt_view.h"
#include "dataset_table_model.h"
#include "token_length_histogram.h"

namespace ui {
namespace {

const QString kReadAsText = QStringLiteral("raw-text");
const QString kChooseFile = QStringLiteral("choose-file");
constexpr int kMaxListedBadRecords = 2000;
constexpr int kDefaultCutoff = 256;

enum Count { Records, Bad, Kept, Truncated, Dropped, Tokens, TrainedTokens, CountKinds };

// Chinese sentences end in "。" and follow each other without a space; English ones need one.
QString sentence_gap(const QString& previous) {
  return previous.endsWith(QChar(0x3002)) ? QString() : QStringLiteral(" ");
}

}  // namespace

DatasetPage::DatasetPage(AppSession* session, QWidget* parent) : QWidget(parent), session_(session) {
  setAcceptDrops(true);
  auto* layout = new QVBoxLayout(this);

  buildOptionRows(layout);
  buildProgressRow(layout);
  buildNotices(layout);

  // Left: records and bad records. Right: the selected record, the histogram and the counts.
  splitter_ = new QSplitter(Qt::Horizontal, this);
  splitter_->setObjectName("datasetSplitter");
  QSplitter* left = buildRecordList(splitter_);

  detail_splitter_ = new QSplitter(Qt::Vertical, splitter_);
  detail_splitter_->setObjectName("datasetDetailSplitter");
  QWidget* record_box = buildRecordView(detail_splitter_);
  QWidget* stats_box = buildStatistics(detail_splitter_);
  detail_splitter_->addWidget(record_box);
  detail_splitter_->addWidget(stats_box);
  splitter_->addWidget(left);
  splitter_->addWidget(detail_splitter_);
  splitter_->setStretchFactor(0, 3);
  splitter_->setStretchFactor(1, 2);
  layout->addWidget(splitter_, 1);

  restart_timer_ = new QTimer(this);
  restart_timer_->setSingleShot(true);
  restart_timer_->setInterval(300);  // typing "1024" into the cutoff starts one job, not four

  restoreOptions();
  connectControls();

  connect(session_, &AppSession::datasetPathChanged, this, [this](const QString& path) {
    if (path != path_ && !path.isEmpty()) openDataset(path);
  });
  auto model_changed = [this] {
    updateModelNotice();
    if (!tokenizer_override_ && !path_.isEmpty()) restart();
  };
  connect(session_, &AppSession::modelLoaded, this, model_changed);
  connect(session_, &AppSession::modelUnloaded, this, model_changed);
  connect(session_, &AppSession::modelLoadStarted, this, &DatasetPage::updateModelNotice);
  connect(session_, &AppSession::modelLoadFailed, this, &DatasetPage::updateModelNotice);

  updateModelNotice();
  updateCounts();
  if (!session_->datasetPath().isEmpty() && QFileInfo::exists(session_->datasetPath()))
    openDataset(session_->datasetPath());
}

// The file and the options that decide what the model sees.
void DatasetPage::buildOptionRows(QVBoxLayout* layout) {
  auto* file_row = new QHBoxLayout;
  open_button_ = new QPushButton(tr("Open dataset…"), this);
  open_button_->setObjectName("openDatasetButton");
  open_button_->setToolTip(tr("Open a JSON, JSON Lines or plain-text dataset. You can also drop a file onto this page."));
  path_label_ = new QLabel(tr("No dataset open. Open a file or drop one here."), this);
  path_label_->setObjectName("datasetPathLabel");
  path_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  file_row->addWidget(open_button_);
  file_row->addWidget(path_label_, 1);
  layout->addLayout(file_row);

  auto* options_row = new QHBoxLayout;
  format_ = new QComboBox(this);
  format_->setObjectName("formatChooser");
  format_->setToolTip(tr("How records become training text: a prompt format (alpaca-format or your own format file), "
                         "the model's chat format, or the whole file as plain text."));
  format_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  cutoff_ = new QSpinBox(this);
  cutoff_->setObjectName("cutoffLength");
  cutoff_->setRange(2, 131072);
  cutoff_->setSingleStep(64);
  cutoff_->setSuffix(tr(" tokens"));
  cutoff_->setToolTip(tr("Cutoff length: the most tokens of one example the model is trained on. Longer examples are "
                         "truncated (or dropped). Longer cutoffs need more memory; pick one that keeps most examples whole."));
  train_on_prompt_ = new QCheckBox(tr("Train on prompt"), this);
  train_on_prompt_->setObjectName("trainOnPrompt");
  train_on_prompt_->setToolTip(tr("Also train on the prompt tokens (instruction, input, user turns), not only on the "
                                  "responses. Usually off: the model should learn to answer, not to ask."));
  add_eos_ = new QCheckBox(tr("Add EOS"), this);
  add_eos_->setObjectName("addEos");
  add_eos_->setToolTip(tr("Append the end-of-sequence token after each response, so the model learns to stop."));
  drop_long_ = new QCheckBox(tr("Drop longer examples"), this);
  drop_long_->setObjectName("dropLong");
  drop_long_->setToolTip(tr("Leave out examples longer than the cutoff instead of truncating them."));
  auto* format_label = new QLabel(tr("Format:"), this);
  format_label->setBuddy(format_);
  auto* cutoff_label = new QLabel(tr("Cutoff:"), this);
  cutoff_label->setBuddy(cutoff_);
  options_row->addWidget(format_label);
  options_row->addWidget(format_);
  options_row->addSpacing(12);
  options_row->addWidget(cutoff_label);
  options_row->addWidget(cutoff_);
  options_row->addSpacing(12);
  options_row->addWidget(train_on_prompt_);
  options_row->addWidget(add_eos_);
  options_row->addWidget(drop_long_);
  options_row->addStretch(1);
  layout->addLayout(options_row);
}

// Progress of the running job.
void DatasetPage::buildProgressRow(QVBoxLayout* layout) {
  auto* progress_row = new QHBoxLayout;
  progress_ = new QProgressBar(this);
  progress_->setObjectName("datasetProgress");
  progress_->setTextVisible(true);
  cancel_button_ = new QPushButton(tr("Cancel"), this);
  cancel_button_->setObjectName("cancelDatasetJob");
  cancel_button_->setToolTip(tr("Stop reading or tokenizing; what is shown stays."));
  status_ = new QLabel(this);
  status_->setObjectName("datasetStatus");
  progress_row->addWidget(status_, 1);
  progress_row->addWidget(progress_, 1);
  progress_row->addWidget(cancel_button_);
  layout->addLayout(progress_row);
  progress_->hide();
  cancel_button_->hide();
}

// Without a model there is no tokenizer: say so and offer the Models page. Below it, a problem of the whole set.
void DatasetPage::buildNotices(QVBoxLayout* layout) {
  model_notice_ = new QWidget(this);
  model_notice_->setObjectName("modelNotice");
  auto* notice_layout = new QHBoxLayout(model_notice_);
  notice_layout->setContentsMargins(0, 0, 0, 0);
  auto* notice_text = new QLabel(tr("No model is loaded. The records are shown, but token counts, truncation and the "
                                    "length histogram need the model's tokenizer."),
                                 model_notice_);
  notice_text->setWordWrap(true);
  auto* models_button = new QPushButton(tr("Go to Models"), model_notice_);
  models_button->setObjectName("goToModels");
  models_button->setToolTip(tr("Load a model on the Models page; this page then counts its tokens."));
  notice_layout->addWidget(notice_text, 1);
  notice_layout->addWidget(models_button);
  layout->addWidget(model_notice_);
  connect(models_button, &QPushButton::clicked, this, [this] { Q_EMIT session_->pageRequested(QStringLiteral("models")); });
  problem_ = new QLabel(this);
  problem_->setObjectName("datasetProblem");
  problem_->setWordWrap(true);
  problem_->setStyleSheet("color: #b01010;");
  problem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  problem_->hide();
  layout->addWidget(problem_);
}

// Left: the records table over the bad records.
QSplitter* DatasetPage::buildRecordList(QWidget* parent) {
  auto* left = new QSplitter(Qt::Vertical, parent);
  table_ = new QTableView(left);
  table_->setObjectName("recordsTable");
  table_model_ = new DatasetTableModel(this);
  table_->setModel(table_model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setWordWrap(false);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  table_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setToolTip(tr("The records of the file. Select one to see how it is rendered and which tokens are trained."));
  auto* bad_box = new QWidget(left);
  auto* bad_layout = new QVBoxLayout(bad_box);
  bad_layout->setContentsMargins(0, 0, 0, 0);
  bad_title_ = new QLabel(tr("Bad records"), bad_box);
  bad_records_ = new QListWidget(bad_box);
  bad_records_->setObjectName("badRecords");
  bad_records_->setToolTip(tr("Records that cannot be used, with the reason. Click one to see it."));
  bad_layout->addWidget(bad_title_);
  bad_layout->addWidget(bad_records_);
  left->addWidget(table_);
  left->addWidget(bad_box);
  left->setStretchFactor(0, 4);
  left->setStretchFactor(1, 1);
  left->setSizes({500, 110});
  return left;
}

// The selected record as the model sees it.
QWidget* DatasetPage::buildRecordView(QWidget* parent) {
  auto* record_box = new QWidget(parent);
  auto* record_layout = new QVBoxLayout(record_box);
  record_layout->setContentsMargins(0, 0, 0, 0);
  auto* record_header = new QHBoxLayout;
  record_summary_ = new QLabel(tr("Select a record."), record_box);
  record_summary_->setObjectName("recordSummary");
  record_summary_->setWordWrap(true);
  record_summary_->setMinimumHeight(2 * record_summary_->fontMetrics().lineSpacing() + 4);
  show_pieces_ = new QCheckBox(tr("Show tokens"), record_box);
  show_pieces_->setObjectName("showTokenPieces");
  show_pieces_->setToolTip(tr("Show every token as its own piece (whitespace made visible) followed by its id; hover over one for more."));
  record_header->addWidget(record_summary_, 1);
  record_header->addWidget(show_pieces_);
  prompt_view_ = new DatasetPromptView(record_box);
  prompt_view_->setObjectName("promptView");
  record_layout->addLayout(record_header);
  record_layout->addWidget(prompt_view_, 1);
  return record_box;
}

// The histogram of token lengths and the counts.
QWidget* DatasetPage::buildStatistics(QWidget* parent) {
  auto* stats_box = new QWidget(parent);
  auto* stats_layout = new QVBoxLayout(stats_box);
  stats_layout->setContentsMargins(0, 0, 0, 0);
  histogram_ = new TokenLengthHistogram(stats_box);
  histogram_->setObjectName("lengthHistogram");
  auto* counts = new QGridLayout;
  const QString count_names[CountKinds] = {tr("Records:"), tr("Bad:"),    tr("Kept:"),          tr("Truncated:"),
                                           tr("Dropped:"), tr("Tokens:"), tr("Trained tokens:")};
  const QString count_tips[CountKinds] = {
      tr("Records in the file, usable and bad"),
      tr("Records that cannot be used (listed on the left); training skips them only when told to"),
      tr("Examples trained on whole"),
      tr("Examples cut at the cutoff length"),
      tr("Examples left out: longer than the cutoff (when dropping) or with no trained token left"),
      tr("Tokens of the examples trained on, after the cutoff"),
      tr("Tokens the loss is computed on (the trained, unmasked ones)")};
  const char* count_objects[CountKinds] = {"countRecords",   "countBad",    "countKept",   "countTruncated",
                                           "countDropped",   "countTokens", "countTrainedTokens"};
  for (int i = 0; i < CountKinds; ++i) {
    auto* name = new QLabel(count_names[i], stats_box);
    auto* value = new QLabel(QStringLiteral("–"), stats_box);
    value->setObjectName(count_objects[i]);
    name->setToolTip(count_tips[i]);
    value->setToolTip(count_tips[i]);
    value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    counts->addWidget(name, i / 4, (i % 4) * 2);
    counts->addWidget(value, i / 4, (i % 4) * 2 + 1);
    count_values_.push_back(value);
  }
  stats_layout->addWidget(histogram_, 1);
  stats_layout->addLayout(counts);
  return stats_box;
}

// The options and the view state as the settings hold them.
void DatasetPage::restoreOptions() {
  restoring_ = true;
  QSettings& settings = session_->settings();
  buildFormatChooser();
  cutoff_->setValue(settings.value("dataset/cutoff_len", kDefaultCutoff).toInt());
  train_on_prompt_->setChecked(settings.value("dataset/train_on_prompt", false).toBool());
  add_eos_->setChecked(settings.value("dataset/add_eos", true).toBool());
  drop_long_->setChecked(settings.value("dataset/drop_long", false).toBool());
  show_pieces_->setChecked(settings.value("dataset/show_token_pieces", false).toBool());
  splitter_->restoreState(settings.value("dataset/splitter").toByteArray());
  detail_splitter_->restoreState(settings.value("dataset/detail_splitter").toByteArray());
  restoring_ = false;
}

// What the page's own controls do.
void DatasetPage::connectControls() {
  connect(open_button_, &QPushButton::clicked, this, &DatasetPage::browse);
  connect(cancel_button_, &QPushButton::clicked, this, [this] {
    cancelJob();
    status_->setText(tr("Cancelled."));
  });
  connect(format_, qOverload<int>(&QComboBox::activated), this, [this](int index) {
    if (format_->itemData(index).toString() == kChooseFile) chooseFormatFile();
  });
  connect(format_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    if (format_->currentData().toString() != kChooseFile) optionsChanged();
  });
  connect(cutoff_, qOverload<int>(&QSpinBox::valueChanged), this, [this] {
    // The histogram follows at once; the exact counts come when tokenizing has run again.
    if (tokens_) histogram_->setCutoff(cutoff_->value(), drop_long_->isChecked());
    optionsChanged();
  });
  for (QCheckBox* box : {train_on_prompt_, add_eos_, drop_long_})
    connect(box, &QCheckBox::toggled, this, &DatasetPage::optionsChanged);
  connect(show_pieces_, &QCheckBox::toggled, this, [this] {
    saveSettings();
    showSelectedRecord();
  });
  connect(restart_timer_, &QTimer::timeout, this, &DatasetPage::restart);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &DatasetPage::showSelectedRecord);
  connect(bad_records_, &QListWidget::itemClicked, this, &DatasetPage::showBadRecord);
  connect(bad_records_, &QListWidget::itemActivated, this, &DatasetPage::showBadRecord);
  for (QSplitter* s : {splitter_, detail_splitter_}) connect(s, &QSplitter::splitterMoved, this, &DatasetPage::saveSettings);
}

// The preview job cancels the running preview and waits for its thread.
DatasetPage::~DatasetPage() = default;

void DatasetPage::buildFormatChooser() {
  QSettings& settings = session_->settings();
  const QString wanted = settings.value("dataset/read_as_text", false).toBool()
                             ? kReadAsText
                             : settings.value("dataset/format", QString::fromLatin1(lora::PromptFormat::kDefaultName)).toString();
  const QSignalBlocker block(format_);
  format_->clear();
  for (const std::string& name : lora::PromptFormat::builtin_names()) {
    format_->addItem(tr("%1 (built in)").arg(QString::fromStdString(name)), QString::fromStdString(name));
    format_->setItemData(format_->count() - 1, tr("A prompt format that comes with LoRA Studio"), Qt::ToolTipRole);
  }
  QStringList files = settings.value("dataset/format_files").toStringList();
  if (!wanted.isEmpty() && wanted != kReadAsText && !wanted.startsWith("chat") &&
      !lora::PromptFormat::is_builtin(wanted.toStdString()) && !files.contains(wanted))
    files.append(wanted);
  for (const QString& file : files) {
    format_->addItem(tr("%1 (format file)").arg(QFileInfo(file).completeBaseName()), file);
    format_->setItemData(format_->count() - 1, file, Qt::ToolTipRole);
  }
  format_->insertSeparator(format_->count());
  format_->addItem(tr("Chat: the model's chat format"), QStringLiteral("chat"));
  format_->setItemData(format_->count() - 1,
                       tr("Instruction records become one user/assistant exchange in the model's own chat template, "
                          "rendered exactly as Hugging Face transformers renders it (ChatML when the model has none). "
                          "Conversations always use a chat template."),
                       Qt::ToolTipRole);
  for (const std::string& builtin : lora::ChatTemplate::builtin_names()) {
    const QString name = QString::fromStdString(builtin);
    format_->addItem(tr("Chat: %1").arg(name), QStringLiteral("chat:") + name);
    format_->setItemData(format_->count() - 1, tr("Records written as a conversation in the %1 chat format").arg(name),
                         Qt::ToolTipRole);
  }
  format_->insertSeparator(format_->count());
  format_->addItem(tr("Raw text (the whole file as plain text)"), kReadAsText);
  format_->setItemData(format_->count() - 1,
                       tr("Train on the file's text as it is, cut into blocks of the cutoff length "
                          "(parts separated by two blank lines are kept apart)."),
                       Qt::ToolTipRole);
  format_->addItem(tr("Format file…"), kChooseFile);
  format_->setItemData(format_->count() - 1, tr("Choose a text-generation-webui format file (JSON)"), Qt::ToolTipRole);
  const int index = format_->findData(wanted);
  format_->setCurrentIndex(index >= 0 ? index : 0);
}

void DatasetPage::chooseFormatFile() {
  QSettings& settings = session_->settings();
  const QString file = QFileDialog::getOpenFileName(this, tr("Choose a format file"),
                                                    settings.value("dataset/last_dir").toString(),
                                                    tr("Format files (*.json);;All files (*)"));
  if (file.isEmpty()) {
    const QSignalBlocker block(format_);
    const QString current = settings.value("dataset/read_as_text", false).toBool()
                                ? kReadAsText
                                : settings.value("dataset/format", QString::fromLatin1(lora::PromptFormat::kDefaultName)).toString();
    format_->setCurrentIndex(std::max(0, format_->findData(current)));
    return;
  }
  try {
    lora::PromptFormat::load_file(file.toStdString());
  } catch (const std::exception& e) {
    problem_->setText(tr("This format file cannot be used: %1").arg(engineMessage(e)));
    problem_->show();
    const QSignalBlocker block(format_);
    format_->setCurrentIndex(std::max(0, format_->findData(settings.value("dataset/format").toString())));
    return;
  }
  QStringList files = settings.value("dataset/format_files").toStringList();
  if (!files.contains(file)) files.append(file);
  settings.setValue("dataset/format_files", files);
  settings.setValue("dataset/format", file);
  settings.setValue("dataset/read_as_text", false);
  buildFormatChooser();
  optionsChanged();
}

void DatasetPage::browse() {
  QSettings& settings = session_->settings();
  QString dir = settings.value("dataset/last_dir").toString();
  if (dir.isEmpty() && !path_.isEmpty()) dir = QFileInfo(path_).absolutePath();
  const QString file = QFileDialog::getOpenFileName(
      this, tr("Open a dataset"), dir,
      tr("Datasets (*.json *.jsonl *.txt *.text *.md);;JSON (*.json *.jsonl);;Text (*.txt *.text *.md);;All files (*)"));
  if (!file.isEmpty()) openDataset(file);
}

void DatasetPage::openDataset(const QString& path) {
  path_ = path;
  session_->settings().setValue("dataset/last_dir", QFileInfo(path).absolutePath());
  path_label_->setText(QDir::toNativeSeparators(path));
  path_label_->setToolTip(QDir::toNativeSeparators(path));
  records_.reset();
  tokens_.reset();
  table_model_->clear();
  bad_records_->clear();
  bad_title_->setText(tr("Bad records"));
  prompt_view_->clear();
  record_summary_->setText(QString());
  updateCounts();
  // A new file starts at its top left, not where the last one was scrolled to.
  for (QAbstractScrollArea* area : {static_cast<QAbstractScrollArea*>(table_), static_cast<QAbstractScrollArea*>(prompt_view_)}) {
    area->horizontalScrollBar()->setValue(0);
    area->verticalScrollBar()->setValue(0);
  }
  session_->setDatasetPath(path);  // the dataset Train uses
  restart();
}

void DatasetPage::setTokenizerOverride(std::shared_ptr<const lora::Tokenizer> tokenizer) {
  tokenizer_override_ = std::move(tokenizer);
  updateModelNotice();
  if (!path_.isEmpty()) restart();
}

std::shared_ptr<const lora::Tokenizer> DatasetPage::tokenizer() const {
  return tokenizer_override_ ? tokenizer_override_ : session_->tokenizer();
}

lora::DatasetOptions DatasetPage::datasetOptions() const {
  lora::DatasetOptions options;
  const QString format = format_->currentData().toString();
  if (format != kReadAsText && format != kChooseFile && !format.isEmpty()) options.format = format.toStdString();
  options.cutoff_len = cutoff_->value();
  options.train_on_prompt = train_on_prompt_->isChecked();
  options.add_eos = add_eos_->isChecked();
  options.drop_long = drop_long_->isChecked();
  options.skip_bad_records = true;
  return options;
}

void DatasetPage::saveSettings() {
  if (restoring_) return;
  QSettings& settings = session_->settings();
  const QString format = format_->currentData().toString();
  if (format != kChooseFile) {
    settings.setValue("dataset/read_as_text", format == kReadAsText);
    if (format != kReadAsText) settings.setValue("dataset/format", format);
  }
  settings.setValue("dataset/cutoff_len", cutoff_->value());
  settings.setValue("dataset/train_on_prompt", train_on_prompt_->isChecked());
  settings.setValue("dataset/add_eos", add_eos_->isChecked());
  settings.setValue("dataset/drop_long", drop_long_->isChecked());
  settings.setValue("dataset/show_token_pieces", show_pieces_->isChecked());
  settings.setValue("dataset/splitter", splitter_->saveState());
  settings.setValue("dataset/detail_splitter", detail_splitter_->saveState());
}

void DatasetPage::optionsChanged() {
  if (restoring_) return;
  saveSettings();
  if (path_.isEmpty()) return;
  restart_timer_->start();
}

void DatasetPage::cancelJob() {
  restart_timer_->stop();
  // Its results are dropped from now on; it stops at its next record.
  preview_job_.drop();
  previewing_ = false;
  progress_->hide();
  cancel_button_->hide();
}

void DatasetPage::restart() {
  cancelJob();
  if (path_.isEmpty()) return;
  DatasetPreviewRequest request;
  request.path = path_;
  request.options = datasetOptions();
  request.read_as_text = format_->currentData().toString() == kReadAsText;
  request.tokenizer = tokenizer();
  request.previous = records_;
  problem_->hide();
  status_->setText(QString());
  progress_->setRange(0, 0);
  progress_->setFormat(tr("Reading the file…"));
  progress_->show();
  cancel_button_->show();

  previewing_ = true;
  // Each report comes back to the GUI thread, unless a newer preview (or a cancel) dropped this one.
  preview_job_.start(
      [this, request = std::move(request)](const BackgroundJob::Run& run) {
        DatasetPreviewReport report;
        report.progress = [this, &run](const QString& stage, qint64 done, qint64 total) {
          run.post([this, stage, done, total] { showPreviewProgress(stage, done, total); });
        };
        report.records_ready = [this, &run](std::shared_ptr<const DatasetRecords> records) {
          run.post([this, records] { onRecordsReady(records); });
        };
        report.tokens_ready = [this, &run](std::shared_ptr<const DatasetTokenStats> tokens) {
          run.post([this, tokens] { onTokensReady(tokens); });
        };
        report.failed = [this, &run](const QString& message) {
          run.post([this, message] { onPreviewFailed(message); });
        };
        report.ended = [this, &run](bool) { run.post([this] { onPreviewEnded(); }); };
        runDatasetPreview(request, *run.cancelFlag(), report);
      },
      QThread::LowPriority);
}

void DatasetPage::showPreviewProgress(const QString& stage, qint64 done, qint64 total) {
  if (total <= 0) {
    progress_->setRange(0, 0);
  } else {
    progress_->setRange(0, 1000);
    progress_->setValue(static_cast<int>(1000 * done / total));
  }
  const QLocale locale;
  if (stage == QLatin1String("reading"))
    progress_->setFormat(tr("Reading the file…"));
  else if (stage == QLatin1String("rendering"))
    progress_->setFormat(tr("Checking records…"));
  else
    progress_->setFormat(tr("Tokenizing record %1 of %2…").arg(locale.toString(done), locale.toString(total)));
}

void DatasetPage::onPreviewFailed(const QString& message) {
  records_.reset();
  tokens_.reset();
  table_model_->clear();
  bad_records_->clear();
  bad_title_->setText(tr("Bad records"));
  problem_->setText(tr("The dataset cannot be read: %1").arg(message));
  problem_->show();
  histogram_->clear(QString());
  prompt_view_->clear();
  record_summary_->setText(QString());
  updateCounts();
}

void DatasetPage::onPreviewEnded() {
  previewing_ = false;
  progress_->hide();
  cancel_button_->hide();
  Q_EMIT previewUpdated();
}

void DatasetPage::onRecordsReady(std::shared_ptr<const DatasetRecords> records) {
  const QVariant selected_number = table_->currentIndex().isValid()
                                       ? table_->currentIndex().data(DatasetTableModel::RecordNumberRole)
                                       : QVariant();
  const bool same_columns = records_ && table_model_->columnCount() == static_cast<int>(records->columns.size());
  const bool same_file = records_ && records_->file == records->file;
  records_ = records;
  tokens_.reset();
  table_model_->setRecords(records);
  if (!same_columns) {
    QHeaderView* header = table_->horizontalHeader();
    for (int c = 0; c < table_model_->columnCount(); ++c) {
      switch (records->columns[static_cast<size_t>(c)].kind) {
        case DatasetColumn::Number: header->resizeSection(c, 56); break;
        case DatasetColumn::Tokens:
        case DatasetColumn::Trained: header->resizeSection(c, 64); break;
        case DatasetColumn::Status: header->resizeSection(c, 110); break;
        default: header->resizeSection(c, 220); break;
      }
    }
  }

  bad_records_->clear();
  const QLocale locale;
  for (size_t i = 0; i < records->bad.size() && i < static_cast<size_t>(kMaxListedBadRecords); ++i) {
    const lora::RecordError& error = records->bad[i];
    const QString where = error.line > 0 ? tr("Record %1 (line %2)").arg(error.number).arg(error.line)
                                         : tr("Record %1").arg(error.number);
    auto* item = new QListWidgetItem(tr("%1: %2", "record, then what is wrong with it").arg(where, engineMessage(error.reason)),
                                     bad_records_);
    item->setData(Qt::UserRole, static_cast<qulonglong>(error.number));
    item->setData(Qt::UserRole + 1, static_cast<qulonglong>(error.line));
    item->setToolTip(engineMessage(error.reason));
  }
  if (records->bad.size() > static_cast<size_t>(kMaxListedBadRecords))
    bad_title_->setText(tr("Bad records (%1; the first %2 are listed)")
                            .arg(locale.toString(static_cast<qulonglong>(records->bad.size())))
                            .arg(kMaxListedBadRecords));
  else
    bad_title_->setText(tr("Bad records (%1)").arg(locale.toString(static_cast<qulonglong>(records->bad.size()))));

  if (!records->problem.isEmpty()) {
    problem_->setText(records->problem);
    problem_->show();
  }
  if (!records->dataset)
    histogram_->clear(tokenizer() ? tr("No record can be tokenized with these options.")
                                  : tr("Load a model to see how long the examples are in tokens."));
  else if (!same_file || histogram_->examples() == 0)  // new options: the old histogram stays until the new one is ready
    histogram_->clear(tr("Tokenizing…"));
  status_->setText(formatSummary(*records));

  // Keep the selected record selected across a change of options.
  int row = selected_number.isValid() ? records->rowOfRecord(selected_number.toULongLong()) : -1;
  if (row < 0 && table_model_->rowCount() > 0) row = 0;
  if (row >= 0) {
    table_->setCurrentIndex(table_model_->index(row, 0));
    table_->scrollTo(table_model_->index(row, 0));
  }
  if (!same_file) table_->horizontalScrollBar()->setValue(0);
  showSelectedRecord();
  updateCounts();
}

QString DatasetPage::formatSummary(const DatasetRecords& records) const {
  if (records.format_description.isEmpty()) return QString();
  const QLocale locale;
  // Conversations are always rendered with a chat template, whatever prompt format instruction records use.
  const QString chat_template = records.chat_template == QLatin1String(lora::ChatTemplate::kModelName)
                                    ? tr("the model's chat template")
                                    : tr("chat template %1").arg(records.chat_template);
  QString format;
  if (records.fields_as_chat || (records.conversations > 0 && records.conversations == records.rows()))
    format = chat_template;
  else if (records.conversations > 0)
    format = tr("%1 (conversations: %2)", "prompt format, then the chat template of the conversations")
                 .arg(records.format_description, chat_template);
  else
    format = records.format_description;
  // Counted as the Records count below counts: unreadable records included.
  const qulonglong total = records.file ? static_cast<qulonglong>(records.file->total_records()) : records.rows();
  const qulonglong unreadable = records.file ? static_cast<qulonglong>(records.file->errors.size()) : 0;
  if (unreadable > 0)
    return tr("%1 records, %2 unreadable, format %3").arg(locale.toString(total), locale.toString(unreadable), format);
  return tr("%1 records, format %2").arg(locale.toString(total), format);
}

void DatasetPage::onTokensReady(std::shared_ptr<const DatasetTokenStats> tokens) {
  tokens_ = tokens;
  table_model_->setTokens(tokens);
  histogram_->setLengths(tokens->lengths, tokens->cutoff_len, tokens->drop_long);
  updateCounts();
  showSelectedRecord();
}

void DatasetPage::updateCounts() {
  const QLocale locale;
  auto set = [&](int which, const QString& text) { count_values_[static_cast<size_t>(which)]->setText(text); };
  auto number = [&](qlonglong n) { return locale.toString(n); };
  if (!records_) {
    for (QLabel* label : count_values_) label->setText(QStringLiteral("–"));
    return;
  }
  set(Records, number(static_cast<qlonglong>(records_->file->total_records())));
  set(Bad, number(static_cast<qlonglong>(records_->bad.size())));
  if (!tokens_) {
    for (int which : {Kept, Truncated, Dropped, Tokens, TrainedTokens}) set(which, QStringLiteral("–"));
    return;
  }
  const lora::DatasetStats& stats = tokens_->stats;
  set(Kept, number(static_cast<qlonglong>(stats.examples - stats.truncated)));
  set(Truncated, number(static_cast<qlonglong>(stats.truncated)));
  set(Dropped, number(static_cast<qlonglong>(stats.dropped_too_long + stats.dropped_no_targets)));
  set(Tokens, number(stats.tokens));
  set(TrainedTokens, number(stats.target_tokens));
}

void DatasetPage::updateModelNotice() {
  model_notice_->setVisible(!tokenizer());
}

std::vector<lora::TokenizedExample> DatasetPage::selectedExamples() const {
  const QModelIndex current = table_->currentIndex();
  if (!records_ || !records_->dataset || !current.isValid()) return {};
  const int index = records_->dataset_index[static_cast<size_t>(current.row())];
  if (index < 0) return {};
  return records_->dataset->tokenize(static_cast<size_t>(index));
}

void DatasetPage::showSelectedRecord() {
  const QModelIndex current = table_->currentIndex();
  if (!records_ || !current.isValid()) {
    prompt_view_->clear();
    record_summary_->setText(records_ ? tr("Select a record.") : QString());
    return;
  }
  const size_t row = static_cast<size_t>(current.row());
  const lora::DatasetRecord& record = records_->file->records[row];
  const int index = records_->dataset_index[row];
  const QLocale locale;
  if (index < 0) {
    QString reason = records_->problem;
    for (const lora::RecordError& error : records_->bad)
      if (error.number == record.number) reason = engineMessage(error.reason);
    record_summary_->setText(tr("Record %1 cannot be used.").arg(record.number));
    prompt_view_->showProblem(reason, rawRecordText(record.line));
    return;
  }
  try {
    if (!records_->dataset) {
      prompt_view_->showSegments(records_->render(static_cast<int>(row)));
      record_summary_->setText(tr("Record %1. Green: the response the model is trained on; grey: the prompt. "
                                  "Load a model to count tokens.")
                                   .arg(record.number));
      return;
    }
    const lora::TrainingDataset& dataset = *records_->dataset;
    const std::vector<lora::TokenizedExample> examples = dataset.tokenize(static_cast<size_t>(index));
    const bool raw_text = record.kind == lora::RecordKind::RawText;
    const bool any_kept = std::any_of(examples.begin(), examples.end(), [](const auto& e) { return e.kept(); });
    int64_t tokens = 0, trained = 0;
    bool truncated = false;
    for (const auto& example : examples) {
      tokens += example.full_length;
      trained += example.target_tokens;
      truncated = truncated || example.truncated();
    }
    const int64_t cutoff = dataset.options().cutoff_len;
    QString summary = tr("Record %1: %2 tokens, %3 trained.").arg(record.number).arg(locale.toString(tokens), locale.toString(trained));
    if (raw_text && examples.size() > 1) summary += sentence_gap(summary) + tr("Cut into %1 blocks.").arg(examples.size());
    if (!any_kept) {
      const lora::ExampleFate fate = examples.empty() ? lora::ExampleFate::DroppedNoTargets : examples.front().fate;
      summary += sentence_gap(summary) + (fate == lora::ExampleFate::DroppedTooLong
                                         ? tr("Dropped: longer than the cutoff of %1 tokens.").arg(cutoff)
                                         : tr("Dropped: no trained token is left within the cutoff of %1 tokens.").arg(cutoff));
      prompt_view_->showSegments(dataset.render(static_cast<size_t>(index)));
    } else {
      if (truncated)
        summary += sentence_gap(summary) + tr("Truncated: the cutoff of %1 tokens cuts it (marked ✂).").arg(cutoff);
      else if (!raw_text)
        summary += sentence_gap(summary) + tr("Fits within the cutoff of %1 tokens.").arg(cutoff);
      prompt_view_->showExamples(dataset.tokenizer(), examples,
                                 raw_text ? std::string() : dataset.text(static_cast<size_t>(index)), raw_text,
                                 show_pieces_->isChecked());
    }
    record_summary_->setText(summary);
  } catch (const std::exception& e) {
    record_summary_->setText(tr("Record %1 cannot be shown.").arg(record.number));
    prompt_view_->showProblem(engineMessage(e), rawRecordText(record.line));
  }
}

void DatasetPage::showBadRecord(QListWidgetItem* item) {
  if (!item || !records_) return;
  const size_t number = item->data(Qt::UserRole).toULongLong();
  const size_t line = item->data(Qt::UserRole + 1).toULongLong();
  const int row = records_->rowOfRecord(number);
  if (row >= 0) {  // readable but not usable with this format: select its row
    table_->setCurrentIndex(table_model_->index(row, 0));
    table_->scrollTo(table_model_->index(row, 0), QAbstractItemView::PositionAtCenter);
    return;
  }
  // Unreadable: it has no row; show the error and the text in the file.
  table_->selectionModel()->clearSelection();
  {
    const QSignalBlocker block(table_->selectionModel());
    table_->selectionModel()->setCurrentIndex(QModelIndex(), QItemSelectionModel::NoUpdate);
  }
  record_summary_->setText(tr("Record %1 cannot be read.").arg(number));
  prompt_view_->showProblem(item->toolTip(), rawRecordText(line));
}

QString DatasetPage::rawRecordText(size_t line) const {
  if (line == 0 || !records_) return QString();
  QFile file(records_->path);
  if (!file.open(QIODevice::ReadOnly)) return QString();
  constexpr int kMaxLines = 40;
  constexpr qint64 kMaxBytes = 16 * 1024;
  const bool one_line_records = records_->file->layout == lora::DatasetLayout::JsonLines;
  size_t number = 0;
  QByteArray text;
  while (!file.atEnd()) {
    const QByteArray current = file.readLine(1 << 20);
    if (++number < line) continue;
    text += current;
    if (one_line_records || number - line + 1 >= kMaxLines || text.size() > kMaxBytes) break;
  }
  if (text.size() > kMaxBytes) text = text.left(kMaxBytes) + "…";
  return QString::fromUtf8(text);
}

void DatasetPage::dragEnterEvent(QDragEnterEvent* event) {
  const QList<QUrl> urls = event->mimeData()->urls();
  if (urls.size() == 1 && urls.front().isLocalFile() && QFileInfo(urls.front().toLocalFile()).isFile())
    event->acceptProposedAction();
}

void DatasetPage::dropEvent(QDropEvent* event) {
  const QList<QUrl> urls = event->mimeData()->urls();
  if (urls.size() != 1 || !urls.front().isLocalFile()) return;
  event->acceptProposedAction();
  openDataset(urls.front().toLocalFile());
}

}  // namespace ui
