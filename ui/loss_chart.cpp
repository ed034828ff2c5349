#include "loss_chart.h"

#include "qcustomplot_include.h"

#include <QCheckBox>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPushButton>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ui {

namespace {
enum Graph { kLoss = 0, kSmoothed = 1, kEval = 2, kLearningRate = 3 };

const QColor kCheckpointColor(118, 68, 160);
const QString kCheckpointGlyph = QStringLiteral("\u25C6");  // ◆
constexpr int kCheckpointHitPixels = 6;  // how far from its line a click still means the marker

QString checkpoint_label(qint64 step) { return kCheckpointGlyph + QLatin1Char(' ') + QString::number(step); }
}

LossChart::LossChart(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  plot_ = new QCustomPlot(this);
  plot_->setObjectName("lossPlot");
  plot_->setMinimumHeight(240);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  // Drag and zoom act on the step axis and the loss axis; the learning-rate axis follows the steps.
  plot_->axisRect()->setRangeDragAxes(plot_->xAxis, plot_->yAxis);
  plot_->axisRect()->setRangeZoomAxes(plot_->xAxis, plot_->yAxis);
  plot_->xAxis->setLabel(tr("Step"));
  plot_->yAxis->setLabel(tr("Loss"));
  plot_->yAxis2->setVisible(true);
  plot_->yAxis2->setLabel(tr("Learning rate"));
  plot_->yAxis2->setNumberFormat("gb");
  plot_->yAxis2->setNumberPrecision(2);
  connect(plot_->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
          [this](const QCPRange&) { plot_->xAxis2->setRange(plot_->xAxis->range()); });

  auto* loss = plot_->addGraph(plot_->xAxis, plot_->yAxis);
  loss->setName(tr("Training loss"));
  loss->setPen(QPen(QColor(31, 119, 180, 110), 1));
  auto* smoothed = plot_->addGraph(plot_->xAxis, plot_->yAxis);
  smoothed->setName(tr("Smoothed loss"));
  smoothed->setPen(QPen(QColor(31, 119, 180), 2.2));
  auto* eval = plot_->addGraph(plot_->xAxis, plot_->yAxis);
  eval->setName(tr("Evaluation loss"));
  eval->setPen(QPen(QColor(214, 39, 40), 1.5));
  eval->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(214, 39, 40), 7));
  eval->removeFromLegend();  // listed once a run has evaluation points: without an eval split there are none
  auto* lr = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
  lr->setName(tr("Learning rate"));
  lr->setPen(QPen(QColor(44, 160, 44), 1.2, Qt::DashLine));
  // The legend sits above the axes, two entries a row, so it never covers the curves.
  plot_->legend->setVisible(true);
  plot_->legend->setBrush(Qt::NoBrush);
  plot_->legend->setBorderPen(Qt::NoPen);
  QFont legend_font = font();
  if (legend_font.pointSizeF() > 0) legend_font.setPointSizeF(legend_font.pointSizeF() * 0.9);
  plot_->legend->setFont(legend_font);
  plot_->axisRect()->insetLayout()->take(plot_->legend);
  plot_->plotLayout()->insertRow(0);
  plot_->plotLayout()->addElement(0, 0, plot_->legend);
  plot_->plotLayout()->setRowStretchFactor(0, 0.001);
  plot_->legend->setWrap(2);
  plot_->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  plot_->legend->setMargins(QMargins(4, 2, 4, 0));
  // Checkpoint labels sit in the margin above the plot area, where they cover no curve: room for them
  // is kept from the start, so the plot does not shift when the first checkpoint arrives.
  QMargins margins = plot_->axisRect()->minimumMargins();
  margins.setTop(std::max(margins.top(), QFontMetrics(legend_font).height() + 6));
  plot_->axisRect()->setMinimumMargins(margins);
  connect(plot_, &QCustomPlot::afterLayout, this, &LossChart::layOutCheckpointLabels);
  plot_->setMouseTracking(true);  // the pointer changes over a checkpoint marker
  plot_->installEventFilter(this);
  fitTicksToWidth();

  // Once the user zooms or pans, new points no longer reset the view.
  connect(plot_, &QCustomPlot::mouseWheel, this, [this] { follow_ = false; });
  connect(plot_, &QCustomPlot::mousePress, this, [this] { follow_ = false; });

  auto* controls = new QHBoxLayout;
  log_scale_ = new QCheckBox(tr("Logarithmic loss axis"), this);
  log_scale_->setObjectName("logScale");
  log_scale_->setToolTip(tr("Show the loss on a log scale: late, small improvements become visible."));
  auto* fit = new QPushButton(tr("Fit view"), this);
  fit->setObjectName("fitView");
  fit->setToolTip(tr("Show all points again and follow new ones (wheel zooms, dragging pans)."));
  auto* save = new QPushButton(tr("Save as PNG…"), this);
  save->setObjectName("saveChart");
  controls->addWidget(log_scale_);
  controls->addStretch(1);
  controls->addWidget(fit);
  controls->addWidget(save);
  layout->addWidget(plot_, 1);
  layout->addLayout(controls);
  connect(log_scale_, &QCheckBox::toggled, this, &LossChart::setLogScale);
  connect(fit, &QPushButton::clicked, this, &LossChart::resetView);
  connect(save, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the chart"), QString(), tr("PNG images (*.png)"));
    if (!path.isEmpty()) savePng(path.endsWith(".png", Qt::CaseInsensitive) ? path : path + ".png");
  });
}

void LossChart::clear() {
  for (int i = 0; i < plot_->graphCount(); ++i) plot_->graph(i)->data()->clear();
  removeCheckpointMarkers();
  plot_->graph(kEval)->removeFromLegend();
  ema_ = 0;
  ema_count_ = 0;
  follow_ = true;
  resetView();
}

void LossChart::addEntries(const std::vector<lora::TrainingLogEntry>& entries) {
  if (entries.empty()) return;
  for (const auto& e : entries) {
    const double step = static_cast<double>(e.step);
    plot_->graph(kLearningRate)->addData(step, e.learning_rate);
    // A diverged step is logged without a loss: it is a gap in the curve, not a point.
    if (std::isfinite(e.loss)) {
      plot_->graph(kLoss)->addData(step, e.loss);
      ++ema_count_;
      ema_ = kSmoothingWeight * ema_ + (1 - kSmoothingWeight) * e.loss;
      plot_->graph(kSmoothed)->addData(step, ema_ / (1 - std::pow(kSmoothingWeight, ema_count_)));
    }
    if (e.eval_loss && std::isfinite(*e.eval_loss)) plot_->graph(kEval)->addData(step, *e.eval_loss);
  }
  QCPGraph* eval = plot_->graph(kEval);
  if (eval->dataCount() > 0 && !plot_->legend->hasItemWithPlottable(eval)) eval->addToLegend();
  if (follow_) fitToData();
  scheduleReplot();
}

void LossChart::fitToData() {
  plot_->rescaleAxes();
  plot_->yAxis->scaleRange(1.08, plot_->yAxis->range().center());
  plot_->yAxis2->scaleRange(1.08, plot_->yAxis2->range().center());
  // A checkpoint saved after the last logged point is still in view.
  if (!checkpoints_.empty() && checkpoints_.back().step > plot_->xAxis->range().upper)
    plot_->xAxis->setRangeUpper(double(checkpoints_.back().step));
}

void LossChart::resetView() {
  follow_ = true;
  if (plot_->graph(kLoss)->dataCount() > 0) {
    fitToData();
  } else {
    plot_->xAxis->setRange(0, 10);
    plot_->yAxis->setRange(logScale() ? 0.1 : 0, logScale() ? 10 : 5);
    plot_->yAxis2->setRange(0, 1e-3);
  }
  scheduleReplot();
}

bool LossChart::eventFilter(QObject* watched, QEvent* event) {
  if (watched != plot_) return QWidget::eventFilter(watched, event);
  switch (event->type()) {
    case QEvent::Resize:
      fitTicksToWidth();  // before the plot lays itself out at its new size
      break;
    case QEvent::ToolTip: {
      auto* help = static_cast<QHelpEvent*>(event);
      const qint64 step = checkpointAt(help->pos());
      if (step < 0) {
        QToolTip::hideText();
        return true;
      }
      QToolTip::showText(help->globalPos(), tr("Checkpoint at step %1 — click for actions").arg(step), plot_);
      return true;
    }
    case QEvent::MouseMove: {
      auto* move = static_cast<QMouseEvent*>(event);
      if (move->buttons() == Qt::NoButton) {
        if (checkpointAt(move->position().toPoint()) >= 0) plot_->setCursor(Qt::PointingHandCursor);
        else plot_->unsetCursor();
      }
      break;
    }
    case QEvent::MouseButtonPress: {
      // A click (or right-click) on a marker opens its menu instead of starting a pan.
      auto* press = static_cast<QMouseEvent*>(event);
      if ((press->button() == Qt::LeftButton || press->button() == Qt::RightButton) &&
          showCheckpointMenuAt(press->position().toPoint()))
        return true;
      break;
    }
    default: break;
  }
  return QWidget::eventFilter(watched, event);
}

// --- Checkpoint markers ------------------------------------------------------------------------

void LossChart::setCheckpoints(const QList<qint64>& steps) {
  removeCheckpointMarkers();
  QList<qint64> sorted = steps;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  const QFont label_font = plot_->legend->font();
  for (const qint64 step : sorted) {
    if (step < 0) continue;
    CheckpointMarker marker;
    marker.step = step;
    marker.line = new QCPItemStraightLine(plot_);
    marker.label = new QCPItemText(plot_);
    // x follows the step axis (so zooming and panning move the marker with the curves); y is a fraction
    // of the plot area, so a log scale or a rescale never moves it off.
    for (QCPItemPosition* position : {marker.line->point1, marker.line->point2, marker.label->position}) {
      position->setAxes(plot_->xAxis, plot_->yAxis);
      position->setAxisRect(plot_->axisRect());
      position->setTypeX(QCPItemPosition::ptPlotCoords);
      position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    }
    marker.line->point1->setCoords(double(step), 0);
    marker.line->point2->setCoords(double(step), 1);
    QColor line_color = kCheckpointColor;
    line_color.setAlpha(150);  // lighter than the curves, which stay the point of the chart
    marker.line->setPen(QPen(line_color, 1, Qt::DashLine));
    marker.line->setSelectable(false);
    marker.label->position->setCoords(double(step), 0);
    marker.label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
    marker.label->setClipToAxisRect(false);  // above the plot area, not over the curves
    marker.label->setPadding(QMargins(2, 0, 2, 1));
    marker.label->setFont(label_font);
    marker.label->setColor(kCheckpointColor);
    marker.label->setText(checkpoint_label(step));
    marker.label->setSelectable(false);
    checkpoints_.push_back(marker);
  }
  if (follow_ && plot_->graph(kLoss)->dataCount() > 0) fitToData();
  scheduleReplot();
}

QList<qint64> LossChart::checkpointSteps() const {
  QList<qint64> steps;
  for (const CheckpointMarker& marker : checkpoints_) steps << marker.step;
  return steps;
}

void LossChart::removeCheckpointMarkers() {
  for (const CheckpointMarker& marker : checkpoints_) {
    plot_->removeItem(marker.line);
    plot_->removeItem(marker.label);
  }
  checkpoints_.clear();
}

void LossChart::layOutCheckpointLabels() {
  // Labels read "◆ step" where they have room, chosen left to right; a marker too close to a numbered
  // label shows only its diamond, or no label where even that would touch another (its line and its
  // tooltip remain). Markers outside the step range are hidden: their labels are not clipped.
  const QCPRange range = plot_->xAxis->range();
  const QFontMetrics metrics(plot_->legend->font());
  const auto half_width = [&metrics](const QString& text) { return (metrics.horizontalAdvance(text) + 4) / 2.0; };
  const double diamond_half = half_width(kCheckpointGlyph);
  constexpr double kGap = 4;
  struct Slot {
    const CheckpointMarker* marker;
    double x;
    double half;  // of the numbered label
    bool numbered = false;
    double next_numbered_left = std::numeric_limits<double>::infinity();
  };
  std::vector<Slot> placements;
  for (const CheckpointMarker& marker : checkpoints_) {
    const bool in_view = range.contains(double(marker.step));
    marker.label->setVisible(in_view);
    if (in_view)
      placements.push_back({&marker, plot_->xAxis->coordToPixel(double(marker.step)), half_width(checkpoint_label(marker.step))});
  }
  double taken_until = -std::numeric_limits<double>::infinity();
  for (Slot& slot : placements) {
    if (slot.x - slot.half < taken_until + kGap) continue;
    slot.numbered = true;
    taken_until = slot.x + slot.half;
  }
  double next_left = std::numeric_limits<double>::infinity();
  for (auto slot = placements.rbegin(); slot != placements.rend(); ++slot) {
    slot->next_numbered_left = next_left;
    if (slot->numbered) next_left = slot->x - slot->half;
  }
  double previous_right = -std::numeric_limits<double>::infinity();  // of the last label drawn
  for (const Slot& slot : placements) {
    if (slot.numbered) {
      slot.marker->label->setText(checkpoint_label(slot.marker->step));
      previous_right = slot.x + slot.half;
      continue;
    }
    const bool fits = slot.x - diamond_half >= previous_right + 1 && slot.x + diamond_half <= slot.next_numbered_left - 1;
    slot.marker->label->setText(kCheckpointGlyph);
    slot.marker->label->setVisible(fits);
    if (fits) previous_right = slot.x + diamond_half;
  }
}

qint64 LossChart::checkpointAt(const QPoint& pixel) const {
  const QRect area = plot_->axisRect()->rect();
  const QCPRange range = plot_->xAxis->range();
  qint64 found = -1;
  double nearest = std::numeric_limits<double>::infinity();
  for (const CheckpointMarker& marker : checkpoints_) {
    if (!range.contains(double(marker.step))) continue;
    const double x = plot_->xAxis->coordToPixel(double(marker.step));
    const double distance = std::abs(pixel.x() - x);
    const QRectF label_rect =
        QRectF(marker.label->topLeft->pixelPosition(), marker.label->bottomRight->pixelPosition()).adjusted(-2, -2, 2, 2);
    const bool on_line = distance <= kCheckpointHitPixels && pixel.y() >= label_rect.top() && pixel.y() <= area.bottom();
    const bool on_label = marker.label->visible() && label_rect.contains(pixel);
    if ((on_line || on_label) && distance < nearest) {
      nearest = distance;
      found = marker.step;
    }
  }
  return found;
}

QMenu* LossChart::createCheckpointMenu(qint64 step, QWidget* parent) {
  auto* menu = new QMenu(parent);
  menu->setObjectName("checkpointMenu");
  menu->addSection(tr("Checkpoint at step %1").arg(step));
  const std::pair<CheckpointAction, QString> entries[] = {
      {CheckpointAction::Chat, tr("Chat with this checkpoint")},
      {CheckpointAction::Export, tr("Export this checkpoint…")},
      {CheckpointAction::ContinueAsNewRun, tr("Continue training from here as a new run")}};
  for (const auto& [action, text] : entries) {
    QAction* item = menu->addAction(text);
    item->setData(QVariant::fromValue(action));
    connect(item, &QAction::triggered, this, [this, step, action = action] { Q_EMIT checkpointActionRequested(step, action); });
  }
  return menu;
}

bool LossChart::showCheckpointMenuAt(const QPoint& pixel) {
  const qint64 step = checkpointAt(pixel);
  if (step < 0) return false;
  QToolTip::hideText();
  QMenu* menu = createCheckpointMenu(step, this);
  menu->setAttribute(Qt::WA_DeleteOnClose);
  menu->popup(plot_->mapToGlobal(pixel));
  return true;
}

void LossChart::fitTicksToWidth() {
  // About one step label per 90 px: narrow, "200400600800" would run together.
  const int count = std::clamp(plot_->width() / 90, 2, 8);
  plot_->xAxis->ticker()->setTickCount(count);
  plot_->xAxis2->ticker()->setTickCount(count);
}

void LossChart::scheduleReplot() {
  // Steps of a tiny model arrive faster than the screen refreshes: one replot per event-loop turn.
  if (replot_pending_) return;
  replot_pending_ = true;
  QTimer::singleShot(50, this, [this] {
    replot_pending_ = false;
    plot_->replot(QCustomPlot::rpQueuedReplot);
  });
}

int LossChart::lossPointCount() const { return plot_->graph(kLoss)->dataCount(); }
int LossChart::evalPointCount() const { return plot_->graph(kEval)->dataCount(); }

QStringList LossChart::legendNames() const {
  QStringList names;
  for (int i = 0; i < plot_->legend->itemCount(); ++i)
    if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot_->legend->item(i))) names << item->plottable()->name();
  return names;
}
int LossChart::learningRatePointCount() const { return plot_->graph(kLearningRate)->dataCount(); }
bool LossChart::logScale() const { return plot_->yAxis->scaleType() == QCPAxis::stLogarithmic; }

void LossChart::setLogScale(bool on) {
  if (log_scale_->isChecked() != on) log_scale_->setChecked(on);  // re-enters once through toggled
  if (logScale() == on) return;
  if (on) {
    plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  } else {
    plot_->yAxis->setScaleType(QCPAxis::stLinear);
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  }
  resetView();
}

bool LossChart::savePng(const QString& path) {
  // A chart never shown (or squeezed) still saves at a readable size.
  const bool small = plot_->width() < 300 || plot_->height() < 200;
  return plot_->savePng(path, small ? 900 : 0, small ? 540 : 0, 1.0, -1, 96);
}

}  // namespace ui
