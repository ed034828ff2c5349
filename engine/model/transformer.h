#pragma once
// The modules of the decoder, named as in Hugging Face transformers so that the tree's parameter
// names are the checkpoint keys:
//   <decoder>.embed_tokens, <decoder>.layers.N.{input_layernorm, self_attn.{q,k,v,o}_proj (Phi-3:
//   qkv_proj, o_proj), self_attn.{q_norm,k_norm} (Qwen3, Gemma 3), post_attention_layernorm,
//   pre_feedforward_layernorm and post_feedforward_layernorm (Gemma 3), mlp.{gate,up,down}_proj
//   (Phi-3: gate_up_proj, down_proj)}, <decoder>.norm, and the head (absent when tied), where
//   <decoder> and the head's path are the checkpoint's WeightLayout ("model" and "lm_head" for a
//   plain checkpoint; "language_model.model" and "language_model.lm_head" for a multimodal Gemma 3).
// What is built is decided by the structure fields of ModelConfig, which the family's config parser
// sets (model_family.h); nothing here looks at the model_type.
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
#include "model_family.h"

namespace lora {

// Supplies the weights a module tree is built from (at load time: the checkpoint).
class WeightSource {
 public:
  virtual ~WeightSource() = default;
  // The tensor `name` with exactly `shape`, in the compute dtype on the compute device.
  // Throws lora::Error naming the tensor with expected and found shape when missing or mis-shaped.
  virtual at::Tensor take(const std::string& name, const std::vector<int64_t>& shape) = 0;
  // The linear weight `name` [out, in] as a quantized base (QLoRA) when the source holds it
  // quantized or is to quantize it, else null (take() then gives it dense). Asked for the decoder's
  // linear layers and lm_head; the source decides (lm_head stays dense).
  virtual std::shared_ptr<const QuantizedWeight> take_quantized(const std::string& name,
                                                                const std::vector<int64_t>& shape) {
    (void)name;
    (void)shape;
    return nullptr;
  }
  // The dtype forward computes in (what a quantized base dequantizes to).
  virtual at::ScalarType compute_dtype() const { return at::kFloat; }
};

class RMSNorm : public torch::nn::Module {
 public:
  RMSNorm(at::Tensor weight, double eps, NormStyle style = NormStyle::Weight);
  // Weight: x·rsqrt(mean(x²)+eps) in fp32, cast back, × weight (Llama).
  // OnePlusWeight: (x·rsqrt(mean(x²)+eps) · (1 + weight)) in fp32, then cast back (Gemma).
  at::Tensor forward(const at::Tensor& x);
  at::Tensor weight;
  double eps;
  NormStyle style;
};

class TokenEmbedding : public torch::nn::Module {
 public:
  // scale > 0: the rows times `scale`, the scale first rounded to the weight's dtype (Gemma's sqrt(hidden)).
  // read_whole: lm_head reads the table too (tied embeddings).
  explicit TokenEmbedding(at::Tensor weight, double scale = 0, bool read_whole = false);
  at::Tensor forward(const at::Tensor& ids);
  at::Tensor weight;
  double scale;
  bool read_whole;
};

// 1 / theta^(2i/d) over d = rotary channels, with linear or llama3 scaling, or longrope's short
// (long = false) or long factors, in fp32 [d / 2] (as Hugging Face's ROPE_INIT_FUNCTIONS compute
// it). Throws lora::Error for another rope type or factor lists of the wrong length.
at::Tensor rope_inverse_frequencies(double theta, const RopeScaling& scaling, int64_t rotary_dim, bool long_factors);
// The full-attention layers' frequencies of `config` (longrope: the short factors).
at::Tensor rope_inverse_frequencies(const ModelConfig& config);

// cos/sin of position × inverse frequency, angles in fp32, times the rope's attention factor
// (longrope), cast to the compute dtype.
class RotaryEmbedding {
 public:
  // sliding = true: the RoPE of the sliding-window layers (Gemma 3's rope_local_base_freq).
  RotaryEmbedding(const ModelConfig& config, c10::Device device, bool sliding = false);
  // positions [B or 1, T] int64 -> cos, sin [B or 1, 1, T, rotary_dim] in `dtype`. positions_end =
  // max(positions) + 1, which picks longrope's long factors once it exceeds the original context
  // (as transformers decides per forward call).
  std::pair<at::Tensor, at::Tensor> tables(const at::Tensor& positions, c10::ScalarType dtype,
                                           int64_t positions_end = 0) const;

 private:
  at::Tensor inv_freq_;       // fp32 on the device; not a parameter (like HF's non-persistent buffer)
  at::Tensor long_inv_freq_;  // longrope only
  int64_t original_context_ = 0;
  double attention_factor_ = 1.0;
};

// Which keys each query may see; built once per forward and shared by every layer.
struct AttentionMask {
  at::Tensor allowed;                 // bool [B or 1, 1, T, S], true = may attend; undefined when every query sees every key
  bool causal_over_all_keys = false;  // no cache, no padding, no window: `allowed` is plain causal, which
                                      // ops::attention (SDPA's is_causal, the CPU node's causal)
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
  std::shared_ptr<LoraLinear> qkv_proj;  // instead of q/k/v_proj when the family fuses them (Phi-3)
  std::shared_ptr<RMSNorm> q_norm, k_norm;  // per head, before RoPE (Qwen3, Gemma 3); null otherwise

 private:
  int64_t num_heads_, num_kv_heads_, head_dim_, rotary_dim_;
  double scale_;
  LoraLinearGroup qkv_group_;  // q/k/v_proj, whose weights share one tensor
};

class Mlp : public torch::nn::Module {
 public:
  Mlp(const ModelConfig& config, WeightSource& weights, const std::string& prefix);
  // down(act(gate(x)) * up(x)), act = silu or gelu_pytorch_tanh; Phi-3's gate_up_proj gives
  // [gate, up] as the two halves of one output.
  at::Tensor forward(const at::Tensor& x);
  std::shared_ptr<LoraLinear> gate_proj, up_proj, down_proj;
  std::shared_ptr<LoraLinear> gate_up_proj;  // instead of gate/up_proj when fused (Phi-3)

 private:
  bool gelu_tanh_ = false;
  int64_t inner_ = 0;
  LoraLinearGroup gate_up_group_;  // gate/up_proj, whose weights share one tensor
};

class DecoderLayer : public torch::nn::Module {
 public:
  DecoderLayer(const ModelConfig& config, WeightSource& weights, const std::string& prefix);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& cos, const at::Tensor& sin, const AttentionMask& mask,
                     at::Tensor* cached_keys, at::Tensor* cached_values);
  std::shared_ptr<RMSNorm> input_layernorm, post_attention_layernorm;
  // Gemma's sandwich: post_attention_layernorm norms the attention output, these the MLP's input and output.
  std::shared_ptr<RMSNorm> pre_feedforward_layernorm, post_feedforward_layernorm;
  std::shared_ptr<Attention> self_attn;
  std::shared_ptr<Mlp> mlp;

 private:
  bool sandwich_ = false;
};

// "model.layers": children named "0", "1", ...
class DecoderLayers : public torch::nn::Module {
 public:
  std::vector<std::shared_ptr<DecoderLayer>> layers;
  void add(std::shared_ptr<DecoderLayer> layer);
};

// "model" (or the layout's decoder path): embeddings, decoder layers, final norm.
class DecoderStack : public torch::nn::Module {
 public:
  DecoderStack(const ModelConfig& config, WeightSource& weights, c10::Device device, const std::string& prefix = "model");
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
  std::unique_ptr<RotaryEmbedding> sliding_rotary_;  // when sliding layers have their own RoPE
};

// The root: the decoder and the head at the layout's paths ("model" and "lm_head" for a plain
// checkpoint), intermediate path parts as empty modules. A tied head shares embed_tokens.weight
// (LoraLinear with owns_weight false, so the tree has no parameter under the head's path).
class CausalLMModule : public torch::nn::Module {
 public:
  CausalLMModule(const ModelConfig& config, WeightSource& weights, c10::Device device,
                 const WeightLayout& layout = WeightLayout{});
  std::shared_ptr<DecoderStack> model;
  std::shared_ptr<LoraLinear> lm_head;
  std::string lm_head_path;
};

}  // namespace lora
