#pragma once
// Answers to a few fixed evaluation prompts, one row per evaluation: step, evaluation loss,
// perplexity and what the model answered then, so a user sees when the answers got good and when
// they started to overfit. Fed with the run's training_log.jsonl entries as the loss chart is.
#include <QString>
#include <QWidget>

#include <map>
#include <vector>

#include "training_log.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QTableWidget;

namespace ui {

class EvalSamplesView : public QWidget {
  Q_OBJECT

 public:
  enum Column { StepColumn, EvalLossColumn, PerplexityColumn, AnswerColumn };

  explicit EvalSamplesView(QWidget* parent = nullptr);

  void clear();
  // Entries in step order, as read from the log (a step seen again replaces the earlier one: a
  // resumed run redoes the steps after its checkpoint).
  void addEntries(const std::vector<lora::TrainingLogEntry>& entries);

  int promptCount() const;
  int evaluationCount() const;  // evaluation steps seen, with or without answers
  bool showsEmptyState() const;
  QString emptyStateText() const;

 private:
  struct Answer {
    double eval_loss = 0;  // NaN when the log has none
    QString output;
  };
  struct Prompt {
    QString prompt, reference;
    std::map<qint64, Answer> answers;  // by step
  };

  void refresh();
  void refillPromptSelector();
  void showPrompt();
  void showSelectedAnswer();

  std::map<qint64, Prompt> prompts_;      // by the example's index in the eval set
  std::map<qint64, double> evaluations_;  // step -> eval loss
  bool follow_latest_ = true;             // select the newest row as rows arrive, until the user picks one

  QStackedWidget* pages_ = nullptr;
  QLabel* empty_ = nullptr;
  QComboBox* prompt_selector_ = nullptr;
  QPlainTextEdit* prompt_text_ = nullptr;
  QPlainTextEdit* reference_text_ = nullptr;
  QTableWidget* table_ = nullptr;
  QPlainTextEdit* answer_text_ = nullptr;
  QLabel* answer_caption_ = nullptr;
};

}  // namespace ui
