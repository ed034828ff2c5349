#include "export_page.h"

#include "lora_adapter.h"
#include "safetensors.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>

#include "app_session.h"
#include "engine_messages.h"
#include "export_snippets.h"
#include "export_task.h"

namespace ui {

namespace {

// The text of a check box that wraps: a click on it toggles the box.
class ClickableLabel : public QLabel {
 public:
  using QLabel::QLabel;
  std::function<void()> on_click;

 protected:
  void mouseReleaseEvent(QMouseEvent* event) override {
    if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()) && on_click) on_click();
    QLabel::mouseReleaseEvent(event);
  }
};

QString folder_name(const QString& dir) { return QFileInfo(QDir::cleanPath(dir)).fileName(); }

qint64 folder_size(const QString& dir) {
  qint64 total = 0;
  QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
  while (it.hasNext()) {
    it.next();
    total += it.fileInfo().size();
  }
  return total;
}

QString selector_text(const lora::ModuleSelector& selector) {
  if (selector.is_regex) return QString::fromStdString(selector.regex);
  QStringList names;
  for (const std::string& name : selector.names) names << QString::fromStdString(name);
  return names.join(", ");
}

QString number(double value) { return QLocale().toString(value, 'g', 6); }

// The step of the last complete line of a training log; 0 when there is none. Reads only the file's
// end: a long run's log is large, and this runs every few seconds while the adapter is trained.
qint64 last_logged_step(const QString& log_path) {
  QFile file(log_path);
  if (!file.open(QIODevice::ReadOnly)) return 0;
  const qint64 tail = 64 * 1024;
  if (file.size() > tail) file.seek(file.size() - tail);
  const QList<QByteArray> lines = file.readAll().split('\n');
  for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
    const QJsonObject entry = QJsonDocument::fromJson(*line).object();  // a line cut short does not parse
    if (entry.contains("step")) return entry.value("step").toInteger();
  }
  return 0;
}

}  // namespace

ExportPage::ExportPage(AppSession* session, QWidget* parent) : QWidget(parent), session_(session) {
  auto* outer = new QHBoxLayout(this);
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  outer->addWidget(splitter);

  auto* scroll = new QScrollArea(splitter);
  scroll->setWidgetResizable(true);
  auto* left = new QWidget(scroll);
  auto* layout = new QVBoxLayout(left);
  scroll->setWidget(left);

  layout->addWidget(buildAdapterBox(left));
  layout->addWidget(buildCopyBox(left));
  layout->addWidget(buildMergeBox(left));
  layout->addStretch();

  QGroupBox* tools_box = buildToolsBox(splitter);
  splitter->addWidget(scroll);
  splitter->addWidget(tools_box);
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 1);

  training_poll_ = new QTimer(this);
  training_poll_->setInterval(2000);
  connect(training_poll_, &QTimer::timeout, this, &ExportPage::updateTaskButtons);
  connect(session_, &AppSession::trainingChanged, this, &ExportPage::onTrainingChanged);
  if (session_->isTraining()) training_poll_->start();
  connect(session_, &AppSession::adapterDirChanged, this, &ExportPage::refreshAdapter);
  connect(session_, &AppSession::modelLoaded, this, &ExportPage::refreshAdapter);
  refreshAdapter();
}

// The adapter: its folder, what it holds, and whether a training run is writing it.
QGroupBox* ExportPage::buildAdapterBox(QWidget* parent) {
  auto* adapter_box = new QGroupBox(tr("Adapter"), parent);
  auto* adapter_layout = new QVBoxLayout(adapter_box);
  auto* adapter_row = new QHBoxLayout;
  adapter_path_ = new QLabel(adapter_box);
  adapter_path_->setObjectName("adapter_path");
  adapter_path_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  adapter_path_->setWordWrap(true);
  adapter_row->addWidget(adapter_path_, 1);
  auto* browse_adapter = new QPushButton(tr("Choose…"), adapter_box);
  browse_adapter->setObjectName("browse_adapter_button");
  browse_adapter->setToolTip(tr("Choose another adapter folder (one with adapter_config.json)"));
  connect(browse_adapter, &QPushButton::clicked, this, &ExportPage::browseAdapter);
  adapter_row->addWidget(browse_adapter);
  adapter_layout->addLayout(adapter_row);
  adapter_message_ = new QLabel(adapter_box);
  adapter_message_->setObjectName("adapter_message");
  adapter_message_->setWordWrap(true);
  adapter_layout->addWidget(adapter_message_);
  training_note_ = new QLabel(adapter_box);
  training_note_->setObjectName("training_note");
  training_note_->setWordWrap(true);
  training_note_->setStyleSheet("color: #b35900");
  training_note_->setVisible(false);
  adapter_layout->addWidget(training_note_);
  summary_ = new QLabel(adapter_box);
  summary_->setObjectName("adapter_summary");
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  summary_->setWordWrap(true);
  adapter_layout->addWidget(summary_);
  files_ = new QTreeWidget(adapter_box);
  files_->setObjectName("adapter_files");
  files_->setHeaderLabels({tr("File"), tr("Size"), tr("Contents")});
  files_->setRootIsDecorated(false);
  files_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  files_->setMinimumHeight(140);
  adapter_layout->addWidget(files_);
  return adapter_box;
}

// Copy: the adapter folder into another folder.
QGroupBox* ExportPage::buildCopyBox(QWidget* parent) {
  copy_box_ = new QGroupBox(tr("Save the adapter elsewhere"), parent);
  copy_box_->setObjectName("copy_box");
  auto* copy_layout = new QVBoxLayout(copy_box_);
  auto* copy_explanation = new QLabel(tr("The folder is a standard PEFT LoRA adapter: copy it wherever a tool "
                                         "expects adapters, e.g. text-generation-webui's loras folder."),
                                      copy_box_);
  copy_explanation->setWordWrap(true);
  copy_layout->addWidget(copy_explanation);
  auto* copy_row = new QHBoxLayout;
  copy_row->addWidget(new QLabel(tr("Copy into:"), copy_box_));
  copy_destination_ = new QLineEdit(copy_box_);
  copy_destination_->setObjectName("copy_destination");
  copy_destination_->setPlaceholderText(tr("a folder, e.g. text-generation-webui/user_data/loras"));
  copy_destination_->setToolTip(tr("The adapter folder is copied into this folder under its own name"));
  copy_destination_->setText(session_->settings().value("export/copy_destination").toString());
  copy_row->addWidget(copy_destination_, 1);
  auto* browse_copy = new QPushButton(tr("Browse…"), copy_box_);
  browse_copy->setObjectName("browse_copy_button");
  connect(browse_copy, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Copy the adapter into"), copy_destination_->text());
    if (!dir.isEmpty()) copy_destination_->setText(dir);
  });
  copy_row->addWidget(browse_copy);
  copy_layout->addLayout(copy_row);
  // A check box's text never wraps: this long one, in the box's row, would make the page scroll sideways at
  // 1024 px. Its text is a wrapping label beside it that toggles it like the box's own text.
  const QString include_text = tr("Include the training checkpoints (checkpoint-N folders, only needed to "
                                  "resume training)");
  include_checkpoints_ = new QCheckBox(copy_box_);
  include_checkpoints_->setObjectName("include_checkpoints");
  include_checkpoints_->setAccessibleName(include_text);
  auto* include_label = new ClickableLabel(include_text, copy_box_);
  include_label->setWordWrap(true);
  include_label->setBuddy(include_checkpoints_);
  include_label->on_click = [this] { include_checkpoints_->toggle(); };
  auto* include_row = new QHBoxLayout;
  include_row->addWidget(include_checkpoints_, 0, Qt::AlignTop);
  include_row->addWidget(include_label, 1);
  copy_layout->addLayout(include_row);
  copy_target_ = new QLabel(copy_box_);
  copy_target_->setObjectName("copy_target");
  copy_target_->setWordWrap(true);
  copy_layout->addWidget(copy_target_);
  copy_button_ = new QPushButton(tr("Copy adapter"), copy_box_);
  copy_button_->setObjectName("copy_button");
  copy_button_->setToolTip(tr("Copies into a hidden folder first and renames it at the end, so an interrupted "
                              "copy never leaves a half adapter"));
  connect(copy_button_, &QPushButton::clicked, this, &ExportPage::startCopy);
  copy_layout->addWidget(copy_button_, 0, Qt::AlignLeft);
  copy_result_ = new QLabel(copy_box_);
  copy_result_->setObjectName("copy_result");
  copy_result_->setWordWrap(true);
  copy_result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  copy_layout->addWidget(copy_result_);
  connect(copy_destination_, &QLineEdit::textChanged, this, [this](const QString& text) {
    session_->settings().setValue("export/copy_destination", text);
    updateCopyTarget();
  });
  return copy_box_;
}

// Merge: the adapter into a full model folder, with the task progress shared with the copy.
QGroupBox* ExportPage::buildMergeBox(QWidget* parent) {
  merge_box_ = new QGroupBox(tr("Merge into a full model"), parent);
  merge_box_->setObjectName("merge_box");
  auto* merge_layout = new QVBoxLayout(merge_box_);
  auto* merge_explanation = new QLabel(
      tr("Writes a new Hugging Face model folder whose weights include the adapter (W + scaling·B·A): it loads "
         "without PEFT in any tool that loads the base model. The merge runs tensor by tensor, so it needs little "
         "memory; the result appears only when it is complete."),
      merge_box_);
  merge_explanation->setWordWrap(true);
  merge_layout->addWidget(merge_explanation);
  auto* merge_form = new QFormLayout;
  auto* base_row = new QHBoxLayout;
  base_model_ = new QLineEdit(merge_box_);
  base_model_->setObjectName("base_model");
  base_model_->setToolTip(tr("The model the adapter was trained on (the loaded model, or the adapter's "
                             "base_model_name_or_path)"));
  base_row->addWidget(base_model_, 1);
  auto* browse_base = new QPushButton(tr("Browse…"), merge_box_);
  browse_base->setObjectName("browse_base_button");
  connect(browse_base, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Base model folder"), base_model_->text());
    if (!dir.isEmpty()) base_model_->setText(dir);
  });
  base_row->addWidget(browse_base);
  merge_form->addRow(tr("Base model:"), base_row);
  auto* output_row = new QHBoxLayout;
  merge_output_ = new QLineEdit(merge_box_);
  merge_output_->setObjectName("merge_output");
  merge_output_->setToolTip(tr("The new model folder; it must not hold a model unless you allow replacing it"));
  output_row->addWidget(merge_output_, 1);
  auto* browse_output = new QPushButton(tr("Browse…"), merge_box_);
  browse_output->setObjectName("browse_output_button");
  connect(browse_output, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Output folder"), merge_output_->text());
    if (!dir.isEmpty()) merge_output_->setText(dir);
  });
  output_row->addWidget(browse_output);
  merge_form->addRow(tr("Output folder:"), output_row);
  merge_dtype_ = new QComboBox(merge_box_);
  merge_dtype_->setObjectName("merge_dtype");
  merge_dtype_->addItem(tr("Same as the base model"), "auto");
  merge_dtype_->addItem(tr("float32 (largest, exact)"), "float32");
  merge_dtype_->addItem(tr("bfloat16 (half the size; what most models ship in)"), "bfloat16");
  merge_dtype_->addItem(tr("float16 (half the size)"), "float16");
  merge_dtype_->setToolTip(tr("The precision the merged weights are stored in. The merge itself computes in "
                              "float32 and rounds once."));
  const int saved_dtype = merge_dtype_->findData(session_->settings().value("export/merge_dtype", "auto"));
  merge_dtype_->setCurrentIndex(saved_dtype < 0 ? 0 : saved_dtype);
  connect(merge_dtype_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this] { session_->settings().setValue("export/merge_dtype", merge_dtype_->currentData()); });
  merge_form->addRow(tr("Precision:"), merge_dtype_);
  merge_layout->addLayout(merge_form);
  replace_model_ = new QCheckBox(tr("Replace a model already in the output folder"), merge_box_);
  replace_model_->setObjectName("replace_model");
  merge_layout->addWidget(replace_model_);
  auto* merge_buttons = new QHBoxLayout;
  merge_button_ = new QPushButton(tr("Merge into model"), merge_box_);
  merge_button_->setObjectName("merge_button");
  connect(merge_button_, &QPushButton::clicked, this, &ExportPage::startMerge);
  merge_buttons->addWidget(merge_button_);
  cancel_button_ = new QPushButton(tr("Cancel"), merge_box_);
  cancel_button_->setObjectName("cancel_button");
  cancel_button_->setToolTip(tr("Stop the copy or merge; nothing is left behind"));
  cancel_button_->setEnabled(false);
  connect(cancel_button_, &QPushButton::clicked, this, &ExportPage::cancelTask);
  merge_buttons->addWidget(cancel_button_);
  merge_buttons->addStretch();
  merge_layout->addLayout(merge_buttons);
  progress_ = new QProgressBar(merge_box_);
  progress_->setObjectName("export_progress");
  progress_->setVisible(false);
  merge_layout->addWidget(progress_);
  merge_result_ = new QLabel(merge_box_);
  merge_result_->setObjectName("merge_result");
  merge_result_->setWordWrap(true);
  merge_result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  merge_layout->addWidget(merge_result_);
  auto* result_buttons = new QHBoxLayout;
  load_merged_button_ = new QPushButton(tr("Load the merged model"), merge_box_);
  load_merged_button_->setObjectName("load_merged_button");
  load_merged_button_->setToolTip(tr("Load the merged model in place of the current one, e.g. to chat with it"));
  load_merged_button_->setVisible(false);
  connect(load_merged_button_, &QPushButton::clicked, this, [this] { session_->loadModel(merged_dir_); });
  result_buttons->addWidget(load_merged_button_);
  result_buttons->addStretch();
  merge_layout->addLayout(result_buttons);
  connect(base_model_, &QLineEdit::textChanged, this, [this] {
    suggestMergeOutput();
    refreshSnippets();
  });
  connect(merge_output_, &QLineEdit::textChanged, this, &ExportPage::refreshSnippets);
  return merge_box_;
}

// How other tools load it: a snippet per tool.
QGroupBox* ExportPage::buildToolsBox(QWidget* parent) {
  auto* tools_box = new QGroupBox(tr("Use it in other tools"), parent);
  auto* tools_layout = new QVBoxLayout(tools_box);
  auto* tabs = new QTabWidget(tools_box);
  tabs->setObjectName("tools_tabs");
  tabs->addTab(snippetTab(tr("text-generation-webui loads PEFT adapters with its Transformers loader: copy the "
                             "adapter into its loras folder, load the base model on the Model tab, pick the adapter "
                             "under LoRA(s) and click Apply LoRAs; or start it like this:"),
                          &webui_snippet_, "webui_snippet"),
               QStringLiteral("text-generation-webui"));
  tabs->addTab(snippetTab(tr("In Python, PEFT puts the adapter on the base model loaded with transformers:"),
                          &peft_snippet_, "peft_snippet"),
               QStringLiteral("PEFT"));
  tabs->addTab(snippetTab(tr("vLLM serves the base model with the adapter switched on per request:"), &vllm_snippet_,
                          "vllm_snippet"),
               QStringLiteral("vLLM"));
  tabs->addTab(snippetTab(tr("llama.cpp converts the adapter to GGUF against the base model's folder and applies it "
                             "at run time (or convert the merged model instead):"),
                          &llama_cpp_snippet_, "llama_cpp_snippet"),
               QStringLiteral("llama.cpp"));
  tabs->addTab(snippetTab(tr("The merged folder is a complete Hugging Face model: transformers, vLLM and "
                             "text-generation-webui load it like the base model, and llama.cpp, Ollama and LM "
                             "Studio after converting it to GGUF."),
                          &merged_snippet_, "merged_snippet"),
               tr("Merged model"));
  // With the full name "text-generation-webui" the five tabs overflow the pane and the last one ("Merged
  // model") hides behind scroll arrows; the short name fits, the tab's text and tooltip give the full one.
  tabs->setTabText(0, QStringLiteral("webui"));
  tabs->setTabToolTip(0, QStringLiteral("text-generation-webui"));
  // Never scroll arrows: in a narrow pane (or a longer language) the tabs shrink and elide, every one in view.
  tabs->setUsesScrollButtons(false);
  tabs->setElideMode(Qt::ElideRight);
  tabs->setTabToolTip(4, tabs->tabText(4));
  tools_layout->addWidget(tabs);
  return tools_box;
}

bool ExportPage::isBusy() const { return !task_.isNull(); }

ExportPage::~ExportPage() {
  // The task's destructor cancels and waits: a merge stops after its current tensor and leaves nothing.
  delete task_.data();
}

QWidget* ExportPage::snippetTab(const QString& explanation, QPlainTextEdit** editor, const QString& name) {
  auto* tab = new QWidget;
  auto* layout = new QVBoxLayout(tab);
  auto* label = new QLabel(explanation, tab);
  label->setWordWrap(true);
  layout->addWidget(label);
  *editor = new QPlainTextEdit(tab);
  (*editor)->setObjectName(name);
  (*editor)->setReadOnly(true);
  (*editor)->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  (*editor)->setLineWrapMode(QPlainTextEdit::NoWrap);
  layout->addWidget(*editor, 1);
  auto* copy = new QPushButton(tr("Copy"), tab);
  copy->setObjectName(name + "_copy");
  copy->setToolTip(tr("Copy these lines to the clipboard"));
  QPlainTextEdit* target = *editor;
  connect(copy, &QPushButton::clicked, this, [target] { QApplication::clipboard()->setText(target->toPlainText()); });
  layout->addWidget(copy, 0, Qt::AlignRight);
  return tab;
}

void ExportPage::browseAdapter() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose an adapter folder"), session_->adapterDir());
  if (dir.isEmpty()) return;
  if (!QFileInfo::exists(dir + "/adapter_config.json")) {
    QMessageBox::warning(this, tr("Not a LoRA adapter"),
                         tr("%1 has no adapter_config.json: it is not a PEFT adapter folder.").arg(dir));
    return;
  }
  session_->setAdapterDir(dir);
}

void ExportPage::refreshAdapter() {
  const QString dir = session_->adapterDir();
  files_->clear();
  summary_->clear();
  adapter_message_->setStyleSheet(QString());
  bool usable = false;
  if (dir.isEmpty()) {
    adapter_path_->setText(tr("No adapter chosen"));
    adapter_message_->setText(tr("Train an adapter on the Train page, or choose an adapter folder with Choose…"));
  } else {
    adapter_path_->setText(QDir::toNativeSeparators(dir));
    try {
      const lora::LoraConfig config = lora::load_lora_config(dir.toStdString());
      adapter_rank_ = int(config.r);
      const double scaling = config.use_rslora ? config.lora_alpha / std::sqrt(double(config.r))
                                               : config.lora_alpha / double(config.r);
      QStringList lines;
      lines << tr("Rank (r): %1").arg(config.r);
      lines << tr("Alpha: %1 (scaling %2%3)")
                   .arg(number(config.lora_alpha), number(scaling), config.use_rslora ? tr(", rsLoRA") : QString());
      lines << tr("Target modules: %1").arg(selector_text(config.target_modules));
      if (!config.rank_pattern.empty() || !config.alpha_pattern.empty())
        lines << tr("Per-module rank or alpha for %1 pattern(s)").arg(config.rank_pattern.size() + config.alpha_pattern.size());
      lines << tr("Dropout: %1").arg(number(config.lora_dropout));
      lines << tr("Base model: %1").arg(config.base_model_name_or_path.empty()
                                            ? tr("(not recorded)")
                                            : QString::fromStdString(config.base_model_name_or_path));
      const auto weights = lora::SafetensorsFile::open((dir + "/adapter_model.safetensors").toStdString());
      qint64 parameters = 0;
      for (const lora::TensorInfo& tensor : weights->tensors()) parameters += tensor.numel();
      lines << tr("LoRA parameters: %1 in %2 tensors").arg(QLocale().toString(parameters)).arg(weights->tensors().size());
      QFile prompt_file(dir + "/training_prompt.json");
      if (prompt_file.open(QIODevice::ReadOnly)) {
        const QJsonObject prompt = QJsonDocument::fromJson(prompt_file.readAll()).object();
        lines << tr("Prompt format in training: %1")
                     .arg(prompt.contains("format") ? prompt.value("format").toString() : tr("a template file"));
      }
      summary_->setText(lines.join('\n'));
      adapter_message_->clear();
      usable = true;

      // Suggest the base model: the loaded one, else the one the adapter names when it is a folder here.
      const QString recorded = QString::fromStdString(config.base_model_name_or_path);
      if (session_->modelState() == AppSession::ModelState::Loaded) base_model_->setText(session_->modelDir());
      else if (base_model_->text().isEmpty() && QFileInfo::exists(recorded + "/config.json")) base_model_->setText(recorded);
    } catch (const std::exception& e) {
      adapter_message_->setText(tr("This folder cannot be exported: %1").arg(engineMessage(e)));
      adapter_message_->setStyleSheet("color: red");
    }
    const QFileInfoList entries =
        QDir(dir).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::DirsLast | QDir::Name);
    for (const QFileInfo& entry : entries) {
      const QString name = entry.fileName();
      QString contents;
      if (name == "adapter_config.json") contents = tr("LoRA settings (PEFT)");
      else if (name == "adapter_model.safetensors") contents = tr("LoRA weights (PEFT)");
      else if (name == "training_prompt.json") contents = tr("The prompt format used in training");
      else if (name == "training_parameters.json") contents = tr("The training settings");
      else if (name == "training_log.jsonl") contents = tr("Training log: loss per step");
      else if (name == "README.md") contents = tr("Model card");
      else if (entry.isDir() && name.startsWith("checkpoint-")) contents = tr("Checkpoint to resume training");
      const qint64 size = entry.isDir() ? folder_size(entry.absoluteFilePath()) : entry.size();
      auto* item = new QTreeWidgetItem(files_, {entry.isDir() ? name + "/" : name, locale().formattedDataSize(size), contents});
      item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    }
  }
  copy_box_->setEnabled(usable);
  merge_box_->setEnabled(usable || isBusy());
  suggestMergeOutput();
  updateCopyTarget();
  refreshSnippets();
}

void ExportPage::suggestMergeOutput() {
  const QString model = QDir::cleanPath(base_model_->text().trimmed());
  const QString adapter = folder_name(session_->adapterDir());
  if (base_model_->text().trimmed().isEmpty() || adapter.isEmpty()) return;
  const QString suggestion = QFileInfo(model).dir().filePath(folder_name(model) + "-" + adapter);
  // Keep what the user typed; replace only an earlier suggestion.
  if (merge_output_->text().isEmpty() || merge_output_->text() == suggested_output_) merge_output_->setText(suggestion);
  suggested_output_ = suggestion;
}

void ExportPage::refreshSnippets() {
  ExportPaths paths;
  paths.model_dir = base_model_->text().trimmed();
  paths.adapter_dir = session_->adapterDir();
  paths.merged_dir = merged_dir_.isEmpty() ? merge_output_->text().trimmed() : merged_dir_;
  paths.rank = adapter_rank_;
  webui_snippet_->setPlainText(textGenerationWebuiSnippet(paths));
  peft_snippet_->setPlainText(peftSnippet(paths));
  vllm_snippet_->setPlainText(vllmSnippet(paths));
  llama_cpp_snippet_->setPlainText(llamaCppSnippet(paths));
  merged_snippet_->setPlainText(mergedModelSnippet(paths));
}

QString ExportPage::copyTarget() const {
  const QString parent = copy_destination_->text().trimmed();
  const QString name = folder_name(session_->adapterDir());
  if (parent.isEmpty() || name.isEmpty()) return {};
  return QDir::cleanPath(QDir(parent).absoluteFilePath(name));
}

void ExportPage::updateCopyTarget() {
  const QString target = copyTarget();
  if (target.isEmpty()) copy_target_->clear();
  else if (QFileInfo::exists(target)) copy_target_->setText(tr("Replaces the existing %1").arg(QDir::toNativeSeparators(target)));
  else if (!QDir(copy_destination_->text().trimmed()).exists())
    copy_target_->setText(tr("Creates the folder %1 and in it %2")
                              .arg(QDir::toNativeSeparators(QFileInfo(target).path()), QDir::toNativeSeparators(target)));
  else copy_target_->setText(tr("Creates %1").arg(QDir::toNativeSeparators(target)));
  updateTaskButtons();
}

void ExportPage::startCopy() {
  const QString target = copyTarget();
  if (target.isEmpty() || isBusy() || !confirmExportWhileTraining()) return;
  // The folder to copy into is created as the target line said it would be.
  const QString parent = QFileInfo(target).path();
  if (!QDir().mkpath(parent)) {
    copy_result_->setText(tr("The folder %1 cannot be created.").arg(QDir::toNativeSeparators(parent)));
    copy_result_->setStyleSheet("color: red");
    return;
  }
  AdapterCopyRequest request;
  request.adapter_dir = session_->adapterDir();
  request.destination_dir = target;
  request.include_checkpoints = include_checkpoints_->isChecked();
  if (QFileInfo::exists(target)) {
    if (QMessageBox::question(this, tr("Replace the folder?"),
                              tr("%1 already exists. Replace it with this adapter?").arg(target)) != QMessageBox::Yes)
      return;
    request.replace_existing = true;
  }
  ExportTask* task = ExportTask::copyTask(request, this);
  copy_result_->setStyleSheet(QString());
  copy_result_->setText(tr("Copying…"));
  connect(task, &ExportTask::succeeded, this, [this](const QString& output_dir) {
    copy_result_->setText(tr("Copied to %1").arg(QDir::toNativeSeparators(output_dir)));
    Q_EMIT session_->statusMessage(tr("Adapter copied to %1").arg(output_dir));
  });
  beginTask(task, copy_result_);
}

void ExportPage::startMerge() {
  if (isBusy() || !confirmExportWhileTraining()) return;
  MergeRequest request;
  request.model_dir = base_model_->text().trimmed();
  request.adapter_dir = session_->adapterDir();
  request.output_dir = merge_output_->text().trimmed();
  request.dtype = merge_dtype_->currentData().toString();
  request.replace_model = replace_model_->isChecked();
  merge_result_->setStyleSheet(QString());
  load_merged_button_->setVisible(false);
  if (request.model_dir.isEmpty() || request.output_dir.isEmpty()) {
    merge_result_->setText(tr("Choose the base model and the output folder first."));
    merge_result_->setStyleSheet("color: red");
    return;
  }
  // The engine refuses too, but in its command line's words; here the window's checkbox is the way out.
  if (!request.replace_model && QFileInfo(request.output_dir).isDir()) {
    const QDir output(request.output_dir);
    // The files the engine takes for a model (adapter_merge.cpp's model_file_in).
    const QStringList model_files = output.entryList({"config.json", "model*.safetensors", "model.safetensors.index.json",
                                                      "pytorch_model*.bin", "pytorch_model*.bin.index.json"},
                                                     QDir::Files);
    if (!model_files.isEmpty()) {
      merge_result_->setText(tr("Failed: %1 already holds a model (%2). Choose a new output folder, or tick “%3” to "
                                "replace it.")
                                 .arg(QDir::toNativeSeparators(request.output_dir), model_files.first(),
                                      replace_model_->text()));
      merge_result_->setStyleSheet("color: red");
      return;
    }
  }
  ExportTask* task = ExportTask::mergeTask(request, this);
  merge_result_->setText(tr("Merging…"));
  connect(task, &ExportTask::succeeded, this,
          [this](const QString& output_dir, const QString& summary, const QStringList& notes) {
            merged_dir_ = output_dir;
            QString text = tr("Merged model written to %1").arg(QDir::toNativeSeparators(output_dir)) + "\n" + summary;
            for (const QString& note : notes) text += "\n• " + note;
            merge_result_->setText(text);
            load_merged_button_->setVisible(true);
            refreshSnippets();
            Q_EMIT session_->statusMessage(tr("Merged model written to %1").arg(output_dir));
            // The Models page lists the new model: a folder it scans is rescanned, another one is added.
            const QString model = QDir::cleanPath(output_dir), parent = QFileInfo(model).path();
            const QStringList folders = session_->modelFolders();
            // The scan goes two levels down: within that, a scanned folder already covers the model.
            const bool covered = std::any_of(folders.begin(), folders.end(), [&model](const QString& folder) {
              const QString root = QDir::cleanPath(folder);
              return model.startsWith(root + "/") && model.mid(root.size() + 1).count('/') <= 1;
            });
            if (covered) Q_EMIT session_->modelFoldersChanged(folders);
            else session_->addModelFolder(parent);
          });
  beginTask(task, merge_result_);
}

void ExportPage::cancelTask() {
  if (task_) task_->cancel();
}

void ExportPage::beginTask(ExportTask* task, QLabel* result) {
  task_ = task;
  task_result_ = result;
  progress_->setVisible(true);
  progress_->setRange(0, 0);  // busy until the first progress report
  progress_->setFormat(QStringLiteral("%p%"));
  connect(task, &ExportTask::progress, this, [this](qint64 done, qint64 total, const QString& item) {
    // A copy counts bytes, which can exceed an int: show thousandths.
    progress_->setRange(0, 1000);
    progress_->setValue(total > 0 ? int(done * 1000 / total) : 0);
    progress_->setFormat(QStringLiteral("%p% — ") + item);
  });
  connect(task, &ExportTask::failed, this, [this](const QString& message, bool cancelled) {
    task_result_->setText(cancelled ? tr("Cancelled; nothing was written.") : tr("Failed: %1").arg(message));
    task_result_->setStyleSheet(cancelled ? QString() : QStringLiteral("color: red"));
    endTask();
  });
  // After the page's own success handler, connected before this.
  connect(task, &ExportTask::succeeded, this, &ExportPage::endTask);
  task->start();
  updateTaskButtons();
}

void ExportPage::endTask() {
  progress_->setVisible(false);
  if (task_) task_->deleteLater();  // its destructor joins the thread, which has nothing left to do
  task_ = nullptr;
  updateTaskButtons();
  updateCopyTarget();  // the copy may now exist
}

void ExportPage::updateTaskButtons() {
  // Exporting mid-run is allowed (a user may want the weights so far), but never without saying so.
  const bool training = adapterBeingTrained();
  if (training) training_note_->setText(trainingWarning());
  training_note_->setVisible(training);
  copy_button_->setEnabled(!copyTarget().isEmpty() && !isBusy());
  merge_button_->setEnabled(!isBusy());
  cancel_button_->setEnabled(isBusy());
}

bool ExportPage::adapterBeingTrained() const {
  const QString run_dir = session_->trainingOutputDir();
  const QString dir = session_->adapterDir();
  if (!session_->isTraining() || run_dir.isEmpty() || dir.isEmpty()) return false;
  const QString adapter = QDir::cleanPath(QDir(dir).absolutePath());
  return adapter == run_dir || adapter.startsWith(run_dir + "/");
}

QString ExportPage::trainingWarning() const {
  const QString run_dir = session_->trainingOutputDir();
  const qint64 step = last_logged_step(run_dir + "/training_log.jsonl");
  const bool checkpoint = QDir::cleanPath(QDir(session_->adapterDir()).absolutePath()) != run_dir;
  if (checkpoint)
    return step > 0 ? tr("This checkpoint belongs to a run that is still training (now at step %1). The checkpoint "
                         "is complete, but the run may remove it when it saves newer ones.")
                          .arg(step)
                    : tr("This checkpoint belongs to a run that is still training. The checkpoint is complete, but "
                         "the run may remove it when it saves newer ones.");
  return step > 0 ? tr("This adapter is still being trained (step %1); exporting now takes the weights saved so far, "
                       "not the finished adapter.")
                        .arg(step)
                  : tr("This adapter is still being trained; exporting now takes the weights saved so far, not the "
                       "finished adapter.");
}

bool ExportPage::confirmExportWhileTraining() {
  if (!adapterBeingTrained()) return true;
  return QMessageBox::question(this, tr("Export while training?"),
                               trainingWarning() + "\n\n" + tr("Export it anyway?"),
                               QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
}

void ExportPage::onTrainingChanged(bool running) {
  if (running) {
    training_poll_->start();
    updateTaskButtons();
    return;
  }
  training_poll_->stop();
  refreshAdapter();  // the run replaced the adapter's files: new sizes, maybe new checkpoints
}

}  // namespace ui
