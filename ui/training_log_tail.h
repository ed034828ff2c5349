#pragma once
// Reads training_log.jsonl incrementally: each poll() returns the entries appended since the last one.
// The live chart polls it while a run writes the file and a reopened run reads it once from the start,
// through the same code, so the two views of a run show the same points.
#include <QString>
#include <QStringList>

#include <vector>

#include "training_log.h"

namespace ui {

class TrainingLogTail {
 public:
  TrainingLogTail() = default;
  explicit TrainingLogTail(const QString& path) : path_(path) {}

  QString path() const { return path_; }
  // Starts over from the beginning of the file (e.g. when a resumed run has rewritten it).
  void restart() { offset_ = 0; last_step_ = -1; }

  // The complete lines appended since the last call. A line still being written (no newline yet)
  // waits for the next call. When the file became shorter or its steps go backwards, it has been
  // rewritten: `rewritten` is set and every entry is returned from the start.
  struct Poll {
    std::vector<lora::TrainingLogEntry> entries;
    bool rewritten = false;
    QStringList problems;  // lines that are not log entries, "file, line N: why"
  };
  Poll poll();

 private:
  QString path_;
  qint64 offset_ = 0;
  qint64 line_number_ = 0;
  int64_t last_step_ = -1;
};

// All entries of a log file (for reopening a run).
std::vector<lora::TrainingLogEntry> readTrainingLogFile(const QString& path, QStringList* problems = nullptr);

}  // namespace ui
