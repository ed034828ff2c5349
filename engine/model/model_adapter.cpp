#include "model_adapter.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/module.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "causal_lm.h"
#include "error.h"
#include "lora_linear.h"
#include "model_family.h"
#include "model_messages.h"
#include "shape_text.h"

namespace lora {

namespace {

namespace fs = std::filesystem;

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool is_all_linear(const LoraConfig& config) {
  return config.target_modules.is_regex && lowercase(config.target_modules.regex) == "all-linear";
}

std::shared_ptr<LoraLinear> shared_layer(LoraLinear& layer) {
  return std::static_pointer_cast<LoraLinear>(layer.shared_from_this());
}

// target_modules as PEFT applies it, to the module's path here or in the family's other layout (an
// adapter's regex may name the module paths of the transformers version it was trained with).
bool selects(const CausalLM& model, const LoraConfig& config, const std::string& path, bool is_output_layer) {
  if (lora_targets_module(config, path, is_output_layer)) return true;
  const ModelFamily* family = find_model_family(model.config().model_type);
  if (!family) return false;
  for (const WeightLayout& layout : family->layouts(model.config())) {
    const std::string moved = module_path_in_layout(model.config(), layout, path);
    if (moved != path && lora_targets_module(config, moved, is_output_layer)) return true;
  }
  return false;
}

struct Attached {
  std::string path;
  std::shared_ptr<LoraLinear> linear;
};

// Checks everything first, then replaces any LoRA the model holds: a bad adapter leaves the model as
// it was. weights == nullptr creates fresh factors from `seed`.
std::vector<Attached> attach(CausalLM& model, const LoraConfig& config, std::map<std::string, LoraFactors>* weights,
                             const std::string& weights_file, const std::string& config_source, uint64_t seed,
                             bool trainable) {
  const std::vector<std::string> paths = model.linear_layer_paths();
  // Targets that are modules but not linear layers (embeddings, norms, whole blocks).
  const std::set<std::string> linear_paths(paths.begin(), paths.end());
  if (!is_all_linear(config)) {
    for (const auto& item : model.module().named_modules("", /*include_self=*/false)) {
      const std::string& path = item.key();
      if (linear_paths.count(path) || path.find(".lora_A") != std::string::npos ||
          path.find(".lora_B") != std::string::npos)
        continue;
      if (selects(model, config, path, /*is_output_layer=*/false))
        throw Error(msg::Model::target_not_linear, config_source, path);
    }
  }

  struct Planned {
    std::string path;
    LoraLinear* linear;
    at::Tensor A, B;
    double scaling;
    at::Tensor magnitude;  // DoRA's, as loaded; undefined: initialised from the layer (or plain LoRA)
  };
  std::vector<Planned> plan;
  std::optional<at::Generator> generator;
  if (!weights) generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const std::string& lm_head_path = model.weight_layout().lm_head;
  for (const std::string& path : paths) {
    if (!selects(model, config, path, /*is_output_layer=*/path == lm_head_path)) continue;
    LoraLinear& linear = model.linear_layer(path);
    const int64_t rank = lora_rank_for(config, path);
    const std::vector<int64_t> a_shape = {rank, linear.in_features()};
    const std::vector<int64_t> b_shape = {linear.out_features(), rank};
    Planned planned{path, &linear, {}, {}, lora_scaling_for(config, path)};
    if (weights) {
      auto found = weights->find(path);
      if (found == weights->end())
        throw Error(msg::Model::adapter_tensor_missing_for_target, weights_file, peft_lora_key(path, 'A'), path);
      if (found->second.A.sizes().vec() != a_shape)
        throw Error(msg::Model::adapter_a_shape, weights_file, peft_lora_key(path, 'A'), shape_text(found->second.A),
                    shape_text(a_shape));
      if (found->second.B.sizes().vec() != b_shape)
        throw Error(msg::Model::adapter_b_shape, weights_file, peft_lora_key(path, 'B'), shape_text(found->second.B),
                    shape_text(b_shape));
      planned.A = found->second.A;
      planned.B = found->second.B;
      const at::Tensor& magnitude = found->second.magnitude;
      if (config.use_dora && !magnitude.defined())
        throw Error(msg::Model::adapter_magnitude_missing, weights_file, peft_magnitude_key(path));
      if (!config.use_dora && magnitude.defined())
        throw Error(msg::Model::adapter_magnitude_without_dora, weights_file, peft_magnitude_key(path));
      if (magnitude.defined() && magnitude.size(0) != linear.out_features())
        throw Error(msg::Model::adapter_magnitude_shape, weights_file, peft_magnitude_key(path), shape_text(magnitude),
                    linear.out_features());
      planned.magnitude = magnitude;
      weights->erase(found);
    } else {
      // PEFT's init: kaiming_uniform_(a=sqrt(5)) on A is U(±1/sqrt(in)); B starts at zero so the
      // adapter begins as the identity change.
      const double bound = 1.0 / std::sqrt(static_cast<double>(linear.in_features()));
      planned.A = at::empty(a_shape, at::kFloat).uniform_(-bound, bound, *generator);
      planned.B = at::zeros(b_shape, at::kFloat);
    }
    plan.push_back(std::move(planned));
  }
  if (plan.empty()) {
    std::set<std::string> names;
    for (const auto& path : linear_paths) names.insert(path.substr(path.rfind('.') + 1));
    std::string available;
    for (const auto& name : names) available += (available.empty() ? "" : ", ") + name;
    throw Error(msg::Model::targets_no_linear_layer, config_source, model.config().model_type, available);
  }
  if (weights && !weights->empty()) {
    const std::string& path = weights->begin()->first;
    throw Error(msg::Model::adapter_tensor_not_selected, weights_file, peft_lora_key(path, 'A'), path);
  }

  for (const std::string& path : paths) model.linear_layer(path).detach_lora();
  std::vector<Attached> attached;
  try {
    for (const auto& planned : plan) {
      planned.linear->attach_lora(planned.A, planned.B, planned.scaling, config.lora_dropout, trainable);
      if (planned.magnitude.defined()) {
        planned.linear->attach_dora(planned.magnitude, trainable);
      } else if (config.use_dora) {
        planned.linear->init_dora(trainable);  // PEFT's init: the row norms of W + scaling·B·A
      }
      attached.push_back({planned.path, shared_layer(*planned.linear)});
    }
  } catch (...) {
    // No half-attached adapter: the model is the base model then.
    for (const auto& layer : attached) layer.linear->detach_lora();
    throw;
  }
  return attached;
}

}  // namespace

std::unique_ptr<ModelAdapter> ModelAdapter::load(CausalLM& model, const std::string& adapter_dir) {
  LoraConfig config = load_lora_config(adapter_dir);
  std::map<std::string, LoraFactors> weights;
  // Factors of another part of the checkpoint (a vision tower) do not change the text; factors
  // written under the family's other layout (PEFT on another transformers version) are moved to
  // this checkpoint's module paths.
  for (auto& [path, factors] : read_lora_weights(adapter_dir)) {
    if (is_foreign_tensor(model.config(), path + ".weight")) continue;
    weights[module_path_in_layout(model.config(), model.weight_layout(), path)] = std::move(factors);
  }
  const std::vector<Attached> attached =
      attach(model, config, &weights, (fs::path(adapter_dir) / "adapter_model.safetensors").string(),
             (fs::path(adapter_dir) / "adapter_config.json").string(), 0, /*trainable=*/false);
  std::vector<Layer> layers;
  for (const auto& [path, linear] : attached) layers.push_back({path, linear, linear->lora_A()});
  return std::unique_ptr<ModelAdapter>(new ModelAdapter(std::move(config), model.model_dir(), std::move(layers)));
}

std::unique_ptr<ModelAdapter> ModelAdapter::create(CausalLM& model, const LoraConfig& requested, uint64_t seed) {
  LoraConfig config = requested;
  const ModelFamily& family = model_family_for(model.config().model_type, model.model_dir());
  if (!config.target_modules.is_regex && !family.target_aliases.empty()) {
    std::vector<std::string> names;
    for (std::string name : config.target_modules.names) {
      for (const auto& [alias, fused] : family.target_aliases)
        if (name == alias) name = fused;
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    config.target_modules.names = names;
  }
  const std::vector<Attached> attached = attach(model, config, nullptr, "", "LoRA settings", seed, /*trainable=*/true);
  std::vector<Layer> layers;
  for (const auto& [path, linear] : attached) layers.push_back({path, linear, linear->lora_A()});
  return std::unique_ptr<ModelAdapter>(new ModelAdapter(std::move(config), model.model_dir(), std::move(layers)));
}

ModelAdapter::ModelAdapter(LoraConfig config, std::string model_dir, std::vector<Layer> layers)
    : config_(std::move(config)), model_dir_(std::move(model_dir)), layers_(std::move(layers)) {}

ModelAdapter::~ModelAdapter() { detach(); }

std::shared_ptr<LoraLinear> ModelAdapter::holding(const Layer& layer) const {
  std::shared_ptr<LoraLinear> linear = layer.linear.lock();
  if (!linear || !linear->has_lora() || !linear->lora_A().is_same(layer.lora_A)) return nullptr;
  return linear;
}

void ModelAdapter::detach() {
  for (const Layer& layer : layers_)
    if (auto linear = holding(layer)) linear->detach_lora();
  layers_.clear();
}

bool ModelAdapter::attached() const {
  for (const Layer& layer : layers_)
    if (holding(layer)) return true;
  return false;
}

std::vector<std::pair<std::string, at::Tensor>> ModelAdapter::parameters() const {
  std::vector<std::pair<std::string, at::Tensor>> parameters;
  for (const Layer& layer : layers_) {
    const auto linear = holding(layer);
    if (!linear) continue;
    parameters.emplace_back(peft_lora_key(layer.path, 'A'), linear->lora_A());
    parameters.emplace_back(peft_lora_key(layer.path, 'B'), linear->lora_B());
    if (linear->has_dora()) parameters.emplace_back(peft_magnitude_key(layer.path), linear->lora_magnitude());
  }
  return parameters;
}

void ModelAdapter::set_enabled(bool enabled) {
  enabled_ = enabled;
  for (const Layer& layer : layers_)
    if (auto linear = holding(layer)) linear->set_lora_enabled(enabled);
}

bool ModelAdapter::enabled() const { return enabled_ && attached(); }

void ModelAdapter::enable_dora() {
  for (const Layer& layer : layers_) {
    const auto linear = holding(layer);
    if (linear && !linear->has_dora()) linear->init_dora(linear->lora_A().requires_grad());
  }
  config_.use_dora = true;
}

void ModelAdapter::set_trainable(bool trainable) {
  for (const Layer& layer : layers_)
    if (auto linear = holding(layer)) linear->set_lora_trainable(trainable);
}

void ModelAdapter::save(const std::string& adapter_dir, c10::ScalarType dtype) const {
  if (!attached()) throw Error(msg::Model::no_adapter_to_save, adapter_dir);
  LoraConfig config = config_;
  if (config.base_model_name_or_path.empty()) config.base_model_name_or_path = model_dir_;
  config.inference_mode = true;  // as PEFT's save_pretrained writes it
  if (is_all_linear(config)) {
    // PEFT stores the layer names "all-linear" expanded to, which older PEFT versions need.
    std::set<std::string> names;
    for (const Layer& layer : layers_)
      if (holding(layer)) names.insert(layer.path.substr(layer.path.rfind('.') + 1));
    config.target_modules = ModuleSelector{std::vector<std::string>(names.begin(), names.end()), "", false};
  }
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  // DoRA's magnitude stays F32 whatever `dtype` the factors are written in.
  for (const auto& [key, tensor] : parameters())
    tensors.emplace_back(key, tensor.detach().to(tensor.dim() == 1 ? at::kFloat : dtype));
  write_lora_adapter(adapter_dir, config, tensors);
}

}  // namespace lora
