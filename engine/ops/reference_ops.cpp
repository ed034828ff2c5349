// The reference compositions of ops.h: Hugging Face's eager code written with ATen ops, on any
// device. The entry points fall back on them; the tests compare the nodes against them.
#include <ATen/ATen.h>

#include <limits>

#include "ops.h"

namespace lora::ops::reference {

at::Tensor cross_entropy_sum(const at::Tensor& logits, const at::Tensor& targets) {
  return at::cross_entropy_loss(logits.to(at::kFloat), targets.to(at::kLong), {}, at::Reduction::Sum);
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal,
                     const at::Tensor& allowed, double scale) {
  const int64_t batch = q.size(0), heads = q.size(1), queries = q.size(2), head_dim = q.size(3);
  const int64_t kv_heads = k.size(1), keys = k.size(2), group = heads / kv_heads;
  // The `group` query heads sharing a key/value head stacked along the query axis: no repeat_kv copy.
  const at::Tensor grouped_q = q.reshape({batch, kv_heads, group * queries, head_dim});
  at::Tensor scores = at::matmul(grouped_q, k.transpose(-2, -1)).to(at::kFloat).mul(scale);
  at::Tensor permitted;  // [B or 1, 1, T, S]
  if (causal) {
    const auto long_options = at::TensorOptions().dtype(at::kLong).device(q.device());
    const at::Tensor query_positions = at::arange(keys - queries, keys, long_options).unsqueeze(1);
    const at::Tensor key_positions = at::arange(0, keys, long_options).unsqueeze(0);
    permitted = (key_positions <= query_positions).view({1, 1, queries, keys});
  } else if (allowed.defined()) {
    permitted = allowed.to(at::kBool);
  }
  if (permitted.defined()) {
    // The lowest finite value rather than -inf: a row can never turn into NaN.
    scores = scores.view({batch, kv_heads, group, queries, keys})
                 .masked_fill(permitted.logical_not().unsqueeze(1), std::numeric_limits<float>::lowest())
                 .view({batch, kv_heads, group * queries, keys});
  }
  const at::Tensor probs = at::softmax(scores, -1).to(q.scalar_type());
  return at::matmul(probs, v).view({batch, heads, queries, head_dim});
}

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  const at::Tensor h = x.to(at::kFloat);
  const at::Tensor variance = h.pow(2).mean(-1, /*keepdim=*/true);
  return weight * (h * at::rsqrt(variance + eps)).to(x.scalar_type());
}

at::Tensor rms_norm_one_plus(const at::Tensor& x, const at::Tensor& weight, double eps) {
  const at::Tensor h = x.to(at::kFloat);
  const at::Tensor variance = h.pow(2).mean(-1, /*keepdim=*/true);
  return (h * at::rsqrt(variance + eps) * (1.0 + weight.to(at::kFloat))).to(x.scalar_type());
}

at::Tensor silu_mul(const at::Tensor& gate, const at::Tensor& up) { return at::silu(gate) * up; }

at::Tensor gelu_tanh_mul(const at::Tensor& gate, const at::Tensor& up) { return at::gelu(gate, "tanh") * up; }

at::Tensor rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads, int64_t head_dim) {
  const at::Tensor heads_first = x.reshape({x.size(0), x.size(1), heads, head_dim}).transpose(1, 2);
  const int64_t half = head_dim / 2;
  const at::Tensor rotated = at::cat({heads_first.slice(-1, half).neg(), heads_first.slice(-1, 0, half)}, -1);
  return heads_first * cos + rotated * sin;
}

at::Tensor partial_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads,
                          int64_t head_dim, int64_t rotary_dim) {
  const at::Tensor heads_first = x.reshape({x.size(0), x.size(1), heads, head_dim}).transpose(1, 2);
  const at::Tensor rotated_part = heads_first.narrow(-1, 0, rotary_dim);
  const at::Tensor passed = heads_first.narrow(-1, rotary_dim, head_dim - rotary_dim);
  const int64_t half = rotary_dim / 2;
  const at::Tensor rotate_half = at::cat({rotated_part.slice(-1, half).neg(), rotated_part.slice(-1, 0, half)}, -1);
  return at::cat({rotated_part * cos.to(x.scalar_type()) + rotate_half * sin.to(x.scalar_type()), passed}, -1)
      .contiguous();
}

at::Tensor lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& lora_A,
                       const at::Tensor& lora_B, double scaling, const at::Tensor& mask) {
  const at::Tensor y = at::linear(x, weight, bias);
  const at::Tensor input = mask.defined() ? x * mask : x;
  const auto dtype = x.scalar_type();
  return y.add(at::linear(at::linear(input, lora_A.to(dtype)), lora_B.to(dtype)), scaling);
}

}  // namespace lora::ops::reference
