#pragma once
// The `lora-studio-cli train` options that give the CLI the same TrainingSettings as the window's
// (the window runs multi-process trainings through the CLI): lora::training_settings_to_options.
#include <QStringList>

#include "training_settings.h"

namespace ui {

QStringList trainingCliArguments(const lora::TrainingSettings& settings);

}  // namespace ui
