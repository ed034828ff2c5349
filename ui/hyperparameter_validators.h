#pragma once
// Validators for the hyperparameter fields that are typed as text: they refuse a keystroke that can
// never lead to a valid value, and accept partial input ("3e-") as Intermediate while it is typed.
#include <QValidator>

namespace ui {

// An adapter name becomes a folder name: no '.', no path separators and none of the characters a
// file name cannot hold on Windows.
class AdapterNameValidator : public QValidator {
  Q_OBJECT

 public:
  using QValidator::QValidator;
  State validate(QString& input, int& pos) const override;
  static bool isForbiddenCharacter(QChar c);
  static QString forbiddenCharacters();  // for messages: ". / \ : * ? " < > |"
};

// A learning rate: a positive number up to 1, plain or in scientific notation (3e-4, 0.0003).
class LearningRateValidator : public QValidator {
  Q_OBJECT

 public:
  using QValidator::QValidator;
  State validate(QString& input, int& pos) const override;
  static bool parse(const QString& text, double* value);  // true for an acceptable learning rate
};

}  // namespace ui
