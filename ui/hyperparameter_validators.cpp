#include "hyperparameter_validators.h"

#include <QRegularExpression>

namespace ui {

namespace {
const QString kForbiddenNameCharacters = QStringLiteral("./\\:*?\"<>|");
}

bool AdapterNameValidator::isForbiddenCharacter(QChar c) {
  return kForbiddenNameCharacters.contains(c) || c.unicode() < 0x20;
}

QString AdapterNameValidator::forbiddenCharacters() {
  QStringList shown;
  for (QChar c : kForbiddenNameCharacters) shown << QString(c);
  return shown.join(' ');
}

QValidator::State AdapterNameValidator::validate(QString& input, int&) const {
  for (QChar c : input)
    if (isForbiddenCharacter(c)) return Invalid;
  return input.trimmed().isEmpty() ? Intermediate : Acceptable;
}

bool LearningRateValidator::parse(const QString& text, double* value) {
  bool ok = false;
  const double v = text.trimmed().toDouble(&ok);
  if (!ok || !(v > 0) || v > 1) return false;
  if (value) *value = v;
  return true;
}

QValidator::State LearningRateValidator::validate(QString& input, int&) const {
  // Digits, one point, an optional exponent: anything else can never become a number.
  static const QRegularExpression shape(QStringLiteral("^\\s*[0-9]*\\.?[0-9]*([eE][-+]?[0-9]*)?\\s*$"));
  if (!shape.match(input).hasMatch()) return Invalid;
  return parse(input, nullptr) ? Acceptable : Intermediate;
}

}  // namespace ui
