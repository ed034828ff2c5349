#include "causal_lm.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "checkpoint.h"
#include "error.h"
#include "lora_adapter.h"
#include "memory_budget.h"
#include "transformer.h"

namespace lora {

namespace {

namespace fs = std::filesystem;

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string shape_string(const at::Tensor& tensor) { return shape_string(tensor.sizes().vec()); }

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string checkpoint_dtype_name(DType dtype) {
  switch (dtype) {
    case DType::BF16: return "bfloat16";
    case DType::F16: return "float16";
    default: return "float32";
  }
}

// Tensors older checkpoints carry that are not weights: transformers skips them on load too.
bool is_harmless_extra_tensor(const std::string& name) { return ends_with(name, "rotary_emb.inv_freq"); }

void check_supported(const ModelConfig& config, const std::string& source) {
  model_family_for(config.model_type, source);  // throws, listing the supported ones, for a model_type no family reads
  if (config.hidden_act != "silu" && config.hidden_act != "gelu_pytorch_tanh")
    throw Error(source + ": hidden_act '" + config.hidden_act + "' is not supported (expected silu or gelu_pytorch_tanh)");
  auto positive = [&](int64_t value, const char* field) {
    if (value <= 0) throw Error(source + ": " + field + " must be positive, got " + std::to_string(value));
  };
  positive(config.vocab_size, "vocab_size");
  positive(config.hidden_size, "hidden_size");
  positive(config.intermediate_size, "intermediate_size");
  positive(config.num_hidden_layers, "num_hidden_layers");
  positive(config.num_attention_heads, "num_attention_heads");
  positive(config.num_key_value_heads, "num_key_value_heads");
  positive(config.head_dim, "head_dim");
  if (config.num_attention_heads % config.num_key_value_heads != 0)
    throw Error(source + ": num_attention_heads (" + std::to_string(config.num_attention_heads) +
                ") is not a multiple of num_key_value_heads (" + std::to_string(config.num_key_value_heads) + ")");
  for (const RopeScaling* scaling : {&config.rope_scaling, &config.sliding_rope_scaling}) {
    const std::string& rope = scaling->type;
    if (!rope.empty() && rope != "default" && rope != "linear" && rope != "llama3" && rope != "longrope")
      throw Error(source + ": rope_scaling type '" + rope + "' is not supported (supported: linear, llama3, longrope)");
  }
}

// Weights from a checkpoint folder, each checked against the shape the config implies and
// converted to the compute dtype on the compute device; remembers which were used.
class CheckpointWeights : public WeightSource {
 public:
  CheckpointWeights(const Checkpoint& checkpoint, std::string model_dir, ComputeTarget target)
      : checkpoint_(checkpoint), model_dir_(std::move(model_dir)), target_(target) {}

  at::Tensor take(const std::string& name, const std::vector<int64_t>& shape) override {
    if (!checkpoint_.contains(name))
      throw Error(model_dir_ + ": missing tensor '" + name + "' (expected shape " + shape_string(shape) + ")");
    const TensorInfo& info = checkpoint_.info(name);
    if (info.shape != shape)
      throw Error(model_dir_ + ": tensor '" + name + "' has shape " + shape_string(info.shape) + ", expected " +
                  shape_string(shape));
    if (info.dtype != DType::F32 && info.dtype != DType::BF16 && info.dtype != DType::F16)
      throw Error(model_dir_ + ": tensor '" + name + "' has dtype " + dtype_name(info.dtype) +
                  "; expected F32, BF16 or F16 (quantized checkpoints are not supported)");
    used_.insert(name);
    return checkpoint_.tensor(name).to(target_.device, target_.dtype).contiguous();
  }

  void mark_used(const std::string& name) { used_.insert(name); }

  void check_all_used(const ModelConfig& config) const {
    std::vector<std::string> unexpected;
    for (const auto& name : checkpoint_.names())
      if (!used_.count(name) && !is_harmless_extra_tensor(name) && !is_foreign_tensor(config, name))
        unexpected.push_back(name);
    if (unexpected.empty()) return;
    std::string list;
    for (size_t i = 0; i < unexpected.size() && i < 5; ++i) list += (i ? "', '" : "'") + unexpected[i];
    list += "'";
    if (unexpected.size() > 5) list += " and " + std::to_string(unexpected.size() - 5) + " more";
    throw Error(model_dir_ + ": unexpected tensor" + (unexpected.size() > 1 ? "s " : " ") + list +
                " (not part of the " + config.model_type + " model config.json describes: " +
                std::to_string(config.num_hidden_layers) + " layers" + (config.qkv_bias ? ", q/k/v bias" : "") +
                (config.tie_word_embeddings ? ", tied embeddings" : "") + ")");
  }

 private:
  const Checkpoint& checkpoint_;
  std::string model_dir_;
  ComputeTarget target_;
  std::set<std::string> used_;
};

class TransformerLM final : public CausalLM {
 public:
  TransformerLM(std::string model_dir, ModelConfig config, ComputeTarget target, WeightLayout layout,
                std::shared_ptr<CausalLMModule> module)
      : model_dir_(std::move(model_dir)),
        config_(std::move(config)),
        target_(target),
        layout_(std::move(layout)),
        module_(std::move(module)) {
    for (const auto& item : module_->named_modules("", /*include_self=*/false)) {
      if (auto linear = std::dynamic_pointer_cast<LoraLinear>(item.value())) linears_.emplace_back(item.key(), linear);
    }
    // Tied weights appear once among the parameters, so this counts them once.
    for (const auto& parameter : module_->named_parameters()) num_parameters_ += parameter.value().numel();
  }

  const ModelConfig& config() const override { return config_; }
  const ComputeTarget& target() const override { return target_; }
  const std::string& model_dir() const override { return model_dir_; }
  const WeightLayout& weight_layout() const override { return layout_; }
  int64_t num_parameters() const override { return num_parameters_; }

  at::Tensor forward(const at::Tensor& input_ids, KVCache* cache, const at::Tensor& attention_mask,
                     const at::Tensor& position_ids) override {
    return logits_from_hidden(forward_hidden(input_ids, cache, attention_mask, position_ids));
  }

  at::Tensor forward_hidden(const at::Tensor& input_ids, KVCache* cache, const at::Tensor& attention_mask,
                            const at::Tensor& position_ids) override {
    return module_->model->forward(input_ids, cache, attention_mask, position_ids);
  }

  at::Tensor logits_from_hidden(const at::Tensor& hidden) override {
    return soft_capped(module_->lm_head->forward(hidden).to(at::kFloat));
  }

  at::Tensor head_logits(const at::Tensor& hidden) override { return soft_capped(module_->lm_head->forward(hidden)); }

  void load_adapter(const std::string& adapter_dir) override {
    LoraConfig config = load_lora_config(adapter_dir);
    std::map<std::string, LoraFactors> weights;
    // Factors of another part of the checkpoint (a vision tower) do not change the text; factors
    // written under the family's other layout (PEFT on another transformers version) are moved to
    // this checkpoint's module paths.
    for (auto& [path, factors] : read_lora_weights(adapter_dir)) {
      if (is_foreign_tensor(config_, path + ".weight")) continue;
      weights[module_path_in_layout(config_, layout_, path)] = std::move(factors);
    }
    attach(config, &weights, (fs::path(adapter_dir) / "adapter_model.safetensors").string(),
           (fs::path(adapter_dir) / "adapter_config.json").string(), 0, /*trainable=*/false);
  }

  void create_adapter(const LoraConfig& requested, uint64_t seed) override {
    LoraConfig config = requested;
    const ModelFamily& family = model_family_for(config_.model_type, model_dir_);
    if (!config.target_modules.is_regex && !family.target_aliases.empty()) {
      std::vector<std::string> names;
      for (std::string name : config.target_modules.names) {
        for (const auto& [alias, fused] : family.target_aliases)
          if (name == alias) name = fused;
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
      config.target_modules.names = names;
    }
    attach(config, nullptr, "", "LoRA settings", seed, /*trainable=*/true);
  }

  bool has_adapter() const override { return adapter_config_.has_value(); }

  void set_adapter_enabled(bool enabled) override {
    adapter_enabled_ = enabled;
    for (const auto& [path, linear] : linears_)
      if (linear->has_lora()) linear->set_lora_enabled(enabled);
  }

  bool adapter_enabled() const override { return has_adapter() && adapter_enabled_; }

  void remove_adapter() override {
    for (const auto& [path, linear] : linears_) linear->detach_lora();
    adapter_config_.reset();
    adapter_enabled_ = true;
  }

  const LoraConfig* adapter_config() const override { return adapter_config_ ? &*adapter_config_ : nullptr; }

  std::vector<std::pair<std::string, at::Tensor>> adapter_parameters() const override {
    std::vector<std::pair<std::string, at::Tensor>> parameters;
    for (const auto& [path, linear] : linears_) {
      if (!linear->has_lora()) continue;
      parameters.emplace_back(peft_lora_key(path, 'A'), linear->lora_A());
      parameters.emplace_back(peft_lora_key(path, 'B'), linear->lora_B());
    }
    return parameters;
  }

  void set_gradient_checkpointing(bool enabled) override { module_->model->gradient_checkpointing = enabled; }

  void set_adapter_trainable(bool trainable) override {
    for (const auto& [path, linear] : linears_) linear->set_lora_trainable(trainable);
  }

  void save_adapter(const std::string& adapter_dir, c10::ScalarType dtype) const override {
    if (!adapter_config_) throw Error(adapter_dir + ": there is no adapter to save");
    LoraConfig config = *adapter_config_;
    if (config.base_model_name_or_path.empty()) config.base_model_name_or_path = model_dir_;
    config.inference_mode = true;  // as PEFT's save_pretrained writes it
    if (config.target_modules.is_regex && lowercase(config.target_modules.regex) == "all-linear") {
      // PEFT stores the layer names "all-linear" expanded to, which older PEFT versions need.
      std::set<std::string> names;
      for (const auto& [path, linear] : linears_)
        if (linear->has_lora()) names.insert(path.substr(path.rfind('.') + 1));
      config.target_modules = ModuleSelector{std::vector<std::string>(names.begin(), names.end()), "", false};
    }
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& [key, tensor] : adapter_parameters()) tensors.emplace_back(key, tensor.detach().to(dtype));
    write_lora_adapter(adapter_dir, config, tensors);
  }

  torch::nn::Module& module() override { return *module_; }

  std::vector<std::string> linear_layer_paths() const override {
    std::vector<std::string> paths;
    for (const auto& [path, linear] : linears_) paths.push_back(path);
    return paths;
  }

  LoraLinear& linear_layer(const std::string& path) override {
    for (const auto& [name, linear] : linears_)
      if (name == path) return *linear;
    if (path == "lm_head") return *module_->lm_head;
    throw Error("the model has no linear layer '" + path + "'");
  }

 private:
  at::Tensor soft_capped(const at::Tensor& logits) const {
    const double cap = config_.final_logit_softcapping;
    if (cap <= 0) return logits;
    return at::tanh(logits / cap) * cap;
  }

  // target_modules as PEFT applies it, to the module's path here or in the family's other layout (an
  // adapter's regex may name the module paths of the transformers version it was trained with).
  bool selects(const LoraConfig& config, const std::string& path, bool is_output_layer) const {
    if (lora_targets_module(config, path, is_output_layer)) return true;
    const ModelFamily* family = find_model_family(config_.model_type);
    if (!family) return false;
    for (const WeightLayout& layout : family->layouts(config_)) {
      const std::string moved = module_path_in_layout(config_, layout, path);
      if (moved != path && lora_targets_module(config, moved, is_output_layer)) return true;
    }
    return false;
  }

  // Checks everything first, then replaces any adapter: a bad adapter leaves the model as it was.
  void attach(const LoraConfig& config, std::map<std::string, LoraFactors>* weights, const std::string& weights_file,
              const std::string& config_source, uint64_t seed, bool trainable) {
    // Targets that are modules but not linear layers (embeddings, norms, whole blocks).
    std::set<std::string> linear_paths;
    for (const auto& [path, linear] : linears_) linear_paths.insert(path);
    const bool all_linear = config.target_modules.is_regex && lowercase(config.target_modules.regex) == "all-linear";
    if (!all_linear) {
      for (const auto& item : module_->named_modules("", /*include_self=*/false)) {
        const std::string& path = item.key();
        if (linear_paths.count(path) || path.find(".lora_A") != std::string::npos ||
            path.find(".lora_B") != std::string::npos)
          continue;
        if (selects(config, path, /*is_output_layer=*/false))
          throw Error(config_source + ": target_modules selects '" + path +
                      "', which is not a linear layer (LoRA applies to linear layers only)");
      }
    }

    struct Planned {
      std::shared_ptr<LoraLinear> linear;
      at::Tensor A, B;
      double scaling;
    };
    std::vector<Planned> plan;
    std::optional<at::Generator> generator;
    if (!weights) generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    for (const auto& [path, linear] : linears_) {
      if (!selects(config, path, /*is_output_layer=*/path == module_->lm_head_path)) continue;
      const int64_t rank = lora_rank_for(config, path);
      const std::vector<int64_t> a_shape = {rank, linear->in_features()};
      const std::vector<int64_t> b_shape = {linear->out_features(), rank};
      Planned planned{linear, {}, {}, lora_scaling_for(config, path)};
      if (weights) {
        auto found = weights->find(path);
        if (found == weights->end())
          throw Error(weights_file + ": missing tensor '" + peft_lora_key(path, 'A') + "' (adapter_config.json's " +
                      "target_modules selects '" + path + "')");
        if (found->second.A.sizes().vec() != a_shape)
          throw Error(weights_file + ": tensor '" + peft_lora_key(path, 'A') + "' has shape " +
                      shape_string(found->second.A) + ", expected " + shape_string(a_shape) + " ([r, in_features])");
        if (found->second.B.sizes().vec() != b_shape)
          throw Error(weights_file + ": tensor '" + peft_lora_key(path, 'B') + "' has shape " +
                      shape_string(found->second.B) + ", expected " + shape_string(b_shape) + " ([out_features, r])");
        planned.A = found->second.A;
        planned.B = found->second.B;
        weights->erase(found);
      } else {
        // PEFT's init: kaiming_uniform_(a=sqrt(5)) on A is U(±1/sqrt(in)); B starts at zero so the
        // adapter begins as the identity change.
        const double bound = 1.0 / std::sqrt(static_cast<double>(linear->in_features()));
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
      throw Error(config_source + ": target_modules selects no linear layer of this " + config_.model_type +
                  " model (its linear layers are " + available + ")");
    }
    if (weights && !weights->empty()) {
      const std::string& path = weights->begin()->first;
      throw Error(weights_file + ": tensor '" + peft_lora_key(path, 'A') + "' is for '" + path +
                  "', which is not a linear layer of this model selected by adapter_config.json's target_modules");
    }

    remove_adapter();
    for (const auto& planned : plan)
      planned.linear->attach_lora(planned.A, planned.B, planned.scaling, config.lora_dropout, trainable);
    adapter_config_ = config;
    adapter_enabled_ = true;
  }

  std::string model_dir_;
  ModelConfig config_;
  ComputeTarget target_;
  WeightLayout layout_;
  std::shared_ptr<CausalLMModule> module_;
  std::vector<std::pair<std::string, std::shared_ptr<LoraLinear>>> linears_;
  int64_t num_parameters_ = 0;
  std::optional<LoraConfig> adapter_config_;
  bool adapter_enabled_ = true;
};

}  // namespace

std::unique_ptr<CausalLM> CausalLM::load(const std::string& model_dir, const ComputeOptions& options) {
  if (!fs::is_directory(model_dir)) throw Error(model_dir + ": not a folder");
  const std::string config_path = (fs::path(model_dir) / "config.json").string();
  if (!fs::exists(config_path)) throw Error(model_dir + ": no config.json (not a Hugging Face model folder)");
  ModelConfig config = load_model_config(config_path);
  check_supported(config, config_path);

  const Checkpoint checkpoint = Checkpoint::open(model_dir);
  const WeightLayout layout =
      detect_weight_layout(config, [&](const std::string& name) { return checkpoint.contains(name); });
  // The stored precision is what the tensors are, whatever torch_dtype claims.
  std::string stored_dtype = config.torch_dtype;
  if (checkpoint.contains(layout.embedding()))
    stored_dtype = checkpoint_dtype_name(checkpoint.info(layout.embedding()).dtype);
  const ComputeTarget target = resolve_compute_target(options, stored_dtype);

  // Refuse a model that cannot fit before allocating any of it (the weights are copied out of the
  // file in the compute dtype; norms stay fp32 but are negligible).
  uint64_t needed = 0;
  for (const auto& name : checkpoint.names())
    if (!is_foreign_tensor(config, name))
      needed += static_cast<uint64_t>(checkpoint.info(name).numel()) * c10::elementSize(target.dtype);
  if (target.device.is_cuda())
    require_memory(needed, available_cuda_memory(target.device.index() < 0 ? 0 : target.device.index()),
                   model_dir + ": the model", "GPU memory",
                   "choose a smaller model, bfloat16/float16 precision, or the CPU");
  else
    require_memory(needed, available_ram(), model_dir + ": the model", "RAM",
                   "choose a smaller model, bfloat16 precision, or close other programs");

  CheckpointWeights weights(checkpoint, model_dir, target);
  auto module = std::make_shared<CausalLMModule>(config, weights, target.device, layout);
  // With tied embeddings transformers ignores a stored lm_head.weight and uses embed_tokens.
  if (config.tie_word_embeddings && checkpoint.contains(layout.lm_head_weight()))
    weights.mark_used(layout.lm_head_weight());
  weights.check_all_used(config);
  module->eval();  // LoRA dropout only when a trainer switches to train()
  return std::make_unique<TransformerLM>(model_dir, std::move(config), target, layout, std::move(module));
}

}  // namespace lora
