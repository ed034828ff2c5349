#pragma once
// The training chart: training loss per logged step, its smoothed curve (an exponential moving
// average, debiased as TensorBoard does so the start is not pulled towards 0), the evaluation loss
// points and the learning rate on a second y axis. Zoom with the wheel, pan by dragging; a log
// scale for the loss; saved as PNG. The run's checkpoints are markers on the step axis (a dashed
// line, labelled above the plot area); clicking one offers to chat with it, export it, or continue
// training from it as a new run.
#include <QList>
#include <QStringList>
#include <QWidget>

#include <vector>

#include "training_log.h"

class QCustomPlot;
class QCheckBox;
class QCPItemStraightLine;
class QCPItemText;
class QMenu;
class QPoint;

namespace ui {

class LossChart : public QWidget {
  Q_OBJECT

 public:
  // What a checkpoint marker's menu offers.
  enum class CheckpointAction { Chat, Export, ContinueAsNewRun };
  Q_ENUM(CheckpointAction)

  explicit LossChart(QWidget* parent = nullptr);

  void clear();  // the curves and the checkpoint markers
  void addEntries(const std::vector<lora::TrainingLogEntry>& entries);

  int lossPointCount() const;
  int evalPointCount() const;
  int learningRatePointCount() const;
  QStringList legendNames() const;  // the curves the legend lists, as shown
  bool logScale() const;
  void setLogScale(bool on);
  bool savePng(const QString& path);
  QCustomPlot* plot() const { return plot_; }

  // The run's checkpoint-N folders, by step (any order; duplicates ignored). Replaces the markers shown.
  void setCheckpoints(const QList<qint64>& steps);
  QList<qint64> checkpointSteps() const;  // ascending
  // The checkpoint whose marker is at `pixel` (in plot() coordinates: on its line within a few pixels,
  // or on its label above the plot area), the nearest if several; -1 when none.
  qint64 checkpointAt(const QPoint& pixel) const;
  // The menu a click on the marker of `step` opens (owned by the caller): its actions emit
  // checkpointActionRequested. Each action's data() is its CheckpointAction.
  QMenu* createCheckpointMenu(qint64 step, QWidget* parent = nullptr);

  static constexpr double kSmoothingWeight = 0.9;

 public Q_SLOTS:
  void resetView();  // fit all points and follow new ones again

 Q_SIGNALS:
  void checkpointActionRequested(qint64 step, ui::LossChart::CheckpointAction action);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  struct CheckpointMarker {
    qint64 step = 0;
    QCPItemStraightLine* line = nullptr;
    QCPItemText* label = nullptr;
  };

  void scheduleReplot();
  void fitTicksToWidth();
  void fitToData();
  void removeCheckpointMarkers();
  void layOutCheckpointLabels();  // hides labels that would run into their neighbour's
  bool showCheckpointMenuAt(const QPoint& pixel);

  QCustomPlot* plot_ = nullptr;
  QCheckBox* log_scale_ = nullptr;
  bool follow_ = true;  // rescale to new points until the user zooms or pans
  bool replot_pending_ = false;
  double ema_ = 0;
  int ema_count_ = 0;
  std::vector<CheckpointMarker> checkpoints_;  // ascending by step
};

}  // namespace ui
