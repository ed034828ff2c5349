// Each learning-rate schedule against points worked out by hand from Hugging Face's formulas
// (transformers.optimization), so a run here follows the curve the user knows from other tools.
#include <QtTest>

#include <cmath>

#include "lr_schedule.h"

using lora::LrSchedule;
using lora::LrScheduleParams;

class TestLrSchedule : public QObject {
  Q_OBJECT

 private:
  static LrScheduleParams params(LrSchedule schedule, int64_t warmup, int64_t total) {
    LrScheduleParams p;
    p.schedule = schedule;
    p.warmup_steps = warmup;
    p.total_steps = total;
    p.base_lr = 1e-3;
    return p;
  }

 private slots:
  void names_round_trip() {
    for (const auto& name : lora::lr_schedule_names()) {
      LrSchedule s;
      QVERIFY(lora::parse_lr_schedule(name, &s));
      QCOMPARE(std::string(lora::lr_schedule_name(s)), name);
    }
    LrSchedule s;
    QVERIFY(!lora::parse_lr_schedule("cosine-annealing", &s));
    QCOMPARE(lora::lr_schedule_names().size(), size_t(7));
  }

  void curves_data() {
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<int>("warmup");
    QTest::addColumn<int>("step");
    QTest::addColumn<double>("expected");
    // 100 steps, 10 of warmup unless said otherwise. Warmup is step/warmup for every schedule but constant.
    QTest::newRow("linear warmup start") << "linear" << 10 << 0 << 0.0;
    QTest::newRow("linear warmup half") << "linear" << 10 << 5 << 0.5;
    QTest::newRow("linear peak") << "linear" << 10 << 10 << 1.0;
    QTest::newRow("linear half way down") << "linear" << 10 << 55 << 0.5;
    QTest::newRow("linear end") << "linear" << 10 << 100 << 0.0;
    QTest::newRow("linear past end clamps") << "linear" << 10 << 120 << 0.0;
    QTest::newRow("constant ignores warmup") << "constant" << 10 << 3 << 1.0;
    QTest::newRow("constant_with_warmup ramps") << "constant_with_warmup" << 10 << 3 << 0.3;
    QTest::newRow("constant_with_warmup flat") << "constant_with_warmup" << 10 << 90 << 1.0;
    QTest::newRow("cosine peak") << "cosine" << 10 << 10 << 1.0;
    QTest::newRow("cosine middle") << "cosine" << 10 << 55 << 0.5;
    QTest::newRow("cosine quarter") << "cosine" << 0 << 25 << 0.5 * (1 + std::cos(M_PI * 0.25));
    QTest::newRow("cosine end") << "cosine" << 10 << 100 << 0.0;
    // One restart cycle over the post-warmup phase: same as cosine until the end, then 0.
    QTest::newRow("restarts middle") << "cosine_with_restarts" << 0 << 50 << 0.5;
    QTest::newRow("restarts end") << "cosine_with_restarts" << 0 << 100 << 0.0;
    // polynomial, power 1, lr_end 1e-7, base 1e-3: linear from 1 down to lr_end/base.
    QTest::newRow("polynomial middle") << "polynomial" << 0 << 50 << (0.5 * (1e-3 - 1e-7) + 1e-7) / 1e-3;
    QTest::newRow("polynomial end") << "polynomial" << 0 << 100 << 1e-4;
    QTest::newRow("polynomial past end") << "polynomial" << 0 << 150 << 1e-4;
    // inverse_sqrt: timescale = warmup (10): 1/sqrt(step/10) after warmup.
    QTest::newRow("inverse_sqrt at warmup") << "inverse_sqrt" << 10 << 10 << 1.0;
    QTest::newRow("inverse_sqrt at 40") << "inverse_sqrt" << 10 << 40 << 0.5;
    QTest::newRow("inverse_sqrt at 90") << "inverse_sqrt" << 10 << 90 << 1.0 / 3.0;
    // Without warmup the timescale is 10,000 steps and the shift 10,000: 1/sqrt((30000+10000)/10000).
    QTest::newRow("inverse_sqrt no warmup") << "inverse_sqrt" << 0 << 30000 << 0.5;
  }

  void curves() {
    QFETCH(QString, schedule);
    QFETCH(int, warmup);
    QFETCH(int, step);
    QFETCH(double, expected);
    LrSchedule s;
    QVERIFY(lora::parse_lr_schedule(schedule.toStdString(), &s));
    const auto p = params(s, warmup, 100);
    QVERIFY2(std::abs(lora::lr_multiplier(p, step) - expected) < 1e-9,
             qPrintable(QString("%1 at step %2: %3, expected %4")
                            .arg(schedule).arg(step).arg(lora::lr_multiplier(p, step)).arg(expected)));
    QVERIFY(std::abs(lora::learning_rate_at(p, step) - 1e-3 * expected) < 1e-12);
  }

  void linear_decays_monotonically() {
    const auto p = params(LrSchedule::Linear, 5, 50);
    for (int step = 5; step < 50; ++step) QVERIFY(lora::lr_multiplier(p, step + 1) < lora::lr_multiplier(p, step));
  }
};

QTEST_GUILESS_MAIN(TestLrSchedule)
#include "test_lr_schedule.moc"
