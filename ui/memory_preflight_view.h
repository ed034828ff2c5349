#pragma once
// The Train page's memory pre-flight: the expected peak memory of the run as set (engine/training/
// memory_estimate.h) against what the device has, in one line under Start, recomputed as the
// settings change; "Details" opens the breakdown (frozen weights, adapter and optimizer state,
// activations with and without gradient checkpointing, logits and loss, runtime). Red, with the
// changes that would make it fit, when it does not fit.
#include <QFrame>
#include <QString>

#include <optional>

#include "memory_estimate.h"
#include "training_settings.h"

class QLabel;
class QTimer;
class QToolButton;

namespace ui {

class MemoryPreflightView : public QFrame {
  Q_OBJECT

 public:
  explicit MemoryPreflightView(QWidget* parent = nullptr);

  // The estimate follows these settings (after a short pause, so typing does not recompute it at
  // every key). refreshNow() skips the pause.
  void setSettings(const lora::TrainingSettings& settings);
  void refreshNow();

  // The estimate shown; empty while there is none (no model chosen, or it cannot be read).
  const std::optional<lora::MemoryEstimate>& estimate() const { return estimate_; }
  bool doesNotFit() const { return estimate_ && !estimate_->fits(); }
  QString summaryText() const;  // the one line shown
  QString detailsText() const;  // the breakdown, one part a line

 private:
  void recompute();
  void showDetails(bool shown);

  lora::TrainingSettings settings_;
  std::optional<lora::MemoryEstimate> estimate_;
  QTimer* timer_ = nullptr;
  QLabel* summary_ = nullptr;
  QToolButton* details_button_ = nullptr;
  QLabel* details_ = nullptr;
};

}  // namespace ui
