#pragma once
// One line of `lora-studio-cli train --progress-json` (app/cli/cli_train_progress.h writes them): a
// rank's progress, the run's result, or an error (of a rank, or of the launcher about a rank), with
// the engine's messages rebuilt from their catalogue ids so the window shows them translated.
#include <QByteArray>
#include <QString>

#include "trainer.h"

namespace ui {

struct CliProgressLine {
  enum class Kind { none, progress, result, error };
  Kind kind = Kind::none;  // none: not a line of this protocol
  int rank = -1;           // -1: the launcher
  lora::TrainingProgress progress;  // Kind::progress
  lora::TrainingResult result;      // Kind::result
  lora::Message error;              // Kind::error, an engine message ...
  QString error_text;               // ... or plain text (not an engine error)
};

CliProgressLine parseCliProgressLine(const QByteArray& line);

}  // namespace ui
