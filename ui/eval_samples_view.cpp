#include "eval_samples_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace ui {

namespace {

QPlainTextEdit* makeViewer(QWidget* parent, const char* name, const QString& placeholder) {
  auto* viewer = new QPlainTextEdit(parent);
  viewer->setObjectName(name);
  viewer->setReadOnly(true);
  viewer->setPlaceholderText(placeholder);
  return viewer;
}

// A caption above a viewer, in a widget a splitter can hold.
QWidget* captioned(QWidget* parent, QLabel* caption, QWidget* viewer) {
  auto* box = new QWidget(parent);
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  caption->setBuddy(viewer);
  layout->addWidget(caption);
  layout->addWidget(viewer, 1);
  return box;
}

QString formatPerplexity(double perplexity) {
  if (!std::isfinite(perplexity)) return QStringLiteral("—");
  return perplexity < 1000 ? QString::number(perplexity, 'f', 2) : QString::number(perplexity, 'g', 4);
}

// The part of each prompt that tells it from the others: whole lines shared by all of them at the
// start (a template's preamble) and the end (its response header) are left out.
QString distinctivePart(const QString& prompt, const QStringList& all) {
  int prefix = prompt.size(), suffix = prompt.size();
  for (const QString& other : all) {
    int p = 0;
    while (p < prefix && p < other.size() && prompt[p] == other[p]) ++p;
    prefix = p;
    int s = 0;
    while (s < suffix && s < other.size() && prompt[prompt.size() - 1 - s] == other[other.size() - 1 - s]) ++s;
    suffix = s;
  }
  if (all.size() < 2) prefix = suffix = 0;
  const int start = prefix > 0 ? prompt.lastIndexOf('\n', prefix - 1) + 1 : 0;
  int end = prompt.size();
  if (suffix > 0) {
    const int newline = prompt.indexOf('\n', prompt.size() - suffix);
    if (newline >= 0) end = newline;
  }
  QString part = start < end ? prompt.mid(start, end - start).simplified() : prompt.simplified();
  if (part.isEmpty()) part = prompt.simplified();
  constexpr int kLongest = 70;
  return part.size() > kLongest ? part.left(kLongest - 1) + QChar(0x2026) : part;
}

}  // namespace

EvalSamplesView::EvalSamplesView(QWidget* parent) : QWidget(parent) {
  setObjectName("evalSamples");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  pages_ = new QStackedWidget(this);
  layout->addWidget(pages_);

  empty_ = new QLabel(pages_);
  empty_->setObjectName("evalSamplesEmpty");
  empty_->setAlignment(Qt::AlignCenter);
  empty_->setWordWrap(true);
  pages_->addWidget(empty_);

  auto* content = new QWidget(pages_);
  auto* content_layout = new QVBoxLayout(content);
  content_layout->setContentsMargins(0, 0, 0, 0);
  auto* selector_row = new QHBoxLayout;
  auto* selector_label = new QLabel(tr("Prompt:"), content);
  prompt_selector_ = new QComboBox(content);
  prompt_selector_->setObjectName("evalSamplePrompt");
  prompt_selector_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  prompt_selector_->setMinimumContentsLength(20);
  prompt_selector_->setToolTip(tr("The evaluation prompts the model answers at every evaluation, always the same ones."));
  selector_label->setBuddy(prompt_selector_);
  selector_row->addWidget(selector_label);
  selector_row->addWidget(prompt_selector_, 1);
  content_layout->addLayout(selector_row);

  auto* splitter = new QSplitter(Qt::Vertical, content);
  splitter->setChildrenCollapsible(false);
  auto* texts = new QSplitter(Qt::Horizontal, splitter);
  texts->setChildrenCollapsible(false);
  prompt_text_ = makeViewer(content, "evalSamplePromptText", tr("The prompt"));
  prompt_text_->setToolTip(tr("The prompt exactly as the model sees it, template included."));
  reference_text_ = makeViewer(content, "evalSampleReference", tr("The reference answer"));
  reference_text_->setToolTip(tr("The answer the evaluation set holds for this prompt."));
  texts->addWidget(captioned(texts, new QLabel(tr("Prompt as the model sees it:"), content), prompt_text_));
  texts->addWidget(captioned(texts, new QLabel(tr("Reference answer:"), content), reference_text_));
  splitter->addWidget(texts);

  table_ = new QTableWidget(0, 4, splitter);
  table_->setObjectName("evalSampleTable");
  table_->setHorizontalHeaderLabels({tr("Step"), tr("Eval loss"), tr("Perplexity"), tr("Answer")});
  table_->horizontalHeaderItem(PerplexityColumn)
      ->setToolTip(tr("exp(evaluation loss): roughly how many tokens the model hesitates between at each "
                      "position of the evaluation answers. Lower is better; 1 would be certain."));
  table_->horizontalHeaderItem(AnswerColumn)->setToolTip(tr("What the model answered at that step (greedy decoding)."));
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setWordWrap(false);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(AnswerColumn, QHeaderView::Stretch);
  splitter->addWidget(table_);

  answer_text_ = makeViewer(content, "evalSampleAnswer", tr("Select a row to read the whole answer."));
  answer_text_->setToolTip(tr("The whole answer of the selected evaluation."));
  answer_caption_ = new QLabel(tr("Answer:"), content);
  answer_caption_->setObjectName("evalSampleAnswerCaption");
  splitter->addWidget(captioned(splitter, answer_caption_, answer_text_));
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 2);
  splitter->setStretchFactor(2, 1);
  content_layout->addWidget(splitter, 1);
  pages_->addWidget(content);

  connect(prompt_selector_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { showPrompt(); });
  connect(table_, &QTableWidget::itemSelectionChanged, this, [this] { showSelectedAnswer(); });
  // A row the user picks stays picked while new evaluations arrive; picking the last row follows again.
  connect(table_, &QTableWidget::cellClicked, this,
          [this](int row, int) { follow_latest_ = row == table_->rowCount() - 1; });
  refresh();
}

void EvalSamplesView::clear() {
  prompts_.clear();
  evaluations_.clear();
  follow_latest_ = true;
  {
    const QSignalBlocker block(prompt_selector_);
    prompt_selector_->clear();
  }
  table_->setRowCount(0);
  refresh();
}

void EvalSamplesView::addEntries(const std::vector<lora::TrainingLogEntry>& entries) {
  bool added = false;
  for (const lora::TrainingLogEntry& entry : entries) {
    if (!entry.eval_loss && entry.eval_samples.empty()) continue;
    const double eval_loss = entry.eval_loss ? *entry.eval_loss : std::nan("");
    evaluations_[entry.step] = eval_loss;
    for (const lora::EvalSample& sample : entry.eval_samples) {
      Prompt& prompt = prompts_[sample.index];
      prompt.prompt = QString::fromStdString(sample.prompt);
      prompt.reference = QString::fromStdString(sample.reference);
      prompt.answers[entry.step] = {eval_loss, QString::fromStdString(sample.output)};
    }
    added = true;
  }
  if (added) refresh();
}

int EvalSamplesView::promptCount() const { return static_cast<int>(prompts_.size()); }

int EvalSamplesView::evaluationCount() const { return static_cast<int>(evaluations_.size()); }

bool EvalSamplesView::showsEmptyState() const { return pages_->currentWidget() == empty_; }

QString EvalSamplesView::emptyStateText() const { return showsEmptyState() ? empty_->text() : QString(); }

void EvalSamplesView::refresh() {
  if (prompts_.empty()) {
    empty_->setText(evaluations_.empty()
                        ? tr("Add an evaluation split to see answers as training goes")
                        : tr("This run answered no evaluation prompts: set \"Answer at each evaluation\" above 0 to "
                             "see answers as training goes"));
    pages_->setCurrentWidget(empty_);
    return;
  }
  pages_->setCurrentIndex(1);
  refillPromptSelector();
  showPrompt();
}

void EvalSamplesView::refillPromptSelector() {
  QStringList all;
  for (const auto& [index, prompt] : prompts_) all << prompt.prompt;
  const qint64 selected = prompt_selector_->currentIndex() >= 0 ? prompt_selector_->currentData().toLongLong() : -1;
  const QSignalBlocker block(prompt_selector_);
  prompt_selector_->clear();
  int number = 0;
  for (const auto& [index, prompt] : prompts_) {
    prompt_selector_->addItem(tr("%1. %2").arg(++number).arg(distinctivePart(prompt.prompt, all)), index);
    prompt_selector_->setItemData(prompt_selector_->count() - 1, prompt.prompt, Qt::ToolTipRole);
  }
  const int keep = prompt_selector_->findData(selected);
  prompt_selector_->setCurrentIndex(keep >= 0 ? keep : 0);
}

void EvalSamplesView::showPrompt() {
  const auto it = prompts_.find(prompt_selector_->currentData().toLongLong());
  if (it == prompts_.end()) return;
  const Prompt& prompt = it->second;
  if (prompt_text_->toPlainText() != prompt.prompt) prompt_text_->setPlainText(prompt.prompt);
  if (reference_text_->toPlainText() != prompt.reference) reference_text_->setPlainText(prompt.reference);

  const int selected_row = table_->currentRow();
  const qint64 selected_step =
      selected_row >= 0 && table_->item(selected_row, StepColumn) ? table_->item(selected_row, StepColumn)->data(Qt::UserRole).toLongLong() : -1;
  const QSignalBlocker block(table_);
  table_->setRowCount(static_cast<int>(prompt.answers.size()));
  int row = 0, reselect = -1;
  for (const auto& [step, answer] : prompt.answers) {
    auto* step_item = new QTableWidgetItem(QString::number(step));
    step_item->setData(Qt::UserRole, step);
    step_item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto* loss_item = new QTableWidgetItem(std::isfinite(answer.eval_loss) ? QString::number(answer.eval_loss, 'f', 4)
                                                                           : QStringLiteral("—"));
    loss_item->setData(Qt::UserRole, answer.eval_loss);
    loss_item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    const double perplexity = std::exp(answer.eval_loss);
    auto* perplexity_item = new QTableWidgetItem(formatPerplexity(perplexity));
    perplexity_item->setData(Qt::UserRole, perplexity);
    perplexity_item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    QString line = answer.output.simplified();
    auto* answer_item = new QTableWidgetItem(line.isEmpty() ? tr("(empty answer)") : line);
    answer_item->setData(Qt::UserRole, answer.output);
    table_->setItem(row, StepColumn, step_item);
    table_->setItem(row, EvalLossColumn, loss_item);
    table_->setItem(row, PerplexityColumn, perplexity_item);
    table_->setItem(row, AnswerColumn, answer_item);
    if (step == selected_step) reselect = row;
    ++row;
  }
  if (follow_latest_ || reselect < 0) reselect = table_->rowCount() - 1;
  table_->selectRow(reselect);
  if (follow_latest_) table_->scrollToBottom();
  showSelectedAnswer();
}

void EvalSamplesView::showSelectedAnswer() {
  const int row = table_->currentRow();
  const QTableWidgetItem* item = row >= 0 ? table_->item(row, AnswerColumn) : nullptr;
  const QString text = item ? item->data(Qt::UserRole).toString() : QString();
  answer_caption_->setText(item ? tr("Answer at step %1:").arg(table_->item(row, StepColumn)->text()) : tr("Answer:"));
  if (answer_text_->toPlainText() != text) answer_text_->setPlainText(text);
}

}  // namespace ui
