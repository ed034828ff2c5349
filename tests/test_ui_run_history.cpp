// The run history as a user sees it: two short real runs of a tiny model (trained with the CLI at two
// learning rates) are listed with the numbers their training_log.jsonl holds, a run of another model is
// not, broken files are listed with the file and what is wrong; selecting runs overlays their curves and
// shows the settings that differ.
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "qcustomplot_include.h"

#include <cmath>

#include "loss_chart.h"
#include "run_history.h"
#include "run_history_view.h"
#include "test_support.h"

using namespace ui;
using test_support::child;
using test_support::run_cli;

namespace {

// What a training_log.jsonl says, read here line by line with Qt's JSON parser.
struct LogFacts {
  int entries = 0;
  int loss_points = 0;
  int eval_points = 0;
  qint64 last_step = 0;
  double last_loss = NAN;
  double last_elapsed = 0;
  qint64 last_tokens = 0;
  double min_eval = INFINITY;
  qint64 min_eval_step = -1;
  QList<QJsonObject> lines;
};

LogFacts readLog(const QString& path) {
  LogFacts facts;
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
  for (const QByteArray& line : file.readAll().split('\n')) {
    if (line.trimmed().isEmpty()) continue;
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    facts.lines << o;
    ++facts.entries;
    if (o.value("loss").isDouble()) ++facts.loss_points;
    facts.last_step = o.value("step").toInteger();
    facts.last_loss = o.value("loss").toDouble(NAN);
    facts.last_elapsed = o.value("elapsed_seconds").toDouble();
    facts.last_tokens = o.value("tokens").toInteger();
    if (o.contains("eval_loss")) {
      ++facts.eval_points;
      if (o.value("eval_loss").toDouble() < facts.min_eval) {
        facts.min_eval = o.value("eval_loss").toDouble();
        facts.min_eval_step = o.value("step").toInteger();
      }
    }
  }
  return facts;
}

QJsonObject readJson(const QString& path) {
  QFile file(path);
  file.open(QIODevice::ReadOnly);
  return QJsonDocument::fromJson(file.readAll()).object();
}

void writeFile(const QString& path, const QByteArray& bytes) {
  QDir().mkpath(QFileInfo(path).absolutePath());
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
  file.write(bytes);
}

}  // namespace

class TestUiRunHistory : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString model_, model_link_, other_model_, data_;
  QString runs_, more_runs_;
  QString high_lr_, low_lr_, other_, broken_, crashed_;

  QString train(const QString& model, const QString& output, const QString& lr) {
    auto result = run_cli({"train", "--model", model, "--dataset", data_, "--output", output, "--max-steps", "4",
                           "--eval-split", "0.25", "--eval-every", "2", "--lr", lr, "--rank", "4", "--alpha", "8",
                           "--micro-batch-size", "2", "--batch-size", "2", "--cutoff-len", "48", "--precision",
                           "float32", "--quiet"});
    return result.exit_code == 0 ? QString() : QString::fromUtf8(result.err);
  }

  static double cellNumber(const QString& text) {
    bool ok = false;
    const double value = QLocale().toDouble(text, &ok);
    return ok ? value : NAN;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    model_ = tmp_.filePath("models/tiny");
    other_model_ = tmp_.filePath("models/other");
    for (const QString& dir : {model_, other_model_}) {
      auto made = run_cli({"make-tiny", dir, "--arch", "qwen2", "--tokenizer",
                           test_support::npm_tokenizer_dir("tokenizer-llama2"), "--init-std", "0.3"});
      QVERIFY2(made.exit_code == 0, made.err.constData());
    }
    model_link_ = tmp_.filePath("tiny-link");
    QVERIFY(QFile::link(model_, model_link_));
    QByteArray lines;
    for (int i = 0; i < 8; ++i)
      lines += QString("{\"instruction\": \"Name %1\", \"output\": \"Number %1\"}\n").arg(i).toUtf8();
    data_ = tmp_.filePath("data.jsonl");
    writeFile(data_, lines);

    runs_ = tmp_.filePath("adapters");
    more_runs_ = tmp_.filePath("more-adapters");
    high_lr_ = runs_ + "/high-lr";
    low_lr_ = more_runs_ + "/low-lr";
    other_ = runs_ + "/other-model";
    QString error = train(model_, high_lr_, "1e-3");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // The same model named with a trailing slash: still the same model.
    error = train(model_ + "/", low_lr_, "3e-4");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    error = train(other_model_, other_, "1e-3");
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // A run whose parameters were cut short.
    broken_ = runs_ + "/broken";
    writeFile(broken_ + "/training_parameters.json", "{\"model_dir\": \"" + model_.toUtf8() + "\", \"rank\": ");
    // A run that crashed after two steps, with a damaged line in its log and no adapter.
    crashed_ = runs_ + "/crashed";
    QVERIFY(QDir().mkpath(crashed_));
    QVERIFY(QFile::copy(high_lr_ + "/training_parameters.json", crashed_ + "/training_parameters.json"));
    QVERIFY(QFile::exists(crashed_ + "/training_parameters.json"));
    const LogFacts high = readLog(high_lr_ + "/training_log.jsonl");
    writeFile(crashed_ + "/training_log.jsonl",
              QJsonDocument(high.lines[0]).toJson(QJsonDocument::Compact) + "\n{\"step\": oops\n" +
                  QJsonDocument(high.lines[1]).toJson(QJsonDocument::Compact) + "\n");
    // A folder that is no run.
    writeFile(runs_ + "/notes/readme.txt", "not a run");
  }

  void lists_the_runs_of_the_model_only() {
    RunHistoryView view;
    view.setFolders({runs_, more_runs_});
    view.setModelDir(model_link_);  // a link to the model: the same model
    QCOMPARE(child<QTableWidget>(&view, "runTable")->rowCount(), view.rowCount());
    QStringList names;
    for (int row = 0; row < view.rowCount(); ++row) names << view.cellText(row, RunHistoryView::kName);
    names.sort();
    QCOMPARE(names, (QStringList{"broken", "crashed", "high-lr", "low-lr"}));
    QCOMPARE(view.rowOf(other_), -1);

    // A CLI run started in tmp_ as "--model models/tiny --output cli-runs/relative" wrote relative paths.
    const QString relative = tmp_.filePath("cli-runs/relative");
    QVERIFY(QDir().mkpath(relative));
    QJsonObject parameters = readJson(high_lr_ + "/training_parameters.json");
    parameters["model_dir"] = "models/tiny";
    parameters["output_dir"] = "cli-runs/relative";
    writeFile(relative + "/training_parameters.json", QJsonDocument(parameters).toJson());
    view.setFolders({tmp_.filePath("cli-runs")});
    QCOMPARE(view.rowCount(), 1);
    QCOMPARE(canonicalPath(view.run(relative)->modelDir), canonicalPath(model_));
    view.setModelDir(other_model_);
    QCOMPARE(view.rowCount(), 0);
    view.setFolders({runs_, more_runs_});

    // The other model's runs are its own.
    view.setModelDir(other_model_ + "/");
    QVERIFY(view.rowOf(other_) >= 0);
    QCOMPARE(view.rowOf(high_lr_), -1);
    QVERIFY(view.rowOf(broken_) >= 0);  // its model is unknown: listed under every model, with its problem
  }

  void newest_first() {
    RunHistoryView view;
    view.setFolders({runs_, more_runs_});
    view.setModelDir(model_);
    QVERIFY(view.rowCount() >= 2);
    for (int row = 1; row < view.rowCount(); ++row)
      QVERIFY(view.run(view.folderAt(row - 1))->started >= view.run(view.folderAt(row))->started);
    // low-lr was trained after high-lr.
    QVERIFY(view.rowOf(low_lr_) < view.rowOf(high_lr_));
  }

  void shows_the_numbers_of_each_log() {
    RunHistoryView view;
    view.setFolders({runs_, more_runs_});
    view.setModelDir(model_);
    const QLocale locale;
    for (const QString& folder : {high_lr_, low_lr_}) {
      const LogFacts facts = readLog(folder + "/training_log.jsonl");
      const QJsonObject parameters = readJson(folder + "/training_parameters.json");
      const int row = view.rowOf(folder);
      QVERIFY(row >= 0);
      const RunRecord* run = view.run(folder);
      QVERIFY(run);
      QVERIFY2(run->problem.isEmpty(), qPrintable(run->problem));
      QCOMPARE(view.cellText(row, RunHistoryView::kStatus), QString("Finished"));
      QCOMPARE(view.cellText(row, RunHistoryView::kSteps), QString("%1 / %2").arg(facts.last_step).arg(4));
      QCOMPARE(run->finalLoss, facts.last_loss);
      QCOMPARE(view.cellText(row, RunHistoryView::kFinalLoss), locale.toString(facts.last_loss, 'f', 4));
      QVERIFY(facts.eval_points == 2);
      QVERIFY(run->bestEvalLoss.has_value());
      QCOMPARE(*run->bestEvalLoss, facts.min_eval);
      QCOMPARE(run->bestEvalStep, facts.min_eval_step);
      QCOMPARE(view.cellText(row, RunHistoryView::kBestEvalLoss), locale.toString(facts.min_eval, 'f', 4));
      QCOMPARE(view.cellText(row, RunHistoryView::kPerplexity), locale.toString(std::exp(facts.min_eval), 'f', 2));
      QCOMPARE(run->durationSeconds, facts.last_elapsed);
      QVERIFY(std::abs(run->meanTokensPerSecond - facts.last_tokens / facts.last_elapsed) < 1e-9);
      QCOMPARE(cellNumber(view.cellText(row, RunHistoryView::kTokensPerSecond)),
               std::round(facts.last_tokens / facts.last_elapsed));
      QCOMPARE(view.cellText(row, RunHistoryView::kRank), QString::number(parameters.value("rank").toInt()));
      QCOMPARE(view.cellText(row, RunHistoryView::kLearningRate).toDouble(),
               parameters.value("learning_rate").toDouble());
      QVERIFY(!view.cellText(row, RunHistoryView::kDate).isEmpty());
    }
  }

  void broken_files_are_listed_with_their_problem() {
    RunHistoryView view;
    view.setFolders({runs_, more_runs_});
    view.setModelDir(model_);
    const int broken = view.rowOf(broken_);
    QVERIFY(broken >= 0);
    const QString problem = view.cellText(broken, RunHistoryView::kProblem);
    QVERIFY2(problem.startsWith("training_parameters.json: ") && problem.contains("JSON"), qPrintable(problem));
    // The tooltip and the record name the file in full.
    const QString full = child<QTableWidget>(&view, "runTable")->item(broken, RunHistoryView::kProblem)->toolTip();
    QVERIFY2(full.contains(QDir::toNativeSeparators(broken_ + "/training_parameters.json")), qPrintable(full));
    QCOMPARE(view.run(broken_)->problem, full);
    QCOMPARE(view.cellText(broken, RunHistoryView::kStatus), QString("Incomplete"));

    const int crashed = view.rowOf(crashed_);
    QVERIFY(crashed >= 0);
    const QString log_problem = view.cellText(crashed, RunHistoryView::kProblem);
    QVERIFY2(log_problem.contains("training_log.jsonl") && log_problem.contains("line 2"), qPrintable(log_problem));
    QCOMPARE(view.cellText(crashed, RunHistoryView::kStatus), QString("Incomplete"));  // no adapter
    QCOMPARE(view.cellText(crashed, RunHistoryView::kSteps), QString("2 / 4"));
    const LogFacts high = readLog(high_lr_ + "/training_log.jsonl");
    QCOMPARE(view.run(crashed_)->finalLoss, high.lines[1].value("loss").toDouble());
  }

  void the_status_says_how_far_a_run_got() {
    // Copies of high-lr with the log cut after step 2: stopped by the user (an adapter, steps left),
    // and one that set a target loss it reached at step 2 (finished early).
    const QString root = tmp_.filePath("status-runs");
    const LogFacts high = readLog(high_lr_ + "/training_log.jsonl");
    const QByteArray two_steps = QJsonDocument(high.lines[0]).toJson(QJsonDocument::Compact) + "\n" +
                                 QJsonDocument(high.lines[1]).toJson(QJsonDocument::Compact) + "\n";
    for (const QString& name : {"stopped", "target-loss"}) {
      QVERIFY(QDir().mkpath(root + "/" + name));
      for (const QString& file : {"training_parameters.json", "adapter_model.safetensors", "adapter_config.json"})
        QVERIFY(QFile::copy(high_lr_ + "/" + file, root + "/" + name + "/" + file));
      writeFile(root + "/" + name + "/training_log.jsonl", two_steps);
    }
    QJsonObject parameters = readJson(high_lr_ + "/training_parameters.json");
    parameters["stop_at_loss"] = high.lines[1].value("loss").toDouble() + 0.5;
    QFile::remove(root + "/target-loss/training_parameters.json");
    writeFile(root + "/target-loss/training_parameters.json", QJsonDocument(parameters).toJson());

    RunHistoryView view;
    view.setFolders({root});
    view.setModelDir(model_);
    QCOMPARE(view.rowCount(), 2);
    const int stopped = view.rowOf(root + "/stopped");
    QCOMPARE(view.cellText(stopped, RunHistoryView::kStatus), QString("Stopped"));
    QCOMPARE(view.cellText(stopped, RunHistoryView::kSteps), QString("2 / 4"));
    const int target = view.rowOf(root + "/target-loss");
    QCOMPARE(view.cellText(target, RunHistoryView::kStatus), QString("Finished"));
    QVERIFY(view.run(root + "/target-loss")->progress.reachedEnd);
    QVERIFY(!view.run(root + "/stopped")->progress.reachedEnd);
  }

  void selected_runs_overlay_their_curves() {
    RunHistoryView view;
    view.setFolders({runs_, more_runs_});
    view.setModelDir(model_);
    view.selectRuns({high_lr_, low_lr_});
    QCOMPARE(view.selectedFolders().size(), 2);
    QCOMPARE(view.overlayCurveCount(), 2);
    QList<int> points, evals;
    QStringList names;
    for (const QString& folder : view.selectedFolders()) {
      const LogFacts facts = readLog(folder + "/training_log.jsonl");
      points << facts.loss_points;
      evals << facts.eval_points;
      names << QFileInfo(folder).fileName();
    }
    QCOMPARE(view.overlayPointCounts(), points);
    QCOMPARE(view.overlayEvalPointCounts(), evals);
    QCOMPARE(view.overlayCurveNames(), names);

    // The curves are the Train page chart's smoothed loss, point for point.
    QCustomPlot* plot = child<QCustomPlot>(&view, "runOverlayChart");
    for (int curve = 0; curve < 2; ++curve) {
      LossChart chart;
      chart.addEntries(view.run(view.selectedFolders()[curve])->entries);
      const auto* expected = chart.plot()->graph(1)->data().data();
      QCPGraph* graph = nullptr;
      for (int i = 0; i < plot->graphCount(); ++i)
        if (plot->graph(i)->name() == names[curve]) graph = plot->graph(i);
      QVERIFY(graph);
      QCOMPARE(graph->dataCount(), expected->size());
      for (int i = 0; i < expected->size(); ++i) {
        QCOMPARE(graph->data()->at(i)->key, expected->at(i)->key);
        QCOMPARE(graph->data()->at(i)->value, expected->at(i)->value);
      }
      // The first smoothed point is the first loss itself (the average is debiased).
      const LogFacts facts = readLog(view.selectedFolders()[curve] + "/training_log.jsonl");
      QVERIFY(std::abs(graph->data()->at(0)->value - facts.lines[0].value("loss").toDouble()) < 1e-9);
    }

    view.selectRuns({high_lr_});
    QCOMPARE(view.overlayCurveCount(), 1);
    view.selectRuns({});
    QCOMPARE(view.overlayCurveCount(), 0);
  }

  void the_settings_diff_names_what_differs() {
    RunHistoryView view;
    view.setFolders({runs_, more_runs_});
    view.setModelDir(model_);
    view.selectRuns({high_lr_, low_lr_});
    QVERIFY(!view.sameSettingsShown());
    const QStringList keys = view.diffKeys();
    QVERIFY2(keys.contains("learning_rate"), qPrintable(keys.join(",")));
    QVERIFY(!keys.contains("output_dir"));
    QVERIFY2(!keys.contains("model_dir"), "the same model written with a trailing slash is the same model");
    QCOMPARE(view.diffRowCount(), keys.size());
    const QStringList values = view.diffValues("learning_rate");
    QCOMPARE(values.size(), 2);
    const QStringList folders = view.selectedFolders();
    for (int i = 0; i < 2; ++i)
      QCOMPARE(values[i].toDouble(),
               readJson(folders[i] + "/training_parameters.json").value("learning_rate").toDouble());
    QVERIFY(values[0] != values[1]);
    // Every listed key really differs between the two files.
    const QJsonObject a = readJson(folders[0] + "/training_parameters.json");
    const QJsonObject b = readJson(folders[1] + "/training_parameters.json");
    for (const QString& key : keys)
      if (key != "model_dir") QVERIFY2(a.value(key) != b.value(key), qPrintable(key));
    for (const QString& key : a.keys())
      if (key != "output_dir" && key != "model_dir" && a.value(key) != b.value(key))
        QVERIFY2(keys.contains(key), qPrintable(key));

    // The crashed run was started with high-lr's very parameters.
    view.selectRuns({high_lr_, crashed_});
    QCOMPARE(view.diffRowCount(), 0);
    QVERIFY(view.sameSettingsShown());
    QCOMPARE(child<QLabel>(&view, "runSettingsSame")->text(), QString("Same settings"));
  }

  void buttons_act_on_one_run() {
    RunHistoryView view;
    view.setFolders({runs_, more_runs_});
    view.setModelDir(model_);
    auto* open = child<QPushButton>(&view, "runOpen");
    auto* chat = child<QPushButton>(&view, "runChat");
    QSignalSpy opened(&view, &RunHistoryView::openRunRequested);
    QSignalSpy chatted(&view, &RunHistoryView::chatWithRunRequested);

    view.selectRuns({high_lr_});
    QVERIFY(open->isEnabled());
    QVERIFY(chat->isEnabled());
    open->click();
    QCOMPARE(opened.size(), 1);
    QCOMPARE(canonicalPath(opened.at(0).at(0).toString()), canonicalPath(high_lr_));
    chat->click();
    QCOMPARE(chatted.size(), 1);
    QCOMPARE(canonicalPath(chatted.at(0).at(0).toString()), canonicalPath(high_lr_));

    view.selectRuns({crashed_});  // a log, no adapter
    QVERIFY(open->isEnabled());
    QVERIFY(!chat->isEnabled());
    view.selectRuns({broken_});  // neither
    QVERIFY(!open->isEnabled());
    QVERIFY(!chat->isEnabled());
    view.selectRuns({high_lr_, low_lr_});
    QVERIFY(!open->isEnabled());
    QVERIFY(!chat->isEnabled());
  }

  void refresh_finds_new_runs_and_keeps_the_selection() {
    RunHistoryView view;
    view.setFolders({runs_, more_runs_});
    view.setModelDir(model_);
    const int before = view.rowCount();
    view.selectRuns({low_lr_});
    const QString copy = runs_ + "/copy";
    QDir().mkpath(copy);
    for (const QString& name : QDir(high_lr_).entryList(QDir::Files))
      QFile::copy(high_lr_ + "/" + name, copy + "/" + name);
    child<QPushButton>(&view, "runRefresh")->click();
    QCOMPARE(view.rowCount(), before + 1);
    QCOMPARE(view.selectedFolders().size(), 1);
    QCOMPARE(canonicalPath(view.selectedFolders().front()), canonicalPath(low_lr_));
    QDir(copy).removeRecursively();
  }

  void fits_a_1024x640_window() {
    RunHistoryView view;
    view.setFolders({runs_, more_runs_});
    view.setModelDir(model_);
    view.resize(1024, 640);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.selectRuns({high_lr_, low_lr_});
    QApplication::processEvents();
    auto* table = child<QTableWidget>(&view, "runTable");
    auto* plot = child<QCustomPlot>(&view, "runOverlayChart");
    auto* diff = child<QTableWidget>(&view, "runSettingsDiff");
    QVERIFY2(table->height() >= 110, qPrintable(QString::number(table->height())));
    QVERIFY2(plot->height() >= 170 && plot->width() >= 300,
             qPrintable(QString("%1x%2").arg(plot->width()).arg(plot->height())));
    QVERIFY2(diff->width() >= 200 && diff->height() >= 100,
             qPrintable(QString("%1x%2").arg(diff->width()).arg(diff->height())));
    // Side by side below the table.
    const QPoint plot_at = plot->mapTo(&view, QPoint(0, 0)), diff_at = diff->mapTo(&view, QPoint(0, 0));
    QVERIFY(plot_at.y() > table->mapTo(&view, QPoint(0, 0)).y() + table->height() - 1);
    QVERIFY(diff_at.x() >= plot_at.x() + plot->width());
    for (QPushButton* button : view.findChildren<QPushButton*>()) {
      const int needed = button->fontMetrics().horizontalAdvance(button->text()) + 8;
      QVERIFY2(needed <= button->width(), qPrintable(button->text()));
    }
    // The legend names the runs.
    QStringList legend;
    for (int i = 0; i < plot->legend->itemCount(); ++i)
      if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot->legend->item(i)))
        legend << item->plottable()->name();
    legend.sort();
    QCOMPARE(legend, (QStringList{"high-lr", "low-lr"}));
  }
};

QTEST_MAIN(TestUiRunHistory)
#include "test_ui_run_history.moc"
