#include "memory_preflight_view.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStringList>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "engine_messages.h"
#include "error.h"

namespace ui {

namespace {

constexpr int kRecomputeDelayMs = 250;
const char* const kFitsStyle = "";
const char* const kTooMuchStyle = "color: #c0392b;";

}  // namespace

MemoryPreflightView::MemoryPreflightView(QWidget* parent) : QFrame(parent) {
  setObjectName("memoryPreflight");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* row = new QHBoxLayout;
  summary_ = new QLabel(this);
  summary_->setObjectName("memoryEstimate");
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  details_button_ = new QToolButton(this);
  details_button_->setObjectName("memoryDetailsButton");
  details_button_->setText(tr("Details"));
  details_button_->setCheckable(true);
  details_button_->setToolTip(tr("Show what the estimate is made of, and what would make the run fit."));
  row->addWidget(summary_, 1);
  row->addWidget(details_button_, 0, Qt::AlignTop);
  layout->addLayout(row);
  details_ = new QLabel(this);
  details_->setObjectName("memoryDetails");
  details_->setWordWrap(true);
  details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  details_->setIndent(12);
  details_->hide();
  layout->addWidget(details_);
  timer_ = new QTimer(this);
  timer_->setSingleShot(true);
  timer_->setInterval(kRecomputeDelayMs);
  connect(timer_, &QTimer::timeout, this, &MemoryPreflightView::recompute);
  connect(details_button_, &QToolButton::toggled, this, &MemoryPreflightView::showDetails);
  recompute();
}

void MemoryPreflightView::setSettings(const lora::TrainingSettings& settings) {
  settings_ = settings;
  timer_->start();
}

void MemoryPreflightView::refreshNow() {
  timer_->stop();
  recompute();
}

void MemoryPreflightView::recompute() {
  estimate_.reset();
  QString problem;
  if (settings_.model_dir.empty()) {
    problem = tr("Choose a base model to see how much memory the run will need.");
  } else {
    try {
      // Reads config.json and the checkpoint's header only: quick enough for the GUI thread.
      estimate_ = lora::estimate_training_memory(settings_);
    } catch (const std::exception& e) {
      problem = tr("No memory estimate: %1").arg(engineMessage(e));
    }
  }
  const bool too_much = doesNotFit();
  summary_->setStyleSheet(too_much ? kTooMuchStyle : kFitsStyle);
  details_->setStyleSheet(too_much ? kTooMuchStyle : kFitsStyle);
  summary_->setText(estimate_ ? summaryText() : problem);
  details_->setText(detailsText());
  summary_->setToolTip(detailsText());
  details_button_->setVisible(estimate_.has_value());
  // What would make it fit is shown at once, not behind the button.
  if (too_much && !details_button_->isChecked()) details_button_->setChecked(true);
  showDetails(details_button_->isChecked());
}

void MemoryPreflightView::showDetails(bool shown) { details_->setVisible(shown && estimate_.has_value()); }

QString MemoryPreflightView::summaryText() const {
  if (!estimate_) return summary_->text();
  return engineMessage(lora::memory_estimate_summary(*estimate_));
}

QString MemoryPreflightView::detailsText() const {
  if (!estimate_) return QString();
  const std::vector<lora::Message> lines = lora::describe_memory_estimate(*estimate_);
  QStringList text;
  // The first line is the summary; the parts follow, then the suggestions under their heading.
  for (size_t i = 1; i < lines.size(); ++i) text << engineMessage(lines[i]);
  return text.join('\n');
}

}  // namespace ui
