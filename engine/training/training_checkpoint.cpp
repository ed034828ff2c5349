#include "training_checkpoint.h"

#include <ATen/ATen.h>

#include <limits>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "atomic_file.h"
#include "causal_lm.h"
#include "checkpoint.h"
#include "error.h"
#include "json_reader.h"
#include "lora_adapter.h"
#include "optimizer.h"
#include "safetensors.h"
#include "sha256.h"

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
    throw Error(path.string() + ": is " + std::to_string(size) + " bytes, more than any checkpoint file of its kind (" +
                std::to_string(kMaxSmallFileBytes) + ")");
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
    throw Error(source + ": \"format\" must be \"" + kManifestFormat + "\"");
  CheckpointManifest manifest;
  manifest.step = read_count(j, "step", JsonPath(source));
  const auto files = j.find("files");
  if (files == j.end() || !files->is_array()) throw Error(source + ": \"files\" must be a list");
  std::set<std::string> seen;
  for (size_t i = 0; i < files->size(); ++i) {
    const nlohmann::json& item = (*files)[i];
    const std::string at = source + ": files[" + std::to_string(i) + "]";
    if (!item.is_object()) throw Error(at + " must be an object {\"name\", \"size\", \"sha256\"}");
    ManifestEntry entry;
    const auto name = item.find("name");
    if (name == item.end() || !name->is_string()) throw Error(at + ": \"name\" must be a string");
    entry.file = name->get<std::string>();
    if (!is_plain_file_name(entry.file))
      throw Error(at + ": \"" + entry.file + "\" is not a plain file name inside the checkpoint folder");
    if (!seen.insert(entry.file).second) throw Error(at + ": \"" + entry.file + "\" is listed twice");
    entry.size = static_cast<uint64_t>(read_count(item, "size", JsonPath(source, "files[" + std::to_string(i) + "]")));
    const auto sha = item.find("sha256");
    if (sha == item.end() || !sha->is_string() || !is_sha256_hex(sha->get<std::string>()))
      throw Error(at + ": \"sha256\" must be 64 lowercase hex digits");
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
    throw Error(checkpoint_dir + ": has no " + kManifestFile + " (the save did not finish, or the file was deleted)");
  const CheckpointManifest manifest = parse_checkpoint_manifest(read_small_file(manifest_path), manifest_path.string());
  for (const char* required : kRequiredFiles) {
    const bool listed = std::any_of(manifest.files.begin(), manifest.files.end(),
                                    [&](const ManifestEntry& e) { return e.file == required; });
    if (!listed) throw Error(manifest_path.string() + ": does not list " + required);
  }
  for (const ManifestEntry& entry : manifest.files) {
    const fs::path file = dir / entry.file;
    if (!fs::is_regular_file(file, ec)) throw Error(file.string() + ": is missing (listed in " + kManifestFile + ")");
    const uint64_t size = fs::file_size(file, ec);
    if (ec) throw Error(file.string() + ": cannot read its size (" + ec.message() + ")");
    if (size != entry.size)
      throw Error(file.string() + ": is " + std::to_string(size) + " bytes, the manifest says " +
                  std::to_string(entry.size) + " (truncated or overwritten)");
    const std::string sha = sha256_file_hex(file.string());
    if (sha != entry.sha256)
      throw Error(file.string() + ": SHA-256 " + sha.substr(0, 16) + "... differs from the manifest's " +
                  entry.sha256.substr(0, 16) + "... (the file is damaged)");
  }
  return manifest;
}

void save_training_checkpoint(const std::string& output_dir, const CausalLM& model, const Optimizer& optimizer,
                              const TrainerState& state) {
  const fs::path final_dir = fs::path(output_dir) / checkpoint_dir_name(state.step);
  const fs::path partial_dir = fs::path(output_dir) / (checkpoint_dir_name(state.step) + ".partial");
  std::error_code ec;
  fs::remove_all(partial_dir, ec);
  fs::create_directories(partial_dir, ec);
  if (ec) throw Error(partial_dir.string() + ": cannot create the checkpoint folder (" + ec.message() + ")");

  try {
    model.save_adapter(partial_dir.string());
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
  if (ec) throw Error(final_dir.string() + ": cannot finish the checkpoint (" + ec.message() + ")");
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
    if (ec) throw Error(folder.string() + ": cannot remove the old checkpoint (" + ec.message() + ")");
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

TrainerState load_training_checkpoint(const std::string& checkpoint_dir, CausalLM& model, Optimizer& optimizer) {
  const CheckpointManifest manifest = verify_checkpoint_manifest(checkpoint_dir);
  const std::string state_path = (fs::path(checkpoint_dir) / kStateFile).string();
  TrainerState state = parse_trainer_state(read_small_file(state_path), state_path);
  if (state.step != manifest.step)
    throw Error(state_path + ": step " + std::to_string(state.step) + " differs from the manifest's " +
                std::to_string(manifest.step));

  const auto factors = read_lora_weights(checkpoint_dir);
  at::NoGradGuard no_grad;
  for (auto& [key, live] : model.adapter_parameters()) {
    bool restored = false;
    for (const auto& [path, pair] : factors) {
      for (char which : {'A', 'B'}) {
        if (peft_lora_key(path, which) != key) continue;
        const at::Tensor& saved = which == 'A' ? pair.A : pair.B;
        if (saved.sizes() != live.sizes())
          throw Error(checkpoint_dir + ": '" + key + "' has shape " + c10::str(saved.sizes()) + ", the run expects " +
                      c10::str(live.sizes()));
        live.copy_(saved.to(live.device(), live.scalar_type()));
        restored = true;
      }
    }
    if (!restored) throw Error(checkpoint_dir + ": the adapter has no '" + key + "'");
  }

  const std::string optimizer_path = (fs::path(checkpoint_dir) / kOptimizerFile).string();
  const auto file = SafetensorsFile::open(optimizer_path);
  std::map<std::string, at::Tensor> tensors;
  for (const auto& info : file->tensors()) {
    at::Tensor tensor = tensor_from_safetensors(*file, info);
    if (!at::isFloatingType(tensor.scalar_type()))
      throw Error(optimizer_path + ": optimizer state '" + info.name + "' has dtype " + dtype_name(info.dtype) +
                  ", expected a floating-point type");
    if (!at::isfinite(tensor).all().item<bool>())
      throw Error(optimizer_path + ": optimizer state '" + info.name + "' holds NaN or infinite values");
    tensors[info.name] = std::move(tensor);
  }
  optimizer.load_state(tensors, state.optimizer_steps, optimizer_path);
  return state;
}

}  // namespace lora
