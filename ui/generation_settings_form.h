#pragma once
// The sampling settings of the Chat page (max new tokens, temperature, top-p, top-k, repetition
// penalty, seed), each with a tooltip, kept in the session's QSettings under "chat/<name>".
#include <QWidget>

#include "chat_worker.h"

class QDoubleSpinBox;
class QSettings;
class QSpinBox;

namespace ui {

class GenerationSettingsForm : public QWidget {
  Q_OBJECT

 public:
  GenerationSettingsForm(QSettings* settings, QWidget* parent = nullptr);

  ChatSamplingOptions options() const;

 private:
  void save();

  QSettings* settings_;
  QSpinBox* max_new_tokens_;
  QDoubleSpinBox* temperature_;
  QDoubleSpinBox* top_p_;
  QSpinBox* top_k_;
  QDoubleSpinBox* repetition_penalty_;
  QSpinBox* seed_;
};

}  // namespace ui
