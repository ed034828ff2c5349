#include "training_log.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "atomic_file.h"
#include "error.h"

namespace lora {

namespace {
// JSON has no NaN/inf: a diverged step is logged as null so the file stays valid.
nlohmann::ordered_json finite_or_null(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}
double number_or_nan(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nan("");
  return j.at(key).get<double>();
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
  return j.dump();
}

std::vector<TrainingLogEntry> read_training_log(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the training log");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  std::vector<TrainingLogEntry> entries;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    try {
      const auto j = nlohmann::json::parse(lines[i]);
      TrainingLogEntry e;
      e.step = j.at("step").get<int64_t>();
      e.epoch = j.at("epoch").get<double>();
      e.loss = number_or_nan(j, "loss");
      e.learning_rate = j.at("learning_rate").get<double>();
      e.grad_norm = number_or_nan(j, "grad_norm");
      e.tokens = j.value("tokens", int64_t{0});
      e.tokens_per_second = j.value("tokens_per_second", 0.0);
      e.elapsed_seconds = j.value("elapsed_seconds", 0.0);
      if (j.contains("eval_loss")) e.eval_loss = number_or_nan(j, "eval_loss");
      entries.push_back(e);
    } catch (const nlohmann::json::exception& ex) {
      if (i + 1 == lines.size()) break;  // cut short by a crash mid-write
      throw Error(path + ", line " + std::to_string(i + 1) + ": not a training log entry (" + ex.what() + ")");
    }
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
  if (!out) throw Error(path_ + ": cannot append to the training log (disk full or folder not writable?)");
}

}  // namespace lora
