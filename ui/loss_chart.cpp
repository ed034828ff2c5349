#include "loss_chart.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ui {

namespace {
enum Graph { kLoss = 0, kSmoothed = 1, kEval = 2, kLearningRate = 3 };
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
  if (follow_) {
    plot_->rescaleAxes();
    plot_->yAxis->scaleRange(1.08, plot_->yAxis->range().center());
    plot_->yAxis2->scaleRange(1.08, plot_->yAxis2->range().center());
  }
  scheduleReplot();
}

void LossChart::resetView() {
  follow_ = true;
  if (plot_->graph(kLoss)->dataCount() > 0) {
    plot_->rescaleAxes();
    plot_->yAxis->scaleRange(1.08, plot_->yAxis->range().center());
    plot_->yAxis2->scaleRange(1.08, plot_->yAxis2->range().center());
  } else {
    plot_->xAxis->setRange(0, 10);
    plot_->yAxis->setRange(logScale() ? 0.1 : 0, logScale() ? 10 : 5);
    plot_->yAxis2->setRange(0, 1e-3);
  }
  scheduleReplot();
}

bool LossChart::eventFilter(QObject* watched, QEvent* event) {
  // Before the plot lays itself out at its new size.
  if (watched == plot_ && event->type() == QEvent::Resize) fitTicksToWidth();
  return QWidget::eventFilter(watched, event);
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
