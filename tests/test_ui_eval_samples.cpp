// The evaluation answers view fed with a real run's training_log.jsonl (trained by the CLI): one row
// per evaluation with perplexity = exp(eval loss), one prompt at a time, an empty state for a run
// without an evaluation set, and a layout that works in a 1024x640 window.
#include "training_log.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QtTest>

#include <cmath>

#include "eval_samples_view.h"
#include "test_support.h"
#include "training_log_tail.h"

using test_support::child;
using test_support::run_cli;
using ui::EvalSamplesView;

class TestUiEvalSamples : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString model_, data_;

  QString train(const QString& name, const QStringList& extra) {
    const QString output = tmp_.path() + "/" + name;
    QStringList args = {"train", "--model", model_, "--dataset", data_, "--output", output, "--max-steps", "6",
                        "--rank", "4", "--alpha", "8", "--micro-batch-size", "2", "--batch-size", "2",
                        "--cutoff-len", "48", "--precision", "float32", "--lr", "1e-2", "--threads", "2", "--quiet"};
    args << extra;
    const auto result = run_cli(args);
    if (result.exit_code != 0) qWarning("%s", result.err.constData());
    return result.exit_code == 0 ? output + "/training_log.jsonl" : QString();
  }

  // The log's evaluations as written, read independently of the engine's reader:
  // step -> {eval loss, answers by eval-set index}.
  struct Evaluation {
    qint64 step = 0;
    double eval_loss = 0;
    QMap<qint64, QString> outputs;
  };
  static QList<Evaluation> evaluationsIn(const QString& log) {
    QFile file(log);
    file.open(QIODevice::ReadOnly);
    QList<Evaluation> evaluations;
    for (const QByteArray& line : file.readAll().split('\n')) {
      const QJsonObject entry = QJsonDocument::fromJson(line).object();
      if (!entry.contains("eval_loss")) continue;
      Evaluation e;
      e.step = entry["step"].toInteger();
      e.eval_loss = entry["eval_loss"].toDouble();
      for (const QJsonValue& sample : entry["eval_samples"].toArray())
        e.outputs[sample["index"].toInteger()] = sample["output"].toString();
      evaluations << e;
    }
    return evaluations;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    model_ = tmp_.path() + "/model";
    auto made = run_cli({"make-tiny", model_, "--arch", "llama", "--tokenizer",
                         test_support::npm_tokenizer_dir("tokenizer-llama2"), "--init-std", "0.3"});
    QVERIFY2(made.exit_code == 0, made.err.constData());
    QFile file(tmp_.path() + "/data.jsonl");
    QVERIFY(file.open(QIODevice::WriteOnly));
    for (int i = 0; i < 16; ++i)
      file.write(QString("{\"instruction\": \"Spell %1\", \"output\": \"%1 is spelled %2\"}\n")
                     .arg(i)
                     .arg(QString::number(i).split("").join(" ").trimmed())
                     .toUtf8());
    data_ = file.fileName();
  }

  void rowsPerEvaluationWithPerplexity() {
    const QString log = train("with_eval", {"--eval-split", "0.25", "--eval-every", "2", "--eval-samples", "3",
                                            "--eval-sample-tokens", "10"});
    QVERIFY(!log.isEmpty());
    const QList<Evaluation> evaluations = evaluationsIn(log);
    QCOMPARE(evaluations.size(), 3);  // steps 2, 4, 6

    EvalSamplesView view;
    view.resize(1024, 640);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // Fed in two parts, as the Train page's log tail delivers a running run.
    QStringList problems;
    const auto entries = ui::readTrainingLogFile(log, &problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    QCOMPARE(entries.size(), size_t(6));
    view.addEntries({entries.begin(), entries.begin() + 3});
    view.addEntries({entries.begin() + 3, entries.end()});
    QVERIFY(!view.showsEmptyState());

    auto* prompt = child<QComboBox>(&view, "evalSamplePrompt");
    auto* table = child<QTableWidget>(&view, "evalSampleTable");
    auto* answer = child<QPlainTextEdit>(&view, "evalSampleAnswer");
    QCOMPARE(prompt->count(), 3);
    QList<QStringList> answers_by_prompt;
    for (int p = 0; p < prompt->count(); ++p) {
      prompt->setCurrentIndex(p);
      const qint64 index = prompt->currentData().toLongLong();
      QCOMPARE(table->rowCount(), evaluations.size());
      QStringList answers;
      for (int row = 0; row < table->rowCount(); ++row) {
        const Evaluation& e = evaluations[row];
        QCOMPARE(table->item(row, EvalSamplesView::StepColumn)->text(), QString::number(e.step));
        QCOMPARE(table->item(row, EvalSamplesView::EvalLossColumn)->text(), QString::number(e.eval_loss, 'f', 4));
        const double perplexity = table->item(row, EvalSamplesView::PerplexityColumn)->data(Qt::UserRole).toDouble();
        QVERIFY2(std::abs(perplexity - std::exp(e.eval_loss)) <= 1e-9 * std::exp(e.eval_loss),
                 qPrintable(QString("%1 vs exp(%2)").arg(perplexity).arg(e.eval_loss)));
        const double shown = table->item(row, EvalSamplesView::PerplexityColumn)->text().toDouble();
        QVERIFY2(std::abs(shown - std::exp(e.eval_loss)) <= 0.005 * std::exp(e.eval_loss),
                 qPrintable(table->item(row, EvalSamplesView::PerplexityColumn)->text()));
        // The selected row's whole answer is the one logged for this prompt at that step.
        table->selectRow(row);
        QCOMPARE(answer->toPlainText(), e.outputs.value(index));
        QCOMPARE(child<QLabel>(&view, "evalSampleAnswerCaption")->text(), QString("Answer at step %1:").arg(e.step));
        answers << answer->toPlainText();
      }
      answers_by_prompt << answers;
      // The prompt and its reference answer are shown with it.
      QVERIFY2(child<QPlainTextEdit>(&view, "evalSamplePromptText")->toPlainText().contains("### Instruction:"),
               qPrintable(child<QPlainTextEdit>(&view, "evalSamplePromptText")->toPlainText()));
      QVERIFY(child<QPlainTextEdit>(&view, "evalSampleReference")->toPlainText().contains(" is spelled "));
      QVERIFY2(prompt->currentText().contains("Spell "), qPrintable(prompt->currentText()));
    }
    // Switching the prompt switches the rows: different prompts got different answers.
    QVERIFY(answers_by_prompt[0] != answers_by_prompt[1] || answers_by_prompt[1] != answers_by_prompt[2]);

    // At 1024x640 the selector, the table and the answer are all there to use.
    for (QWidget* w : std::initializer_list<QWidget*>{prompt, table, answer})
      QVERIFY2(w->isVisible() && w->height() >= 20 && w->width() >= 200, w->objectName().toUtf8().constData());
    QVERIFY(table->height() >= 4 * table->verticalHeader()->defaultSectionSize());

    // Reading the same log again after clear() gives the same view.
    view.clear();
    QVERIFY(view.showsEmptyState());
    view.addEntries(lora::read_training_log(log.toStdString()));  // the engine's reader: the same view
    QCOMPARE(view.promptCount(), 3);
    QCOMPARE(table->rowCount(), 3);
  }

  void runWithoutEvaluationShowsTheEmptyState() {
    const QString log = train("no_eval", {});
    QVERIFY(!log.isEmpty());
    EvalSamplesView view;
    view.resize(600, 400);
    view.show();
    view.addEntries(ui::readTrainingLogFile(log));
    QVERIFY(view.showsEmptyState());
    auto* empty = child<QLabel>(&view, "evalSamplesEmpty");
    QVERIFY(empty->isVisible());
    QCOMPARE(empty->text(), QString("Add an evaluation split to see answers as training goes"));
    QVERIFY(!child<QTableWidget>(&view, "evalSampleTable")->isVisible());
  }

  // The Train page's reader of the log: old lines (no eval_samples) read, evaluations without
  // answers say how to get them, a malformed eval_samples field is named with the file and line.
  void oldAndMalformedLogLines() {
    const QString path = tmp_.path() + "/hand_written.jsonl";
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"step\":1,\"epoch\":0.5,\"loss\":2.5,\"learning_rate\":0.001,\"grad_norm\":1.0,\"eval_loss\":2.0}\n"
               "{\"step\":2,\"epoch\":1.0,\"loss\":2.0,\"learning_rate\":0.001,\"grad_norm\":1.0,\"eval_loss\":1.5,"
               "\"eval_samples\":[{\"index\":0,\"prompt\":\"Q\"}]}\n");
    file.close();
    QStringList problems;
    const auto entries = ui::readTrainingLogFile(path, &problems);
    QCOMPARE(entries.size(), size_t(1));
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems[0].contains("hand_written.jsonl") && problems[0].contains("line 2") &&
                 problems[0].contains("eval_samples"),
             qPrintable(problems[0]));
    EvalSamplesView view;
    view.addEntries(entries);
    QVERIFY(view.showsEmptyState());
    QCOMPARE(view.evaluationCount(), 1);
    QVERIFY2(view.emptyStateText().contains("Answer at each evaluation"), qPrintable(view.emptyStateText()));
  }
};

QTEST_MAIN(TestUiEvalSamples)
#include "test_ui_eval_samples.moc"
