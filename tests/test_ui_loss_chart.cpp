// The loss chart's checkpoint markers: each checkpoint is a dashed line at its step with a label above
// the plot area (never over the curves); a click on it opens a menu whose three actions name that step;
// hovering says what it is; markers follow zooming and panning, stay when new points arrive, and go
// with clear(); close checkpoints do not print their labels over each other.
#include "qcustomplot_include.h"

#include <QAction>
#include <QApplication>
#include <QHelpEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QToolTip>
#include <QtTest>

#include "loss_chart.h"

namespace {

using Action = ui::LossChart::CheckpointAction;

std::vector<lora::TrainingLogEntry> log_entries(int first_step, int last_step) {
  std::vector<lora::TrainingLogEntry> entries;
  for (int step = first_step; step <= last_step; ++step) {
    lora::TrainingLogEntry entry;
    entry.step = step;
    entry.loss = 3.0 - 0.002 * step;
    entry.learning_rate = 1e-4;
    entries.push_back(entry);
  }
  return entries;
}

// Where a step should be drawn, worked out from the plot area's geometry and the visible step range
// (a linear axis), not by asking the axis.
double expected_x(const ui::LossChart& chart, double step) {
  const QRect area = chart.plot()->axisRect()->rect();
  const QCPRange range = chart.plot()->xAxis->range();
  return area.left() + (step - range.lower) / (range.upper - range.lower) * area.width();
}

std::vector<QCPItemStraightLine*> marker_lines(const ui::LossChart& chart) {
  std::vector<QCPItemStraightLine*> lines;
  for (int i = 0; i < chart.plot()->itemCount(); ++i)
    if (auto* line = qobject_cast<QCPItemStraightLine*>(chart.plot()->item(i))) lines.push_back(line);
  return lines;
}

std::vector<QCPItemText*> marker_labels(const ui::LossChart& chart) {
  std::vector<QCPItemText*> labels;
  for (int i = 0; i < chart.plot()->itemCount(); ++i)
    if (auto* label = qobject_cast<QCPItemText*>(chart.plot()->item(i))) labels.push_back(label);
  return labels;
}

QRectF label_rect(const QCPItemText* label) {
  return QRectF(label->topLeft->pixelPosition(), label->bottomRight->pixelPosition());
}

// The marker's pixel: on its line, half way down the plot area.
QPoint marker_pixel(const ui::LossChart& chart, qint64 step) {
  const QRect area = chart.plot()->axisRect()->rect();
  return QPoint(qRound(expected_x(chart, double(step))), area.center().y());
}

void press(QWidget* widget, const QPoint& pos, Qt::MouseButton button) {
  QMouseEvent event(QEvent::MouseButtonPress, pos, widget->mapToGlobal(pos), button, button, Qt::NoModifier);
  QApplication::sendEvent(widget, &event);
}

QMenu* open_menu(ui::LossChart& chart) {
  for (QMenu* menu : chart.findChildren<QMenu*>("checkpointMenu"))
    if (menu->isVisible()) return menu;
  return nullptr;
}

QAction* action_of(QMenu* menu, Action which) {
  for (QAction* action : menu->actions())
    if (action->data().isValid() && action->data().value<Action>() == which) return action;
  return nullptr;
}

}  // namespace

class TestUiLossChart : public QObject {
  Q_OBJECT

  std::unique_ptr<ui::LossChart> chart_;

  void replot() { chart_->plot()->replot(QCustomPlot::rpImmediateRefresh); }

 private Q_SLOTS:
  void init() {
    chart_ = std::make_unique<ui::LossChart>();
    chart_->resize(900, 520);
    chart_->show();
    QVERIFY(QTest::qWaitForWindowExposed(chart_.get()));
    chart_->addEntries(log_entries(1, 400));
    chart_->setCheckpoints({300, 100, 200, 200});  // any order, a duplicate
    replot();
  }

  void cleanup() {
    for (QMenu* menu : chart_->findChildren<QMenu*>()) menu->close();
    chart_.reset();
  }

  void markers_are_drawn_at_their_steps_above_the_curves() {
    QCOMPARE(chart_->checkpointSteps(), (QList<qint64>{100, 200, 300}));
    const auto lines = marker_lines(*chart_);
    const auto labels = marker_labels(*chart_);
    QCOMPARE(int(lines.size()), 3);
    QCOMPARE(int(labels.size()), 3);
    const QRect area = chart_->plot()->axisRect()->rect();
    QStringList label_texts;
    for (int i = 0; i < 3; ++i) {
      const double step = 100.0 * (i + 1);
      // A vertical dashed line at the step's pixel.
      QVERIFY(lines[i]->pen().style() == Qt::DashLine);
      QVERIFY(qAbs(lines[i]->point1->pixelPosition().x() - expected_x(*chart_, step)) < 1.0);
      QVERIFY(qAbs(lines[i]->point2->pixelPosition().x() - expected_x(*chart_, step)) < 1.0);
      // Its label centred over it, wholly above the plot area: it covers no curve.
      const QRectF rect = label_rect(labels[i]);
      QVERIFY(labels[i]->visible());
      QVERIFY2(qAbs(rect.center().x() - expected_x(*chart_, step)) < 1.5, qPrintable(QString::number(rect.center().x())));
      QVERIFY2(rect.bottom() <= area.top() + 0.5 && rect.top() >= 0,
               qPrintable(QString("label %1..%2, plot area from %3").arg(rect.top()).arg(rect.bottom()).arg(area.top())));
      label_texts << labels[i]->text();
    }
    QCOMPARE(label_texts, (QStringList{QString::fromUtf8("◆ 100"), QString::fromUtf8("◆ 200"), QString::fromUtf8("◆ 300")}));
    // The markers do not change the range of the curves: the steps still run from 1 to 400.
    QCOMPARE(chart_->plot()->xAxis->range().lower, 1.0);
    QCOMPARE(chart_->plot()->xAxis->range().upper, 400.0);
  }

  void a_click_near_a_marker_finds_its_step() {
    QCOMPARE(chart_->checkpointAt(marker_pixel(*chart_, 200)), qint64(200));
    QCOMPARE(chart_->checkpointAt(marker_pixel(*chart_, 200) + QPoint(4, 0)), qint64(200));
    QCOMPARE(chart_->checkpointAt(marker_pixel(*chart_, 300) - QPoint(4, 0)), qint64(300));
    // On the label above the plot area.
    QCOMPARE(chart_->checkpointAt(label_rect(marker_labels(*chart_)[0]).center().toPoint()), qint64(100));
    // Between markers, or over the controls below the plot area: none.
    QCOMPARE(chart_->checkpointAt(marker_pixel(*chart_, 150)), qint64(-1));
    QCOMPARE(chart_->checkpointAt(QPoint(qRound(expected_x(*chart_, 200)), chart_->plot()->height() - 2)), qint64(-1));
  }

  void clicking_a_marker_offers_its_three_actions() {
    QSignalSpy requested(chart_.get(), &ui::LossChart::checkpointActionRequested);
    const std::pair<Action, QString> expected[] = {{Action::Chat, "Chat with this checkpoint"},
                                                   {Action::Export, "Export this checkpoint…"},
                                                   {Action::ContinueAsNewRun, "Continue training from here as a new run"}};
    for (const auto& [which, text] : expected) {
      press(chart_->plot(), marker_pixel(*chart_, 200), Qt::LeftButton);
      QMenu* menu = open_menu(*chart_);
      QVERIFY(menu);
      QAction* action = action_of(menu, which);
      QVERIFY(action);
      QCOMPARE(action->text(), text);
      action->trigger();
      menu->close();
      QCOMPARE(requested.count(), 1);
      QCOMPARE(requested.first().at(0).value<qint64>(), qint64(200));
      QCOMPARE(requested.first().at(1).value<Action>(), which);
      requested.clear();
      QTRY_VERIFY(!open_menu(*chart_));
    }
    // A right-click near another marker offers the same for that one.
    press(chart_->plot(), marker_pixel(*chart_, 100) + QPoint(3, 0), Qt::RightButton);
    QMenu* menu = open_menu(*chart_);
    QVERIFY(menu);
    action_of(menu, Action::Export)->trigger();
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.first().at(0).value<qint64>(), qint64(100));
    menu->close();
    // A click elsewhere pans as before: no menu.
    press(chart_->plot(), marker_pixel(*chart_, 150), Qt::LeftButton);
    QVERIFY(!open_menu(*chart_));
  }

  void hovering_a_marker_says_what_it_offers() {
    const QPoint pos = marker_pixel(*chart_, 300);
    QHelpEvent help(QEvent::ToolTip, pos, chart_->plot()->mapToGlobal(pos));
    QApplication::sendEvent(chart_->plot(), &help);
    QTRY_COMPARE(QToolTip::text(), QString("Checkpoint at step 300 — click for actions"));
  }

  void markers_stay_when_points_arrive_and_when_zooming() {
    chart_->addEntries(log_entries(401, 600));
    replot();
    QCOMPARE(chart_->checkpointSteps(), (QList<qint64>{100, 200, 300}));
    QCOMPARE(chart_->plot()->xAxis->range().upper, 600.0);  // still following the new points
    QVERIFY(qAbs(marker_lines(*chart_)[1]->point1->pixelPosition().x() - expected_x(*chart_, 200)) < 1.0);
    QCOMPARE(chart_->checkpointAt(marker_pixel(*chart_, 200)), qint64(200));

    // Zoomed in on steps 150..350: 200 and 300 move with the curves, 100 is out of view (its label too).
    chart_->plot()->xAxis->setRange(150, 350);
    replot();
    const auto labels = marker_labels(*chart_);
    QVERIFY(!labels[0]->visible());
    QVERIFY(labels[1]->visible() && labels[2]->visible());
    QVERIFY(qAbs(label_rect(labels[1]).center().x() - expected_x(*chart_, 200)) < 1.5);
    QCOMPARE(chart_->checkpointAt(marker_pixel(*chart_, 300)), qint64(300));
    QCOMPARE(chart_->checkpointAt(QPoint(chart_->plot()->axisRect()->rect().left() - 3,
                                         chart_->plot()->axisRect()->rect().center().y())),
             qint64(-1));
    // The view no longer follows (the user zoomed), yet new points keep the markers.
    chart_->addEntries(log_entries(601, 650));
    replot();
    QCOMPARE(chart_->checkpointSteps(), (QList<qint64>{100, 200, 300}));
  }

  void clear_removes_the_markers() {
    chart_->clear();
    replot();
    QVERIFY(chart_->checkpointSteps().isEmpty());
    QCOMPARE(chart_->plot()->itemCount(), 0);
    QCOMPARE(chart_->checkpointAt(QPoint(100, 100)), qint64(-1));
    // And a new set replaces, not adds to, the old one.
    chart_->addEntries(log_entries(1, 50));
    chart_->setCheckpoints({25});
    chart_->setCheckpoints({10, 40});
    QCOMPARE(chart_->checkpointSteps(), (QList<qint64>{10, 40}));
    QCOMPARE(int(marker_lines(*chart_).size()), 2);
  }

  // Checkpoints every 10 steps of 1000: the lines are all there, the labels do not run together.
  void close_markers_do_not_print_over_each_other() {
    chart_->clear();
    chart_->addEntries(log_entries(1, 1000));
    QList<qint64> steps;
    for (qint64 step = 10; step <= 1000; step += 10) steps << step;
    chart_->setCheckpoints(steps);
    replot();
    QCOMPARE(int(marker_lines(*chart_).size()), 100);
    std::vector<QRectF> numbered;
    for (QCPItemText* label : marker_labels(*chart_))
      if (label->visible() && label->text().size() > 1) numbered.push_back(label_rect(label));
    QVERIFY2(numbered.size() >= 3, qPrintable(QString::number(numbered.size())));
    // No drawn label, numbered or a lone diamond, touches another.
    std::vector<QRectF> drawn;
    for (QCPItemText* label : marker_labels(*chart_))
      if (label->visible()) drawn.push_back(label_rect(label));
    QVERIFY(drawn.size() > numbered.size());
    for (size_t i = 1; i < drawn.size(); ++i)
      QVERIFY2(drawn[i].left() >= drawn[i - 1].right(), qPrintable(QString("label %1 overlaps the one before").arg(i)));
    // Each marker is still found by its line.
    QCOMPARE(chart_->checkpointAt(marker_pixel(*chart_, 500)), qint64(500));
  }
};

QTEST_MAIN(TestUiLossChart)
#include "test_ui_loss_chart.moc"
