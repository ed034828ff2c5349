#include "training_cli_arguments.h"

#include "training_options.h"

namespace ui {

QStringList trainingCliArguments(const lora::TrainingSettings& settings) {
  QStringList args;
  for (const std::string& word : lora::training_settings_to_options(settings)) args << QString::fromStdString(word);
  return args;
}

}  // namespace ui
