#include "training_options.h"

#include <charconv>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "error.h"
#include "tensor_dtype.h"
#include "training_messages.h"

namespace lora {

namespace {

using S = TrainingSettings;

// The settings file keeps the long names; bf16, fp16, fp32 are accepted as by every other command's
// --dtype. A name that is none of them is kept for validate(), whose message lists auto too.
std::string canonical_precision(const std::string& name) {
  if (name == "auto") return name;
  try {
    return dtype_to_string(dtype_from_string(name, "--dtype"));
  } catch (const Error&) {
    return name;
  }
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string join_commas(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// The whole value must be the number ("4x" is refused, not read as 4).
template <class Number, class Parse>
Number parse_whole(const std::string& option, const std::string& value, Parse parse, msg::Training expected) {
  try {
    size_t used = 0;
    const Number number = parse(value, &used);
    if (used == value.size()) return number;
  } catch (const std::logic_error&) {  // std::invalid_argument, std::out_of_range
  }
  throw Error(expected, "--" + option, value);
}

int64_t parse_integer(const std::string& option, const std::string& value) {
  return parse_whole<int64_t>(option, value, [](const std::string& v, size_t* used) { return std::stoll(v, used); },
                              msg::Training::option_expects_integer);
}

std::string real_text(double value) {
  char buffer[32];
  // 17 significant digits read back as the same double, whatever the locale.
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 17);
  return std::string(buffer, written.ptr);
}

template <class... Visitors>
struct Overloaded : Visitors... {
  using Visitors::operator()...;
};
template <class... Visitors>
Overloaded(Visitors...) -> Overloaded<Visitors...>;

}  // namespace

TrainingOptionKind TrainingOption::kind() const {
  return std::visit(Overloaded{[](std::string S::*) { return TrainingOptionKind::text; },
                               [](std::vector<std::string> S::*) { return TrainingOptionKind::list; },
                               [](int64_t S::*) { return TrainingOptionKind::integer; },
                               [](uint64_t S::*) { return TrainingOptionKind::integer; },
                               [](int S::*) { return TrainingOptionKind::integer; },
                               [](double S::*) { return TrainingOptionKind::real; },
                               [](bool S::*) { return TrainingOptionKind::flag; }},
                    field);
}

const std::vector<TrainingOption>& training_options() {
  // Where two options set one setting, the later one wins when both are given (--no-add-eos).
  static const std::vector<TrainingOption> options = {
      {"model", &S::model_dir},
      {"dataset", &S::dataset_path},
      {"eval-dataset", &S::eval_dataset_path},
      {"output", &S::output_dir},
      {"format", &S::format},
      {"chat-template", &S::chat_template},
      {"init-adapter", &S::init_adapter},
      {"target-modules", &S::target_modules},
      {"rank", &S::rank},
      {"alpha", &S::alpha},
      {"dropout", &S::dropout},
      {"rslora", &S::use_rslora},
      {"dora", &S::use_dora},
      {"lora-plus-ratio", &S::lora_plus_ratio},
      {"epochs", &S::epochs},
      {"max-steps", &S::max_steps},
      {"lr", &S::learning_rate},
      {"scheduler", &S::scheduler},
      {"warmup-steps", &S::warmup_steps},
      {"optimizer", &S::optimizer},
      {"weight-decay", &S::weight_decay},
      {"adam-beta1", &S::adam_beta1},
      {"adam-beta2", &S::adam_beta2},
      {"adam-epsilon", &S::adam_epsilon},
      {"max-grad-norm", &S::max_grad_norm},
      {"micro-batch-size", &S::micro_batch_size},
      {"batch-size", &S::batch_size},
      {"cutoff-len", &S::cutoff_len},
      {"drop-long", &S::drop_long},
      {"train-on-prompt", &S::train_on_prompt},
      {"add-eos", &S::add_eos},
      {"no-add-eos", &S::add_eos, false},
      {"skip-bad-records", &S::skip_bad_records},
      {"no-group-by-length", &S::group_by_length, false},
      {"raw-text-overlap", &S::raw_text_overlap},
      {"eval-split", &S::eval_split},
      {"eval-every", &S::eval_every},
      {"eval-samples", &S::eval_samples},
      {"eval-sample-tokens", &S::eval_sample_tokens},
      {"save-every", &S::save_every},
      {"log-every", &S::log_every},
      {"stop-at-loss", &S::stop_at_loss},
      {"seed", &S::seed},
      {"device", &S::device},
      {"dtype", &S::precision, true, canonical_precision},
      {"gradient-checkpointing", &S::gradient_checkpointing},
      {"quantize", &S::quantize},
      {"double-quant", &S::double_quant},
      {"threads", &S::threads},
  };
  return options;
}

void apply_training_options(const TrainingOptionLookup& lookup, TrainingSettings& settings) {
  for (const TrainingOption& option : training_options()) {
    const std::optional<std::string> given = lookup(option.name);
    if (!given) continue;
    const std::string& value = *given;
    std::visit(
        Overloaded{
            [&](std::string S::*field) { settings.*field = option.canonical ? option.canonical(value) : value; },
            [&](std::vector<std::string> S::*field) { settings.*field = split_commas(value); },
            [&](int64_t S::*field) { settings.*field = parse_integer(option.name, value); },
            // The seed: 0 to 2^63 - 1, the range training_parameters.json reads back (a resume needs it).
            [&](uint64_t S::*field) {
              const int64_t number = parse_integer(option.name, value);
              if (number < 0)
                throw Error(msg::Training::option_expects_whole_number_range, std::string("--") + option.name,
                            std::numeric_limits<int64_t>::max(), value);
              settings.*field = static_cast<uint64_t>(number);
            },
            [&](int S::*field) {
              const int64_t number = parse_integer(option.name, value);
              if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max())
                throw Error(msg::Training::option_expects_integer, std::string("--") + option.name, value);
              settings.*field = static_cast<int>(number);
            },
            [&](double S::*field) {
              settings.*field =
                  parse_whole<double>(option.name, value, [](const std::string& v, size_t* used) { return std::stod(v, used); },
                                      msg::Training::option_expects_number);
            },
            [&](bool S::*field) { settings.*field = option.flag_sets; }},
        option.field);
  }
}

std::vector<std::string> training_settings_to_options(const TrainingSettings& settings) {
  std::vector<std::string> out;
  auto add = [&](const TrainingOption& option, std::string value) {
    out.push_back(std::string("--") + option.name);
    out.push_back(std::move(value));
  };
  for (const TrainingOption& option : training_options()) {
    std::visit(Overloaded{[&](std::string S::*field) {
                            if (!(settings.*field).empty()) add(option, settings.*field);
                          },
                          [&](std::vector<std::string> S::*field) {
                            if (!(settings.*field).empty()) add(option, join_commas(settings.*field));
                          },
                          [&](int64_t S::*field) { add(option, std::to_string(settings.*field)); },
                          [&](uint64_t S::*field) { add(option, std::to_string(settings.*field)); },
                          [&](int S::*field) { add(option, std::to_string(settings.*field)); },
                          [&](double S::*field) { add(option, real_text(settings.*field)); },
                          [&](bool S::*field) {
                            if (settings.*field == option.flag_sets) out.push_back(std::string("--") + option.name);
                          }},
               option.field);
  }
  return out;
}

}  // namespace lora
