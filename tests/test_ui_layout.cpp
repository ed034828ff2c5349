// Every page fits a 1024x640 window, in English and in Chinese: buttons show their whole text, the Export page
// needs no sideways scrolling, and a long training state does not squeeze the loss chart.
#include <QAbstractScrollArea>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <qcustomplot.h>

#include "app_session.h"
#include "language.h"
#include "loss_chart.h"
#include "main_window.h"
#include "test_support.h"

using namespace ui;

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

    for (int row = 0; row < navigation->count(); ++row) {
      navigation->setCurrentRow(row);
      QWidget* page = pages->currentWidget();
      QApplication::processEvents();
      QTest::qWait(20);
      const QString where = language + "/" + navigation->item(row)->text();
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
    QVERIFY2(chart->width() >= 0.45 * train->width(), qPrintable(widths));

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
  }

 private slots:
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
