#pragma once
// training_log.jsonl: one JSON object per logged step. The trainer appends to it as it goes; the
// window's chart reads it, so a finished or interrupted run can be reopened and shown.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lora {

// One eval-set prompt answered greedily at an evaluation, so a user can see when the answers got
// good and when they began to overfit.
struct EvalSample {
  int64_t index = 0;      // position of the example in the eval set
  std::string prompt;     // the example's text before its first trained token
  std::string reference;  // the trained tokens of the example, decoded
  std::string output;     // what the model generated at this step
};

struct TrainingLogEntry {
  int64_t step = 0;            // optimizer steps done
  double epoch = 0;            // fractional epochs done
  double loss = 0;             // mean target-token loss of this step
  double learning_rate = 0;    // the rate this step's update used
  double grad_norm = 0;        // before clipping
  int64_t tokens = 0;          // target tokens trained on so far
  double tokens_per_second = 0;
  double elapsed_seconds = 0;
  std::optional<double> eval_loss;
  std::vector<EvalSample> eval_samples;  // only on evaluation steps, when eval_samples > 0
};

std::string training_log_line(const TrainingLogEntry& entry);  // one line, no newline
// One line of the log (the window's live reader takes them one by one). Throws lora::Error starting
// with `source` (e.g. "FILE, line N") and naming the field.
TrainingLogEntry parse_training_log_line(const std::string& line, const std::string& source);

// Reads every complete entry; a last line cut short by a crash is ignored (it describes a step the
// run will redo), any other bad line is an error naming the file and line.
std::vector<TrainingLogEntry> read_training_log(const std::string& path);

class TrainingLogWriter {
 public:
  // Keeps the entries with step <= keep_up_to_step (resume drops steps it is about to redo),
  // rewriting the file atomically, then appends.
  TrainingLogWriter(const std::string& path, int64_t keep_up_to_step);
  void append(const TrainingLogEntry& entry);

 private:
  std::string path_;
};

}  // namespace lora
