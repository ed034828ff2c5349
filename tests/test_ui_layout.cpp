// Every page fits a 1024x640 window, in English and in Chinese: buttons show their whole text, the Export page
// needs no sideways scrolling, and a long training state does not squeeze the loss chart.
#include <QAbstractScrollArea>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QTabBar>
#include <QTabWidget>
#include <QScrollBar>
#include <QSettings>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "qcustomplot_include.h"

#include "app_session.h"
#include "language.h"
#include "loss_chart.h"
#include "main_window.h"
#include "test_support.h"

using namespace ui;
using test_support::child;

class TestUiLayout : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir data_home_;

  void checkWindowAt1024x640(const QString& language) {
    QTemporaryDir dir;
    QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
    settings.setValue("demo/offered", true);
    settings.setValue("models/folders", QStringList{dir.path()});
    AppSession session(&settings);
    MainWindow window(&session);
    const QSize minimum = window.minimumSize();
    QVERIFY2(minimum.width() > 0 && minimum.height() > 0, "the window has no minimum size");
    QVERIFY2(minimum.width() <= 1024 && minimum.height() <= 640,
             qPrintable(QString("minimum %1x%2").arg(minimum.width()).arg(minimum.height())));
    window.resize(1024, 640);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* navigation = window.findChild<QListWidget*>("navigation");
    auto* pages = window.findChild<QStackedWidget*>();
    QVERIFY(navigation && pages);
    QCOMPARE(window.size(), QSize(1024, 640));

    // Every page, and each of the Train page's views of the runs (current, answers, history).
    QList<QPair<int, int>> views;
    for (int row = 0; row < navigation->count(); ++row) views.append({row, -1});
    for (int tab = 0; tab < 3; ++tab) views.append({2, tab});
    for (const auto& [row, tab] : views) {
      navigation->setCurrentRow(row);
      QWidget* page = pages->currentWidget();
      auto* run_tabs = page->findChild<QTabWidget*>("runTabs");
      if (tab >= 0) {
        QVERIFY(run_tabs);
        run_tabs->setCurrentIndex(tab);
      }
      QApplication::processEvents();
      QTest::qWait(20);
      const QString where = language + "/" + navigation->item(row)->text() +
                            (tab >= 0 ? "/" + run_tabs->tabText(tab) : QString());
      for (QPushButton* button : page->findChildren<QPushButton*>()) {
        if (!button->isVisibleTo(&window) || button->text().isEmpty()) continue;
        const int needed = button->fontMetrics().horizontalAdvance(button->text()) + 8;
        QVERIFY2(needed <= button->width(),
                 qPrintable(QString("%1: button \"%2\" is %3 px wide, its text needs %4")
                                .arg(where, button->text()).arg(button->width()).arg(needed)));
      }
      // Widgets on the page stay inside it.
      QVERIFY2(page->width() <= pages->width(), qPrintable(where));
    }

    // Export: no sideways scrolling.
    navigation->setCurrentRow(4);
    QApplication::processEvents();
    for (QScrollArea* scroll : pages->currentWidget()->findChildren<QScrollArea*>()) {
      QScrollBar* bar = scroll->horizontalScrollBar();
      QVERIFY2(!bar->isVisible() || bar->maximum() == 0,
               qPrintable(language + ": the Export page scrolls sideways by " + QString::number(bar->maximum())));
    }

    // Export: every tool's tab is in view, none behind scroll arrows.
    auto* tools = pages->currentWidget()->findChild<QTabWidget*>("tools_tabs");
    QVERIFY(tools);
    for (int i = 0; i < tools->count(); ++i)
      QVERIFY2(tools->tabBar()->rect().contains(tools->tabBar()->tabRect(i)),
               qPrintable(QString("%1: the tab \"%2\" is out of view").arg(language, tools->tabText(i))));

    // The Train page's run views: every tab in view.
    navigation->setCurrentRow(2);
    auto* run_tabs = child<QTabWidget>(pages->currentWidget(), "runTabs");
    run_tabs->setCurrentIndex(0);
    for (int i = 0; i < run_tabs->count(); ++i)
      QVERIFY2(run_tabs->tabBar()->rect().contains(run_tabs->tabBar()->tabRect(i)),
               qPrintable(QString("%1: the tab \"%2\" is out of view").arg(language, run_tabs->tabText(i))));

    // Train: a long state keeps the chart at least 55% of the page's width.
    navigation->setCurrentRow(2);
    QWidget* train = pages->currentWidget();
    auto* state = train->findChild<QLabel*>("phaseLabel");
    auto* chart = train->findChild<QWidget*>("lossChart");
    QVERIFY(state && chart);
    QApplication::processEvents();
    const int chart_before = chart->width();
    state->setText(QString("Stopped at step 120 of 500; the adapter trained so far is saved in "
                           "/home/someone/.local/share/LoRA Studio/adapters/a-rather-long-adapter-name and can be "
                           "resumed"));
    QApplication::processEvents();
    QTest::qWait(20);
    // The parameters column keeps its width (about 400 px), so the chart has the rest of the row, all of it.
    const QString widths = QString("%1: chart %2 px of a %3 px page (%4 before)")
                               .arg(language).arg(chart->width()).arg(train->width()).arg(chart_before);
    QVERIFY2(chart->width() == chart_before, qPrintable(widths));
    QVERIFY2(chart->width() >= 0.55 * train->width(), qPrintable(widths));

    // The step labels do not run together, and the legend sits outside the curves' rectangle.
    auto* loss_chart = qobject_cast<LossChart*>(chart);
    QVERIFY(loss_chart);
    QCustomPlot* plot = loss_chart->plot();
    plot->xAxis->setRange(0, 1000);
    plot->replot();
    const QVector<QString> labels = plot->xAxis->tickVectorLabels();
    QVERIFY(labels.size() >= 2);
    const QFontMetrics metrics(plot->xAxis->tickLabelFont());
    int label_width = 0;
    for (const QString& label : labels) label_width += metrics.horizontalAdvance(label) + 10;
    QVERIFY2(label_width <= plot->axisRect()->width(),
             qPrintable(QString("%1: %2 step labels need %3 px, the axis is %4").arg(language).arg(labels.size())
                            .arg(label_width).arg(plot->axisRect()->width())));
    QVERIFY(plot->legend->visible());
    QVERIFY2(!plot->legend->outerRect().intersects(plot->axisRect()->rect()), qPrintable(language));
    QVERIFY2(state->geometry().right() <= state->parentWidget()->width(), qPrintable(language));
    // ... and every line of it is in view: the label is as tall as its wrapped text, inside its box.
    QVERIFY2(state->height() >= state->heightForWidth(state->width()),
             qPrintable(QString("%1: the state needs %2 px, has %3").arg(language)
                            .arg(state->heightForWidth(state->width())).arg(state->height())));
    QVERIFY2(state->geometry().bottom() <= state->parentWidget()->height(), qPrintable(language));
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(data_home_.isValid());
    qputenv("XDG_DATA_HOME", data_home_.path().toLocal8Bit());
  }
  void englishFits1024x640() { checkWindowAt1024x640("en"); }
  void chineseFits1024x640() {
    QVERIFY(installTranslations(*qApp, "zh_CN") > 0);
    checkWindowAt1024x640("zh_CN");
  }
};

QTEST_MAIN(TestUiLayout)
#include "test_ui_layout.moc"
