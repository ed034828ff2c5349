#include "causal_lm.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <set>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "checkpoint.h"
#include "quantized_weight.h"
#include "core_messages.h"
#include "error.h"
#include "model_messages.h"
#include "memory_budget.h"
#include "shape_text.h"
#include "string_affix.h"
#include "transformer.h"

namespace lora {

namespace {

namespace fs = std::filesystem;

// Tensors older checkpoints carry that are not weights: transformers skips them on load too.
bool is_harmless_extra_tensor(const std::string& name) { return ends_with(name, "rotary_emb.inv_freq"); }

// Gives the heap's free pages back after a weight's transient copies (the stored-dtype copy, the
// quantizer's fp32 working copies) are freed. Copies of a few tens of MB come from malloc's heap
// once its mmap threshold has grown, and the small quantized results allocated between them pin the
// heap, so without this the freed copies stayed resident: a 1B-shaped nf4 load held ~350 MiB of
// them at its peak (docs/PERFORMANCE.md).
void return_freed_heap_pages() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

void check_supported(const ModelConfig& config, const std::string& source) {
  model_family_for(config.model_type, source);  // throws, listing the supported ones, for a model_type no family reads
  if (config.hidden_act != "silu" && config.hidden_act != "gelu_pytorch_tanh")
    throw Error(msg::Model::hidden_act_unsupported, source, config.hidden_act);
  auto positive = [&](int64_t value, const char* field) {
    if (value <= 0) throw Error(msg::Model::config_value_not_positive, source, field, value);
  };
  positive(config.vocab_size, "vocab_size");
  positive(config.hidden_size, "hidden_size");
  positive(config.intermediate_size, "intermediate_size");
  positive(config.num_hidden_layers, "num_hidden_layers");
  positive(config.num_attention_heads, "num_attention_heads");
  positive(config.num_key_value_heads, "num_key_value_heads");
  positive(config.head_dim, "head_dim");
  if (config.num_attention_heads % config.num_key_value_heads != 0)
    throw Error(msg::Model::heads_not_multiple, source, config.num_attention_heads, config.num_key_value_heads);
  for (const RopeScaling* scaling : {&config.rope_scaling, &config.sliding_rope_scaling}) {
    const std::string& rope = scaling->type;
    if (!rope.empty() && rope != "default" && rope != "linear" && rope != "llama3" && rope != "longrope")
      throw Error(msg::Model::rope_type_unsupported, source, rope);
  }
}

// Weights from a checkpoint folder, each checked against the shape the config implies and
// converted to the compute dtype on the compute device; remembers which were used.
class CheckpointWeights : public WeightSource {
 public:
  CheckpointWeights(const Checkpoint& checkpoint, std::string model_dir, ComputeTarget target,
                    std::string quantize = "none", bool double_quant = false, std::string lm_head_weight = "",
                    std::string embedding_weight = "")
      : checkpoint_(checkpoint),
        model_dir_(std::move(model_dir)),
        target_(target),
        quantize_(std::move(quantize)),
        double_quant_(double_quant),
        lm_head_weight_(std::move(lm_head_weight)),
        embedding_weight_(std::move(embedding_weight)) {}

  at::ScalarType compute_dtype() const override { return target_.dtype; }

  // A bitsandbytes 4-bit weight stays as stored; with quantize set, a dense decoder weight is
  // quantized here, one tensor at a time, so the dense copy of only one weight exists at once.
  std::shared_ptr<const QuantizedWeight> take_quantized(const std::string& name,
                                                        const std::vector<int64_t>& shape) override {
    if (name == lm_head_weight_ || !checkpoint_.contains(name)) return nullptr;
    const bool stored_quantized = checkpoint_.is_quantized(name);
    if (!stored_quantized && quantize_ == "none") return nullptr;
    const TensorInfo& info = checkpoint_.info(name);
    if (info.shape != shape)
      throw Error(msg::Model::model_tensor_shape, model_dir_, name, shape_text(info.shape), shape_text(shape));
    used_.insert(name);
    if (stored_quantized) return std::make_shared<QuantizedWeight>(checkpoint_.quantized(name).to(target_.device));
    if (info.dtype != DType::F32 && info.dtype != DType::BF16 && info.dtype != DType::F16)
      throw Error(msg::Model::model_tensor_dtype, model_dir_, name, dtype_name(info.dtype));
    std::shared_ptr<QuantizedWeight> quantized;
    {
      const at::Tensor dense = checkpoint_.tensor(name);  // freed before the heap is trimmed
      const at::ScalarType model_dtype = dense.scalar_type();
      quantized = std::make_shared<QuantizedWeight>(quantize_ == "int8"
                                                        ? quantize_int8(dense, model_dtype, target_.device)
                                                        : quantize_nf4(dense, double_quant_, model_dtype, target_.device));
    }
    return_freed_heap_pages();
    return quantized;
  }

  at::Tensor take(const std::string& name, const std::vector<int64_t>& shape) override {
    if (!checkpoint_.contains(name))
      throw Error(msg::Model::model_tensor_missing, model_dir_, name, shape_text(shape));
    const TensorInfo& info = checkpoint_.info(name);
    if (info.shape != shape)
      throw Error(msg::Model::model_tensor_shape, model_dir_, name, shape_text(info.shape), shape_text(shape));
    if (info.dtype != DType::F32 && info.dtype != DType::BF16 && info.dtype != DType::F16)
      throw Error(msg::Model::model_tensor_dtype, model_dir_, name, dtype_name(info.dtype));
    used_.insert(name);
    // The token embeddings stay in the file when they need no conversion: a step reads only the
    // rows of its tokens, so a copy would hold vocab x hidden values (Llama 3's 128256 x 4096: 1 GiB
    // in bf16) of which a batch touches a few. No code writes to an embedding table; with tied
    // embeddings lm_head reads all of it, which then costs what the copy did.
    if (name == embedding_weight_ && target_.device.is_cpu()) {
      at::Tensor mapped = checkpoint_.mapped_tensor(name);
      if (mapped.defined() && mapped.scalar_type() == target_.dtype) return mapped;
    }
    at::Tensor stored = checkpoint_.tensor(name);
    if (stored.device() == target_.device && stored.scalar_type() == target_.dtype) return stored;
    at::Tensor converted = stored.to(target_.device, target_.dtype).contiguous();
    stored.reset();
    return_freed_heap_pages();
    return converted;
  }

  void mark_used(const std::string& name) { used_.insert(name); }

  void check_all_used(const ModelConfig& config) const {
    std::vector<std::string> unexpected;
    for (const auto& name : checkpoint_.names())
      if (!used_.count(name) && !is_harmless_extra_tensor(name) && !is_foreign_tensor(config, name))
        unexpected.push_back(name);
    if (unexpected.empty()) return;
    std::string names;
    for (size_t i = 0; i < unexpected.size() && i < 5; ++i) names += (i ? "', '" : "'") + unexpected[i];
    names += "'";
    const MessageArg list = unexpected.size() > 5
                                ? MessageArg(Message(msg::Model::tensor_list_and_more, names, unexpected.size() - 5))
                                : MessageArg(names);
    Message described(msg::Model::model_shape_layers, config.num_hidden_layers);
    if (config.qkv_bias) described = Message(msg::Model::model_shape_with_qkv_bias, described);
    if (config.tie_word_embeddings) described = Message(msg::Model::model_shape_with_tied_embeddings, described);
    throw Error(unexpected.size() > 1 ? msg::Model::model_unexpected_tensors : msg::Model::model_unexpected_tensor,
                model_dir_, list, config.model_type, described);
  }

 private:
  const Checkpoint& checkpoint_;
  std::string model_dir_;
  ComputeTarget target_;
  std::string quantize_;
  bool double_quant_ = false;
  std::string lm_head_weight_;
  std::string embedding_weight_;
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
    // A quantized base weight is no parameter of the tree; it still is one of the model.
    for (const auto& [path, linear] : linears_)
      if (linear->quantized()) num_parameters_ += linear->in_features() * linear->out_features();
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

  void set_gradient_checkpointing(bool enabled) override { module_->model->gradient_checkpointing = enabled; }

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
    throw Error(msg::Model::no_such_linear_layer, path);
  }

 private:
  at::Tensor soft_capped(const at::Tensor& logits) const {
    const double cap = config_.final_logit_softcapping;
    if (cap <= 0) return logits;
    return at::tanh(logits / cap) * cap;
  }

  std::string model_dir_;
  ModelConfig config_;
  ComputeTarget target_;
  WeightLayout layout_;
  std::shared_ptr<CausalLMModule> module_;
  std::vector<std::pair<std::string, std::shared_ptr<LoraLinear>>> linears_;
  int64_t num_parameters_ = 0;
};

}  // namespace

std::unique_ptr<CausalLM> CausalLM::load(const std::string& model_dir, const ComputeOptions& options) {
  if (!fs::is_directory(model_dir)) throw Error(msg::Model::folder_not_a_folder, model_dir);
  const std::string config_path = (fs::path(model_dir) / "config.json").string();
  if (!fs::exists(config_path)) throw Error(msg::Model::folder_no_config_json, model_dir);
  ModelConfig config = load_model_config(config_path);
  check_supported(config, config_path);

  const Checkpoint checkpoint = Checkpoint::open(model_dir);
  const WeightLayout layout =
      detect_weight_layout(config, [&](const std::string& name) { return checkpoint.contains(name); });
  // The stored precision is what the tensors are, whatever torch_dtype claims.
  std::string stored_dtype = config.torch_dtype;
  if (checkpoint.contains(layout.embedding()))
    stored_dtype = stored_precision_name(checkpoint.info(layout.embedding()).dtype);
  const ComputeTarget target = resolve_compute_target(options, stored_dtype);

  // Refuse a model that cannot fit before allocating any of it (the weights are copied out of the
  // file in the compute dtype; norms stay fp32 but are negligible).
  if (options.quantize != "none" && options.quantize != "nf4" && options.quantize != "int8")
    throw Error(msg::Model::quantize_mode_unknown, options.quantize);
  uint64_t needed = 0;
  for (const auto& name : checkpoint.names()) {
    if (is_foreign_tensor(config, name)) continue;
    const TensorInfo& info = checkpoint.info(name);
    const uint64_t numel = static_cast<uint64_t>(info.numel());
    // A quantized decoder weight: NF4 half a byte per value plus its scales, int8 one byte.
    const bool decoder_linear = info.shape.size() == 2 && name != layout.embedding() && name != layout.lm_head_weight();
    if (decoder_linear && (checkpoint.is_quantized(name) || options.quantize == "nf4"))
      needed += numel / 2 + numel / 16;
    else if (decoder_linear && options.quantize == "int8")
      needed += numel + 4 * static_cast<uint64_t>(info.shape[0]);
    else
      needed += numel * c10::elementSize(target.dtype);
  }
  if (target.device.is_cuda())
    require_memory(needed, available_cuda_memory(target.device.index() < 0 ? 0 : target.device.index()),
                   Message(msg::Core::memory_the_model, model_dir), msg::Core::memory_gpu,
                   msg::Core::memory_advice_gpu);
  else
    require_memory(needed, available_ram(), Message(msg::Core::memory_the_model, model_dir), msg::Core::memory_ram,
                   msg::Core::memory_advice_ram);

  CheckpointWeights weights(checkpoint, model_dir, target, options.quantize, options.double_quant,
                            layout.lm_head_weight(), layout.embedding());
  auto module = std::make_shared<CausalLMModule>(config, weights, target.device, layout);
  // With tied embeddings transformers ignores a stored lm_head.weight and uses embed_tokens.
  if (config.tie_word_embeddings && checkpoint.contains(layout.lm_head_weight()))
    weights.mark_used(layout.lm_head_weight());
  weights.check_all_used(config);
  module->eval();  // LoRA dropout only when a trainer switches to train()
  return std::make_unique<TransformerLM>(model_dir, std::move(config), target, layout, std::move(module));
}

}  // namespace lora
