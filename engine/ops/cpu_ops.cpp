// The CPU nodes of ops.h: autograd functions over the loops of cpu_kernels.h, for CPU tensors of
// fp32 or bf16 (dispatch.cpp sends everything else elsewhere).
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <limits>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "cpu_kernels.h"
#include "error.h"
#include "ops_messages.h"
#include "lora_linear_node.h"
#include "ops.h"

namespace lora::ops {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;
namespace kernels = cpu_kernels;

// Work per parallel chunk: rows of a few hundred elements and up are worth a thread each; element
// loops split in chunks of this many elements.
constexpr int64_t kElementGrain = 32768;

kernels::Storage storage_of(const at::Tensor& t) {
  return t.scalar_type() == at::kBFloat16 ? kernels::Storage::BFloat16 : kernels::Storage::Float32;
}

// Bytes of one element: the kernels take raw pointers and index rows themselves.
int64_t element_bytes(const at::Tensor& t) { return static_cast<int64_t>(t.element_size()); }

const char* row_pointer(const at::Tensor& t, int64_t row, int64_t row_length) {
  return static_cast<const char*>(t.data_ptr()) + row * row_length * element_bytes(t);
}
char* mutable_row_pointer(at::Tensor& t, int64_t row, int64_t row_length) {
  return static_cast<char*>(t.data_ptr()) + row * row_length * element_bytes(t);
}

int64_t row_grain(int64_t row_length) { return std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, row_length)); }

// a·b over the two leading (batch, head) dims of 4-D tensors (any strides), as single-threaded gemms
// spread over the threads: one per matrix, or per block of its rows when there are fewer matrices than
// threads (batch 1 with two key/value heads). ATen's CPU bmm runs one multithreaded gemm per matrix
// instead, and at attention's sizes (a few hundred rows, head_dim 64-128) the threads' handoffs cost
// more than the gemm (docs/PERFORMANCE.md: 59-159 against 97-187 GFLOP/s). fp32 only: bf16 goes to oneDNN's batched
// matmul, the path AMX machines take, kept as it is.
at::Tensor batched_matmul(const at::Tensor& a, const at::Tensor& b) {
  if (a.scalar_type() != at::kFloat || a.dim() != 4 || b.dim() != 4 || a.size(0) != b.size(0) ||
      a.size(1) != b.size(1))
    return at::matmul(a, b);
  const int64_t outer = a.size(0), inner = a.size(1), rows = a.size(2), matrices = outer * inner;
  constexpr int64_t kMinBlockRows = 64;
  const int64_t wanted_tasks = 2 * static_cast<int64_t>(at::get_num_threads());
  const int64_t blocks_per_matrix =
      matrices >= wanted_tasks
          ? 1
          : std::max<int64_t>(1, std::min((wanted_tasks + matrices - 1) / matrices, rows / kMinBlockRows));
  const int64_t block_rows = (rows + blocks_per_matrix - 1) / blocks_per_matrix;
  at::Tensor out = at::empty({outer, inner, rows, b.size(3)}, a.options());
  // The workers call ATen: they take the caller's inference mode, grad mode and dispatch state.
  const at::ThreadLocalState caller_state;
  at::parallel_for(0, matrices * blocks_per_matrix, 1, [&](int64_t begin, int64_t end) {
    const at::ThreadLocalStateGuard state_guard(caller_state);
    for (int64_t task = begin; task < end; ++task) {
      const int64_t m = task / blocks_per_matrix, first = (task % blocks_per_matrix) * block_rows;
      const int64_t length = std::min(block_rows, rows - first);
      if (length <= 0) continue;
      const int64_t i = m / inner, j = m % inner;
      at::Tensor product = out.select(0, i).select(0, j).narrow(0, first, length);
      at::mm_out(product, a.select(0, i).select(0, j).narrow(0, first, length), b.select(0, i).select(0, j));
    }
  });
  return out;
}

// ---- cross-entropy -------------------------------------------------------------------------------
void check_targets(const at::Tensor& targets, int64_t vocab) {
  const int64_t* target = targets.data_ptr<int64_t>();
  for (int64_t i = 0; i < targets.numel(); ++i)
    if (target[i] < 0 || target[i] >= vocab)
      throw Error(msg::Ops::cross_entropy_target_outside_vocabulary, target[i], i, vocab);
}

struct CpuCrossEntropyNode : public torch::autograd::Function<CpuCrossEntropyNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& logits_in, const at::Tensor& targets_in) {
    const at::Tensor logits = logits_in.contiguous();
    const at::Tensor targets = targets_in.to(at::kLong).contiguous();
    const int64_t rows = logits.size(0), vocab = logits.size(1);
    check_targets(targets, vocab);
    const int64_t* target = targets.data_ptr<int64_t>();
    at::Tensor lse = at::empty({rows}, logits.options().dtype(at::kFloat));
    at::Tensor row_loss = at::empty({rows}, logits.options().dtype(at::kDouble));
    float* lse_data = lse.data_ptr<float>();
    double* loss_data = row_loss.data_ptr<double>();
    const kernels::Storage storage = storage_of(logits);
    at::parallel_for(0, rows, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        lse_data[i] = kernels::row_logsumexp(row_pointer(logits, i, vocab), storage, vocab);
        const int64_t at_target = i * vocab + target[i];
        const float target_logit = storage == kernels::Storage::BFloat16
                                       ? static_cast<float>(logits.data_ptr<at::BFloat16>()[at_target])
                                       : logits.data_ptr<float>()[at_target];
        loss_data[i] = static_cast<double>(lse_data[i]) - static_cast<double>(target_logit);
      }
    });
    ctx->save_for_backward({logits, targets, lse});
    return row_loss.sum().to(at::kFloat);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& logits = saved[0];
    const int64_t* target = saved[1].data_ptr<int64_t>();
    const float* lse = saved[2].data_ptr<float>();
    const int64_t rows = logits.size(0), vocab = logits.size(1);
    const float scale = grad_outputs[0].item<float>();
    // The gradient overwrites the saved logits, which nothing else reads: no second [n, vocab] buffer
    // (the largest of the step, and fresh pages from the kernel every time). The graph therefore
    // cannot be run backward twice (retain_graph).
    if (ctx->saved_data.count("logits_overwritten"))
      throw Error(msg::Ops::cross_entropy_backward_twice);
    ctx->saved_data["logits_overwritten"] = true;
    at::Tensor grad = logits;
    const kernels::Storage storage = storage_of(logits);
    at::parallel_for(0, rows, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        kernels::row_softmax_minus_onehot(row_pointer(logits, i, vocab), storage, vocab, lse[i], target[i], scale,
                                          mutable_row_pointer(grad, i, vocab));
    });
    return {grad, at::Tensor()};
  }
};

// ---- attention -------------------------------------------------------------------------------------
// Scores and probabilities live as [B, KV, group·T, S]: the `group` query heads sharing a key/value
// head are stacked along the query axis, so one batched matmul per KV head serves them all.
struct AttentionShape {
  int64_t batch, heads, kv_heads, group, queries, keys, head_dim;
  int64_t rows() const { return batch * kv_heads * group * queries; }
};

AttentionShape attention_shape(const at::Tensor& q, const at::Tensor& k) {
  AttentionShape s{};
  s.batch = q.size(0);
  s.heads = q.size(1);
  s.queries = q.size(2);
  s.head_dim = q.size(3);
  s.kv_heads = k.size(1);
  s.keys = k.size(2);
  s.group = s.heads / s.kv_heads;
  return s;
}

// The key range and mask row a score row sees: row r is (batch b, kv head, group member, query t).
struct RowView {
  int64_t visible;
  const bool* allowed;
};

struct MaskRows {
  bool causal = false;
  at::Tensor allowed;  // bool [B or 1, T, S] contiguous, or undefined
  RowView row(const AttentionShape& s, int64_t r) const {
    const int64_t t = r % s.queries;
    RowView view{s.keys, nullptr};
    if (causal) view.visible = s.keys - s.queries + t + 1;
    if (allowed.defined()) {
      const int64_t b = allowed.size(0) == 1 ? 0 : r / (s.kv_heads * s.group * s.queries);
      view.allowed = allowed.data_ptr<bool>() + (b * s.queries + t) * s.keys;
    }
    return view;
  }
};

MaskRows mask_rows(bool causal, const at::Tensor& allowed, const AttentionShape& s) {
  MaskRows m;
  m.causal = causal;
  if (!causal && allowed.defined()) {
    const int64_t batch = allowed.size(0) == 1 ? 1 : s.batch;
    m.allowed = allowed.to(at::kBool).expand({batch, 1, s.queries, s.keys}).reshape({batch, s.queries, s.keys}).contiguous();
  }
  return m;
}

// Causal attention over as many keys as queries runs in blocks of query rows: block j's queries see
// keys [0, end of block j) only, so the scores, probabilities and their gradients above the diagonal
// band are never computed or kept (~(n+1)/2n of the square for n blocks). The blocks cost copies,
// more calls and fp32 accumulators for dK and dV, which grow with the key/value heads while the
// skipped triangle grows with the query rows each of them serves. In fp32 (the batched gemms above)
// two blocks already pay: 4 x 256 tokens, 8 heads of 64, forward and backward 11.0 ms in two blocks
// against 12.3-12.8 in one. In bf16 (oneDNN's batched matmul) they pay from 2048 query rows per
// key/value head (query heads per key/value head x positions): 10.6 ms in two blocks against 6.6 in
// one at that 58M shape (256 rows per head), 5.7 against 4.8 at 4 x 256 with 8 query heads on 2
// (1024), 7.6 against 8.4 at 2 x 512 on the same heads (2048), 3.4 against 4.2 at 1 x 384 with 14 on
// 2 (2688); Intel Xeon with AMX, 2 threads. From four blocks (512 positions) bf16 runs in blocks
// anyway, so that the kept probabilities stay near half the square however long the sequence.
// Shorter sequences, masks and caches take the one-block path.
constexpr int64_t kCausalQueryBlock = 128;
constexpr int64_t kBf16BlockedQueryRows = 2048;

// The query blocks of a causal attention with `queries` queries over `keys` keys, `group` query heads
// per key/value head, in `dtype`: (first query, length); none for the one-block path.
std::vector<std::pair<int64_t, int64_t>> causal_query_blocks(int64_t queries, int64_t keys, int64_t group,
                                                             at::ScalarType dtype) {
  std::vector<std::pair<int64_t, int64_t>> blocks;
  const bool blocks_pay = dtype == at::kFloat || group * queries >= kBf16BlockedQueryRows;
  const int64_t min_blocks = blocks_pay ? 2 : 4;
  if (queries != keys || queries < min_blocks * kCausalQueryBlock) return blocks;
  for (int64_t first = 0; first < queries; first += kCausalQueryBlock)
    blocks.emplace_back(first, std::min(kCausalQueryBlock, queries - first));
  return blocks;
}

struct CpuAttentionNode : public torch::autograd::Function<CpuAttentionNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                            bool causal, const c10::optional<at::Tensor>& allowed, double scale) {
    const AttentionShape s = attention_shape(q, k);
    if (causal && !causal_query_blocks(s.queries, s.keys, s.group, q.scalar_type()).empty())
      return blocked_forward(ctx, q, k, v, s, scale);
    const at::Tensor grouped_q = q.reshape({s.batch, s.kv_heads, s.group * s.queries, s.head_dim});
    at::Tensor probs = batched_matmul(grouped_q, k.transpose(-2, -1)).contiguous();  // scores, then probs in place
    const MaskRows mask = mask_rows(causal, allowed.has_value() ? *allowed : at::Tensor(), s);
    const kernels::Storage storage = storage_of(probs);
    const float scale_f = static_cast<float>(scale);
    at::parallel_for(0, s.rows(), row_grain(s.keys), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const RowView view = mask.row(s, r);
        kernels::row_masked_softmax(mutable_row_pointer(probs, r, s.keys), storage, s.keys, view.visible,
                                    view.allowed, scale_f);
      }
    });
    const at::Tensor out = batched_matmul(probs, v);  // [B, KV, group·T, D]
    ctx->save_for_backward({grouped_q, k, v, probs});
    ctx->saved_data["scale"] = scale;
    ctx->saved_data["heads"] = s.heads;
    return out.view({s.batch, s.heads, s.queries, s.head_dim});
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    if (ctx->saved_data.count("blocked")) return blocked_backward(ctx, grad_outputs);
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &grouped_q = saved[0], &k = saved[1], &v = saved[2], &probs = saved[3];
    const int64_t batch = grouped_q.size(0), kv_heads = grouped_q.size(1), rows_per_head = grouped_q.size(2),
                  head_dim = grouped_q.size(3), keys = k.size(2);
    const int64_t heads = ctx->saved_data["heads"].toInt();
    const int64_t queries = rows_per_head / (heads / kv_heads);
    const float scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
    const at::Tensor grad_out = grad_outputs[0].reshape({batch, kv_heads, rows_per_head, head_dim});
    at::Tensor grad_scores = batched_matmul(grad_out, v.transpose(-2, -1)).contiguous();  // dP, then in place dS
    const kernels::Storage storage = storage_of(grad_scores);
    const int64_t rows = batch * kv_heads * rows_per_head;
    at::parallel_for(0, rows, row_grain(keys), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r)
        kernels::row_softmax_backward(mutable_row_pointer(grad_scores, r, keys), row_pointer(probs, r, keys), storage,
                                      keys, scale);
    });
    at::Tensor grad_q, grad_k, grad_v;
    if (ctx->needs_input_grad(0))
      grad_q = batched_matmul(grad_scores, k).view({batch, heads, queries, head_dim});
    if (ctx->needs_input_grad(1)) grad_k = batched_matmul(grad_scores.transpose(-2, -1), grouped_q);
    if (ctx->needs_input_grad(2)) grad_v = batched_matmul(probs.transpose(-2, -1), grad_out);
    return {grad_q, grad_k, grad_v, at::Tensor(), at::Tensor(), at::Tensor()};
  }

  // Block j: the rows of its queries for every head, [B, KV, group·len, D] (q or the output's gradient
  // viewed as [B, KV, group, T, D]), against keys [0, first + len).
  static at::Tensor block_rows(const at::Tensor& per_group, int64_t first, int64_t length) {
    return per_group.narrow(3, first, length)
        .reshape({per_group.size(0), per_group.size(1), per_group.size(2) * length, per_group.size(4)});
  }

  static at::Tensor blocked_forward(AutogradContext* ctx, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                    const AttentionShape& s, double scale) {
    const at::Tensor per_group = q.reshape({s.batch, s.kv_heads, s.group, s.queries, s.head_dim});
    at::Tensor out = at::empty({s.batch, s.kv_heads, s.group, s.queries, s.head_dim}, q.options());
    const kernels::Storage storage = storage_of(q);
    const float scale_f = static_cast<float>(scale);
    variable_list saved = {q, k, v};
    for (const auto& block : causal_query_blocks(s.queries, s.keys, s.group, q.scalar_type())) {
      // Plain variables: the row loop's lambda cannot capture structured bindings before C++20.
      const int64_t first = block.first, length = block.second, visible_keys = first + length;
      const at::Tensor q_rows = block_rows(per_group, first, length);
      at::Tensor probs = batched_matmul(q_rows, k.narrow(2, 0, visible_keys).transpose(-2, -1)).contiguous();
      const int64_t rows = probs.numel() / visible_keys;
      at::parallel_for(0, rows, row_grain(visible_keys), [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r)
          kernels::row_masked_softmax(mutable_row_pointer(probs, r, visible_keys), storage, visible_keys,
                                      first + r % length + 1, nullptr, scale_f);
      });
      out.narrow(3, first, length)
          .copy_(batched_matmul(probs, v.narrow(2, 0, visible_keys))
                     .view({s.batch, s.kv_heads, s.group, length, s.head_dim}));
      saved.push_back(probs);
    }
    ctx->save_for_backward(saved);
    ctx->saved_data["scale"] = scale;
    ctx->saved_data["blocked"] = true;
    return out.view({s.batch, s.heads, s.queries, s.head_dim});
  }

  // dK and dV sum over the blocks that see each key: accumulated in fp32 (one rounding at the end).
  static variable_list blocked_backward(AutogradContext* ctx, const variable_list& grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &q = saved[0], &k = saved[1], &v = saved[2];
    const AttentionShape s = attention_shape(q, k);
    const float scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
    const at::Tensor per_group = q.reshape({s.batch, s.kv_heads, s.group, s.queries, s.head_dim});
    const at::Tensor grad_per_group =
        grad_outputs[0].reshape({s.batch, s.kv_heads, s.group, s.queries, s.head_dim});
    const bool need_q = ctx->needs_input_grad(0), need_k = ctx->needs_input_grad(1), need_v = ctx->needs_input_grad(2);
    // Only the gradients asked for: layer 0's k, for one, needs none when LoRA leaves k_proj out.
    at::Tensor grad_q, grad_k, grad_v;
    if (need_q) grad_q = at::empty({s.batch, s.kv_heads, s.group, s.queries, s.head_dim}, q.options());
    if (need_k) grad_k = at::zeros(k.sizes(), k.options().dtype(at::kFloat));
    if (need_v) grad_v = at::zeros(v.sizes(), v.options().dtype(at::kFloat));
    const kernels::Storage storage = storage_of(q);
    const auto blocks = causal_query_blocks(s.queries, s.keys, s.group, q.scalar_type());
    for (size_t j = 0; j < blocks.size(); ++j) {
      const int64_t first = blocks[j].first, length = blocks[j].second, visible_keys = first + length;
      const at::Tensor& probs = saved[3 + j];
      const at::Tensor grad_rows = block_rows(grad_per_group, first, length);
      const at::Tensor visible_k = k.narrow(2, 0, visible_keys), visible_v = v.narrow(2, 0, visible_keys);
      at::Tensor grad_scores = batched_matmul(grad_rows, visible_v.transpose(-2, -1)).contiguous();  // dP, then dS
      const int64_t rows = grad_scores.numel() / visible_keys;
      at::parallel_for(0, rows, row_grain(visible_keys), [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r)
          kernels::row_softmax_backward(mutable_row_pointer(grad_scores, r, visible_keys),
                                        row_pointer(probs, r, visible_keys), storage, visible_keys, scale);
      });
      if (need_q)
        grad_q.narrow(3, first, length)
            .copy_(batched_matmul(grad_scores, visible_k).view({s.batch, s.kv_heads, s.group, length, s.head_dim}));
      if (need_k)
        grad_k.narrow(2, 0, visible_keys)
            .add_(batched_matmul(grad_scores.transpose(-2, -1), block_rows(per_group, first, length)));
      if (need_v) grad_v.narrow(2, 0, visible_keys).add_(batched_matmul(probs.transpose(-2, -1), grad_rows));
    }
    return {need_q ? grad_q.view({s.batch, s.heads, s.queries, s.head_dim}) : at::Tensor(),
            need_k ? grad_k.to(k.scalar_type()) : at::Tensor(), need_v ? grad_v.to(v.scalar_type()) : at::Tensor(),
            at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// ---- RMSNorm ------------------------------------------------------------------------------------------
struct CpuRmsNormNode : public torch::autograd::Function<CpuRmsNormNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x_in, const at::Tensor& weight_in, double eps) {
    const at::Tensor x = x_in.contiguous();
    const at::Tensor weight = weight_in.to(x.scalar_type()).contiguous();
    const int64_t n = x.size(-1), rows = x.numel() / n;
    at::Tensor out = at::empty_like(x);
    at::Tensor rstd = at::empty({rows}, x.options().dtype(at::kFloat));
    float* rstd_data = rstd.data_ptr<float>();
    const kernels::Storage storage = storage_of(x);
    const float eps_f = static_cast<float>(eps);
    at::parallel_for(0, rows, row_grain(n), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r)
        rstd_data[r] = kernels::rmsnorm_row(row_pointer(x, r, n), weight.data_ptr(), mutable_row_pointer(out, r, n),
                                            storage, n, eps_f);
    });
    ctx->save_for_backward({x, weight, rstd});
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &weight = saved[1], &rstd = saved[2];
    const at::Tensor grad = grad_outputs[0].contiguous();
    const int64_t n = x.size(-1), rows = x.numel() / n;
    at::Tensor grad_x = at::empty_like(x);
    const float* rstd_data = rstd.data_ptr<float>();
    const kernels::Storage storage = storage_of(x);
    at::parallel_for(0, rows, row_grain(n), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r)
        kernels::rmsnorm_backward_row(row_pointer(grad, r, n), row_pointer(x, r, n), weight.data_ptr(), rstd_data[r],
                                      mutable_row_pointer(grad_x, r, n), storage, n);
    });
    return {grad_x, at::Tensor(), at::Tensor()};
  }
};

// ---- rotary position embedding ----------------------------------------------------------------------
// Row r of x is (b, t, head) in [B, T, heads, D]; it goes to (b, head, t) of the [B, heads, T, D] output.
struct RotaryLayout {
  int64_t batch, length, heads, head_dim, table_batch;
  int64_t output_row(int64_t r) const {
    const int64_t b = r / (length * heads), t = (r / heads) % length, h = r % heads;
    return (b * heads + h) * length + t;
  }
  int64_t table_row(int64_t r) const {
    const int64_t b = r / (length * heads), t = (r / heads) % length;
    return (table_batch == 1 ? 0 : b) * length + t;
  }
};

struct CpuRotaryNode : public torch::autograd::Function<CpuRotaryNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x_in, const at::Tensor& cos_in,
                            const at::Tensor& sin_in, int64_t heads, int64_t head_dim) {
    const at::Tensor x = x_in.contiguous();
    const at::Tensor cos = cos_in.to(x.scalar_type()).contiguous(), sin = sin_in.to(x.scalar_type()).contiguous();
    const RotaryLayout layout{x.size(0), x.size(1), heads, head_dim, cos.size(0)};
    at::Tensor out = at::empty({layout.batch, heads, layout.length, head_dim}, x.options());
    const kernels::Storage storage = storage_of(x);
    at::parallel_for(0, layout.batch * layout.length * heads, row_grain(head_dim), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t table = layout.table_row(r);
        kernels::rotary_row(row_pointer(x, r, head_dim), row_pointer(cos, table, head_dim),
                            row_pointer(sin, table, head_dim), mutable_row_pointer(out, layout.output_row(r), head_dim),
                            storage, head_dim, /*inverse=*/false);
      }
    });
    ctx->save_for_backward({cos, sin});
    ctx->saved_data["input_sizes"] = x_in.sizes().vec();
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &cos = saved[0], &sin = saved[1];
    const at::Tensor grad = grad_outputs[0].contiguous();  // [B, heads, T, D]
    const int64_t heads = grad.size(1), head_dim = grad.size(3);
    const RotaryLayout layout{grad.size(0), grad.size(2), heads, head_dim, cos.size(0)};
    at::Tensor grad_x = at::empty({layout.batch, layout.length, heads * head_dim}, grad.options());
    const kernels::Storage storage = storage_of(grad);
    at::parallel_for(0, layout.batch * layout.length * heads, row_grain(head_dim), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t table = layout.table_row(r);
        kernels::rotary_row(row_pointer(grad, layout.output_row(r), head_dim), row_pointer(cos, table, head_dim),
                            row_pointer(sin, table, head_dim), mutable_row_pointer(grad_x, r, head_dim), storage,
                            head_dim, /*inverse=*/true);
      }
    });
    return {grad_x.view(ctx->saved_data["input_sizes"].toIntVector()), at::Tensor(), at::Tensor(), at::Tensor(),
            at::Tensor()};
  }
};

// ---- SiLU-gated product ------------------------------------------------------------------------------
// gate and up as rows of `width` elements `stride` apart ([N, width] views, e.g. the two halves of
// gate/up's one output, LoraLinearGroup), or contiguous (stride = width).
struct GatedRows {
  int64_t rows, width, stride;
};

// The rows view of gate and up when each is [..., width] with unit column stride and one row
// stride over its flattened leading dimensions (always so for contiguous tensors); nullopt
// otherwise (the node then copies them).
c10::optional<GatedRows> gated_rows(const at::Tensor& gate, const at::Tensor& up) {
  const int64_t width = gate.size(-1), rows = width == 0 ? 0 : gate.numel() / width;
  if (gate.stride(-1) != 1 || up.stride(-1) != 1) return c10::nullopt;
  if (gate.dim() < 2) return GatedRows{rows, width, width};
  const int64_t stride = gate.stride(-2);
  // The leading dimensions must flatten into rows `stride` apart, the same for both.
  int64_t expected = stride;
  for (int64_t d = gate.dim() - 2; d >= 0; --d) {
    if (gate.size(d) != 1 && (gate.stride(d) != expected || up.stride(d) != expected)) return c10::nullopt;
    expected *= gate.size(d);
  }
  if (stride < width) return c10::nullopt;
  return GatedRows{rows, width, stride};
}

struct CpuSiluMulNode : public torch::autograd::Function<CpuSiluMulNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& gate_in, const at::Tensor& up_in) {
    const bool in_place = gated_rows(gate_in, up_in).has_value();
    const at::Tensor gate = in_place ? gate_in : gate_in.contiguous(), up = in_place ? up_in : up_in.contiguous();
    const GatedRows rows = *gated_rows(gate, up);
    at::Tensor out = at::empty(gate.sizes(), gate.options());
    const kernels::Storage storage = storage_of(gate);
    const int64_t bytes = element_bytes(gate);
    const auto* gate_data = static_cast<const char*>(gate.data_ptr());
    const auto* up_data = static_cast<const char*>(up.data_ptr());
    auto* out_data = static_cast<char*>(out.data_ptr());
    at::parallel_for(0, rows.rows, row_grain(rows.width), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r)
        kernels::silu_mul(gate_data + r * rows.stride * bytes, up_data + r * rows.stride * bytes,
                          out_data + r * rows.width * bytes, storage, 0, rows.width);
    });
    ctx->save_for_backward({gate, up});
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &gate = saved[0], &up = saved[1];
    const at::Tensor grad = grad_outputs[0].contiguous();
    const GatedRows rows = *gated_rows(gate, up);  // forward kept them in a layout it takes
    const int64_t bytes = element_bytes(gate);
    // Two halves of one output (gate/up as one group): their gradients go into one [N, 2·width]
    // tensor laid out like it, which the group's backward then takes whole instead of joining two.
    const bool halves = rows.stride == 2 * rows.width &&
                        static_cast<const char*>(up.data_ptr()) ==
                            static_cast<const char*>(gate.data_ptr()) + rows.width * bytes;
    at::Tensor grad_gate, grad_up;
    if (halves) {
      std::vector<int64_t> both_sizes = gate.sizes().vec();
      both_sizes.back() = 2 * rows.width;
      const at::Tensor both = at::empty(both_sizes, gate.options());
      grad_gate = both.narrow(-1, 0, rows.width);
      grad_up = both.narrow(-1, rows.width, rows.width);
    } else {
      grad_gate = at::empty(gate.sizes(), gate.options());
      grad_up = at::empty(up.sizes(), up.options());
    }
    const int64_t grad_stride = halves ? 2 * rows.width : rows.width;
    const kernels::Storage storage = storage_of(gate);
    const auto* grad_data = static_cast<const char*>(grad.data_ptr());
    const auto* gate_data = static_cast<const char*>(gate.data_ptr());
    const auto* up_data = static_cast<const char*>(up.data_ptr());
    auto* grad_gate_data = static_cast<char*>(grad_gate.data_ptr());
    auto* grad_up_data = static_cast<char*>(grad_up.data_ptr());
    at::parallel_for(0, rows.rows, row_grain(rows.width), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r)
        kernels::silu_mul_backward(grad_data + r * rows.width * bytes, gate_data + r * rows.stride * bytes,
                                   up_data + r * rows.stride * bytes, grad_gate_data + r * grad_stride * bytes,
                                   grad_up_data + r * grad_stride * bytes, storage, 0, rows.width);
    });
    return {grad_gate, grad_up};
  }
};

// ---- LoRA linear ---------------------------------------------------------------------------------------
uint32_t dropout_threshold(double p) {
  return static_cast<uint32_t>(std::min(std::llround(p * 4294967296.0), static_cast<long long>(UINT32_MAX)));
}

// x (contiguous [N, in]) with the dropout mask applied, as a new tensor.
at::Tensor apply_dropout(const at::Tensor& x, double p, uint64_t seed) {
  at::Tensor out = at::empty_like(x);
  const uint32_t threshold = dropout_threshold(p);
  const float keep_scale = static_cast<float>(1.0 / (1.0 - p));
  const kernels::Storage storage = storage_of(x);
  at::parallel_for(0, x.numel(), kElementGrain, [&](int64_t begin, int64_t end) {
    kernels::dropout_forward(x.data_ptr(), out.data_ptr(), storage, begin, end, seed, threshold, keep_scale);
  });
  return out;
}


struct CpuLoraLinearNode : public torch::autograd::Function<CpuLoraLinearNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                            const c10::optional<at::Tensor>& bias, const at::Tensor& lora_A, const at::Tensor& lora_B,
                            double scaling, double dropout, int64_t seed) {
    ctx->saved_data["seed"] = seed;
    return lora_node::forward(ctx, x, weight, bias, lora_A, lora_B, scaling, dropout,
                              lora_node::cpu_hashed_dropout(dropout, static_cast<uint64_t>(seed)));
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto seed = static_cast<uint64_t>(ctx->saved_data["seed"].toInt());
    return lora_node::backward(ctx, grad_outputs, lora_node::cpu_hashed_dropout(ctx->saved_data["dropout"].toDouble(), seed),
                               /*trailing=*/3);
  }
};

struct CpuLoraLinearGroupNode : public torch::autograd::Function<CpuLoraLinearGroupNode> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                               const c10::optional<at::Tensor>& bias, at::TensorList lora_A, at::TensorList lora_B,
                               const lora_node::GroupLayout& layout, double scaling, double dropout, int64_t seed) {
    ctx->saved_data["seed"] = seed;
    ctx->saved_data["out_features"] = layout.out_features;
    ctx->saved_data["ranks"] = layout.ranks;
    return lora_node::group_forward(ctx, x, weight, bias, lora_A, lora_B, layout, scaling, dropout,
                                    lora_node::cpu_hashed_dropout(dropout, static_cast<uint64_t>(seed)));
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto seed = static_cast<uint64_t>(ctx->saved_data["seed"].toInt());
    const lora_node::GroupLayout layout{ctx->saved_data["out_features"].toIntVector(),
                                        ctx->saved_data["ranks"].toIntVector()};
    return lora_node::group_backward(ctx, grad_outputs, layout,
                                     lora_node::cpu_hashed_dropout(ctx->saved_data["dropout"].toDouble(), seed),
                                     /*trailing=*/4);
  }
};

}  // namespace

namespace cpu {

int64_t causal_attention_score_elements(int64_t length, int64_t group, at::ScalarType dtype) {
  const auto blocks = causal_query_blocks(length, length, group, dtype);
  if (blocks.empty()) return length * length;
  int64_t elements = 0;
  for (const auto& [first, rows] : blocks) elements += rows * (first + rows);
  return elements;
}

at::Tensor cross_entropy_sum(const at::Tensor& logits, const at::Tensor& targets) {
  return CpuCrossEntropyNode::apply(logits, targets);
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal,
                     const at::Tensor& allowed, double scale) {
  // Optional tensors go in as c10::optional: an undefined at::Tensor is not a valid autograd input.
  return CpuAttentionNode::apply(q, k, v, causal,
                                 allowed.defined() ? c10::optional<at::Tensor>(allowed) : c10::nullopt, scale);
}

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  return CpuRmsNormNode::apply(x, weight, eps);
}

at::Tensor rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, int64_t heads, int64_t head_dim) {
  return CpuRotaryNode::apply(x.reshape({x.size(0), x.size(1), heads * head_dim}), cos, sin, heads, head_dim);
}

at::Tensor silu_mul(const at::Tensor& gate, const at::Tensor& up) { return CpuSiluMulNode::apply(gate, up); }

at::Tensor lora_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& lora_A,
                       const at::Tensor& lora_B, double scaling, double dropout, uint64_t dropout_seed) {
  return CpuLoraLinearNode::apply(x, weight, bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt, lora_A,
                                  lora_B, scaling, dropout, static_cast<int64_t>(dropout_seed));
}

std::vector<at::Tensor> lora_linear_group(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                          const std::vector<int64_t>& out_features,
                                          const std::vector<at::Tensor>& lora_A, const std::vector<at::Tensor>& lora_B,
                                          double scaling, double dropout, uint64_t dropout_seed) {
  lora_node::GroupLayout layout{out_features, {}};
  std::vector<at::Tensor> a_list, b_list;
  for (size_t i = 0; i < out_features.size(); ++i) {
    layout.ranks.push_back(lora_A[i].defined() ? lora_A[i].size(0) : 0);
    if (lora_A[i].defined()) {
      a_list.push_back(lora_A[i]);
      b_list.push_back(lora_B[i]);
    }
  }
  // TensorLists, so that autograd sees each factor as an input of the node.
  return CpuLoraLinearGroupNode::apply(x, weight, bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt,
                                       at::TensorList(a_list), at::TensorList(b_list), layout, scaling, dropout,
                                       static_cast<int64_t>(dropout_seed));
}

}  // namespace cpu

uint64_t draw_dropout_seed() {
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  return at::check_generator<at::CPUGeneratorImpl>(generator)->random64();
}

at::Tensor dropout_mask(const at::Tensor& x, double dropout, uint64_t dropout_seed) {
  const at::Tensor ones = at::ones(x.sizes(), x.options().device(at::kCPU));
  return apply_dropout(ones.scalar_type() == at::kBFloat16 ? ones : ones.to(at::kFloat), dropout, dropout_seed)
      .to(x.options());
}

}  // namespace lora::ops

namespace lora {

// The CPU dropout, shared with the quantized CPU node (lora_linear_node.h). In fp32 up to rank
// kLowRankMax, the dropped-out input [N, in] is never written: the kernels hash the mask where they
// read x (BLAS ran the rank-16 products of a fresh [N, in] buffer at a fraction of its peak, and each
// pass over it cost a fresh buffer's page faults). bf16 goes to oneDNN's matmuls over the dropped-out
// input instead: on AMX they ran 1.3-2x faster than these fp32-FMA kernels, hashing pass included
// (docs/PERFORMANCE.md); the input gradient at ranks below 32 excepted (below).
lora_node::DropoutHooks lora_node::cpu_hashed_dropout(double p, uint64_t seed) {
  const uint32_t threshold = ops::dropout_threshold(p);
  const float keep_scale = static_cast<float>(1.0 / (1.0 - p));
  const auto fused = [](const at::Tensor& wide, const at::Tensor& narrow) {
    return narrow.size(1) <= ops::kernels::kLowRankMax && wide.scalar_type() == at::kFloat &&
           narrow.scalar_type() == at::kFloat;
  };
  lora_node::DropoutHooks hooks;
  hooks.project = [=](const at::Tensor& flat_x_in, const at::Tensor& a_in) {
    if (!fused(flat_x_in, a_in.t())) return at::mm(ops::apply_dropout(flat_x_in, p, seed), a_in.t());
    const at::Tensor flat_x = flat_x_in.contiguous(), a = a_in.contiguous();
    const int64_t rank = a.size(0), in = a.size(1);
    at::Tensor down = at::empty({flat_x.size(0), rank}, flat_x.options());
    at::parallel_for(0, flat_x.size(0), ops::row_grain(in * rank), [&](int64_t begin, int64_t end) {
      ops::kernels::dropout_low_rank_project(flat_x.data_ptr(), a.data_ptr(), down.data_ptr(), ops::storage_of(flat_x),
                                             begin, end, in, rank, seed, threshold, keep_scale);
    });
    return down;
  };
  hooks.grad_a = [=](const at::Tensor& grad_down_in, const at::Tensor& flat_x_in) {
    if (!fused(flat_x_in, grad_down_in))
      return at::mm(grad_down_in.t(), ops::apply_dropout(flat_x_in, p, seed)).to(at::kFloat);
    const at::Tensor flat_x = flat_x_in.contiguous(), grad_down = grad_down_in.contiguous();
    const int64_t rows = flat_x.size(0), in = flat_x.size(1), rank = grad_down.size(1);
    at::Tensor grad_a = at::empty({rank, in}, flat_x.options().dtype(at::kFloat));
    constexpr int64_t kColumns = ops::kernels::kColumnBlock;
    const int64_t blocks = (in + kColumns - 1) / kColumns;
    at::parallel_for(0, blocks, ops::row_grain(rows * rank * kColumns), [&](int64_t begin, int64_t end) {
      ops::kernels::dropout_low_rank_grad(flat_x.data_ptr(), grad_down.data_ptr(), grad_a.data_ptr<float>(),
                                          ops::storage_of(flat_x), begin * kColumns, std::min(in, end * kColumns),
                                          rows, in, rank, seed, threshold, keep_scale);
    });
    return grad_a;
  };
  // The input gradient takes the kernel in bf16 too below one AMX tile's depth of rank (32 bf16
  // values): oneDNN computes [N, r]·[r, in] with r < 32 on AVX-512 dot products instead, and the
  // kernel, which never writes the [N, in] product, ran 1.2-1.9x faster at r 16 (in 512-4864, Intel
  // Xeon with AMX, 2 threads). From r 32 oneDNN's AMX product was as fast or faster.
  const auto fused_accumulate = [fused](const at::Tensor& grad_x, const at::Tensor& grad_down) {
    constexpr int64_t kAmxTileDepth = 32;
    return fused(grad_x, grad_down) || (grad_x.scalar_type() == at::kBFloat16 &&
                                        grad_down.scalar_type() == at::kBFloat16 && grad_down.size(1) < kAmxTileDepth);
  };
  hooks.add_dropped_grad = [=](at::Tensor& grad_x, const at::Tensor& grad_down_in, const at::Tensor& a_in) {
    const ops::kernels::Storage storage = ops::storage_of(grad_x);
    const int64_t rank = grad_down_in.size(1), in = grad_x.size(1);
    if (!fused_accumulate(grad_x, grad_down_in) || a_in.scalar_type() != grad_x.scalar_type() ||
        !grad_x.is_contiguous()) {
      const at::Tensor lora_part = at::mm(grad_down_in, a_in);
      at::parallel_for(0, grad_x.numel(), ops::kElementGrain, [&](int64_t begin, int64_t end) {
        ops::kernels::dropout_accumulate(grad_x.data_ptr(), lora_part.data_ptr(), storage, begin, end, seed,
                                         threshold, keep_scale);
      });
      return;
    }
    // The [N, in] product is never made: each row's grad_down·a is formed in registers where it is added.
    const at::Tensor grad_down = grad_down_in.contiguous(), a = a_in.contiguous();
    at::parallel_for(0, grad_x.size(0), ops::row_grain(in * rank), [&](int64_t begin, int64_t end) {
      ops::kernels::dropout_low_rank_accumulate(grad_x.data_ptr(), grad_down.data_ptr(), a.data_ptr(), storage, begin,
                                                end, in, rank, seed, threshold, keep_scale);
    });
  };
  return hooks;
}

}  // namespace lora
