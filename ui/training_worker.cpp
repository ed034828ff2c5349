#include "training_worker.h"

#include "error.h"
#include "engine_messages.h"

namespace ui {

TrainingWorker::TrainingWorker(const lora::TrainingSettings& settings, bool resume)
    : settings_(settings), resume_(resume) {
  static const int registered = qRegisterMetaType<lora::TrainingProgress>();
  Q_UNUSED(registered);
}

void TrainingWorker::run() {
  try {
    const lora::TrainingResult result = lora::train_lora(settings_, resume_, [this](const lora::TrainingProgress& p) {
      Q_EMIT progress(p);
      return !stop_requested_.load();
    });
    Q_EMIT finished(static_cast<int>(result.outcome), result.steps_done, result.final_loss,
                  engineMessage(result.message));
  } catch (const std::exception& e) {
    // lora::Error for bad input; anything else (out of memory, a torch error) is reported the same way.
    Q_EMIT failed(engineMessage(e));
  }
}

}  // namespace ui
