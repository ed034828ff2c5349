// The output head and the cross-entropy in one node (ops::linear_cross_entropy_sum), a band of rows
// at a time: its loss and the hidden states' gradient equal ATen's own cross_entropy_loss (sum) over
// hidden · Wᵀ computed in double, for every band size (one row, bands that do not divide the rows,
// one band for all), in fp32 (tight) and bf16 (within bf16 rounding of the logits; the head stored by rows
// or, as a bf16 CPU model keeps it, by columns); the upstream
// gradient scales it; the ATen band path (what CUDA runs; double on the CPU here) likewise; without grad mode it keeps nothing; a target outside the vocabulary is named.
// libtorch before Qt: Qt's `slots` macro would clash with torch's IValue::slots().
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <QtTest>

#include "error.h"
#include "ops.h"

Q_DECLARE_METATYPE(at::ScalarType)

namespace {

namespace ops = lora::ops;

double relative(const at::Tensor& tested, const at::Tensor& reference) {
  const at::Tensor t = tested.to(at::kDouble), r = reference.to(at::kDouble);
  return (t - r).abs().max().item<double>() / std::max(1e-12, r.abs().max().item<double>());
}

struct Case {
  at::Tensor hidden, weight, targets;
};

Case make_case(int64_t rows, int64_t hidden_size, int64_t vocab, at::ScalarType dtype) {
  at::manual_seed(7);
  Case c;
  c.hidden = at::randn({rows, hidden_size}, at::kFloat).to(dtype);
  c.weight = (at::randn({vocab, hidden_size}, at::kFloat) * 0.5).to(dtype);
  c.targets = at::randint(0, vocab, {rows}, at::kLong);
  return c;
}

// ATen's cross_entropy_loss over the logits in double, with autograd: (loss, d loss / d hidden).
std::pair<double, at::Tensor> reference(const Case& c) {
  at::Tensor hidden = c.hidden.to(at::kDouble).detach().requires_grad_(true);
  const at::Tensor logits = at::mm(hidden, c.weight.to(at::kDouble).t());
  const at::Tensor loss = at::cross_entropy_loss(logits, c.targets, {}, at::Reduction::Sum);
  loss.backward();
  return {loss.item<double>(), hidden.grad()};
}

}  // namespace

class TestLinearCrossEntropy : public QObject {
  Q_OBJECT

 private slots:
  void equals_aten_cross_entropy_for_every_band_data() {
    QTest::addColumn<at::ScalarType>("dtype");
    QTest::addColumn<qint64>("band_rows");
    QTest::addColumn<double>("tolerance");
    QTest::addColumn<bool>("head_by_columns");
    for (const auto& [name, dtype, tolerance] :
         {std::tuple<const char*, at::ScalarType, double>{"fp32", at::kFloat, 2e-5}, {"bf16", at::kBFloat16, 3e-2},
          // double takes the ATen band path, the one CUDA runs (its softmax in fp32)
          {"fp64 aten", at::kDouble, 1e-6}})
      for (qint64 band : {0, 1, 16, 37, 1000})
        QTest::newRow(qPrintable(QString("%1 band %2").arg(name).arg(band))) << dtype << band << tolerance << false;
    // The layout transformer.cpp gives a bf16 CPU head: the same values, stored column by column.
    for (qint64 band : {0, 37})
      QTest::newRow(qPrintable(QString("bf16 head by columns band %1").arg(band)))
          << at::kBFloat16 << band << 3e-2 << true;
  }
  void equals_aten_cross_entropy_for_every_band() {
    QFETCH(at::ScalarType, dtype);
    QFETCH(qint64, band_rows);
    QFETCH(double, tolerance);
    QFETCH(bool, head_by_columns);
    Case c = make_case(37, 48, 1500, dtype);
    if (head_by_columns) {
      c.weight = c.weight.t().contiguous().t();
      QVERIFY(!c.weight.is_contiguous());
    }
    const auto [expected_loss, expected_grad] = reference(c);
    at::Tensor hidden = c.hidden.detach().requires_grad_(true);
    const at::Tensor loss = ops::linear_cross_entropy_sum(hidden, c.weight, c.targets, band_rows);
    QCOMPARE(loss.scalar_type(), at::kFloat);
    loss.backward();
    const double loss_error = std::abs(loss.item<double>() - expected_loss) / std::abs(expected_loss);
    QVERIFY2(loss_error < tolerance, qPrintable(QString("loss differs by %1").arg(loss_error)));
    QVERIFY(hidden.grad().defined());
    QCOMPARE(hidden.grad().scalar_type(), dtype);
    const double grad_error = relative(hidden.grad(), expected_grad);
    QVERIFY2(grad_error < tolerance, qPrintable(QString("gradient differs by %1").arg(grad_error)));
  }

  void equals_the_head_then_the_cross_entropy_node() {
    // What training computed before: the head's logits whole, then ops::cross_entropy_sum.
    for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
      const Case c = make_case(64, 32, 2000, dtype);
      at::Tensor a = c.hidden.detach().requires_grad_(true), b = c.hidden.detach().requires_grad_(true);
      const at::Tensor fused = ops::linear_cross_entropy_sum(a, c.weight, c.targets, 24);
      const at::Tensor composed = ops::cross_entropy_sum(at::mm(b, c.weight.t()), c.targets);
      (fused * 0.25).backward();
      (composed * 0.25).backward();
      const double tolerance = dtype == at::kFloat ? 1e-5 : 2e-2;
      QVERIFY(std::abs(fused.item<double>() - composed.item<double>()) / composed.item<double>() < tolerance);
      const double grad_error = relative(a.grad(), b.grad());
      QVERIFY2(grad_error < tolerance, qPrintable(QString("gradient differs by %1").arg(grad_error)));
    }
  }

  // The automatic band: ~32 MiB of logits on the CPU in whole 128-row tiles (256 rows at vocab 32000), never so few rows
  // that the head's matmul starves (a large vocabulary still gets 256), and never more than there are.
  void automatic_bands_are_wide_enough_for_the_matmul() {
    QCOMPARE(lora::ops::linear_cross_entropy_band_rows(4096, 32000, /*on_cpu=*/true), qint64(256));
    QCOMPARE(lora::ops::linear_cross_entropy_band_rows(4096, 151936, /*on_cpu=*/true), qint64(256));
    QCOMPARE(lora::ops::linear_cross_entropy_band_rows(100, 151936, /*on_cpu=*/true), qint64(100));
    QCOMPARE(lora::ops::linear_cross_entropy_band_rows(4096, 151936, /*on_cpu=*/false), qint64(384));
  }

  void without_grad_mode_gives_the_loss_and_keeps_no_graph() {
    const Case c = make_case(20, 16, 300, at::kFloat);
    const auto [expected_loss, expected_grad] = reference(c);
    at::Tensor hidden = c.hidden.detach().requires_grad_(true);
    at::Tensor loss;
    {
      at::NoGradGuard no_grad;
      loss = ops::linear_cross_entropy_sum(hidden, c.weight, c.targets);
    }
    QVERIFY(!loss.requires_grad());
    QVERIFY(std::abs(loss.item<double>() - expected_loss) / expected_loss < 1e-5);
    // A frozen input (evaluation of a model whose hidden states need no gradient) likewise.
    const at::Tensor frozen = ops::linear_cross_entropy_sum(c.hidden, c.weight, c.targets);
    QVERIFY(!frozen.requires_grad());
    QVERIFY(std::abs(frozen.item<double>() - expected_loss) / expected_loss < 1e-5);
  }

  void a_target_outside_the_vocabulary_is_named() {
    Case c = make_case(5, 8, 50, at::kFloat);
    c.targets[3] = 50;
    try {
      ops::linear_cross_entropy_sum(c.hidden, c.weight, c.targets);
      QFAIL("no error for target 50 in a vocabulary of 50");
    } catch (const lora::Error& e) {
      const QString text = QString::fromUtf8(e.what());
      QVERIFY2(text.contains("50") && text.contains("3"), e.what());
    }
  }

  void mismatched_shapes_are_refused() {
    const Case c = make_case(5, 8, 50, at::kFloat);
    QVERIFY_THROWS_EXCEPTION(lora::Error, ops::linear_cross_entropy_sum(c.hidden, c.weight.t(), c.targets));
    QVERIFY_THROWS_EXCEPTION(lora::Error, ops::linear_cross_entropy_sum(c.hidden, c.weight, c.targets.narrow(0, 0, 4)));
    QVERIFY_THROWS_EXCEPTION(lora::Error,
                             ops::linear_cross_entropy_sum(c.hidden, c.weight.to(at::kBFloat16), c.targets));
  }
};

QTEST_GUILESS_MAIN(TestLinearCrossEntropy)
#include "test_linear_cross_entropy.moc"
