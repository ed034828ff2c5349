#include "token_length_histogram.h"

#include <algorithm>
#include <cmath>

#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>
#include "qcustomplot_include.h"

namespace ui {
namespace {

constexpr int kTargetBins = 40;

// 1, 2 or 5 times a power of ten, at least `raw`.
double nice_bin_width(double raw) {
  if (raw <= 1) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double step : {1.0, 2.0, 5.0, 10.0})
    if (step * power >= raw) return step * power;
  return 10 * power;
}

// Chinese sentences end in "。" and follow each other without a space; English ones need one.
QString sentence_gap(const QString& previous) {
  return previous.endsWith(QChar(0x3002)) ? QString() : QStringLiteral(" ");
}

}  // namespace

TokenLengthHistogram::TokenLengthHistogram(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  plot_ = new QCustomPlot(this);
  plot_->setObjectName("lengthHistogramPlot");
  plot_->setMinimumHeight(160);
  plot_->setToolTip(tr("How many examples have each length in tokens. Bars past the red cutoff line are the examples "
                       "the cutoff truncates (or drops). Drag to pan, scroll to zoom."));
  plot_->xAxis->setLabel(tr("Tokens per example"));
  plot_->yAxis->setLabel(tr("Examples"));
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->axisRect()->setRangeDrag(Qt::Horizontal);
  plot_->axisRect()->setRangeZoom(Qt::Horizontal);

  within_ = new QCPBars(plot_->xAxis, plot_->yAxis);
  within_->setName(tr("Within the cutoff"));
  within_->setPen(QPen(QColor(0x2f, 0x6f, 0xb5)));
  within_->setBrush(QColor(0x5b, 0x9b, 0xd5));
  over_ = new QCPBars(plot_->xAxis, plot_->yAxis);
  over_->setName(tr("Past the cutoff"));
  over_->setPen(QPen(QColor(0xb0, 0x30, 0x30)));
  over_->setBrush(QColor(0xe0, 0x70, 0x60));
  over_->moveAbove(within_);

  cutoff_line_ = new QCPItemStraightLine(plot_);
  cutoff_line_->setPen(QPen(QColor(0xd0, 0x10, 0x10), 2, Qt::DashLine));
  cutoff_label_ = new QCPItemText(plot_);
  cutoff_label_->position->setTypeX(QCPItemPosition::ptPlotCoords);
  cutoff_label_->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  cutoff_label_->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
  cutoff_label_->setColor(QColor(0xd0, 0x10, 0x10));
  cutoff_label_->setPadding(QMargins(4, 2, 4, 2));

  summary_ = new QLabel(this);
  summary_->setObjectName("lengthSummary");
  summary_->setWordWrap(true);
  // Two lines always fit: a wrapped label in a squeezed splitter pane would otherwise be clipped.
  summary_->setMinimumHeight(2 * summary_->fontMetrics().lineSpacing() + 4);
  summary_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  layout->addWidget(plot_, 1);
  layout->addWidget(summary_);
  clear(QString());
}

void TokenLengthHistogram::setLengths(std::vector<int64_t> lengths, int64_t cutoff_len, bool drop_long) {
  lengths_ = std::move(lengths);
  std::sort(lengths_.begin(), lengths_.end());
  cutoff_len_ = cutoff_len;
  drop_long_ = drop_long;
  rebuild();
}

void TokenLengthHistogram::setCutoff(int64_t cutoff_len, bool drop_long) {
  cutoff_len_ = cutoff_len;
  drop_long_ = drop_long;
  rebuild();
}

void TokenLengthHistogram::clear(const QString& message) {
  lengths_.clear();
  bin_count_ = 0;
  within_->data()->clear();
  over_->data()->clear();
  cutoff_line_->setVisible(false);
  cutoff_label_->setVisible(false);
  summary_->setText(message);
  plot_->replot();
}

int64_t TokenLengthHistogram::examplesOverCutoff() const {
  return static_cast<int64_t>(lengths_.end() - std::upper_bound(lengths_.begin(), lengths_.end(), cutoff_len_));
}

double TokenLengthHistogram::shareOverCutoff() const {
  return lengths_.empty() ? 0.0 : static_cast<double>(examplesOverCutoff()) / static_cast<double>(lengths_.size());
}

double TokenLengthHistogram::cutoffLineX() const { return cutoff_line_->point1->coords().x(); }

double TokenLengthHistogram::plottedExamples() const {
  double sum = 0;
  for (QCPBars* bars : {within_, over_})
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) sum += it->value;
  return sum;
}

QString TokenLengthHistogram::summaryText() const { return summary_->text(); }

void TokenLengthHistogram::rebuild() {
  if (lengths_.empty()) {
    clear(tr("No examples to show."));
    return;
  }
  const int64_t longest = lengths_.back();
  const double span = static_cast<double>(std::max(longest, cutoff_len_) + 1);
  const double width = nice_bin_width(span / kTargetBins);
  bin_count_ = static_cast<int>(std::ceil(span / width));
  QVector<double> keys(bin_count_), within(bin_count_, 0.0), over(bin_count_, 0.0);
  for (int b = 0; b < bin_count_; ++b) keys[b] = (b + 0.5) * width;
  for (int64_t length : lengths_) {
    const int bin = std::min(bin_count_ - 1, static_cast<int>(static_cast<double>(length) / width));
    (length > cutoff_len_ ? over : within)[bin] += 1;
  }
  // Empty bins are left out, or each would draw a hairline at zero.
  auto non_empty = [&](QCPBars* bars, const QVector<double>& values) {
    QVector<double> shown_keys, shown_values;
    for (int b = 0; b < bin_count_; ++b) {
      if (values[b] <= 0) continue;
      shown_keys.push_back(keys[b]);
      shown_values.push_back(values[b]);
    }
    bars->setWidth(width);
    bars->setData(shown_keys, shown_values, true);
  };
  non_empty(within_, within);
  non_empty(over_, over);

  cutoff_line_->setVisible(true);
  cutoff_line_->point1->setCoords(static_cast<double>(cutoff_len_), 0);
  cutoff_line_->point2->setCoords(static_cast<double>(cutoff_len_), 1);
  cutoff_label_->setVisible(true);
  cutoff_label_->position->setCoords(static_cast<double>(cutoff_len_), 0.02);
  cutoff_label_->setText(tr("cutoff %1").arg(cutoff_len_));

  double tallest = 1;
  for (int b = 0; b < bin_count_; ++b) tallest = std::max(tallest, within[b] + over[b]);
  const double right = bin_count_ * width;
  plot_->xAxis->setRange(0, right);
  // Near the right edge the label goes to the left of the line, where it has room.
  const bool label_left = static_cast<double>(cutoff_len_) > 0.7 * right;
  cutoff_label_->setPositionAlignment((label_left ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
  plot_->yAxis->setRange(0, tallest * 1.1);
  plot_->replot();

  const QLocale locale;
  const int64_t past = examplesOverCutoff();
  const QString share = locale.toString(100.0 * shareOverCutoff(), 'f', 1);
  const QString examples = locale.toString(static_cast<qlonglong>(lengths_.size()));
  const QString text =
      drop_long_ ? tr("%1% of %2 examples (%3) are longer than the cutoff of %4 tokens and will be dropped.")
                 : tr("%1% of %2 examples (%3) are longer than the cutoff of %4 tokens and will be truncated.");
  const QString share_sentence =
      text.arg(share, examples, locale.toString(static_cast<qlonglong>(past))).arg(cutoff_len_);
  summary_->setText(share_sentence + sentence_gap(share_sentence) +
                    tr("Median %1, 90th percentile %2, longest %3 tokens.")
                        .arg(lengths_[(lengths_.size() - 1) / 2])
                        .arg(lengths_[static_cast<size_t>(std::ceil(0.9 * static_cast<double>(lengths_.size()))) - 1])
                        .arg(longest));
}

}  // namespace ui
