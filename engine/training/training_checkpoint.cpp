#include "training_checkpoint.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

#include "atomic_file.h"
#include "causal_lm.h"
#include "checkpoint.h"
#include "error.h"
#include "lora_adapter.h"
#include "optimizer.h"
#include "safetensors.h"

namespace fs = std::filesystem;

namespace lora {

namespace {
constexpr const char* kStateFile = "trainer_state.json";
constexpr const char* kOptimizerFile = "optimizer.safetensors";
}  // namespace

std::string checkpoint_dir_name(int64_t step) { return "checkpoint-" + std::to_string(step); }

void save_training_checkpoint(const std::string& output_dir, const CausalLM& model, const Optimizer& optimizer,
                              const TrainerState& state) {
  const fs::path final_dir = fs::path(output_dir) / checkpoint_dir_name(state.step);
  const fs::path partial_dir = fs::path(output_dir) / (checkpoint_dir_name(state.step) + ".partial");
  std::error_code ec;
  fs::remove_all(partial_dir, ec);
  fs::create_directories(partial_dir, ec);
  if (ec) throw Error(partial_dir.string() + ": cannot create the checkpoint folder (" + ec.message() + ")");

  model.save_adapter(partial_dir.string());
  save_tensors((partial_dir / kOptimizerFile).string(), optimizer.state());
  nlohmann::ordered_json j;
  j["step"] = state.step;
  j["total_steps"] = state.total_steps;
  j["optimizer_steps"] = optimizer.steps_taken();
  j["tokens_seen"] = state.tokens_seen;
  j["elapsed_seconds"] = state.elapsed_seconds;
  j["last_loss"] = state.last_loss;
  j["seed"] = state.seed;
  write_file_atomically((partial_dir / kStateFile).string(), j.dump(2) + "\n");

  fs::remove_all(final_dir, ec);
  fs::rename(partial_dir, final_dir, ec);
  if (ec) throw Error(final_dir.string() + ": cannot finish the checkpoint (" + ec.message() + ")");
}

std::vector<std::string> list_training_checkpoints(const std::string& output_dir) {
  std::vector<std::pair<int64_t, std::string>> found;
  std::error_code ec;
  if (!fs::is_directory(output_dir, ec)) return {};
  for (const auto& entry : fs::directory_iterator(output_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.rfind("checkpoint-", 0) != 0) continue;
    const std::string number = name.substr(11);
    if (number.empty() || !std::all_of(number.begin(), number.end(), ::isdigit)) continue;
    if (!fs::exists(entry.path() / kStateFile)) continue;
    found.emplace_back(std::stoll(number), entry.path().string());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

TrainerState load_training_checkpoint(const std::string& checkpoint_dir, CausalLM& model, Optimizer& optimizer) {
  const std::string state_path = (fs::path(checkpoint_dir) / kStateFile).string();
  TrainerState state;
  int64_t optimizer_steps = 0;
  try {
    const auto j = nlohmann::json::parse(read_text_file(state_path));
    state.step = j.at("step").get<int64_t>();
    state.total_steps = j.at("total_steps").get<int64_t>();
    optimizer_steps = j.at("optimizer_steps").get<int64_t>();
    state.tokens_seen = j.at("tokens_seen").get<int64_t>();
    state.elapsed_seconds = j.at("elapsed_seconds").get<double>();
    state.last_loss = j.value("last_loss", 0.0);
    state.seed = j.at("seed").get<uint64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(state_path + ": not a trainer state (" + e.what() + ")");
  }

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
  for (const auto& info : file->tensors()) tensors[info.name] = tensor_from_safetensors(*file, info);
  optimizer.load_state(tensors, optimizer_steps, optimizer_path);
  return state;
}

}  // namespace lora
