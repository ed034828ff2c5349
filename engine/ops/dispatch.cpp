// The entry points of ops.h: each checks its arguments and picks the implementation that serves
// them: the CPU node for CPU fp32/bf16 tensors, the lean node elsewhere (CUDA, fp16), the reference
// composition for what neither handles (a trainable norm weight, mixed dtypes, partial rotary, GeGLU).
// Attention is chosen here too: SDPA where libtorch has it, else the CPU node or the composition.
#include <ATen/ATen.h>
#include <torch/version.h>

#include <cmath>

#include "error.h"
#include "ops_messages.h"
#include "ops.h"

// libtorch >= 2.1 has a fused attention (flash / memory-efficient / cuDNN on CUDA, a flash kernel on
// CPU) taking a `scale` (Gemma's query_pre_attn_scalar); older ones use the CPU node or the composition.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
#define LORA_HAVE_SDPA 1
#else
#define LORA_HAVE_SDPA 0
#endif

namespace lora::ops {

namespace {

// What the CPU nodes take: CPU tensors of fp32 or bf16.
bool cpu_node_serves(const at::Tensor& t) {
  return t.defined() && t.device().is_cpu() && (t.scalar_type() == at::kFloat || t.scalar_type() == at::kBFloat16);
}

#if LORA_HAVE_SDPA
at::Tensor sdpa_attention(const at::Tensor& q, at::Tensor k, at::Tensor v, bool causal, const at::Tensor& allowed,
                          double scale) {
  const int64_t batch = q.size(0), heads = q.size(1), head_dim = q.size(3);
  const int64_t kv_heads = k.size(1), keys = k.size(2), group = heads / kv_heads;
  if (group > 1) {  // repeat_kv: query head h reads key/value head h / group
    k = k.unsqueeze(2).expand({batch, kv_heads, group, keys, head_dim}).reshape({batch, heads, keys, head_dim});
    v = v.unsqueeze(2).expand({batch, kv_heads, group, keys, head_dim}).reshape({batch, heads, keys, head_dim});
  }
  const bool default_scale = scale == 1.0 / std::sqrt(static_cast<double>(head_dim));
  const c10::optional<double> sdpa_scale = default_scale ? c10::optional<double>() : c10::optional<double>(scale);
  if (causal)  // the fused kernels' own causal mask: their fastest path
    return at::scaled_dot_product_attention(q, k, v, {}, 0.0, /*is_causal=*/true, sdpa_scale);
  if (allowed.defined())
    return at::scaled_dot_product_attention(q, k, v, allowed, 0.0, /*is_causal=*/false, sdpa_scale);
  // e.g. one query after the cache: it sees every key
  return at::scaled_dot_product_attention(q, k, v, {}, 0.0, /*is_causal=*/false, sdpa_scale);
}
#endif

}  // namespace

at::Tensor cross_entropy_sum(const at::Tensor& logits, const at::Tensor& targets) {
  if (logits.dim() != 2 || targets.dim() != 1 || targets.size(0) != logits.size(0))
    throw Error(msg::Ops::cross_entropy_bad_shapes);
  if (logits.size(1) == 0) return reference::cross_entropy_sum(logits, targets);
  if (!cpu_node_serves(logits)) return lean::cross_entropy_sum(logits, targets);
  return cpu::cross_entropy_sum(logits, targets);
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal,
                     const at::Tensor& allowed, double scale) {
  if (q.dim() != 4 || k.dim() != 4 || v.sizes() != k.sizes() || q.size(0) != k.size(0) || q.size(3) != k.size(3) ||
      k.size(1) == 0 || q.size(1) % k.size(1) != 0)
    throw Error(msg::Ops::attention_bad_shapes);
  if (causal && k.size(2) < q.size(2))
    throw Error(msg::Ops::causal_attention_too_few_keys);
#if LORA_HAVE_SDPA
  return sdpa_attention(q, k, v, causal, allowed, scale);
#else
  if (!cpu_node_serves(q) || k.scalar_type() != q.scalar_type() || v.scalar_type() != q.scalar_type())
    return reference::attention(q, k, v, causal, allowed, scale);
  return cpu::attention(q, k, v, causal, allowed, scale);
#endif
}

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  if (weight.requires_grad() || weight.dim() != 1 || weight.size(0) != x.size(-1))
    return reference::rms_norm(x, weight, eps);
  if (!cpu_node_serves(x)) return lean::rms_norm(x, weight, eps);
  return cpu::rms_norm(x, weight, eps);
}

at::Tensor rms_norm_one_plus(const at::Tensor& x, const at::Tensor& weight, double eps) {
  if (weight.requires_grad() || weight.dim() != 1 || weight.size(0) != x.size(-1))
    return reference::rms_norm_one_plus(x, weight, eps);
  return lean::rms_norm_one_plus(x, weight, eps);
}

at::Tensor rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads, int64_t head_dim) {
  if (x.dim() < 3 || x.size(-1) * (x.dim() == 4 ? x.size(-2) : 1) != heads * head_dim || head_dim % 2 != 0 ||
      cos.dim() != 4 || cos.sizes() != sin.sizes() || cos.size(2) != x.size(1) || cos.size(3) != head_dim ||
      (cos.size(0) != 1 && cos.size(0) != x.size(0)))
    throw Error(msg::Ops::rotary_bad_shapes);
  if (!cpu_node_serves(x) || cos.requires_grad() || sin.requires_grad())
    return reference::rotary(x, cos, sin, heads, head_dim);
  return cpu::rotary(x, cos, sin, heads, head_dim);
}

at::Tensor partial_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads,
                          int64_t head_dim, int64_t rotary_dim) {
  if (rotary_dim == head_dim) return rotary(x, cos, sin, heads, head_dim);
  if (x.dim() < 3 || x.size(-1) * (x.dim() == 4 ? x.size(-2) : 1) != heads * head_dim || rotary_dim % 2 != 0 ||
      rotary_dim <= 0 || rotary_dim > head_dim || cos.dim() != 4 || cos.sizes() != sin.sizes() ||
      cos.size(3) != rotary_dim)
    throw Error(msg::Ops::partial_rotary_bad_shapes);
  return reference::partial_rotary(x, cos, sin, heads, head_dim, rotary_dim);
}

at::Tensor silu_mul(const at::Tensor& gate, const at::Tensor& up) {
  if (up.scalar_type() != gate.scalar_type() || up.sizes() != gate.sizes()) return reference::silu_mul(gate, up);
  if (!cpu_node_serves(gate)) return lean::silu_mul(gate, up);
  return cpu::silu_mul(gate, up);
}

at::Tensor gelu_tanh_mul(const at::Tensor& gate, const at::Tensor& up) { return reference::gelu_tanh_mul(gate, up); }

at::Tensor lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& lora_A,
                       const at::Tensor& lora_B, double scaling, double dropout, uint64_t dropout_seed) {
  if (weight.scalar_type() != x.scalar_type() || weight.requires_grad() || (bias.defined() && bias.requires_grad())) {
    // Off the CPU the mask comes from the device's generator, which gradient checkpointing replays
    // (a CPU-drawn seed would give the recomputation another mask).
    at::Tensor mask;
    if (dropout > 0)
      mask = x.is_cpu() ? dropout_mask(x, dropout, dropout_seed)
                        : (lean::draw_keep_mask(x, dropout).to(at::kFloat) / (1.0 - dropout)).to(x.scalar_type());
    return reference::lora_linear(x, weight, bias, lora_A, lora_B, scaling, mask);
  }
  if (!cpu_node_serves(x)) return lean::lora_linear(x, weight, bias, lora_A, lora_B, scaling, dropout);
  return cpu::lora_linear(x, weight, bias, lora_A, lora_B, scaling, dropout, dropout_seed);
}

std::vector<at::Tensor> lora_linear_group(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                          const std::vector<int64_t>& out_features,
                                          const std::vector<at::Tensor>& lora_A, const std::vector<at::Tensor>& lora_B,
                                          double scaling, double dropout, uint64_t dropout_seed) {
  int64_t total_out = 0;
  bool any_pair = false, pairs_fit = lora_A.size() == out_features.size() && lora_B.size() == out_features.size();
  for (size_t i = 0; pairs_fit && i < out_features.size(); ++i) {
    total_out += out_features[i];
    if (lora_A[i].defined() != lora_B[i].defined()) pairs_fit = false;
    if (!lora_A[i].defined()) continue;
    any_pair = true;
    pairs_fit = pairs_fit && lora_A[i].dim() == 2 && lora_B[i].dim() == 2 && lora_A[i].size(1) == weight.size(1) &&
                lora_B[i].size(0) == out_features[i] && lora_B[i].size(1) == lora_A[i].size(0);
  }
  if (!pairs_fit || weight.dim() != 2 || total_out != weight.size(0) || x.size(-1) != weight.size(1) ||
      (bias.defined() && (bias.dim() != 1 || bias.size(0) != total_out)))
    throw Error(msg::Ops::lora_group_bad_shapes);
  const bool node_serves = any_pair && cpu_node_serves(x) && weight.scalar_type() == x.scalar_type() &&
                           !weight.requires_grad() && !(bias.defined() && bias.requires_grad());
  if (node_serves) return cpu::lora_linear_group(x, weight, bias, out_features, lora_A, lora_B, scaling, dropout,
                                                 dropout_seed);
  std::vector<at::Tensor> outputs;
  for (size_t i = 0, row = 0; i < out_features.size(); row += out_features[i++]) {
    const at::Tensor member_weight = weight.narrow(0, row, out_features[i]);
    const at::Tensor member_bias = bias.defined() ? bias.narrow(0, row, out_features[i]) : at::Tensor();
    outputs.push_back(lora_A[i].defined() ? lora_linear(x, member_weight, member_bias, lora_A[i], lora_B[i], scaling,
                                                        dropout, dropout_seed)
                                          : at::linear(x, member_weight, member_bias));
  }
  return outputs;
}

}  // namespace lora::ops
