#pragma once
// The `lora-studio-cli train` options that carry TrainingSettings: one table, read by the CLI's
// parser and written by the window, which runs multi-process trainings through the CLI. Every setting
// has an option, so a run started by options trains with exactly the settings it was given.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "training_settings.h"

namespace lora {

enum class TrainingOptionKind { text, integer, real, flag, list };

struct TrainingOption {
  using Field = std::variant<std::string TrainingSettings::*, std::vector<std::string> TrainingSettings::*,
                             int64_t TrainingSettings::*, uint64_t TrainingSettings::*, int TrainingSettings::*,
                             double TrainingSettings::*, bool TrainingSettings::*>;

  const char* name;  // without the dashes: "lora-plus-ratio" is --lora-plus-ratio
  Field field;
  bool flag_sets = true;  // a flag: the value it gives its setting (--no-add-eos sets add_eos to false)
  // text: the spelling the settings keep for one given here (--dtype bf16 is precision "bfloat16").
  std::string (*canonical)(const std::string& value) = nullptr;

  TrainingOptionKind kind() const;
};

const std::vector<TrainingOption>& training_options();

// The option's value, or nullopt when it was not given (a flag's value is ignored: given is on).
using TrainingOptionLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Sets each setting whose option `lookup` finds; the others keep their values. A value that is not a
// number where one is expected throws lora::Error naming the option (ranges are validate()'s).
void apply_training_options(const TrainingOptionLookup& lookup, TrainingSettings& settings);

// The options that give `settings`, defaults too ("--rank", "32", "--add-eos", ...), numbers with
// enough digits to read back the same value. Empty texts and lists are left out (the defaults).
std::vector<std::string> training_settings_to_options(const TrainingSettings& settings);

}  // namespace lora
