#include "transformer.h"

#include "gradient_checkpoint.h"

#include <ATen/ATen.h>
#include <torch/version.h>

#include <cmath>
#include <limits>

#include "device.h"
#include "error.h"
#include "fused_ops.h"

// libtorch 2.x has a fused attention (flash / memory-efficient / cuDNN on CUDA, a flash kernel on
// CPU); 1.13 does not, so the explicit softmax(QKᵀ)V below is used there.
#if TORCH_VERSION_MAJOR >= 2
#define LORA_HAVE_SDPA 1
#else
#define LORA_HAVE_SDPA 0
#endif

namespace lora {

namespace {

std::shared_ptr<LoraLinear> make_linear(WeightSource& weights, const std::string& name, int64_t out, int64_t in,
                                        bool bias) {
  at::Tensor w = weights.take(name + ".weight", {out, in});
  at::Tensor b = bias ? weights.take(name + ".bias", {out}) : at::Tensor();
  return std::make_shared<LoraLinear>(std::move(w), std::move(b));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
RMSNorm::RMSNorm(at::Tensor weight_value, double eps_value) : eps(eps_value) {
  weight = register_parameter("weight", std::move(weight_value), /*requires_grad=*/false);
}

at::Tensor RMSNorm::forward(const at::Tensor& x) { return fused_rms_norm(x, weight, eps); }

TokenEmbedding::TokenEmbedding(at::Tensor weight_value) {
  weight = register_parameter("weight", std::move(weight_value), /*requires_grad=*/false);
}

at::Tensor TokenEmbedding::forward(const at::Tensor& ids) { return at::embedding(weight, ids); }

// ---------------------------------------------------------------------------------------------
at::Tensor rope_inverse_frequencies(const ModelConfig& config) {
  const int64_t dim = config.head_dim;
  if (dim <= 0 || dim % 2 != 0)
    throw Error("config.json: head_dim must be a positive even number for rotary embeddings, got " +
                std::to_string(dim));
  // As transformers computes it: fp32 exponents, base ** (arange(0, d, 2) / d) in fp32.
  const at::Tensor exponents = at::arange(0, dim, 2, at::TensorOptions().dtype(at::kLong)).to(at::kFloat) / dim;
  at::Tensor inv_freq = 1.0 / at::pow(config.rope_theta, exponents);
  const RopeScaling& scaling = config.rope_scaling;
  if (scaling.type.empty() || scaling.type == "default") return inv_freq;
  if (scaling.type == "linear") return inv_freq / scaling.factor;
  if (scaling.type == "llama3") {
    const double old_context = static_cast<double>(scaling.original_max_position_embeddings);
    const double low_freq_wavelen = old_context / scaling.low_freq_factor;
    const double high_freq_wavelen = old_context / scaling.high_freq_factor;
    const at::Tensor wavelen = 2 * M_PI / inv_freq;
    // Long wavelengths are slowed down by `factor`, short ones kept, the band between blended.
    at::Tensor scaled = at::where(wavelen > low_freq_wavelen, inv_freq / scaling.factor, inv_freq);
    const at::Tensor smooth = (old_context / wavelen - scaling.low_freq_factor) /
                              (scaling.high_freq_factor - scaling.low_freq_factor);
    const at::Tensor smoothed = (1 - smooth) * scaled / scaling.factor + smooth * scaled;
    const at::Tensor medium = (wavelen >= high_freq_wavelen).logical_and(wavelen <= low_freq_wavelen);
    return at::where(medium, smoothed, scaled);
  }
  throw Error("config.json: rope_scaling type '" + scaling.type +
              "' is not supported (supported: default, linear, llama3)");
}

RotaryEmbedding::RotaryEmbedding(const ModelConfig& config, c10::Device device)
    : inv_freq_(rope_inverse_frequencies(config).to(device)) {}

std::pair<at::Tensor, at::Tensor> RotaryEmbedding::tables(const at::Tensor& positions, c10::ScalarType dtype) const {
  const at::Tensor freqs = positions.to(at::kFloat).unsqueeze(-1) * inv_freq_;  // [B, T, d/2]
  const at::Tensor angles = at::cat({freqs, freqs}, -1).unsqueeze(1);           // [B, 1, T, d]
  return {angles.cos().to(dtype), angles.sin().to(dtype)};
}

// ---------------------------------------------------------------------------------------------
AttentionMask build_attention_mask(int64_t batch, int64_t query_length, int64_t cache_length,
                                   const at::Tensor& padding_mask, int64_t sliding_window, c10::Device device) {
  AttentionMask mask;
  const int64_t key_length = cache_length + query_length;
  const bool window_matters = sliding_window > 0 && key_length > sliding_window;
  const bool has_padding = padding_mask.defined();
  if (!has_padding && !window_matters) {
    if (query_length == 1) return mask;  // one new query after the cache sees every key
    if (cache_length == 0) mask.causal_over_all_keys = true;
  }
  const auto long_options = at::TensorOptions().dtype(at::kLong).device(device);
  const at::Tensor query_positions = at::arange(cache_length, key_length, long_options).unsqueeze(1);  // [T, 1]
  const at::Tensor key_positions = at::arange(0, key_length, long_options).unsqueeze(0);              // [1, S]
  at::Tensor allowed = key_positions <= query_positions;
  if (window_matters) allowed = allowed.logical_and(key_positions > query_positions - sliding_window);
  allowed = allowed.view({1, 1, query_length, key_length});
  if (has_padding) {
    const at::Tensor keys_present = padding_mask.to(device).ne(0).view({batch, 1, 1, key_length});
    allowed = allowed.logical_and(keys_present).logical_or(
        (key_positions == query_positions).view({1, 1, query_length, key_length}));
  }
  mask.allowed = allowed;
  return mask;
}

// ---------------------------------------------------------------------------------------------
Attention::Attention(const ModelConfig& config, WeightSource& weights, const std::string& prefix)
    : num_heads_(config.num_attention_heads), num_kv_heads_(config.num_key_value_heads), head_dim_(config.head_dim) {
  const int64_t hidden = config.hidden_size;
  q_proj = register_module("q_proj", make_linear(weights, prefix + ".q_proj", num_heads_ * head_dim_, hidden,
                                                 config.qkv_bias));
  k_proj = register_module("k_proj", make_linear(weights, prefix + ".k_proj", num_kv_heads_ * head_dim_, hidden,
                                                 config.qkv_bias));
  v_proj = register_module("v_proj", make_linear(weights, prefix + ".v_proj", num_kv_heads_ * head_dim_, hidden,
                                                 config.qkv_bias));
  o_proj = register_module("o_proj", make_linear(weights, prefix + ".o_proj", hidden, num_heads_ * head_dim_,
                                                 config.o_bias));
}

at::Tensor Attention::forward(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin,
                              const AttentionMask& mask, at::Tensor* cached_keys, at::Tensor* cached_values) {
  const int64_t batch = x.size(0), length = x.size(1);
  // Rotated and moved to [B, heads, T, D] in one pass (fused_ops.h; off the CPU an ATen composition).
  at::Tensor q = fused_rotary(q_proj->forward(x), cos, sin, num_heads_, head_dim_);
  at::Tensor k = fused_rotary(k_proj->forward(x), cos, sin, num_kv_heads_, head_dim_);
  at::Tensor v = v_proj->forward(x).view({batch, length, num_kv_heads_, head_dim_}).transpose(1, 2);
  if (cached_keys) {
    if (cached_keys->defined()) {
      k = at::cat({*cached_keys, k}, 2);
      v = at::cat({*cached_values, v}, 2);
    }
    *cached_keys = k;
    *cached_values = v;
  }
  [[maybe_unused]] const int64_t key_length = k.size(2);
  [[maybe_unused]] const int64_t group = num_heads_ / num_kv_heads_;
  at::Tensor out;  // [B, H, T, D]
#if LORA_HAVE_SDPA
  if (group > 1) {  // repeat_kv: query head h reads key/value head h / group
    k = k.unsqueeze(2).expand({batch, num_kv_heads_, group, key_length, head_dim_})
            .reshape({batch, num_heads_, key_length, head_dim_});
    v = v.unsqueeze(2).expand({batch, num_kv_heads_, group, key_length, head_dim_})
            .reshape({batch, num_heads_, key_length, head_dim_});
  }
  if (mask.causal_over_all_keys) {  // the fused kernels' own causal mask: their fastest path
    out = at::scaled_dot_product_attention(q, k, v, {}, 0.0, /*is_causal=*/true);
  } else if (mask.allowed.defined()) {
    out = at::scaled_dot_product_attention(q, k, v, mask.allowed, 0.0, /*is_causal=*/false);
  } else {  // one query after the cache: it sees every key
    out = at::scaled_dot_product_attention(q, k, v, {}, 0.0, /*is_causal=*/false);
  }
#else
  // softmax(QKᵀ/sqrt(d))V written out (fused_ops.h): grouped query heads share their key/value head
  // without copies, the mask is applied inside the softmax, and backward keeps only q, k, v and the
  // probabilities. (libtorch 2.x takes the SDPA branch above instead.)
  out = fused_attention(q, k, v, mask.causal_over_all_keys, mask.allowed,
                        1.0 / std::sqrt(static_cast<double>(head_dim_)));
#endif
  return o_proj->forward(out.transpose(1, 2).reshape({batch, length, num_heads_ * head_dim_}));
}

// ---------------------------------------------------------------------------------------------
Mlp::Mlp(const ModelConfig& config, WeightSource& weights, const std::string& prefix) {
  const int64_t hidden = config.hidden_size, inner = config.intermediate_size;
  gate_proj = register_module("gate_proj", make_linear(weights, prefix + ".gate_proj", inner, hidden, config.mlp_bias));
  up_proj = register_module("up_proj", make_linear(weights, prefix + ".up_proj", inner, hidden, config.mlp_bias));
  down_proj = register_module("down_proj", make_linear(weights, prefix + ".down_proj", hidden, inner, config.mlp_bias));
}

at::Tensor Mlp::forward(const at::Tensor& x) {
  return down_proj->forward(fused_silu_mul(gate_proj->forward(x), up_proj->forward(x)));
}

// ---------------------------------------------------------------------------------------------
DecoderLayer::DecoderLayer(const ModelConfig& config, WeightSource& weights, const std::string& prefix) {
  const int64_t hidden = config.hidden_size;
  // Registration order follows the checkpoint's key order within a layer.
  input_layernorm = register_module(
      "input_layernorm", std::make_shared<RMSNorm>(weights.take(prefix + ".input_layernorm.weight", {hidden}),
                                                   config.rms_norm_eps));
  self_attn = register_module("self_attn", std::make_shared<Attention>(config, weights, prefix + ".self_attn"));
  mlp = register_module("mlp", std::make_shared<Mlp>(config, weights, prefix + ".mlp"));
  post_attention_layernorm = register_module(
      "post_attention_layernorm",
      std::make_shared<RMSNorm>(weights.take(prefix + ".post_attention_layernorm.weight", {hidden}),
                                config.rms_norm_eps));
}

at::Tensor DecoderLayer::forward(const at::Tensor& hidden, const at::Tensor& cos, const at::Tensor& sin,
                                 const AttentionMask& mask, at::Tensor* cached_keys, at::Tensor* cached_values) {
  at::Tensor h = hidden + self_attn->forward(input_layernorm->forward(hidden), cos, sin, mask, cached_keys,
                                             cached_values);
  return h + mlp->forward(post_attention_layernorm->forward(h));
}

void DecoderLayers::add(std::shared_ptr<DecoderLayer> layer) {
  layers.push_back(register_module(std::to_string(layers.size()), std::move(layer)));
}

// ---------------------------------------------------------------------------------------------
DecoderStack::DecoderStack(const ModelConfig& config, WeightSource& weights, c10::Device device)
    : config_(config), rotary_(config, device) {
  embed_tokens = register_module(
      "embed_tokens",
      std::make_shared<TokenEmbedding>(weights.take("model.embed_tokens.weight", {config.vocab_size, config.hidden_size})));
  layers = register_module("layers", std::make_shared<DecoderLayers>());
  for (int64_t i = 0; i < config.num_hidden_layers; ++i)
    layers->add(std::make_shared<DecoderLayer>(config, weights, "model.layers." + std::to_string(i)));
  norm = register_module("norm", std::make_shared<RMSNorm>(weights.take("model.norm.weight", {config.hidden_size}),
                                                           config.rms_norm_eps));
}

at::Tensor DecoderStack::forward(const at::Tensor& input_ids, KVCache* cache, const at::Tensor& attention_mask,
                                 const at::Tensor& position_ids) {
  const c10::Device device = embed_tokens->weight.device();
  if (input_ids.dim() != 2)
    throw Error("input_ids must be [batch, length], got " + std::to_string(input_ids.dim()) + " dimensions");
  const int64_t batch = input_ids.size(0), length = input_ids.size(1);
  if (length == 0 || batch == 0) throw Error("input_ids is empty");
  // An id outside the table would be an index error on the CPU and a device assert on CUDA. Checked
  // on the host copy when the caller passes one (the trainer does), so a CUDA step does not wait here.
  const at::Tensor ids = to_device_without_waiting(input_ids.to(at::kLong), device);
  {
    const at::Tensor& checked = input_ids.is_cpu() ? input_ids : ids;
    const int64_t smallest = checked.min().item<int64_t>(), largest = checked.max().item<int64_t>();
    if (smallest < 0 || largest >= config_.vocab_size)
      throw Error("token id " + std::to_string(smallest < 0 ? smallest : largest) + " is outside the vocabulary [0, " +
                  std::to_string(config_.vocab_size) + ")");
  }
  const int64_t num_layers = static_cast<int64_t>(layers->layers.size());
  int64_t cache_length = 0;
  if (cache) {
    if (cache->keys.empty()) {
      cache->keys.resize(num_layers);
      cache->values.resize(num_layers);
    }
    if (static_cast<int64_t>(cache->keys.size()) != num_layers || cache->values.size() != cache->keys.size())
      throw Error("KV cache holds " + std::to_string(cache->keys.size()) + " layers, the model has " +
                  std::to_string(num_layers));
    cache_length = cache->length();
    if (cache_length > 0 && cache->keys[0].size(0) != batch)
      throw Error("KV cache batch " + std::to_string(cache->keys[0].size(0)) + " differs from input batch " +
                  std::to_string(batch));
  }
  if (attention_mask.defined() &&
      (attention_mask.dim() != 2 || attention_mask.size(0) != batch || attention_mask.size(1) != cache_length + length))
    throw Error("attention_mask must be [" + std::to_string(batch) + ", " + std::to_string(cache_length + length) +
                "] (batch, cached + new tokens)");
  at::Tensor positions;
  if (position_ids.defined()) {
    if (position_ids.dim() != 2 || position_ids.size(1) != length ||
        (position_ids.size(0) != batch && position_ids.size(0) != 1))
      throw Error("position_ids must be [" + std::to_string(batch) + ", " + std::to_string(length) + "]");
    positions = position_ids.to(device, at::kLong);
  } else {
    positions = at::arange(cache_length, cache_length + length, at::TensorOptions().dtype(at::kLong).device(device))
                    .unsqueeze(0);
  }
  const c10::ScalarType dtype = embed_tokens->weight.scalar_type();
  const auto [rope_cos, rope_sin] = rotary_.tables(positions, dtype);
  const AttentionMask mask =
      build_attention_mask(batch, length, cache_length, attention_mask, config_.sliding_window, device);

  at::Tensor hidden = embed_tokens->forward(ids);
  const bool checkpoint_layers = gradient_checkpointing && !cache && at::GradMode::is_enabled();
  for (int64_t i = 0; i < num_layers; ++i) {
    const std::shared_ptr<DecoderLayer> layer = layers->layers[i];
    if (checkpoint_layers) {
      std::vector<at::Tensor> trainable;
      for (const auto& p : layer->parameters())
        if (p.requires_grad()) trainable.push_back(p);
      // Captured by value: the backward pass runs after this function has returned.
      const at::Tensor cos = rope_cos, sin = rope_sin;
      hidden = checkpointed_block(
          [layer, cos, sin, mask](const at::Tensor& h) { return layer->forward(h, cos, sin, mask, nullptr, nullptr); },
          hidden, trainable);
    } else {
      hidden = layer->forward(hidden, rope_cos, rope_sin, mask, cache ? &cache->keys[i] : nullptr,
                              cache ? &cache->values[i] : nullptr);
    }
  }
  return norm->forward(hidden);
}

// ---------------------------------------------------------------------------------------------
CausalLMModule::CausalLMModule(const ModelConfig& config, WeightSource& weights, c10::Device device) {
  model = register_module("model", std::make_shared<DecoderStack>(config, weights, device));
  if (config.tie_word_embeddings) {
    lm_head = register_module("lm_head", std::make_shared<LoraLinear>(model->embed_tokens->weight, at::Tensor(),
                                                                      /*owns_weight=*/false));
  } else {
    lm_head = register_module(
        "lm_head", make_linear(weights, "lm_head", config.vocab_size, config.hidden_size, /*bias=*/false));
  }
}

}  // namespace lora
