#include "training_checkpoint.h"

#include <ATen/ATen.h>

#include <limits>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "atomic_file.h"
#include "model_adapter.h"
#include "checkpoint.h"
#include "error.h"
#include "json_reader.h"
#include "lora_adapter.h"
#include "optimizer.h"
#include "safetensors.h"
#include "sha256.h"
#include "training_messages.h"

namespace fs = std::filesystem;

namespace lora {

namespace {
constexpr const char* kStateFile = "trainer_state.json";
constexpr const char* kOptimizerFile = "optimizer.safetensors";
constexpr const char* kManifestFile = "manifest.json";
constexpr const char* kManifestFormat = "lora-studio checkpoint manifest";
// The files resume reads; a manifest that leaves one out does not describe a usable checkpoint.
const char* const kRequiredFiles[] = {kStateFile, kOptimizerFile, "adapter_model.safetensors", "adapter_config.json"};
// The small JSON files of a checkpoint are a few hundred bytes; anything near this is not ours.
constexpr uint64_t kMaxSmallFileBytes = 1 << 20;

std::string read_small_file(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxSmallFileBytes)
    throw Error(msg::Training::checkpoint_file_too_large, path, size, kMaxSmallFileBytes);
  return read_text_file(path.string());
}

bool is_plain_file_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\\') == std::string::npos && name.find('\0') == std::string::npos;
}

bool is_sha256_hex(const std::string& text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

int64_t read_count(const nlohmann::json& j, const char* key, const JsonPath& at) {
  return require_int(j, key, at, 0, std::numeric_limits<int64_t>::max());
}

}  // namespace

std::string checkpoint_dir_name(int64_t step) { return "checkpoint-" + std::to_string(step); }

TrainerState parse_trainer_state(const std::string& json_text, const std::string& source) {
  const nlohmann::json j = parse_json_object_text(json_text, source);
  const JsonPath at(source);
  TrainerState state;
  state.step = read_count(j, "step", at);
  state.total_steps = read_count(j, "total_steps", at);
  state.optimizer_steps = read_count(j, "optimizer_steps", at);
  state.tokens_seen = read_count(j, "tokens_seen", at);
  state.elapsed_seconds = require_number(j, "elapsed_seconds", at, NumberRange::non_negative());
  // null: the loss was not finite (JSON has no NaN).
  state.last_loss = read_number(j, "last_loss", 0.0, at);
  state.seed = json_to_uint(require_field(j, "seed", at), at / "seed");
  return state;
}

CheckpointManifest parse_checkpoint_manifest(const std::string& json_text, const std::string& source) {
  const nlohmann::json j = parse_json_object_text(json_text, source);
  const auto format = j.find("format");
  if (format == j.end() || !format->is_string() || format->get<std::string>() != kManifestFormat)
    throw Error(msg::Training::manifest_format_wrong, source, kManifestFormat);
  CheckpointManifest manifest;
  manifest.step = read_count(j, "step", JsonPath(source));
  const auto files = j.find("files");
  if (files == j.end() || !files->is_array()) throw Error(msg::Training::manifest_files_not_a_list, source);
  std::set<std::string> seen;
  for (size_t i = 0; i < files->size(); ++i) {
    const nlohmann::json& item = (*files)[i];
    if (!item.is_object()) throw Error(msg::Training::manifest_entry_not_an_object, source, i);
    ManifestEntry entry;
    const auto name = item.find("name");
    if (name == item.end() || !name->is_string())
      throw Error(msg::Training::manifest_entry_name_not_a_string, source, i);
    entry.file = name->get<std::string>();
    if (!is_plain_file_name(entry.file))
      throw Error(msg::Training::manifest_entry_not_a_plain_file_name, source, i, entry.file);
    if (!seen.insert(entry.file).second) throw Error(msg::Training::manifest_entry_listed_twice, source, i, entry.file);
    entry.size = static_cast<uint64_t>(read_count(item, "size", JsonPath(source, "files[" + std::to_string(i) + "]")));
    const auto sha = item.find("sha256");
    if (sha == item.end() || !sha->is_string() || !is_sha256_hex(sha->get<std::string>()))
      throw Error(msg::Training::manifest_entry_sha256_invalid, source, i);
    entry.sha256 = sha->get<std::string>();
    manifest.files.push_back(std::move(entry));
  }
  return manifest;
}

CheckpointManifest verify_checkpoint_manifest(const std::string& checkpoint_dir) {
  const fs::path dir(checkpoint_dir);
  const fs::path manifest_path = dir / kManifestFile;
  std::error_code ec;
  if (!fs::exists(manifest_path, ec))
    throw Error(msg::Training::checkpoint_has_no_manifest, checkpoint_dir, kManifestFile);
  const CheckpointManifest manifest = parse_checkpoint_manifest(read_small_file(manifest_path), manifest_path.string());
  for (const char* required : kRequiredFiles) {
    const bool listed = std::any_of(manifest.files.begin(), manifest.files.end(),
                                    [&](const ManifestEntry& e) { return e.file == required; });
    if (!listed) throw Error(msg::Training::manifest_lacks_required_file, manifest_path, required);
  }
  for (const ManifestEntry& entry : manifest.files) {
    const fs::path file = dir / entry.file;
    if (!fs::is_regular_file(file, ec)) throw Error(msg::Training::checkpoint_file_missing, file, kManifestFile);
    const uint64_t size = fs::file_size(file, ec);
    if (ec) throw Error(msg::Training::checkpoint_file_size_unreadable, file, ec.message());
    if (size != entry.size)
      throw Error(msg::Training::checkpoint_file_size_differs, file, size, entry.size);
    const std::string sha = sha256_file_hex(file.string());
    if (sha != entry.sha256)
      throw Error(msg::Training::checkpoint_file_checksum_differs, file, sha.substr(0, 16), entry.sha256.substr(0, 16));
  }
  return manifest;
}

void save_training_checkpoint(const std::string& output_dir, const ModelAdapter& adapter, const Optimizer& optimizer,
                              const TrainerState& state) {
  const fs::path final_dir = fs::path(output_dir) / checkpoint_dir_name(state.step);
  const fs::path partial_dir = fs::path(output_dir) / (checkpoint_dir_name(state.step) + ".partial");
  std::error_code ec;
  fs::remove_all(partial_dir, ec);
  fs::create_directories(partial_dir, ec);
  if (ec) throw Error(msg::Training::cannot_create_checkpoint_folder, partial_dir, ec.message());

  try {
    adapter.save(partial_dir.string());
    save_tensors((partial_dir / kOptimizerFile).string(), optimizer.state());
    nlohmann::ordered_json j;
    j["step"] = state.step;
    j["total_steps"] = state.total_steps;
    j["optimizer_steps"] = optimizer.steps_taken();
    j["tokens_seen"] = state.tokens_seen;
    j["elapsed_seconds"] = state.elapsed_seconds;
    j["last_loss"] = std::isfinite(state.last_loss) ? state.last_loss : 0.0;
    j["seed"] = state.seed;
    write_file_atomically((partial_dir / kStateFile).string(), j.dump(2) + "\n");

    // The manifest is written last: its presence means every file it lists was complete and synced.
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(partial_dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && name != kManifestFile && name.front() != '.') names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    nlohmann::ordered_json manifest;
    manifest["format"] = kManifestFormat;
    manifest["step"] = state.step;
    manifest["files"] = nlohmann::ordered_json::array();
    for (const auto& name : names) {
      uint64_t size = 0;
      const std::string sha = sha256_file_hex((partial_dir / name).string(), &size);
      manifest["files"].push_back({{"name", name}, {"size", size}, {"sha256", sha}});
    }
    write_file_atomically((partial_dir / kManifestFile).string(), manifest.dump(2) + "\n");
  } catch (...) {
    // Leave no half-written folder behind (the error itself names the file and the cause).
    fs::remove_all(partial_dir, ec);
    throw;
  }

  fs::remove_all(final_dir, ec);
  fs::rename(partial_dir, final_dir, ec);
  if (ec) throw Error(msg::Training::cannot_finish_checkpoint, final_dir, ec.message());
  sync_folder(output_dir);  // persist the rename
}

void remove_training_checkpoints(const std::string& output_dir) {
  std::error_code ec;
  if (!fs::is_directory(output_dir, ec)) return;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(output_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.rfind("checkpoint-", 0) == 0) folders.push_back(entry.path());
  }
  for (const fs::path& folder : folders) {
    fs::remove_all(folder, ec);
    if (ec) throw Error(msg::Training::cannot_remove_old_checkpoint, folder, ec.message());
  }
}

std::vector<std::string> list_training_checkpoints(const std::string& output_dir) {
  std::vector<std::pair<int64_t, std::string>> found;
  std::error_code ec;
  if (!fs::is_directory(output_dir, ec)) return {};
  for (const auto& entry : fs::directory_iterator(output_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.rfind("checkpoint-", 0) != 0) continue;
    const std::string number = name.substr(11);
    if (number.empty() || number.size() > 18 || !std::all_of(number.begin(), number.end(), ::isdigit)) continue;
    // Folders without a manifest are listed too, so that resume can say why it skips them.
    if (!fs::exists(entry.path() / kManifestFile) && !fs::exists(entry.path() / kStateFile)) continue;
    found.emplace_back(std::stoll(number), entry.path().string());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

TrainerState load_training_checkpoint(const std::string& checkpoint_dir, ModelAdapter& adapter, Optimizer& optimizer) {
  const CheckpointManifest manifest = verify_checkpoint_manifest(checkpoint_dir);
  const std::string state_path = (fs::path(checkpoint_dir) / kStateFile).string();
  TrainerState state = parse_trainer_state(read_small_file(state_path), state_path);
  if (state.step != manifest.step)
    throw Error(msg::Training::checkpoint_step_differs, state_path, state.step, manifest.step);

  const auto factors = read_lora_weights(checkpoint_dir);
  at::NoGradGuard no_grad;
  for (auto& [key, live] : adapter.parameters()) {
    bool restored = false;
    for (const auto& [path, pair] : factors) {
      for (char which : {'A', 'B', 'M'}) {
        if ((which == 'M' ? peft_magnitude_key(path) : peft_lora_key(path, which)) != key) continue;
        const at::Tensor& saved = which == 'A' ? pair.A : which == 'B' ? pair.B : pair.magnitude;
        if (!saved.defined()) continue;
        if (saved.sizes() != live.sizes())
          throw Error(msg::Training::checkpoint_tensor_wrong_shape, checkpoint_dir, key, c10::str(saved.sizes()),
                      c10::str(live.sizes()));
        live.copy_(saved.to(live.device(), live.scalar_type()));
        restored = true;
      }
    }
    if (!restored) throw Error(msg::Training::checkpoint_adapter_lacks_tensor, checkpoint_dir, key);
  }

  const std::string optimizer_path = (fs::path(checkpoint_dir) / kOptimizerFile).string();
  const auto file = SafetensorsFile::open(optimizer_path);
  std::map<std::string, at::Tensor> tensors;
  for (const auto& info : file->tensors()) {
    at::Tensor tensor = tensor_from_safetensors(*file, info);
    if (!at::isFloatingType(tensor.scalar_type()))
      throw Error(msg::Training::optimizer_state_not_floating_point, optimizer_path, info.name, dtype_name(info.dtype));
    if (!at::isfinite(tensor).all().item<bool>())
      throw Error(msg::Training::optimizer_state_not_finite, optimizer_path, info.name);
    tensors[info.name] = std::move(tensor);
  }
  optimizer.load_state(tensors, state.optimizer_steps, optimizer_path);
  return state;
}

}  // namespace lora
