#include "cli_train_progress.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "error.h"

namespace cli {

namespace {

nlohmann::json message_json(const lora::Message& message);

nlohmann::json argument_json(const lora::MessageArg& arg) {
  switch (arg.kind()) {
    case lora::MessageArg::Kind::message: return message_json(arg.message());
    case lora::MessageArg::Kind::lines: {
      nlohmann::json lines = nlohmann::json::array();
      for (const lora::Message& line : arg.lines()) lines.push_back(message_json(line));
      return lines;
    }
    case lora::MessageArg::Kind::text: break;
  }
  return arg.text();
}

nlohmann::json message_json(const lora::Message& message) {
  nlohmann::json args = nlohmann::json::array();
  for (const lora::MessageArg& arg : message.args()) args.push_back(argument_json(arg));
  return {{"id", lora::message_entry(message.id()).name}, {"args", args}};
}

// One write per line: the ranks share the launcher's stdout, and a pipe keeps a write of up to
// PIPE_BUF bytes whole, so lines of different ranks do not interleave.
void print_line(const nlohmann::json& object) {
  std::string line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, line.data() + written, line.size() - written);
    if (n <= 0) return;  // the reader went away: nothing to tell
    written += static_cast<size_t>(n);
  }
}

const char* outcome_name(lora::TrainingResult::Outcome outcome) {
  switch (outcome) {
    case lora::TrainingResult::Outcome::StoppedAtLoss: return "stopped_at_loss";
    case lora::TrainingResult::Outcome::Cancelled: return "cancelled";
    case lora::TrainingResult::Outcome::Diverged: return "diverged";
    case lora::TrainingResult::Outcome::Finished: break;
  }
  return "finished";
}

}  // namespace

void print_progress_json(const lora::TrainingProgress& p) {
  nlohmann::json line = {{"rank", p.rank},
                         {"world_size", p.world_size},
                         {"phase", p.phase},
                         {"step", p.step},
                         {"total_steps", p.total_steps},
                         {"epoch", p.epoch},
                         {"loss", p.loss},
                         {"learning_rate", p.learning_rate},
                         {"tokens_per_second", p.tokens_per_second},
                         {"rank_tokens_per_second", p.rank_tokens_per_second},
                         {"elapsed_seconds", p.elapsed_seconds},
                         {"eta_seconds", p.eta_seconds},
                         {"memory_bytes", p.memory_bytes},
                         {"eval_loss", p.eval_loss}};
  // (The eval samples are in training_log.jsonl, which the reader follows for the chart.)
  if (!p.message.empty()) line["message"] = message_json(p.message);
  print_line(line);
}

void print_result_json(int rank, const lora::TrainingResult& r) {
  nlohmann::json result = {{"outcome", outcome_name(r.outcome)},
                           {"steps_done", r.steps_done},
                           {"final_loss", r.final_loss},
                           {"adapter_dir", r.adapter_dir}};
  if (!r.message.empty()) result["message"] = message_json(r.message);
  print_line({{"rank", rank}, {"result", result}});
}

void print_error_json(int rank, const lora::Message& message) {
  nlohmann::json line = {{"error", message_json(message)}};
  if (rank >= 0) line["rank"] = rank;
  print_line(line);
}

void print_error_json(int rank, const std::exception& error) {
  if (const auto* engine_error = dynamic_cast<const lora::Error*>(&error)) {
    print_error_json(rank, engine_error->message());
    return;
  }
  nlohmann::json line = {{"error_text", error.what()}};
  if (rank >= 0) line["rank"] = rank;
  print_line(line);
}

}  // namespace cli
