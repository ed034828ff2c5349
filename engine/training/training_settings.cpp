#include "training_settings.h"

#include "model_family.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>

#include "dtype.h"
#include "error.h"
#include "json_reader.h"
#include "lr_schedule.h"
#include "training_messages.h"

namespace lora {

// One list of the fields, so JSON writing, reading and the unknown-key check cannot drift apart.
#define LORA_TRAINING_SETTINGS_FIELDS(X)                                                                  \
  X(model_dir) X(dataset_path) X(eval_dataset_path) X(output_dir) X(format) X(chat_template) X(init_adapter)            \
  X(target_modules) X(rank) X(alpha) X(dropout) X(use_rslora) X(use_dora) X(lora_plus_ratio)             \
  X(epochs) X(max_steps) X(learning_rate) X(scheduler) X(warmup_steps)                                    \
  X(optimizer) X(weight_decay) X(adam_beta1) X(adam_beta2) X(adam_epsilon) X(max_grad_norm)               \
  X(micro_batch_size) X(batch_size) X(cutoff_len) X(drop_long) X(train_on_prompt) X(add_eos)              \
  X(skip_bad_records) X(group_by_length) X(raw_text_overlap)                                              \
  X(eval_split) X(eval_every) X(eval_samples) X(eval_sample_tokens)                                       \
  X(save_every) X(log_every) X(stop_at_loss) X(seed)                                                      \
  X(device) X(precision) X(gradient_checkpointing) X(threads) X(quantize) X(double_quant)

void TrainingSettings::validate() const {
  auto fail = [](Message reason) { throw Error(msg::Training::invalid_setting, std::move(reason)); };
  if (target_modules.empty()) fail({msg::Training::setting_target_modules_empty});
  // The LoRA target names of every model family (model_family.h): Phi-3's fused qkv_proj and
  // gate_up_proj too.
  const std::vector<std::string> known_targets = all_lora_target_names();
  for (const auto& m : target_modules) {
    const bool known =
        m == "all-linear" || std::find(known_targets.begin(), known_targets.end(), m) != known_targets.end();
    if (!known) {
      std::string names;
      for (const std::string& t : known_targets) names += (names.empty() ? "" : ", ") + t;
      fail({msg::Training::setting_target_module_unknown, m, names});
    }
  }
  // The bound adapter_config.json's r has (lora_adapter.cpp), so every adapter trained can be loaded.
  if (rank <= 0 || rank > 65536)
    fail({msg::Training::setting_rank_out_of_range, rank});
  if (!(alpha > 0)) fail({msg::Training::setting_alpha_not_positive});
  if (!(dropout >= 0 && dropout < 1)) fail({msg::Training::setting_dropout_out_of_range});
  if (epochs <= 0 && max_steps <= 0) fail({msg::Training::setting_no_training_length});
  if (max_steps < 0) fail({msg::Training::setting_max_steps_negative});
  if (!(learning_rate > 0) || !std::isfinite(learning_rate)) fail({msg::Training::setting_learning_rate_not_positive});
  LrSchedule schedule;
  if (!parse_lr_schedule(scheduler, &schedule)) {
    std::string names;
    for (const auto& n : lr_schedule_names()) names += (names.empty() ? "" : ", ") + n;
    fail({msg::Training::setting_scheduler_unknown, scheduler, names});
  }
  if (warmup_steps < 0) fail({msg::Training::setting_warmup_steps_negative});
  if (optimizer != "adamw_torch" && optimizer != "sgd") fail({msg::Training::setting_optimizer_unknown, optimizer});
  if (weight_decay < 0) fail({msg::Training::setting_weight_decay_negative});
  if (!(adam_beta1 >= 0 && adam_beta1 < 1) || !(adam_beta2 >= 0 && adam_beta2 < 1))
    fail({msg::Training::setting_adam_betas_out_of_range});
  if (!(adam_epsilon > 0)) fail({msg::Training::setting_adam_epsilon_not_positive});
  if (max_grad_norm < 0) fail({msg::Training::setting_max_grad_norm_negative});
  if (micro_batch_size <= 0) fail({msg::Training::setting_micro_batch_size_not_positive});
  if (batch_size <= 0 || batch_size % micro_batch_size != 0)
    fail({msg::Training::setting_batch_size_not_multiple, batch_size, micro_batch_size});
  if (cutoff_len < 2) fail({msg::Training::setting_cutoff_len_too_small});
  // Whether it fits the cutoff matters for raw text only; the dataset checks it there.
  if (raw_text_overlap < 0) fail({msg::Training::setting_raw_text_overlap_negative});
  if (!(eval_split >= 0 && eval_split < 1)) fail({msg::Training::setting_eval_split_out_of_range});
  if (eval_every < 0 || save_every < 0 || log_every <= 0) fail({msg::Training::setting_intervals_out_of_range});
  if (eval_samples < 0 || eval_samples > 16) fail({msg::Training::setting_eval_samples_out_of_range, eval_samples});
  if (eval_sample_tokens < 1 || eval_sample_tokens > 1024)
    fail({msg::Training::setting_eval_sample_tokens_out_of_range, eval_sample_tokens});
  if (stop_at_loss < 0) fail({msg::Training::setting_stop_at_loss_negative});
  if (precision != "auto" && !is_precision_name(precision))
    fail({msg::Training::setting_precision_unknown, precision});
  if (threads < 0) fail({msg::Training::setting_threads_negative});
  if (quantize != "none" && quantize != "nf4" && quantize != "int8")
    fail({msg::Training::setting_quantize_unknown, quantize});
  if (double_quant && quantize != "nf4") fail({msg::Training::setting_double_quant_needs_nf4});
  if (!(lora_plus_ratio > 0) || !std::isfinite(lora_plus_ratio))
    fail({msg::Training::setting_lora_plus_ratio_not_positive});
}

std::string training_settings_to_json(const TrainingSettings& s) {
  nlohmann::ordered_json j;
#define LORA_WRITE_FIELD(name) j[#name] = s.name;
  LORA_TRAINING_SETTINGS_FIELDS(LORA_WRITE_FIELD)
#undef LORA_WRITE_FIELD
  return j.dump(2) + "\n";
}

namespace {

// A setting's JSON value, checked against the setting's C++ type before it is converted (nlohmann's
// get_to of 4.9e72 into an int64_t is undefined behaviour); false when it does not fit. The ranges
// that make sense for each setting are validate()'s.
bool read_setting(const nlohmann::json& value, std::string& out) {
  if (!value.is_string()) return false;
  out = value.get<std::string>();
  return true;
}
bool read_setting(const nlohmann::json& value, bool& out) {
  if (!value.is_boolean()) return false;
  out = value.get<bool>();
  return true;
}
bool read_setting(const nlohmann::json& value, double& out) {
  if (!value.is_number()) return false;
  out = value.get<double>();
  return true;
}
bool read_setting(const nlohmann::json& value, int64_t& out) {
  const std::optional<int64_t> number =
      json_int_in(value, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  if (number) out = *number;
  return number.has_value();
}
bool read_setting(const nlohmann::json& value, int& out) {
  const std::optional<int64_t> number =
      json_int_in(value, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
  if (number) out = static_cast<int>(*number);
  return number.has_value();
}
bool read_setting(const nlohmann::json& value, uint64_t& out) {
  const std::optional<uint64_t> number = json_uint_in(value);
  if (number) out = *number;
  return number.has_value();
}
bool read_setting(const nlohmann::json& value, std::vector<std::string>& out) {
  if (!value.is_array()) return false;
  std::vector<std::string> items;
  for (const nlohmann::json& item : value) {
    if (!item.is_string()) return false;
    items.push_back(item.get<std::string>());
  }
  out = std::move(items);
  return true;
}

Message setting_expectation(const std::string&) { return {msg::Training::setting_takes_string}; }
Message setting_expectation(bool) { return {msg::Training::setting_takes_boolean}; }
Message setting_expectation(double) { return NumberRange::any().describe(); }
Message setting_expectation(int64_t) {
  return describe_integer_range(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
}
Message setting_expectation(int) {
  return describe_integer_range(std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
}
Message setting_expectation(uint64_t) { return describe_integer_range(0, std::numeric_limits<int64_t>::max()); }
Message setting_expectation(const std::vector<std::string>&) { return {msg::Training::setting_takes_string_list}; }

}  // namespace

TrainingSettings training_settings_from_json(const std::string& json_text, const std::string& source,
                                             const TrainingSettings& defaults) {
  const nlohmann::json j = parse_json_text(json_text, source);
  if (!j.is_object()) throw Error(msg::Training::settings_not_an_object, source);
  static const std::set<std::string> known = {
#define LORA_NAME_FIELD(name) #name,
      LORA_TRAINING_SETTINGS_FIELDS(LORA_NAME_FIELD)
#undef LORA_NAME_FIELD
  };
  for (const auto& item : j.items()) {
    if (!known.count(item.key())) throw Error(msg::Training::setting_unknown, source, item.key());
  }
  TrainingSettings s = defaults;
#define LORA_READ_FIELD(name)                                                                    \
  if (j.contains(#name) && !read_setting(j.at(#name), s.name))                                   \
    throw Error(msg::Training::setting_wrong_type, source, #name, describe_json(j.at(#name)),     \
                setting_expectation(s.name));
  LORA_TRAINING_SETTINGS_FIELDS(LORA_READ_FIELD)
#undef LORA_READ_FIELD
  return s;
}

DatasetOptions dataset_options_for(const TrainingSettings& s) {
  DatasetOptions o;
  o.format = s.format;
  o.chat_template = s.chat_template;
  o.cutoff_len = s.cutoff_len;
  o.drop_long = s.drop_long;
  o.train_on_prompt = s.train_on_prompt;
  o.add_eos = s.add_eos;
  o.skip_bad_records = s.skip_bad_records;
  o.raw_text_overlap = s.raw_text_overlap;
  o.validate();
  return o;
}

}  // namespace lora
