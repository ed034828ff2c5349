#include "training_log.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "atomic_file.h"
#include "error.h"
#include "json_reader.h"
#include "training_messages.h"

namespace lora {

namespace {
// JSON has no NaN/inf: a diverged step is logged as null so the file stays valid.
nlohmann::ordered_json finite_or_null(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}
// Absent or null (a diverged step): NaN.
double number_or_nan(const nlohmann::json& j, const char* key, const JsonPath& at) {
  const nlohmann::json* field = find_field(j, key);
  return field ? json_to_number(*field, at / key) : std::nan("");
}
// A well-formed line whose eval_samples are wrong is no crash artefact: it is always an error.
std::vector<EvalSample> eval_samples_from_json(const nlohmann::json& j, const JsonPath& at) {
  if (!j.is_array()) at.fail_value(j, Message(msg::Training::expected_eval_sample_list));
  std::vector<EvalSample> samples;
  for (size_t k = 0; k < j.size(); ++k) {
    const nlohmann::json& item = j[k];
    if (!item.is_object()) at[k].fail_value(item, Message(msg::Training::expected_eval_sample_object));
    EvalSample sample;
    sample.index = require_int(item, "index", at[k], 0, std::numeric_limits<int64_t>::max());
    sample.prompt = require_string(item, "prompt", at[k]);
    sample.reference = require_string(item, "reference", at[k]);
    sample.output = require_string(item, "output", at[k]);
    samples.push_back(std::move(sample));
  }
  return samples;
}
}  // namespace

std::string training_log_line(const TrainingLogEntry& e) {
  nlohmann::ordered_json j;
  j["step"] = e.step;
  j["epoch"] = e.epoch;
  j["loss"] = finite_or_null(e.loss);
  j["learning_rate"] = e.learning_rate;
  j["grad_norm"] = finite_or_null(e.grad_norm);
  j["tokens"] = e.tokens;
  j["tokens_per_second"] = e.tokens_per_second;
  j["elapsed_seconds"] = e.elapsed_seconds;
  if (e.eval_loss) j["eval_loss"] = finite_or_null(*e.eval_loss);
  if (!e.eval_samples.empty()) {
    nlohmann::ordered_json samples = nlohmann::ordered_json::array();
    for (const EvalSample& sample : e.eval_samples) {
      samples.push_back({{"index", sample.index},
                         {"prompt", sample.prompt},
                         {"reference", sample.reference},
                         {"output", sample.output}});
    }
    j["eval_samples"] = std::move(samples);
  }
  // Generated text may hold invalid UTF-8 (a token cut mid-character): replace it rather than throw.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

TrainingLogEntry parse_training_log_line(const std::string& line, const std::string& source) {
  const JsonPath at(source);
  const nlohmann::json j = parse_json_object_text(line, at.file());
  constexpr int64_t kMaxCount = std::numeric_limits<int64_t>::max();
  TrainingLogEntry e;
  e.step = require_int(j, "step", at, 0, kMaxCount);
  e.epoch = require_number(j, "epoch", at);
  e.loss = number_or_nan(j, "loss", at);
  e.learning_rate = require_number(j, "learning_rate", at);
  e.grad_norm = number_or_nan(j, "grad_norm", at);
  e.tokens = read_int(j, "tokens", 0, at, 0, kMaxCount);
  e.tokens_per_second = read_number(j, "tokens_per_second", 0.0, at);
  e.elapsed_seconds = read_number(j, "elapsed_seconds", 0.0, at);
  if (j.contains("eval_loss")) e.eval_loss = number_or_nan(j, "eval_loss", at);
  if (j.contains("eval_samples")) e.eval_samples = eval_samples_from_json(j.at("eval_samples"), at / "eval_samples");
  return e;
}

std::vector<TrainingLogEntry> read_training_log(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(msg::Training::training_log_unreadable, path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  std::vector<TrainingLogEntry> entries;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const std::string source = path + ", line " + std::to_string(i + 1);
    // A last line that is not JSON was cut short by a crash mid-write: the run redoes that step.
    if (i + 1 == lines.size()) {
      try {
        parse_json_object_text(lines[i], source);
      } catch (const Error&) {
        break;
      }
    }
    entries.push_back(parse_training_log_line(lines[i], source));
  }
  return entries;
}

TrainingLogWriter::TrainingLogWriter(const std::string& path, int64_t keep_up_to_step) : path_(path) {
  std::string kept;
  if (std::filesystem::exists(path)) {
    for (const auto& e : read_training_log(path)) {
      if (e.step <= keep_up_to_step) kept += training_log_line(e) + "\n";
    }
  }
  write_file_atomically(path, kept);
}

void TrainingLogWriter::append(const TrainingLogEntry& entry) {
  std::ofstream out(path_, std::ios::binary | std::ios::app);
  out << training_log_line(entry) << "\n";
  out.flush();
  if (!out) throw Error(msg::Training::training_log_not_writable, path_);
}

}  // namespace lora
