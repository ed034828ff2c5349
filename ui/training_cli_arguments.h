#pragma once
// The `lora-studio-cli train` options that give the CLI the same TrainingSettings as the window's
// (the window runs multi-process trainings through the CLI). Every setting with an option is written,
// defaults too, so the run does not depend on the CLI's defaults matching the window's.
#include <QStringList>

#include "training_settings.h"

namespace ui {

QStringList trainingCliArguments(const lora::TrainingSettings& settings);

// True when `settings` differ from the defaults in something no option carries (the Adam betas and
// epsilon, the raw-text overlap, which presets may hold): pass the settings as --config FILE too.
bool trainingSettingsNeedConfigFile(const lora::TrainingSettings& settings);

}  // namespace ui
