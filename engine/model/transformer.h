#pragma once
// The modules of the Llama / Qwen2 / Mistral decoder, named as in Hugging Face transformers so that
// the tree's parameter names are the checkpoint keys:
//   model.embed_tokens, model.layers.N.{input_layernorm, self_attn.{q,k,v,o}_proj,
//   post_attention_layernorm, mlp.{gate,up,down}_proj}, model.norm, lm_head (absent when tied).
// Precision: weights and the residual stream in the compute dtype; RMSNorm, RoPE angles and the
// attention softmax in fp32 (cast back as Hugging Face does); logits returned in fp32.
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "causal_lm.h"
#include "lora_linear.h"
#include "model_config.h"

namespace lora {

// Supplies the weights a module tree is built from (at load time: the checkpoint).
class WeightSource {
 public:
  virtual ~WeightSource() = default;
  // The tensor `name` with exactly `shape`, in the compute dtype on the compute device.
  // Throws lora::Error naming the tensor with expected and found shape when missing or mis-shaped.
  virtual at::Tensor take(const std::string& name, const std::vector<int64_t>& shape) = 0;
};

class RMSNorm : public torch::nn::Module {
 public:
  RMSNorm(at::Tensor weight, double eps);
  at::Tensor forward(const at::Tensor& x);  // x·rsqrt(mean(x²)+eps) in fp32, cast back, × weight
  at::Tensor weight;
  double eps;
};

class TokenEmbedding : public torch::nn::Module {
 public:
  explicit TokenEmbedding(at::Tensor weight);
  at::Tensor forward(const at::Tensor& ids);
  at::Tensor weight;
};

// 1 / theta^(2i/d), with linear or llama3 scaling, in fp32 [head_dim / 2] (as Hugging Face's
// ROPE_INIT_FUNCTIONS compute it). Throws lora::Error for a rope type other than default/linear/llama3.
at::Tensor rope_inverse_frequencies(const ModelConfig& config);

// cos/sin of position × inverse frequency, angles in fp32, cast to the compute dtype.
class RotaryEmbedding {
 public:
  RotaryEmbedding(const ModelConfig& config, c10::Device device);
  // positions [B or 1, T] int64 -> cos, sin [B or 1, 1, T, head_dim] in `dtype`.
  std::pair<at::Tensor, at::Tensor> tables(const at::Tensor& positions, c10::ScalarType dtype) const;

 private:
  at::Tensor inv_freq_;  // fp32 on the device; not a parameter (like HF's non-persistent buffer)
};

// Which keys each query may see; built once per forward and shared by every layer.
struct AttentionMask {
  at::Tensor allowed;                 // bool [B or 1, 1, T, S], true = may attend; undefined when every query sees every key
  bool causal_over_all_keys = false;  // no cache, no padding, no window: `allowed` is plain causal, which
                                      // fused attention (SDPA's is_causal, fused_attention's causal)
                                      // applies without reading the tensor
};
// Causal over absolute positions (query i is position cache_length + i), narrowed to the sliding
// window (key > query - window) when window > 0, and to padding_mask [B, cache_length + T] (nonzero =
// token) when given. A query always sees itself, so a padding row never has an empty softmax.
AttentionMask build_attention_mask(int64_t batch, int64_t query_length, int64_t cache_length,
                                   const at::Tensor& padding_mask, int64_t sliding_window, c10::Device device);

class Attention : public torch::nn::Module {
 public:
  Attention(const ModelConfig& config, WeightSource& weights, const std::string& prefix);
  // x [B, T, hidden]; cos/sin from RotaryEmbedding; cached_keys/values (optional) are appended to.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, const AttentionMask& mask,
                     at::Tensor* cached_keys, at::Tensor* cached_values);
  std::shared_ptr<LoraLinear> q_proj, k_proj, v_proj, o_proj;

 private:
  int64_t num_heads_, num_kv_heads_, head_dim_;
};

class Mlp : public torch::nn::Module {
 public:
  Mlp(const ModelConfig& config, WeightSource& weights, const std::string& prefix);
  at::Tensor forward(const at::Tensor& x);  // down(silu(gate(x)) * up(x))
  std::shared_ptr<LoraLinear> gate_proj, up_proj, down_proj;
};

class DecoderLayer : public torch::nn::Module {
 public:
  DecoderLayer(const ModelConfig& config, WeightSource& weights, const std::string& prefix);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& cos, const at::Tensor& sin, const AttentionMask& mask,
                     at::Tensor* cached_keys, at::Tensor* cached_values);
  std::shared_ptr<RMSNorm> input_layernorm, post_attention_layernorm;
  std::shared_ptr<Attention> self_attn;
  std::shared_ptr<Mlp> mlp;
};

// "model.layers": children named "0", "1", ...
class DecoderLayers : public torch::nn::Module {
 public:
  std::vector<std::shared_ptr<DecoderLayer>> layers;
  void add(std::shared_ptr<DecoderLayer> layer);
};

// "model": embeddings, decoder layers, final norm.
class DecoderStack : public torch::nn::Module {
 public:
  DecoderStack(const ModelConfig& config, WeightSource& weights, c10::Device device);
  // The final-norm hidden states [B, T, hidden]. See CausalLM::forward for the arguments.
  at::Tensor forward(const at::Tensor& input_ids, KVCache* cache, const at::Tensor& attention_mask,
                     const at::Tensor& position_ids);
  std::shared_ptr<TokenEmbedding> embed_tokens;
  std::shared_ptr<DecoderLayers> layers;
  // Recompute each layer's activations in the backward pass instead of keeping them (training only).
  bool gradient_checkpointing = false;
  std::shared_ptr<RMSNorm> norm;

 private:
  ModelConfig config_;
  RotaryEmbedding rotary_;
};

// The root: "model" and "lm_head" (registered only when untied; a tied head shares embed_tokens.weight).
class CausalLMModule : public torch::nn::Module {
 public:
  CausalLMModule(const ModelConfig& config, WeightSource& weights, c10::Device device);
  std::shared_ptr<DecoderStack> model;
  std::shared_ptr<LoraLinear> lm_head;
};

}  // namespace lora
