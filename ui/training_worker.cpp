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
      emit progress(p);
      return !stop_requested_.load();
    });
    emit finished(static_cast<int>(result.outcome), result.steps_done, result.final_loss,
                  engineMessage(result.message));
  } catch (const std::exception& e) {
    // lora::Error for bad input; anything else (out of memory, a torch error) is reported the same way.
    emit failed(engineMessage(e));
  }
}

}  // namespace ui
