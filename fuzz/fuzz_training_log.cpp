// training_log.jsonl, which the window's chart and run history read back (also from runs that were
// cut short by a crash mid-line). Every entry read must be written back as a line that reads again.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "error.h"
#include "fuzz_support.h"
#include "training_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_scratch_file("training_log.jsonl", data, size);
  std::vector<lora::TrainingLogEntry> entries;
  try {
    entries = lora::read_training_log(path);
  } catch (const lora::Error&) {
    return 0;
  }
  std::string lines;
  for (const lora::TrainingLogEntry& entry : entries) lines += lora::training_log_line(entry) + "\n";
  const std::string again_path = fuzz::write_scratch_file("training_log_again.jsonl", lines);
  const std::vector<lora::TrainingLogEntry> again = lora::read_training_log(again_path);
  if (again.size() != entries.size()) std::abort();
  for (size_t i = 0; i < entries.size(); ++i)
    if (again[i].step != entries[i].step || again[i].tokens != entries[i].tokens ||
        again[i].eval_samples.size() != entries[i].eval_samples.size())
      std::abort();
  return 0;
}
