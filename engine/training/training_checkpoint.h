#pragma once
// checkpoint-N/ folders: everything resume needs to continue exactly where a run stopped (the
// adapter, the optimizer's moments, the step count; the data order and dropout masks are functions
// of the seed and the step). A folder is written as checkpoint-N.partial, every file atomically,
// then manifest.json (each file's size and SHA-256) last, and renamed to checkpoint-N when complete:
// a crash mid-save never leaves a checkpoint-N that looks whole, and resume checks the manifest so
// a checkpoint damaged later (truncated, bit rot, a file deleted) is recognised and skipped.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lora {

class ModelAdapter;
class Optimizer;

struct TrainerState {
  int64_t step = 0;
  int64_t total_steps = 0;
  int64_t tokens_seen = 0;
  double elapsed_seconds = 0;
  double last_loss = 0;
  uint64_t seed = 0;
  int64_t optimizer_steps = 0;  // read from a checkpoint; saving takes it from the optimizer
};

std::string checkpoint_dir_name(int64_t step);  // "checkpoint-12"

// Writes <output_dir>/checkpoint-<state.step>/ (replacing one of that step). Throws lora::Error
// naming the file and the cause (disk full, read-only folder); older checkpoints are untouched then.
void save_training_checkpoint(const std::string& output_dir, const ModelAdapter& adapter, const Optimizer& optimizer,
                              const TrainerState& state);

// checkpoint-N folders in output_dir that hold a manifest.json, newest first (not yet verified:
// load_training_checkpoint does that, so the caller can say which one was damaged and why).
std::vector<std::string> list_training_checkpoints(const std::string& output_dir);

// Removes every checkpoint-N (and checkpoint-N.partial) folder in output_dir: a run that finished
// needs none of them, and an old one left there would only offer to resume from the past.
// Throws lora::Error naming the folder it could not remove.
void remove_training_checkpoints(const std::string& output_dir);

// Verifies the checkpoint against its manifest, restores the adapter factors and optimizer state
// into the live adapter and optimizer, and returns its state. Throws lora::Error naming the file and
// what is wrong (missing manifest or file, size or checksum mismatch, malformed state).
TrainerState load_training_checkpoint(const std::string& checkpoint_dir, ModelAdapter& adapter, Optimizer& optimizer);

// manifest.json: the files of a checkpoint folder.
struct ManifestEntry {
  std::string file;  // a plain file name inside the checkpoint folder
  uint64_t size = 0;
  std::string sha256;  // 64 lowercase hex digits
};
struct CheckpointManifest {
  int64_t step = 0;
  std::vector<ManifestEntry> files;
};

// Parsers of the checkpoint's small files (also the fuzz targets' entry points). Throw lora::Error
// naming `source` and the field.
TrainerState parse_trainer_state(const std::string& json_text, const std::string& source);
CheckpointManifest parse_checkpoint_manifest(const std::string& json_text, const std::string& source);
// Checks every file the manifest lists (present, same size, same SHA-256) and that the files resume
// needs are listed. Throws lora::Error naming the file and the difference.
CheckpointManifest verify_checkpoint_manifest(const std::string& checkpoint_dir);

}  // namespace lora
