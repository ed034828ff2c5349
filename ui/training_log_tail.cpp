#include "training_log_tail.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <limits>

namespace ui {

namespace {

// null (a diverged step) reads as NaN, as the engine's reader does.
double numberOrNan(const QJsonObject& object, const char* key) {
  const QJsonValue value = object.value(QLatin1String(key));
  return value.isDouble() ? value.toDouble() : std::numeric_limits<double>::quiet_NaN();
}

bool parseEntry(const QByteArray& line, lora::TrainingLogEntry* entry, QString* why) {
  QJsonParseError error;
  const QJsonDocument document = QJsonDocument::fromJson(line, &error);
  if (!document.isObject()) {
    *why = error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("not a JSON object");
    return false;
  }
  const QJsonObject object = document.object();
  for (const char* key : {"step", "epoch", "learning_rate"}) {
    if (!object.value(QLatin1String(key)).isDouble()) {
      *why = QStringLiteral("no number '%1'").arg(QLatin1String(key));
      return false;
    }
  }
  entry->step = object.value("step").toInteger();
  entry->epoch = object.value("epoch").toDouble();
  entry->loss = numberOrNan(object, "loss");
  entry->learning_rate = object.value("learning_rate").toDouble();
  entry->grad_norm = numberOrNan(object, "grad_norm");
  entry->tokens = object.value("tokens").toInteger(0);
  entry->tokens_per_second = object.value("tokens_per_second").toDouble(0);
  entry->elapsed_seconds = object.value("elapsed_seconds").toDouble(0);
  if (object.contains("eval_loss")) entry->eval_loss = numberOrNan(object, "eval_loss");
  else entry->eval_loss.reset();
  entry->eval_samples.clear();
  if (object.contains("eval_samples")) {
    // The answers to the evaluation prompts at this step ({index, prompt, reference, output}).
    const QJsonValue samples = object.value("eval_samples");
    if (!samples.isArray()) {
      *why = QStringLiteral("field 'eval_samples' is not a list");
      return false;
    }
    for (const QJsonValue& value : samples.toArray()) {
      const QJsonObject sample = value.toObject();
      if (!value.isObject() || !sample.value("index").isDouble() || !sample.value("prompt").isString() ||
          !sample.value("reference").isString() || !sample.value("output").isString()) {
        *why = QStringLiteral("field 'eval_samples' holds an item without index, prompt, reference and output");
        return false;
      }
      entry->eval_samples.push_back({sample.value("index").toInteger(), sample.value("prompt").toString().toStdString(),
                                     sample.value("reference").toString().toStdString(),
                                     sample.value("output").toString().toStdString()});
    }
  }
  return true;
}

}  // namespace

TrainingLogTail::Poll TrainingLogTail::poll() {
  Poll result;
  QFile file(path_);
  if (!file.open(QIODevice::ReadOnly)) return result;  // not written yet
  if (file.size() < offset_) {
    result.rewritten = true;
    offset_ = 0;
  }
  auto readFrom = [&](qint64 from) {
    file.seek(from);
    const QByteArray data = file.readAll();
    const qsizetype end = data.lastIndexOf('\n');
    if (end < 0) return std::vector<lora::TrainingLogEntry>{};
    offset_ = from + end + 1;
    std::vector<lora::TrainingLogEntry> entries;
    qsizetype start = 0;
    while (start <= end) {
      const qsizetype newline = data.indexOf('\n', start);
      const QByteArray line = data.mid(start, newline - start).trimmed();
      start = newline + 1;
      ++line_number_;
      if (line.isEmpty()) continue;
      lora::TrainingLogEntry entry;
      QString why;
      if (parseEntry(line, &entry, &why))
        entries.push_back(entry);
      else
        result.problems << QStringLiteral("%1, line %2: %3").arg(path_).arg(line_number_).arg(why);
    }
    return entries;
  };
  if (offset_ == 0) line_number_ = 0;
  std::vector<lora::TrainingLogEntry> entries = readFrom(offset_);
  if (!entries.empty() && entries.front().step <= last_step_) {
    // Steps went backwards: a resumed run rewrote the file in place. Read it whole again.
    result.rewritten = true;
    line_number_ = 0;
    result.problems.clear();
    entries = readFrom(0);
  }
  if (!entries.empty()) last_step_ = entries.back().step;
  result.entries = std::move(entries);
  return result;
}

std::vector<lora::TrainingLogEntry> readTrainingLogFile(const QString& path, QStringList* problems) {
  TrainingLogTail tail(path);
  TrainingLogTail::Poll poll = tail.poll();
  if (problems) *problems = poll.problems;
  return std::move(poll.entries);
}

}  // namespace ui
