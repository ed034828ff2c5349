#include "training_log_tail.h"

#include <QFile>

#include "engine_messages.h"
#include "error.h"

namespace ui {

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
      // The engine's own line reader: the live chart and the CLI read a log the same way.
      try {
        entries.push_back(lora::parse_training_log_line(
            line.toStdString(), QStringLiteral("%1, line %2").arg(path_).arg(line_number_).toStdString()));
      } catch (const lora::Error& e) {
        result.problems << engineMessage(e);
      }
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
