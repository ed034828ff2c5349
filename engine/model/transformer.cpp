#include "transformer.h"

#include "checkpoint.h"
#include "gradient_checkpoint.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "device.h"
#include "error.h"
#include "model_messages.h"
#include "ops.h"

namespace lora {

namespace {

std::shared_ptr<LoraLinear> make_linear(WeightSource& weights, const std::string& name, int64_t out, int64_t in,
                                        bool bias, bool output_head = false) {
  at::Tensor b = bias ? weights.take(name + ".bias", {out}) : at::Tensor();
  if (auto quantized = weights.take_quantized(name + ".weight", {out, in}))
    return std::make_shared<LoraLinear>(std::move(quantized), weights.compute_dtype(), std::move(b));
  at::Tensor w = weights.take(name + ".weight", {out, in});
  // The output head [vocab, hidden] in bf16 on the CPU is kept column by column (the same values,
  // strides {1, vocab}): oneDNN then runs the hidden states' gradient (logits' gradient · W, the
  // product over the vocabulary) at 1210-1350 GFLOP/s instead of 830-1200, and the logits at
  // about the same speed (docs/PERFORMANCE.md).
  if (output_head && w.device().is_cpu() && w.scalar_type() == at::kBFloat16) w = w.t().contiguous().t();
  return std::make_shared<LoraLinear>(std::move(w), std::move(b));
}

// Linear layers over one input (q/k/v_proj) whose dense frozen weights are loaded into one
// [Σ out, in] tensor, each layer's weight a view of its rows, so that training can run them as one
// matmul (LoraLinearGroup). Quantized ones are made one by one (no shared tensor: *shared stays
// undefined).
std::vector<std::shared_ptr<LoraLinear>> make_linears_sharing_input(WeightSource& weights,
                                                                    const std::vector<std::string>& names,
                                                                    const std::vector<int64_t>& outs, int64_t in,
                                                                    bool bias, at::Tensor* shared) {
  std::vector<at::Tensor> biases;
  std::vector<std::shared_ptr<const QuantizedWeight>> quantized;
  int64_t total_out = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    biases.push_back(bias ? weights.take(names[i] + ".bias", {outs[i]}) : at::Tensor());
    quantized.push_back(weights.take_quantized(names[i] + ".weight", {outs[i], in}));
    total_out += outs[i];
  }
  std::vector<std::shared_ptr<LoraLinear>> layers;
  bool any_quantized = false;
  for (const auto& q : quantized) any_quantized = any_quantized || q != nullptr;
  if (any_quantized) {
    for (size_t i = 0; i < names.size(); ++i)
      layers.push_back(quantized[i] ? std::make_shared<LoraLinear>(quantized[i], weights.compute_dtype(), biases[i])
                                    : std::make_shared<LoraLinear>(weights.take(names[i] + ".weight", {outs[i], in}),
                                                                   biases[i]));
    return layers;
  }
  for (size_t i = 0, row = 0; i < names.size(); row += outs[i++]) {
    const at::Tensor w = weights.take(names[i] + ".weight", {outs[i], in});
    if (!shared->defined()) *shared = at::empty({total_out, in}, w.options());
    shared->narrow(0, row, outs[i]).copy_(w);
  }
  for (size_t i = 0, row = 0; i < names.size(); row += outs[i++])
    layers.push_back(std::make_shared<LoraLinear>(shared->narrow(0, row, outs[i]), biases[i]));
  return layers;
}

std::shared_ptr<RMSNorm> make_norm(WeightSource& weights, const std::string& name, int64_t size,
                                   const ModelConfig& config) {
  return std::make_shared<RMSNorm>(weights.take(name + ".weight", {size}), config.rms_norm_eps, config.norm_style);
}

// The module `path` ("a.b.c") of `root` is to be registered: returns its parent (creating empty
// modules for the missing parts) and sets *leaf to the last part.
torch::nn::Module& parent_of(torch::nn::Module& root, const std::string& path, std::string* leaf) {
  torch::nn::Module* node = &root;
  size_t start = 0;
  for (size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', start)) {
    const std::string part = path.substr(start, dot - start);
    std::shared_ptr<torch::nn::Module> child;
    for (const auto& item : node->named_children())
      if (item.key() == part) child = item.value();
    if (!child) child = node->register_module(part, std::make_shared<torch::nn::Module>());
    node = child.get();
    start = dot + 1;
  }
  *leaf = path.substr(start);
  return *node;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
RMSNorm::RMSNorm(at::Tensor weight_value, double eps_value, NormStyle style_value) : eps(eps_value), style(style_value) {
  weight = register_parameter("weight", std::move(weight_value), /*requires_grad=*/false);
}

at::Tensor RMSNorm::forward(const at::Tensor& x) {
  if (style == NormStyle::OnePlusWeight) return ops::rms_norm_one_plus(x, weight, eps);
  return ops::rms_norm(x, weight, eps);
}

TokenEmbedding::TokenEmbedding(at::Tensor weight_value, double scale_value, bool read_whole_value)
    : scale(scale_value), read_whole(read_whole_value) {
  weight = register_parameter("weight", std::move(weight_value), /*requires_grad=*/false);
}

at::Tensor TokenEmbedding::forward(const at::Tensor& ids) {
  at::Tensor rows = at::embedding(weight, ids);
  // A table read in place from the checkpoint (causal_lm.cpp): while training, the rows of each
  // batch go back to the file after the lookup, so the run holds one batch's rows, not every row it
  // has seen. A few hundred page faults a step, from the page cache; generation keeps them.
  if (is_training() && !read_whole) release_mapped_pages(weight);
  if (scale <= 0) return rows;
  // As Gemma: the fp32 scale is cast to the weight's dtype (bf16: sqrt(3072) = 55.4256 becomes
  // 55.5) and multiplied in that dtype.
  return rows * at::scalar_tensor(scale, at::TensorOptions().dtype(at::kFloat)).to(weight.scalar_type());
}

// ---------------------------------------------------------------------------------------------
at::Tensor rope_inverse_frequencies(double theta, const RopeScaling& scaling, int64_t dim, bool long_factors) {
  if (dim <= 0 || dim % 2 != 0)
    throw Error(msg::Model::rotary_dim_invalid, dim);
  // As transformers computes it: fp32 exponents, base ** (arange(0, d, 2) / d) in fp32.
  const at::Tensor exponents = at::arange(0, dim, 2, at::TensorOptions().dtype(at::kLong)).to(at::kFloat) / dim;
  at::Tensor inv_freq = 1.0 / at::pow(theta, exponents);
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
  if (scaling.type == "longrope") {
    const std::vector<double>& factors = long_factors ? scaling.long_factor : scaling.short_factor;
    if (static_cast<int64_t>(factors.size()) != dim / 2)
      throw Error(msg::Model::longrope_factor_count, long_factors ? "long_factor" : "short_factor", factors.size(),
                  dim / 2);
    const at::Tensor ext = at::tensor(std::vector<float>(factors.begin(), factors.end()), at::kFloat);
    return 1.0 / (ext * at::pow(theta, exponents));
  }
  throw Error(msg::Model::rope_type_unknown, scaling.type);
}

at::Tensor rope_inverse_frequencies(const ModelConfig& config) {
  return rope_inverse_frequencies(config.rope_theta, config.rope_scaling, config.rotary_dim(), /*long_factors=*/false);
}

RotaryEmbedding::RotaryEmbedding(const ModelConfig& config, c10::Device device, bool sliding) {
  const double theta = sliding && config.sliding_rope_theta > 0 ? config.sliding_rope_theta : config.rope_theta;
  const RopeScaling& scaling = sliding && config.sliding_rope_theta > 0 ? config.sliding_rope_scaling : config.rope_scaling;
  inv_freq_ = rope_inverse_frequencies(theta, scaling, config.rotary_dim(), false).to(device);
  if (scaling.type == "longrope") {
    long_inv_freq_ = rope_inverse_frequencies(theta, scaling, config.rotary_dim(), true).to(device);
    original_context_ = scaling.original_max_position_embeddings;
    // transformers' default attention factor for longrope (also applied with the short factors).
    attention_factor_ = scaling.attention_factor > 0 ? scaling.attention_factor
                        : scaling.factor <= 1.0
                            ? 1.0
                            : std::sqrt(1.0 + std::log(scaling.factor) /
                                                  std::log(static_cast<double>(scaling.original_max_position_embeddings)));
  }
}

std::pair<at::Tensor, at::Tensor> RotaryEmbedding::tables(const at::Tensor& positions, c10::ScalarType dtype,
                                                          int64_t positions_end) const {
  const bool use_long = long_inv_freq_.defined() && positions_end > original_context_;
  const at::Tensor& inv_freq = use_long ? long_inv_freq_ : inv_freq_;
  const at::Tensor freqs = positions.to(at::kFloat).unsqueeze(-1) * inv_freq;  // [B, T, d/2]
  const at::Tensor angles = at::cat({freqs, freqs}, -1).unsqueeze(1);           // [B, 1, T, d]
  if (attention_factor_ != 1.0)
    return {(angles.cos() * attention_factor_).to(dtype), (angles.sin() * attention_factor_).to(dtype)};
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
    : num_heads_(config.num_attention_heads),
      num_kv_heads_(config.num_key_value_heads),
      head_dim_(config.head_dim),
      rotary_dim_(config.rotary_dim()),
      scale_(config.attention_scale()) {
  const int64_t hidden = config.hidden_size;
  const int64_t q_out = num_heads_ * head_dim_, kv_out = num_kv_heads_ * head_dim_;
  if (config.fused_qkv) {
    qkv_proj = register_module("qkv_proj", make_linear(weights, prefix + ".qkv_proj", q_out + 2 * kv_out, hidden,
                                                       config.qkv_bias));
  } else {
    at::Tensor shared;
    const auto layers = make_linears_sharing_input(weights, {prefix + ".q_proj", prefix + ".k_proj", prefix + ".v_proj"},
                                                   {q_out, kv_out, kv_out}, hidden, config.qkv_bias, &shared);
    q_proj = register_module("q_proj", layers[0]);
    k_proj = register_module("k_proj", layers[1]);
    v_proj = register_module("v_proj", layers[2]);
    qkv_group_ = LoraLinearGroup(layers, shared);
  }
  o_proj = register_module("o_proj", make_linear(weights, prefix + ".o_proj", hidden, q_out, config.o_bias));
  if (config.qk_norm) {
    q_norm = register_module("q_norm", make_norm(weights, prefix + ".q_norm", head_dim_, config));
    k_norm = register_module("k_norm", make_norm(weights, prefix + ".k_norm", head_dim_, config));
  }
}

at::Tensor Attention::forward(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin,
                              const AttentionMask& mask, at::Tensor* cached_keys, at::Tensor* cached_values) {
  const int64_t batch = x.size(0), length = x.size(1);
  at::Tensor q, k, v;
  if (qkv_proj) {  // [q | k | v] along the output features, as Phi-3 slices them
    const at::Tensor qkv = qkv_proj->forward(x);
    q = qkv.narrow(-1, 0, num_heads_ * head_dim_);
    k = qkv.narrow(-1, num_heads_ * head_dim_, num_kv_heads_ * head_dim_);
    v = qkv.narrow(-1, (num_heads_ + num_kv_heads_) * head_dim_, num_kv_heads_ * head_dim_);
  } else {
    const std::vector<at::Tensor> qkv = qkv_group_.forward(x);
    q = qkv[0];
    k = qkv[1];
    v = qkv[2];
  }
  if (q_norm) {  // over each head's channels, before RoPE
    q = q_norm->forward(q.reshape({batch, length, num_heads_, head_dim_}));
    k = k_norm->forward(k.reshape({batch, length, num_kv_heads_, head_dim_}));
  }
  // Rotated and moved to [B, heads, T, D] in one pass (ops.h; off the CPU an ATen composition).
  q = ops::partial_rotary(q, cos, sin, num_heads_, head_dim_, rotary_dim_);
  k = ops::partial_rotary(k, cos, sin, num_kv_heads_, head_dim_, rotary_dim_);
  // Made contiguous: attention keeps v for backward, and v may be a view of q/k/v's one output
  // (LoraLinearGroup), all of which it would keep alive.
  v = v.reshape({batch, length, num_kv_heads_, head_dim_}).transpose(1, 2).contiguous();
  if (cached_keys) {
    if (cached_keys->defined()) {
      k = at::cat({*cached_keys, k}, 2);
      v = at::cat({*cached_values, v}, 2);
    }
    *cached_keys = k;
    *cached_values = v;
  }
  // Grouped query heads share their key/value head; ops::attention picks SDPA where libtorch has
  // it, else softmax(QKᵀ·scale)V written out with the mask inside the softmax.
  const at::Tensor out = ops::attention(q, k, v, mask.causal_over_all_keys, mask.allowed, scale_);  // [B, H, T, D]
  return o_proj->forward(out.transpose(1, 2).reshape({batch, length, num_heads_ * head_dim_}));
}

// ---------------------------------------------------------------------------------------------
Mlp::Mlp(const ModelConfig& config, WeightSource& weights, const std::string& prefix)
    : gelu_tanh_(config.hidden_act == "gelu_pytorch_tanh"), inner_(config.intermediate_size) {
  const int64_t hidden = config.hidden_size, inner = config.intermediate_size;
  if (config.fused_gate_up) {
    gate_up_proj = register_module(
        "gate_up_proj", make_linear(weights, prefix + ".gate_up_proj", 2 * inner, hidden, config.mlp_bias));
  } else {
    at::Tensor shared;
    const auto layers = make_linears_sharing_input(weights, {prefix + ".gate_proj", prefix + ".up_proj"},
                                                   {inner, inner}, hidden, config.mlp_bias, &shared);
    gate_proj = register_module("gate_proj", layers[0]);
    up_proj = register_module("up_proj", layers[1]);
    gate_up_group_ = LoraLinearGroup(layers, shared);
  }
  down_proj = register_module("down_proj", make_linear(weights, prefix + ".down_proj", hidden, inner, config.mlp_bias));
}

at::Tensor Mlp::forward(const at::Tensor& x) {
  at::Tensor gate, up;
  if (gate_up_proj) {
    const at::Tensor both = gate_up_proj->forward(x);
    gate = both.narrow(-1, 0, inner_);
    up = both.narrow(-1, inner_, inner_);
  } else {
    const std::vector<at::Tensor> both = gate_up_group_.forward(x);
    gate = both[0];
    up = both[1];
  }
  return down_proj->forward(gelu_tanh_ ? ops::gelu_tanh_mul(gate, up) : ops::silu_mul(gate, up));
}

// ---------------------------------------------------------------------------------------------
DecoderLayer::DecoderLayer(const ModelConfig& config, WeightSource& weights, const std::string& prefix)
    : sandwich_(config.sandwich_norms) {
  const int64_t hidden = config.hidden_size;
  // Registration order follows the checkpoint's key order within a layer.
  input_layernorm = register_module("input_layernorm", make_norm(weights, prefix + ".input_layernorm", hidden, config));
  self_attn = register_module("self_attn", std::make_shared<Attention>(config, weights, prefix + ".self_attn"));
  mlp = register_module("mlp", std::make_shared<Mlp>(config, weights, prefix + ".mlp"));
  post_attention_layernorm = register_module(
      "post_attention_layernorm", make_norm(weights, prefix + ".post_attention_layernorm", hidden, config));
  if (sandwich_) {
    pre_feedforward_layernorm = register_module(
        "pre_feedforward_layernorm", make_norm(weights, prefix + ".pre_feedforward_layernorm", hidden, config));
    post_feedforward_layernorm = register_module(
        "post_feedforward_layernorm", make_norm(weights, prefix + ".post_feedforward_layernorm", hidden, config));
  }
}

at::Tensor DecoderLayer::forward(const at::Tensor& hidden, const at::Tensor& cos, const at::Tensor& sin,
                                 const AttentionMask& mask, at::Tensor* cached_keys, at::Tensor* cached_values) {
  const at::Tensor attention =
      self_attn->forward(input_layernorm->forward(hidden), cos, sin, mask, cached_keys, cached_values);
  if (sandwich_) {
    const at::Tensor h = hidden + post_attention_layernorm->forward(attention);
    return h + post_feedforward_layernorm->forward(mlp->forward(pre_feedforward_layernorm->forward(h)));
  }
  const at::Tensor h = hidden + attention;
  return h + mlp->forward(post_attention_layernorm->forward(h));
}

void DecoderLayers::add(std::shared_ptr<DecoderLayer> layer) {
  layers.push_back(register_module(std::to_string(layers.size()), std::move(layer)));
}

// ---------------------------------------------------------------------------------------------
DecoderStack::DecoderStack(const ModelConfig& config, WeightSource& weights, c10::Device device,
                           const std::string& prefix)
    : config_(config), rotary_(config, device) {
  bool sliding_layers = false;
  for (int64_t i = 0; i < config.num_hidden_layers; ++i) sliding_layers = sliding_layers || config.layer_is_sliding(i);
  if (sliding_layers && config.sliding_rope_theta > 0)
    sliding_rotary_ = std::make_unique<RotaryEmbedding>(config, device, /*sliding=*/true);
  embed_tokens = register_module(
      "embed_tokens",
      std::make_shared<TokenEmbedding>(weights.take(prefix + ".embed_tokens.weight", {config.vocab_size, config.hidden_size}),
                                       config.scale_embeddings ? std::sqrt(static_cast<double>(config.hidden_size)) : 0.0,
                                       config.tie_word_embeddings));
  layers = register_module("layers", std::make_shared<DecoderLayers>());
  for (int64_t i = 0; i < config.num_hidden_layers; ++i)
    layers->add(std::make_shared<DecoderLayer>(config, weights, prefix + ".layers." + std::to_string(i)));
  norm = register_module("norm", make_norm(weights, prefix + ".norm", config.hidden_size, config));
}

at::Tensor DecoderStack::forward(const at::Tensor& input_ids, KVCache* cache, const at::Tensor& attention_mask,
                                 const at::Tensor& position_ids) {
  const c10::Device device = embed_tokens->weight.device();
  if (input_ids.dim() != 2)
    throw Error(msg::Model::input_ids_not_2d, input_ids.dim());
  const int64_t batch = input_ids.size(0), length = input_ids.size(1);
  if (length == 0 || batch == 0) throw Error(msg::Model::input_ids_empty);
  // An id outside the table would be an index error on the CPU and a device assert on CUDA. Checked
  // on the host copy when the caller passes one (the trainer does), so a CUDA step does not wait here.
  const at::Tensor ids = to_device_without_waiting(input_ids.to(at::kLong), device);
  {
    const at::Tensor& checked = input_ids.is_cpu() ? input_ids : ids;
    const int64_t smallest = checked.min().item<int64_t>(), largest = checked.max().item<int64_t>();
    if (smallest < 0 || largest >= config_.vocab_size)
      throw Error(msg::Model::token_outside_vocabulary, smallest < 0 ? smallest : largest, config_.vocab_size);
  }
  const int64_t num_layers = static_cast<int64_t>(layers->layers.size());
  int64_t cache_length = 0;
  if (cache) {
    if (cache->keys.empty()) {
      cache->keys.resize(num_layers);
      cache->values.resize(num_layers);
    }
    if (static_cast<int64_t>(cache->keys.size()) != num_layers || cache->values.size() != cache->keys.size())
      throw Error(msg::Model::kv_cache_layers, cache->keys.size(), num_layers);
    cache_length = cache->length();
    if (cache_length > 0 && cache->keys[0].size(0) != batch)
      throw Error(msg::Model::kv_cache_batch, cache->keys[0].size(0), batch);
  }
  if (attention_mask.defined() &&
      (attention_mask.dim() != 2 || attention_mask.size(0) != batch || attention_mask.size(1) != cache_length + length))
    throw Error(msg::Model::attention_mask_shape, batch, cache_length + length);
  at::Tensor positions;
  int64_t positions_end = cache_length + length;  // max(position) + 1: longrope's choice of factors
  if (position_ids.defined()) {
    if (position_ids.dim() != 2 || position_ids.size(1) != length ||
        (position_ids.size(0) != batch && position_ids.size(0) != 1))
      throw Error(msg::Model::position_ids_shape, batch, length);
    positions = position_ids.to(device, at::kLong);
    if (config_.rope_scaling.type == "longrope" || config_.sliding_rope_scaling.type == "longrope")
      positions_end = position_ids.max().item<int64_t>() + 1;
  } else {
    positions = at::arange(cache_length, cache_length + length, at::TensorOptions().dtype(at::kLong).device(device))
                    .unsqueeze(0);
  }
  const c10::ScalarType dtype = embed_tokens->weight.scalar_type();
  const auto [rope_cos, rope_sin] = rotary_.tables(positions, dtype, positions_end);
  at::Tensor sliding_cos = rope_cos, sliding_sin = rope_sin;
  if (sliding_rotary_) std::tie(sliding_cos, sliding_sin) = sliding_rotary_->tables(positions, dtype, positions_end);
  // One mask per kind of layer the model has (Gemma 3 and Qwen3 may have both).
  bool any_full = false, any_sliding = false;
  for (int64_t i = 0; i < num_layers; ++i) (config_.layer_is_sliding(i) ? any_sliding : any_full) = true;
  AttentionMask full_mask, sliding_mask;
  if (any_full) full_mask = build_attention_mask(batch, length, cache_length, attention_mask, 0, device);
  if (any_sliding)
    sliding_mask =
        build_attention_mask(batch, length, cache_length, attention_mask, config_.sliding_window, device);

  at::Tensor hidden = embed_tokens->forward(ids);
  const bool checkpoint_layers = gradient_checkpointing && !cache && at::GradMode::is_enabled();
  for (int64_t i = 0; i < num_layers; ++i) {
    const std::shared_ptr<DecoderLayer> layer = layers->layers[i];
    const bool sliding = config_.layer_is_sliding(i);
    const AttentionMask& mask = sliding ? sliding_mask : full_mask;
    const at::Tensor& cos = sliding ? sliding_cos : rope_cos;
    const at::Tensor& sin = sliding ? sliding_sin : rope_sin;
    if (checkpoint_layers) {
      std::vector<at::Tensor> trainable;
      for (const auto& p : layer->parameters())
        if (p.requires_grad()) trainable.push_back(p);
      // Captured by value: the backward pass runs after this function has returned.
      hidden = checkpointed_block(
          [layer, cos, sin, mask](const at::Tensor& h) { return layer->forward(h, cos, sin, mask, nullptr, nullptr); },
          hidden, trainable);
    } else {
      hidden = layer->forward(hidden, cos, sin, mask, cache ? &cache->keys[i] : nullptr,
                              cache ? &cache->values[i] : nullptr);
    }
  }
  return norm->forward(hidden);
}

// ---------------------------------------------------------------------------------------------
CausalLMModule::CausalLMModule(const ModelConfig& config, WeightSource& weights, c10::Device device,
                               const WeightLayout& layout)
    : lm_head_path(layout.lm_head) {
  std::string leaf;
  torch::nn::Module& decoder_parent = parent_of(*this, layout.decoder, &leaf);
  model = decoder_parent.register_module(leaf, std::make_shared<DecoderStack>(config, weights, device, layout.decoder));
  torch::nn::Module& head_parent = parent_of(*this, layout.lm_head, &leaf);
  if (config.tie_word_embeddings) {
    lm_head = head_parent.register_module(
        leaf, std::make_shared<LoraLinear>(model->embed_tokens->weight, at::Tensor(), /*owns_weight=*/false));
  } else {
    lm_head = head_parent.register_module(
        leaf, make_linear(weights, layout.lm_head, config.vocab_size, config.hidden_size, /*bias=*/false,
                          /*output_head=*/true));
  }
}

}  // namespace lora
