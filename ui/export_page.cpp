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
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <vector>

#include "gguf_size_estimate.h"
#include "ollama_export.h"
#include "ollama_modelfile.h"

#include "app_session.h"
#include "background_job.h"
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

  estimate_job_ = std::make_unique<BackgroundJob>(this);
  modelfile_job_ = std::make_unique<BackgroundJob>(this);
  estimate_timer_ = new QTimer(this);
  estimate_timer_->setSingleShot(true);
  estimate_timer_->setInterval(300);
  connect(estimate_timer_, &QTimer::timeout, this, [this] {
    updateEstimate();
    refreshModelfile();
  });
  // The running task's progress and its Cancel, shared by every tab (below them).
  progress_ = new QProgressBar(left);
  progress_->setObjectName("export_progress");
  progress_->setVisible(false);
  cancel_button_ = new QPushButton(tr("Cancel"), left);
  cancel_button_->setObjectName("cancel_button");
  cancel_button_->setToolTip(tr("Stop the copy, merge, export or check; nothing half-written is left behind"));
  cancel_button_->setEnabled(false);
  connect(cancel_button_, &QPushButton::clicked, this, &ExportPage::cancelTask);

  layout->addWidget(buildAdapterBox(left));
  // One tab per way out: the adapter as it is, merged into a model folder, GGUF for llama.cpp, Ollama, LM Studio.
  targets_ = new QTabWidget(left);
  targets_->setObjectName("export_targets");
  targets_->addTab(buildCopyBox(targets_), tr("PEFT adapter"));
  targets_->addTab(buildMergeBox(targets_), tr("Merged model"));
  targets_->addTab(buildGgufBox(targets_), QStringLiteral("GGUF"));
  targets_->addTab(buildOllamaBox(targets_), QStringLiteral("Ollama"));
  targets_->addTab(buildLmStudioBox(targets_), QStringLiteral("LM Studio"));
  targets_->setUsesScrollButtons(false);
  targets_->setElideMode(Qt::ElideRight);
  const int saved_target = session_->settings().value("export/target", 0).toInt();
  targets_->setCurrentIndex(saved_target >= 0 && saved_target < targets_->count() ? saved_target : 0);
  connect(targets_, &QTabWidget::currentChanged, this, [this](int index) {
    session_->settings().setValue("export/target", index);
    updateEstimate();
  });
  layout->addWidget(targets_);
  auto* task_row = new QHBoxLayout;
  task_row->addWidget(progress_, 1);
  task_row->addWidget(cancel_button_);
  layout->addLayout(task_row);
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
  refreshGguf();
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
  files_->setMinimumHeight(120);
  adapter_layout->addWidget(files_);
  // The model the adapter was trained on: every export but the copy reads it.
  auto* base_row = new QHBoxLayout;
  base_row->addWidget(new QLabel(tr("Base model:"), adapter_box));
  base_model_ = new QLineEdit(adapter_box);
  base_model_->setObjectName("base_model");
  base_model_->setToolTip(tr("The model the adapter was trained on (the loaded model, or the adapter's "
                             "base_model_name_or_path)"));
  base_row->addWidget(base_model_, 1);
  auto* browse_base = new QPushButton(tr("Browse…"), adapter_box);
  browse_base->setObjectName("browse_base_button");
  connect(browse_base, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Base model folder"), base_model_->text());
    if (!dir.isEmpty()) base_model_->setText(dir);
  });
  base_row->addWidget(browse_base);
  adapter_layout->addLayout(base_row);
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
  copy_layout->addStretch();  // the tabs are as tall as the tallest: this one's rows stay at the top
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
  merge_buttons->addStretch();
  merge_layout->addLayout(merge_buttons);
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
  merge_layout->addStretch();  // the tabs are as tall as the tallest: this one's rows stay at the top
  connect(base_model_, &QLineEdit::textChanged, this, [this] {
    suggestMergeOutput();
    refreshSnippets();
    refreshGguf();
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
  refreshGguf();
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
  const bool checking = task_kind_ >= 0 && result == gguf_[task_kind_].verification;
  connect(task, &ExportTask::failed, this, [this, checking](const QString& message, bool cancelled) {
    if (checking)
      task_result_->setText(cancelled ? tr("Check cancelled; the exported file stays.")
                                      : tr("The check failed: %1").arg(message));
    else
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
  task_kind_ = -1;
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
  const bool have_model = !base_model_->text().trimmed().isEmpty();
  for (const GgufTargetWidgets& target : gguf_)
    if (target.button) target.button->setEnabled(have_model && !isBusy());
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

// ---------------------------------------------------------------------------------------------------
// GGUF, Ollama and LM Studio

namespace {

// A name Ollama and LM Studio accept: lower case letters, digits and . _ -.
QString model_name(const QString& text) {
  QString name;
  for (QChar c : text.toLower()) name += (c.isLetterOrNumber() && c.unicode() < 128) || c == '.' || c == '_' || c == '-' ? c : QChar('-');
  while (name.contains("--")) name.replace("--", "-");
  while (name.startsWith('-')) name.remove(0, 1);
  while (name.endsWith('-')) name.chop(1);
  return name;
}

QLabel* wrapping_label(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  label->setWordWrap(true);
  return label;
}

QLabel* result_label(const QString& name, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(name);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

// A line edit with a Browse… button beside it.
QHBoxLayout* path_row(QLineEdit* edit, QPushButton* browse) {
  auto* row = new QHBoxLayout;
  row->addWidget(edit, 1);
  row->addWidget(browse);
  return row;
}

struct EstimateOutcome {
  QString key;
  qint64 bytes = -1;
  std::map<std::string, std::int64_t> types;
  QString error;
};

}  // namespace

QComboBox* ExportPage::makeTypeCombo(QWidget* parent, const QString& name) {
  auto* combo = new QComboBox(parent);
  combo->setObjectName(name);
  combo->addItem(tr("f32 — full precision, the largest file"), "f32");
  combo->addItem(tr("f16 — half precision"), "f16");
  combo->addItem(tr("bf16 — half precision, bfloat16"), "bf16");
  combo->addItem(tr("q8_0 — 8-bit, close to lossless"), "q8_0");
  combo->addItem(tr("q4_0 — 4-bit, the smallest"), "q4_0");
  combo->addItem(tr("q4_k_m — 4-bit K-quants, the usual size/quality trade"), "q4_k_m");
  // The long item texts must not widen the page (it would scroll sideways at 1024 px).
  combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  combo->setMinimumContentsLength(16);
  combo->setToolTip(tr("How the weights are stored in the GGUF file. Norms and other 1-D tensors always stay "
                       "f32; the 4-bit types keep some tensors at higher precision as llama.cpp's llama-quantize "
                       "does."));
  connect(combo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    scheduleEstimate();
    refreshGguf();
  });
  // From then on the type stays the user's, whatever the next base model's default.
  connect(combo, &QComboBox::activated, this, [combo] { combo->setProperty("user_chose", true); });
  return combo;
}

// The rows every GGUF target ends with: the size estimate, the check, the button, the result and what to do next.
void ExportPage::addGgufCommonRows(GgufKind kind, QVBoxLayout* layout, const QString& prefix) {
  GgufTargetWidgets& target = gguf_[kind];
  QWidget* box = target.box;
  target.estimate = result_label(prefix + "_estimate", box);
  target.estimate->setProperty("estimated_bytes", qint64(-1));
  layout->addWidget(target.estimate);
  // A wrapping label beside the box, as for the copy's checkpoints: a check box's own text never wraps.
  const QString verify_text = tr("Check the file afterwards: the same question to the exported file and to the "
                                 "source model, greedy");
  target.verify = new QCheckBox(box);
  target.verify->setObjectName(prefix + "_verify");
  target.verify->setAccessibleName(verify_text);
  auto* verify_label = new ClickableLabel(verify_text, box);
  verify_label->setWordWrap(true);
  verify_label->setBuddy(target.verify);
  QCheckBox* verify = target.verify;
  verify_label->on_click = [verify] { verify->toggle(); };
  target.verify->setChecked(session_->settings().value("export/verify_gguf", true).toBool());
  target.verify->setToolTip(tr("Loads the exported file and the source model with its adapter in turn (each once, "
                               "in float32) and compares their first 24 answer tokens"));
  connect(target.verify, &QCheckBox::toggled, this, [this](bool on) {
    session_->settings().setValue("export/verify_gguf", on);
    for (const GgufTargetWidgets& other : gguf_)
      if (other.verify && other.verify->isChecked() != on) other.verify->setChecked(on);
  });
  auto* verify_row = new QHBoxLayout;
  verify_row->addWidget(target.verify, 0, Qt::AlignTop);
  verify_row->addWidget(verify_label, 1);
  layout->addLayout(verify_row);
  auto* buttons = new QHBoxLayout;
  target.button = new QPushButton(box);
  target.button->setObjectName(prefix + "_button");
  connect(target.button, &QPushButton::clicked, this, [this, kind] { startGgufExport(kind); });
  buttons->addWidget(target.button);
  buttons->addStretch();
  layout->addLayout(buttons);
  target.result = result_label(prefix + "_result", box);
  layout->addWidget(target.result);
  target.verification = result_label(prefix + "_verification", box);
  layout->addWidget(target.verification);
  layout->addWidget(wrapping_label(tr("What to do next:"), box));
  target.next = new QPlainTextEdit(box);
  target.next->setObjectName(prefix + "_next");
  target.next->setReadOnly(true);
  target.next->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  target.next->setLineWrapMode(QPlainTextEdit::NoWrap);
  target.next->setMinimumHeight(90);
  target.next->setMaximumHeight(150);
  layout->addWidget(target.next);
  auto* copy = new QPushButton(tr("Copy"), box);
  copy->setObjectName(prefix + "_next_copy");
  copy->setToolTip(tr("Copy these lines to the clipboard"));
  QPlainTextEdit* next = target.next;
  connect(copy, &QPushButton::clicked, this, [next] { QApplication::clipboard()->setText(next->toPlainText()); });
  layout->addWidget(copy, 0, Qt::AlignRight);
  layout->addStretch();
}

QGroupBox* ExportPage::buildGgufBox(QWidget* parent) {
  auto* box = new QGroupBox(tr("A GGUF file for llama.cpp"), parent);
  box->setObjectName("gguf_box");
  gguf_[GgufFile].box = box;
  auto* layout = new QVBoxLayout(box);
  layout->addWidget(wrapping_label(tr("One file with the model's weights, tokenizer and chat template, as llama.cpp's "
                                      "own converter writes it: llama.cpp, Ollama, LM Studio and other tools run it "
                                      "directly. Or the adapter alone, which llama.cpp applies on top of the base "
                                      "model's GGUF (--lora)."),
                                   box));
  auto* form = new QFormLayout;
  gguf_contents_ = new QComboBox(box);
  gguf_contents_->setObjectName("gguf_contents");
  gguf_contents_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  gguf_contents_->setMinimumContentsLength(16);
  gguf_contents_->addItem(tr("The model with the adapter merged in"), "merged");
  gguf_contents_->addItem(tr("The adapter alone (llama.cpp --lora)"), "adapter");
  connect(gguf_contents_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    // The adapter alone holds only f32 or f16 factors.
    auto* types = qobject_cast<QStandardItemModel*>(gguf_[GgufFile].type->model());
    for (int row = 0; row < gguf_[GgufFile].type->count(); ++row) {
      const QString type = gguf_[GgufFile].type->itemData(row).toString();
      if (types) types->item(row)->setEnabled(!ggufAdapterOnly() || type == "f32" || type == "f16");
    }
    const QString type = gguf_[GgufFile].type->currentData().toString();
    if (ggufAdapterOnly() && type != "f32" && type != "f16")
      gguf_[GgufFile].type->setCurrentIndex(gguf_[GgufFile].type->findData("f32"));
    scheduleEstimate();
    refreshGguf();
  });
  form->addRow(tr("Contents:"), gguf_contents_);
  gguf_[GgufFile].type = makeTypeCombo(box, "gguf_type");
  form->addRow(tr("Type:"), gguf_[GgufFile].type);
  gguf_output_ = new QLineEdit(box);
  gguf_output_->setObjectName("gguf_output");
  auto* browse = new QPushButton(tr("Browse…"), box);
  browse->setObjectName("browse_gguf_button");
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getSaveFileName(this, tr("GGUF file"), gguf_output_->text(), tr("GGUF files (*.gguf)"));
    if (!file.isEmpty()) gguf_output_->setText(file);
  });
  form->addRow(tr("File:"), path_row(gguf_output_, browse));
  layout->addLayout(form);
  connect(gguf_output_, &QLineEdit::textChanged, this, &ExportPage::refreshGguf);
  addGgufCommonRows(GgufFile, layout, "gguf");
  gguf_[GgufFile].button->setText(tr("Export GGUF"));
  return box;
}

QGroupBox* ExportPage::buildOllamaBox(QWidget* parent) {
  auto* box = new QGroupBox(tr("A model for Ollama"), parent);
  box->setObjectName("ollama_box");
  gguf_[OllamaFolder].box = box;
  auto* layout = new QVBoxLayout(box);
  layout->addWidget(wrapping_label(tr("Writes model.gguf (the adapter merged in) and a Modelfile with the prompt "
                                      "format the adapter was trained with into a folder. With a model name, and "
                                      "Ollama installed here, it also runs “ollama create”."),
                                   box));
  auto* form = new QFormLayout;
  ollama_folder_ = new QLineEdit(box);
  ollama_folder_->setObjectName("ollama_folder");
  auto* browse = new QPushButton(tr("Browse…"), box);
  browse->setObjectName("browse_ollama_button");
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for Ollama's files"), ollama_folder_->text());
    if (!dir.isEmpty()) ollama_folder_->setText(dir);
  });
  form->addRow(tr("Folder:"), path_row(ollama_folder_, browse));
  ollama_name_ = new QLineEdit(box);
  ollama_name_->setObjectName("ollama_name");
  ollama_name_->setPlaceholderText(tr("e.g. my-model (empty: only write the files)"));
  form->addRow(tr("Model name:"), ollama_name_);
  gguf_[OllamaFolder].type = makeTypeCombo(box, "ollama_type");
  gguf_[OllamaFolder].type->setCurrentIndex(gguf_[OllamaFolder].type->findData("q4_k_m"));
  form->addRow(tr("Type:"), gguf_[OllamaFolder].type);
  layout->addLayout(form);
  ollama_replace_ = new QCheckBox(tr("Replace model.gguf and Modelfile already in the folder"), box);
  ollama_replace_->setObjectName("ollama_replace");
  layout->addWidget(ollama_replace_);
  layout->addWidget(wrapping_label(tr("Modelfile:"), box));
  ollama_modelfile_ = new QPlainTextEdit(box);
  ollama_modelfile_->setObjectName("ollama_modelfile");
  ollama_modelfile_->setReadOnly(true);
  ollama_modelfile_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  ollama_modelfile_->setLineWrapMode(QPlainTextEdit::NoWrap);
  ollama_modelfile_->setMinimumHeight(90);
  ollama_modelfile_->setMaximumHeight(170);
  layout->addWidget(ollama_modelfile_);
  connect(ollama_folder_, &QLineEdit::textChanged, this, &ExportPage::refreshGguf);
  connect(ollama_name_, &QLineEdit::textChanged, this, &ExportPage::refreshGguf);
  addGgufCommonRows(OllamaFolder, layout, "ollama");
  gguf_[OllamaFolder].button->setText(tr("Export for Ollama"));
  return box;
}

QGroupBox* ExportPage::buildLmStudioBox(QWidget* parent) {
  auto* box = new QGroupBox(tr("A model for LM Studio"), parent);
  box->setObjectName("lmstudio_box");
  gguf_[LmStudioFile].box = box;
  auto* layout = new QVBoxLayout(box);
  layout->addWidget(wrapping_label(tr("Writes the GGUF file (the adapter merged in) where LM Studio looks for models: "
                                      "<models folder>/<publisher>/<name>/. LM Studio then lists it under My Models."),
                                   box));
  auto* form = new QFormLayout;
  lmstudio_folder_ = new QLineEdit(box);
  lmstudio_folder_->setObjectName("lmstudio_folder");
  lmstudio_folder_->setToolTip(tr("LM Studio's models folder (its My Models settings show where it is)"));
  lmstudio_folder_->setText(session_->settings()
                                .value("export/lmstudio_folder", QDir::home().filePath(".lmstudio/models"))
                                .toString());
  auto* browse = new QPushButton(tr("Browse…"), box);
  browse->setObjectName("browse_lmstudio_button");
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("LM Studio's models folder"), lmstudio_folder_->text());
    if (!dir.isEmpty()) lmstudio_folder_->setText(dir);
  });
  form->addRow(tr("Models folder:"), path_row(lmstudio_folder_, browse));
  lmstudio_publisher_ = new QLineEdit(session_->settings().value("export/lmstudio_publisher", "lora-studio").toString(), box);
  lmstudio_publisher_->setObjectName("lmstudio_publisher");
  form->addRow(tr("Publisher:"), lmstudio_publisher_);
  lmstudio_name_ = new QLineEdit(box);
  lmstudio_name_->setObjectName("lmstudio_name");
  form->addRow(tr("Model name:"), lmstudio_name_);
  gguf_[LmStudioFile].type = makeTypeCombo(box, "lmstudio_type");
  gguf_[LmStudioFile].type->setCurrentIndex(gguf_[LmStudioFile].type->findData("q4_k_m"));
  form->addRow(tr("Type:"), gguf_[LmStudioFile].type);
  layout->addLayout(form);
  lmstudio_target_ = result_label("lmstudio_target", box);
  layout->addWidget(lmstudio_target_);
  connect(lmstudio_folder_, &QLineEdit::textChanged, this, [this](const QString& text) {
    session_->settings().setValue("export/lmstudio_folder", text);
    refreshGguf();
  });
  connect(lmstudio_publisher_, &QLineEdit::textChanged, this, [this](const QString& text) {
    session_->settings().setValue("export/lmstudio_publisher", text);
    refreshGguf();
  });
  connect(lmstudio_name_, &QLineEdit::textChanged, this, &ExportPage::refreshGguf);
  addGgufCommonRows(LmStudioFile, layout, "lmstudio");
  gguf_[LmStudioFile].button->setText(tr("Export for LM Studio"));
  return box;
}

void ExportPage::showTarget(const QString& name) {
  const QStringList names = {"adapter", "merged", "gguf", "ollama", "lmstudio"};
  if (names.contains(name)) targets_->setCurrentIndex(int(names.indexOf(name)));
}

bool ExportPage::ggufAdapterOnly() const {
  return gguf_contents_->isEnabled() && gguf_contents_->currentData().toString() == "adapter";
}

QString ExportPage::ggufAdapterDir() const {
  const QString dir = session_->adapterDir();
  if (dir.isEmpty() || !QFileInfo::exists(dir + "/adapter_config.json")) return {};
  return dir;
}

QString ExportPage::lmStudioFile() const {
  const QString folder = lmstudio_folder_->text().trimmed();
  const QString publisher = model_name(lmstudio_publisher_->text());
  const QString name = model_name(lmstudio_name_->text());
  if (folder.isEmpty() || publisher.isEmpty() || name.isEmpty()) return {};
  // LM Studio's own downloads name the file after the model and its quantization: name-Q4_K_M.gguf.
  const QString type = gguf_[LmStudioFile].type->currentData().toString().toUpper();
  return QDir::cleanPath(QDir(folder).filePath(publisher + "/" + name + "/" + name + "-" + type + ".gguf"));
}

// Suggested outputs (kept once the user typed their own), the next steps, the buttons.
void ExportPage::refreshGguf() {
  if (!gguf_contents_ || !lmstudio_target_ || !gguf_[LmStudioFile].next) return;  // still being built
  const QString model = QDir::cleanPath(base_model_->text().trimmed());
  const bool have_model = !base_model_->text().trimmed().isEmpty();
  const QString adapter_dir = ggufAdapterDir();
  const QString adapter = folder_name(adapter_dir);

  // With no adapter, the model alone.
  gguf_contents_->setItemText(0, adapter.isEmpty() ? tr("The model alone (no adapter chosen)")
                                                   : tr("The model with the adapter merged in"));
  if (adapter.isEmpty() && gguf_contents_->currentIndex() != 0) gguf_contents_->setCurrentIndex(0);
  gguf_contents_->setEnabled(!adapter.isEmpty());

  // The type export-gguf would pick, marked, and the GGUF tab's default until the user picks one.
  QString default_type = "f16";
  if (have_model) {
    try {
      default_type = QString::fromStdString(lora::gguf::export_type_name(lora::gguf::default_gguf_type(model.toStdString())));
    } catch (const std::exception&) {
    }
  }
  if (default_type != source_default_type_) {
    source_default_type_ = default_type;
    for (const GgufTargetWidgets& target : gguf_)
      for (int row = 0; row < target.type->count(); ++row) {
        QString text = target.type->itemText(row);
        const QString mark = " " + tr("(the default)");
        if (text.endsWith(mark)) text.chop(mark.size());
        if (target.type->itemData(row).toString() == default_type) text += mark;
        target.type->setItemText(row, text);
      }
    if (!gguf_[GgufFile].type->property("user_chose").toBool() && !ggufAdapterOnly()) {
      const QSignalBlocker blocker(gguf_[GgufFile].type);
      gguf_[GgufFile].type->setCurrentIndex(gguf_[GgufFile].type->findData(default_type));
    }
  }

  const QString base_name = have_model ? folder_name(model) + (adapter.isEmpty() ? QString() : "-" + adapter) : QString();
  const QString parent = have_model ? QFileInfo(model).path() : QString();
  if (have_model) {
    QString suggestion;
    if (ggufAdapterOnly())
      suggestion = QFileInfo(adapter_dir).dir().filePath(adapter + "-" + gguf_[GgufFile].type->currentData().toString() + ".gguf");
    else
      suggestion = QDir(parent).filePath(base_name + "-" + gguf_[GgufFile].type->currentData().toString() + ".gguf");
    if (gguf_output_->text().isEmpty() || gguf_output_->text() == suggested_gguf_output_) {
      const QSignalBlocker blocker(gguf_output_);
      gguf_output_->setText(suggestion);
    }
    suggested_gguf_output_ = suggestion;
    const QString folder = QDir(parent).filePath(base_name + "-ollama");
    if (ollama_folder_->text().isEmpty() || ollama_folder_->text() == suggested_ollama_folder_) {
      const QSignalBlocker blocker(ollama_folder_);
      ollama_folder_->setText(folder);
    }
    suggested_ollama_folder_ = folder;
    const QString name = model_name(base_name);
    if (ollama_name_->text() == suggested_ollama_name_) {
      const QSignalBlocker blocker(ollama_name_);
      ollama_name_->setText(name);
    }
    suggested_ollama_name_ = name;
    if (lmstudio_name_->text().isEmpty() || lmstudio_name_->text() == suggested_lmstudio_name_) {
      const QSignalBlocker blocker(lmstudio_name_);
      lmstudio_name_->setText(name);
    }
    suggested_lmstudio_name_ = name;
  }

  const QString gguf_file = gguf_output_->text().trimmed();
  gguf_[GgufFile].next->setPlainText(ggufAdapterOnly() ? ggufAdapterNextSteps(gguf_file, model) : ggufModelNextSteps(gguf_file));
  gguf_[OllamaFolder].next->setPlainText(ollamaNextSteps(ollama_folder_->text().trimmed(), model_name(ollama_name_->text())));
  const QString lmstudio_file = lmStudioFile();
  lmstudio_target_->setText(lmstudio_file.isEmpty() ? tr("Fill in the folder, publisher and name.")
                                                    : tr("Writes %1").arg(QDir::toNativeSeparators(lmstudio_file)));
  gguf_[LmStudioFile].next->setPlainText(
      lmStudioNextSteps(lmstudio_file, model_name(lmstudio_publisher_->text()) + "/" + model_name(lmstudio_name_->text())));
  gguf_[GgufFile].verify->setEnabled(!ggufAdapterOnly());
  updateTaskButtons();
  scheduleEstimate();
}

void ExportPage::scheduleEstimate() {
  if (estimate_timer_) estimate_timer_->start();
}

// The file size each GGUF target will write, computed off the GUI thread and kept per model, adapter and type.
void ExportPage::updateEstimate() {
  const QString model = base_model_->text().trimmed();
  struct Query {
    QString key, model, adapter, type;
    bool adapter_only = false;
  };
  std::vector<Query> missing;
  for (int kind = 0; kind < 3; ++kind) {
    GgufTargetWidgets& target = gguf_[kind];
    if (model.isEmpty()) {
      target.estimate->setText(tr("Choose the base model to see the file's size."));
      target.estimate->setStyleSheet(QString());
      target.estimate->setProperty("estimated_bytes", qint64(-1));
      continue;
    }
    Query query;
    query.model = model;
    query.adapter_only = kind == GgufFile && ggufAdapterOnly();
    query.adapter = query.adapter_only ? session_->adapterDir() : ggufAdapterDir();
    query.type = target.type->currentData().toString();
    query.key = model + "|" + query.adapter + "|" + query.type + (query.adapter_only ? "|lora" : "");
    const auto known = estimates_.constFind(query.key);
    if (known != estimates_.constEnd()) {
      const qint64 bytes = estimate_bytes_.value(query.key, -1);
      target.estimate->setText(*known);
      target.estimate->setStyleSheet(bytes < 0 ? QStringLiteral("color: red") : QString());
      target.estimate->setProperty("estimated_bytes", bytes);
      continue;
    }
    target.estimate->setText(tr("Estimating the file's size…"));
    target.estimate->setStyleSheet(QString());
    target.estimate->setProperty("estimated_bytes", qint64(-1));
    if (std::none_of(missing.begin(), missing.end(), [&](const Query& other) { return other.key == query.key; }))
      missing.push_back(query);
  }
  if (missing.empty()) return;
  estimate_job_->run(
      [missing] {
        std::vector<EstimateOutcome> outcomes;
        for (const Query& query : missing) {
          EstimateOutcome outcome;
          outcome.key = query.key;
          try {
            const lora::gguf::GgufSizeEstimate estimate =
                query.adapter_only
                    ? lora::gguf::estimate_lora_gguf_size(query.adapter.toStdString(), query.type.toStdString())
                    : lora::gguf::estimate_model_gguf_size(
                          query.model.toStdString(), query.adapter.toStdString(),
                          lora::gguf::parse_export_type(query.type.toStdString(), "--type"));
            outcome.bytes = static_cast<qint64>(estimate.file_size);
            outcome.types = estimate.tensors_by_type;
          } catch (const std::exception& e) {
            outcome.error = engineMessage(e);
          }
          outcomes.push_back(outcome);
        }
        return outcomes;
      },
      [this](const std::vector<EstimateOutcome>& outcomes) {
        for (const EstimateOutcome& outcome : outcomes) {
          if (!outcome.error.isEmpty()) {
            estimates_[outcome.key] = tr("This cannot be exported: %1").arg(outcome.error);
            estimate_bytes_[outcome.key] = -1;
            continue;
          }
          QStringList types;
          for (const auto& [type, count] : outcome.types) types << tr("%1 × %2").arg(QString::fromStdString(type)).arg(count);
          estimates_[outcome.key] = tr("Estimated file size: %1 (tensors: %2)")
                                        .arg(locale().formattedDataSize(outcome.bytes), types.join(", "));
          estimate_bytes_[outcome.key] = outcome.bytes;
        }
        updateEstimate();
      });
}

void ExportPage::refreshModelfile() {
  const QString model = base_model_->text().trimmed(), adapter = ggufAdapterDir();
  if (model.isEmpty()) {
    ollama_modelfile_->clear();
    return;
  }
  modelfile_job_->run(
      [model, adapter] {
        try {
          const lora::gguf::OllamaPromptFormat format =
              lora::gguf::ollama_prompt_format_for(model.toStdString(), adapter.toStdString());
          return QString::fromStdString(lora::gguf::ollama_modelfile_text("./model.gguf", format));
        } catch (const std::exception& e) {
          return "# " + engineMessage(e);
        }
      },
      [this](const QString& text) { ollama_modelfile_->setPlainText(text); });
}

void ExportPage::startGgufExport(GgufKind kind) {
  if (isBusy() || !confirmExportWhileTraining()) return;
  GgufTargetWidgets& target = gguf_[kind];
  target.result->setStyleSheet(QString());
  target.verification->clear();
  auto refuse = [&target](const QString& message) {
    target.result->setText(message);
    target.result->setStyleSheet("color: red");
  };
  GgufRequest request;
  request.model_dir = base_model_->text().trimmed();
  request.adapter_dir = ggufAdapterDir();
  request.type = target.type->currentData().toString();
  if (request.model_dir.isEmpty()) return refuse(tr("Choose the base model first."));
  if (kind == GgufFile) {
    request.target = ggufAdapterOnly() ? GgufTarget::AdapterFile : GgufTarget::ModelFile;
    request.output = gguf_output_->text().trimmed();
    if (request.output.isEmpty()) return refuse(tr("Choose the file to write first."));
  } else if (kind == OllamaFolder) {
    request.target = GgufTarget::Ollama;
    request.output = ollama_folder_->text().trimmed();
    request.replace_existing = ollama_replace_->isChecked();
    if (request.output.isEmpty()) return refuse(tr("Choose the folder to write into first."));
    const QDir folder(request.output);
    const QStringList present = folder.exists() ? folder.entryList({"model.gguf", "Modelfile"}, QDir::Files) : QStringList();
    if (!present.isEmpty() && !request.replace_existing)
      return refuse(tr("Failed: %1 already holds %2. Choose a new folder, or tick “%3”.")
                        .arg(QDir::toNativeSeparators(request.output), present.join(", "), ollama_replace_->text()));
  } else {
    request.target = GgufTarget::LmStudio;
    request.output = lmStudioFile();
    if (request.output.isEmpty()) return refuse(tr("Fill in the folder, publisher and name first."));
  }
  if (request.target != GgufTarget::Ollama && QFileInfo::exists(request.output) &&
      QMessageBox::question(this, tr("Replace the file?"),
                            tr("%1 already exists. Replace it?").arg(QDir::toNativeSeparators(request.output))) !=
          QMessageBox::Yes)
    return;
  const bool check = target.verify->isChecked() && request.target != GgufTarget::AdapterFile;
  const QString ollama_name = model_name(ollama_name_->text());
  ExportTask* task = ExportTask::ggufTask(request, this);
  target.result->setText(tr("Exporting…"));
  connect(task, &ExportTask::succeeded, this,
          [this, kind, request, check, ollama_name](const QString& output, const QString& summary, const QStringList& notes) {
            GgufTargetWidgets& done = gguf_[kind];
            QString text = tr("Written: %1").arg(QDir::toNativeSeparators(output)) + "\n" + summary;
            for (const QString& note : notes) text += "\n• " + note;
            if (kind == OllamaFolder) {
              if (ollama_name.isEmpty())
                text += "\n" + tr("No model name given: create the Ollama model with the commands below.");
              else if (QStandardPaths::findExecutable("ollama").isEmpty())
                text += "\n" + tr("Ollama is not installed here: run the commands below where it is.");
              else
                QTimer::singleShot(0, this, [this, request, ollama_name] { runOllamaCreate(request.output, ollama_name); });
            }
            done.result->setText(text);
            Q_EMIT session_->statusMessage(tr("Exported %1").arg(output));
            // After endTask (connected after this handler) has freed the page for the next task.
            if (check) QTimer::singleShot(0, this, [this, kind, output] { startVerification(kind, output); });
          });
  task_kind_ = kind;
  beginTask(task, target.result);
}

void ExportPage::startVerification(GgufKind kind, const QString& gguf_path) {
  if (isBusy()) return;
  VerifyRequest request;
  request.model_dir = base_model_->text().trimmed();
  request.adapter_dir = ggufAdapterDir();
  request.gguf_path = gguf_path;
  // A short question any chat model answers; what matters is that both files answer it alike.
  request.prompt = QStringLiteral("Say hello and tell me what you can do.");
  request.device = session_->computeDevice();
  request.threads = session_->computeThreads();
  ExportTask* task = ExportTask::verifyTask(request, this);
  GgufTargetWidgets& target = gguf_[kind];
  target.verification->setStyleSheet(QString());
  target.verification->setText(tr("Checking: the same question to the exported file and to the source model…"));
  connect(task, &ExportTask::compared, this, [this, kind](const ExportComparison& comparison) { showComparison(kind, comparison); });
  task_kind_ = kind;
  beginTask(task, target.verification);
}

void ExportPage::showComparison(GgufKind kind, const ExportComparison& comparison) {
  GgufTargetWidgets& target = gguf_[kind];
  auto quoted = [](const QString& answer) { return "“" + answer.simplified() + "”"; };
  QString text;
  if (comparison.same) {
    text = tr("verified: same greedy answer") + "\n" + tr("Source model and exported file: %1").arg(quoted(comparison.source_answer));
    target.verification->setStyleSheet("color: #1a7f37");
  } else {
    text = tr("The answers differ from character %1 on:").arg(comparison.first_difference + 1) + "\n" +
           tr("Source model: %1").arg(quoted(comparison.source_answer)) + "\n" +
           tr("Exported file: %1").arg(quoted(comparison.exported_answer));
    const QString type = target.type->currentData().toString();
    if (type.startsWith("q4") || type == "q8_0")
      text += "\n" + tr("Quantized files often part from the source model after a few words; f32, f16 and bf16 should not.");
    target.verification->setStyleSheet("color: #b35900");
  }
  if (!comparison.same_prompt_ids) text += "\n" + tr("The two tokenizers encoded the question differently.");
  target.verification->setText(text);
}

void ExportPage::runOllamaCreate(const QString& folder, const QString& name) {
  if (ollama_create_) return;
  ollama_create_ = new QProcess(this);
  ollama_create_->setWorkingDirectory(folder);
  ollama_create_->setProcessChannelMode(QProcess::MergedChannels);
  QLabel* result = gguf_[OllamaFolder].result;
  const QString before = result->text();
  result->setText(before + "\n" + tr("Running: ollama create %1 …").arg(name));
  connect(ollama_create_, &QProcess::finished, this, [this, result, before, name](int code, QProcess::ExitStatus status) {
    const QString output = QString::fromLocal8Bit(ollama_create_->readAll()).trimmed();
    if (status == QProcess::NormalExit && code == 0)
      result->setText(before + "\n" + tr("Ollama model %1 created: run it with “ollama run %1”.").arg(name));
    else
      result->setText(before + "\n" + tr("ollama create failed: %1").arg(output.right(600)));
    ollama_create_->deleteLater();
    ollama_create_ = nullptr;
  });
  ollama_create_->start(QStandardPaths::findExecutable("ollama"), {"create", name, "-f", QDir(folder).filePath("Modelfile")});
}

}  // namespace ui
