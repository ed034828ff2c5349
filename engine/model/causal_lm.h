#pragma once
// A decoder-only causal language model of any family in model_family.h (Llama, Qwen2, Mistral,
// Qwen3, Gemma 3, Phi-3) in libtorch, built as a module tree with the Hugging Face names
// (model.layers.0.self_attn.q_proj, lm_head, ...) so checkpoint keys map one to one. LoRA adapters
// attach to its linear layers.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "device.h"
#include "lora_adapter.h"
#include "model_config.h"
#include "model_family.h"

namespace torch {
namespace nn {
class Module;
}
}  // namespace torch

namespace lora {

class LoraLinear;

// Keys and values of every layer for incremental decoding. Owned by the caller; one per sequence batch.
struct KVCache {
  std::vector<at::Tensor> keys, values;  // per layer: [B, num_kv_heads, T_cached, head_dim], after RoPE
  int64_t length() const { return keys.empty() || !keys[0].defined() ? 0 : keys[0].size(2); }
  void clear() { keys.clear(); values.clear(); }
};

class CausalLM {
 public:
  // Loads config.json and the safetensors weights of a model folder onto the resolved device/dtype.
  // Throws lora::Error naming a missing or mis-shaped tensor (with expected and found shapes), an
  // unexpected tensor, or an unsupported model_type (listing the supported ones). The tensors of a
  // part that is not the language model (Gemma 3's vision tower) are left in the file.
  static std::unique_ptr<CausalLM> load(const std::string& model_dir, const ComputeOptions& options = {});
  virtual ~CausalLM() = default;

  virtual const ModelConfig& config() const = 0;
  virtual const ComputeTarget& target() const = 0;
  virtual const std::string& model_dir() const = 0;
  // Where the language model's weights are in the checkpoint (and the module tree): the decoder's
  // path and the head's ("lm_head" for every family but a multimodal Gemma 3 in the hub layout).
  virtual const WeightLayout& weight_layout() const = 0;
  virtual int64_t num_parameters() const = 0;  // of the base model (tied weights counted once)

  // input_ids: [B, T] int64 (any device). With a cache, positions continue after cache->length()
  // and the new keys/values are appended (queries see every cached key). Returns logits
  // [B, T, vocab_size] in float32.
  // attention_mask (optional): [B, cache->length() + T], nonzero = real token, 0 = padding that no
  // query may attend to. position_ids (optional): [B, T] int64 RoPE positions; by default
  // cache->length() + 0..T-1 for every row (for left-padded rows pass cumsum(mask) - 1, as
  // Hugging Face's generate does). Throws lora::Error for ids outside the vocabulary or bad shapes.
  // Runs with autograd as the caller set it: wrap inference in at::NoGradGuard / c10::InferenceMode.
  virtual at::Tensor forward(const at::Tensor& input_ids, KVCache* cache = nullptr,
                             const at::Tensor& attention_mask = {}, const at::Tensor& position_ids = {}) = 0;
  // The same pass split in two, for training losses over selected positions only: the final-norm
  // hidden states [B, T, hidden_size] in the compute dtype, then logits in float32 for any [..., hidden].
  virtual at::Tensor forward_hidden(const at::Tensor& input_ids, KVCache* cache = nullptr,
                                    const at::Tensor& attention_mask = {}, const at::Tensor& position_ids = {}) = 0;
  virtual at::Tensor logits_from_hidden(const at::Tensor& hidden) = 0;
  // The head's logits in the compute dtype, soft-capped where the model caps them (Gemma 3's
  // final_logit_softcapping): what a training loss reads.
  virtual at::Tensor head_logits(const at::Tensor& hidden) = 0;

  // PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors). Loading replaces any
  // adapter; enabling/disabling switches it at run time without reloading the base weights.
  // Throws lora::Error naming the key for missing/mis-shaped/unexpected tensors, and when the
  // adapter's target_modules select no linear layer of this model (or a module that is not linear).
  // Loaded factors are fp32 with requires_grad false.
  virtual void load_adapter(const std::string& adapter_dir) = 0;
  virtual bool has_adapter() const = 0;
  virtual void set_adapter_enabled(bool enabled) = 0;
  virtual bool adapter_enabled() const = 0;

  // --- For training (and the window) ---
  // A new adapter initialised as PEFT does (lora_A kaiming-uniform = U(±1/sqrt(in)), lora_B zeros),
  // from a seeded generator: same seed, same weights. Factors fp32, requires_grad true. Target names
  // of layers the family has fused become the fused layer's name (Phi-3: q_proj → qkv_proj,
  // gate_proj → gate_up_proj), and adapter_config() records the names used.
  virtual void create_adapter(const LoraConfig& config, uint64_t seed) = 0;
  virtual void remove_adapter() = 0;
  virtual const LoraConfig* adapter_config() const = 0;  // nullptr without adapter
  // The adapter's live fp32 factors under PEFT keys ("base_model.model.<path>.lora_A.weight"),
  // in module order: these are the tensors an optimizer updates.
  virtual std::vector<std::pair<std::string, at::Tensor>> adapter_parameters() const = 0;
  virtual void set_adapter_trainable(bool trainable) = 0;
  // Keep only each decoder layer's input during training and recompute the rest in backward.
  virtual void set_gradient_checkpointing(bool enabled) = 0;
  // Writes adapter_config.json (base_model_name_or_path = the model folder unless the config sets
  // one) and adapter_model.safetensors with PEFT keys, in `dtype` (default fp32).
  virtual void save_adapter(const std::string& adapter_dir, c10::ScalarType dtype = c10::kFloat) const = 0;

  // The module tree: train()/eval() switch LoRA dropout; named_parameters() gives the checkpoint
  // keys (plus "<path>.lora_A.weight"/"<path>.lora_B.weight" with an adapter).
  virtual torch::nn::Module& module() = 0;
  // Paths of the linear layers in module order ("model.layers.0.self_attn.q_proj", ..., "lm_head").
  virtual std::vector<std::string> linear_layer_paths() const = 0;
  // Throws lora::Error for an unknown path; "lm_head" always names the output head, whatever its path.
  virtual LoraLinear& linear_layer(const std::string& path) = 0;
};

}  // namespace lora
