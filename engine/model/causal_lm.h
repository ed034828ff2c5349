#pragma once
// A decoder-only causal language model of any family in model_family.h (Llama, Qwen2, Mistral,
// Qwen3, Gemma 3, Phi-3) in libtorch, built as a module tree with the Hugging Face names
// (model.layers.0.self_attn.q_proj, lm_head, ...) so checkpoint keys map one to one. It loads and
// runs the model only: a LoRA adapter (model_adapter.h: ModelAdapter) attaches its factors to the
// linear layers this interface exposes, and owns its config, keys, initialisation and files.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "device.h"
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

  // Keep only each decoder layer's input during training and recompute the rest in backward.
  virtual void set_gradient_checkpointing(bool enabled) = 0;

  // The module tree: train()/eval() switch LoRA dropout; named_parameters() gives the checkpoint
  // keys (plus "<path>.lora_A.weight"/"<path>.lora_B.weight" while an adapter is attached).
  virtual torch::nn::Module& module() = 0;
  // Paths of the linear layers in module order ("model.layers.0.self_attn.q_proj", ..., "lm_head"):
  // where adapters attach.
  virtual std::vector<std::string> linear_layer_paths() const = 0;
  // Throws lora::Error for an unknown path; "lm_head" always names the output head, whatever its path.
  virtual LoraLinear& linear_layer(const std::string& path) = 0;
};

}  // namespace lora
