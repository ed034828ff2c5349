#pragma once
// The training chart: training loss per logged step, its smoothed curve (an exponential moving
// average, debiased as TensorBoard does so the start is not pulled towards 0), the evaluation loss
// points and the learning rate on a second y axis. Zoom with the wheel, pan by dragging; a log
// scale for the loss; saved as PNG.
#include <QStringList>
#include <QWidget>

#include <vector>

#include "training_log.h"

class QCustomPlot;
class QCheckBox;

namespace ui {

class LossChart : public QWidget {
  Q_OBJECT

 public:
  explicit LossChart(QWidget* parent = nullptr);

  void clear();
  void addEntries(const std::vector<lora::TrainingLogEntry>& entries);

  int lossPointCount() const;
  int evalPointCount() const;
  int learningRatePointCount() const;
  QStringList legendNames() const;  // the curves the legend lists, as shown
  bool logScale() const;
  void setLogScale(bool on);
  bool savePng(const QString& path);
  QCustomPlot* plot() const { return plot_; }

  static constexpr double kSmoothingWeight = 0.9;

 public slots:
  void resetView();  // fit all points and follow new ones again

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void scheduleReplot();
  void fitTicksToWidth();

  QCustomPlot* plot_ = nullptr;
  QCheckBox* log_scale_ = nullptr;
  bool follow_ = true;  // rescale to new points until the user zooms or pans
  bool replot_pending_ = false;
  double ema_ = 0;
  int ema_count_ = 0;
};

}  // namespace ui
