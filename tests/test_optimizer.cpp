// The optimizers against torch.optim itself (tests/reference/optimizer_reference.py →
// fixtures/optimizer): AdamW with weight decay and SGD with momentum, four steps of LoRA-shaped
// fp32 parameters, each step's parameters and AdamW's moments at the end. Both of AdamW's paths:
// contiguous fp32 tensors take the one-pass update, others the ATen ops.
// libtorch before Qt: Qt's `slots` macro would clash with torch's IValue::slots().
#include <ATen/ATen.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <map>
#include <string>
#include <vector>

#include "optimizer.h"
#include "test_support.h"

namespace {

at::Tensor values_of(const QJsonValue& value, const std::vector<int64_t>& shape) {
  std::vector<float> data;
  for (const auto& v : value.toArray()) data.push_back(static_cast<float>(v.toDouble()));
  return at::tensor(data, at::kFloat).reshape(shape).clone();
}

double max_abs_difference(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

class TestOptimizer : public QObject {
  Q_OBJECT

 private:
  QJsonObject fixture_;
  const std::vector<std::string> names_ = {"lora_A", "lora_B"};

  std::vector<int64_t> shape_of(const std::string& name) const {
    std::vector<int64_t> shape;
    for (const auto& d : fixture_.value("shapes").toObject().value(QString::fromStdString(name)).toArray())
      shape.push_back(d.toInt());
    return shape;
  }

  // Runs `optimizer_name` over the fixture's steps, checking each step's parameters against torch's
  // (`expected_key`). transposed: each parameter a transposed view of a contiguous tensor (the
  // ATen-ops path). Returns the optimizer's state at the end; *error names the first mismatch.
  std::map<std::string, at::Tensor> run(const std::string& optimizer_name, const char* expected_key, bool transposed,
                                        double tolerance, std::string* error) {
    std::vector<std::pair<std::string, at::Tensor>> params;
    for (const auto& name : names_) {
      const at::Tensor initial = values_of(fixture_.value("initial").toObject().value(QString::fromStdString(name)),
                                           shape_of(name));
      params.emplace_back(name, transposed ? initial.t().contiguous().t() : initial);
    }
    if (transposed && params[0].second.is_contiguous()) *error = "a transposed parameter came out contiguous";
    lora::OptimizerSettings settings;
    settings.name = optimizer_name;
    settings.weight_decay = 0.01;
    settings.momentum = 0.9;
    lora::Optimizer optimizer(settings, params);
    const QJsonArray grads = fixture_.value("grads").toArray(), expected = fixture_.value(expected_key).toArray();
    for (int step = 0; step < fixture_.value("steps").toInt(); ++step) {
      for (auto& [name, p] : params)
        p.mutable_grad() = values_of(grads[step].toObject().value(QString::fromStdString(name)), shape_of(name));
      optimizer.step(fixture_.value("lr").toDouble());
      for (const auto& [name, p] : params) {
        const at::Tensor torch_value =
            values_of(expected[step].toObject().value(QString::fromStdString(name)), shape_of(name));
        const double difference = max_abs_difference(p, torch_value);
        if (difference > tolerance && error->empty())
          *error = optimizer_name + " step " + std::to_string(step + 1) + ", " + name + ": differs from torch.optim by " +
                   std::to_string(difference);
      }
      optimizer.zero_grad();
    }
    std::map<std::string, at::Tensor> state;
    for (const auto& [name, tensor] : optimizer.state()) state[name] = tensor;
    return state;
  }

 private Q_SLOTS:
  void initTestCase() {
    QFile file(test_support::fixtures_dir() + "/optimizer/optimizer_reference.json");
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    fixture_ = QJsonDocument::fromJson(file.readAll()).object();
    QVERIFY(!fixture_.isEmpty());
  }

  void adamw_matches_torch_optim_data() {
    QTest::addColumn<bool>("transposed");
    QTest::newRow("contiguous (one pass)") << false;
    QTest::newRow("transposed (ATen ops)") << true;
  }
  void adamw_matches_torch_optim() {
    QFETCH(bool, transposed);
    // fp32 rounding of the same operations: a few units in the last place of values near 1.
    std::string error;
    const auto state = run("adamw_torch", "adamw", transposed, 2e-6, &error);
    QVERIFY2(error.empty(), error.c_str());
    for (const auto& name : names_) {
      for (const char* moment : {"exp_avg", "exp_avg_sq"}) {
        const std::string key = name + "." + moment;
        QVERIFY2(state.count(key), key.c_str());
        const at::Tensor expected = values_of(
            fixture_.value(QString("adamw_") + moment).toObject().value(QString::fromStdString(name)), shape_of(name));
        const double scale = expected.abs().max().item<double>();
        QVERIFY2(max_abs_difference(state.at(key), expected) <= 1e-6 * scale, key.c_str());
      }
    }
  }

  void sgd_matches_torch_optim() {
    std::string error;
    run("sgd", "sgd", false, 2e-6, &error);
    QVERIFY2(error.empty(), error.c_str());
  }
};

QTEST_GUILESS_MAIN(TestOptimizer)
#include "test_optimizer.moc"
