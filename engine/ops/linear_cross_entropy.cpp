// ops::linear_cross_entropy_sum (ops.h): the output head and the cross-entropy in one node, a band
// of rows at a time, so the [n, vocab] logits never exist whole. At vocab 150k-260k (Qwen, Gemma)
// they are the largest tensor of a step: 4096 target tokens x 151936 x 2 bytes = 1.2 GB in bf16,
// more than a 0.5B model's weights. Here one band of them lives in one reused buffer.
//
// The gradient of the hidden states is computed in forward, band by band, while the band's logits
// are at hand (softmax - one-hot, then · W): backward only scales it by the incoming gradient. So
// the head's matmul runs twice per step, as before (forward, input gradient), and nothing is
// recomputed; what the node keeps is grad_hidden [n, hidden], the size of its input.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>

#include "cpu_kernels.h"
#include "error.h"
#include "ops.h"
#include "ops_messages.h"

namespace lora::ops {

// A band's logits: ~32 MiB on the CPU (measured at vocab 32000, fp32: 8 MiB bands, 65 rows, ran
// the head's matmuls 7% slower than whole logits; 32 MiB, 262 rows, 5% faster, the buffer reused
// from the allocator's warm pages), ~256 MiB elsewhere; and at least 256 rows: each band streams
// the whole head through the matmul, which a few rows cannot keep busy (at Qwen's vocab 151936,
// fp32, a 32 MiB band is 55 rows, and [55, 896] x [896, 151936] ran at 100 GFLOP/s against 154 at
// 256 rows and 210 at 1024 on the same machine; docs/PERFORMANCE.md). A whole number of 128-row
// tiles: oneDNN's AMX bf16 kernels ran [262, 512] x [512, 32000] and its gradient at 1063 and 740
// GFLOP/s against 2008 and 1606 with 256 rows (Intel Xeon with AMX, 2 threads).
int64_t linear_cross_entropy_band_rows(int64_t rows, int64_t vocab, bool on_cpu) {
  constexpr int64_t kTileRows = 128;
  const int64_t budget = on_cpu ? (int64_t{32} << 20) : (int64_t{256} << 20);
  const int64_t bytes_per_row = std::max<int64_t>(1, vocab * static_cast<int64_t>(sizeof(float)));
  const int64_t band = std::max<int64_t>(2 * kTileRows, budget / bytes_per_row / kTileRows * kTileRows);
  return std::max<int64_t>(1, std::min(rows, band));
}

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;
namespace kernels = cpu_kernels;

bool cpu_kernels_serve(const at::Tensor& t) {
  return t.device().is_cpu() && (t.scalar_type() == at::kFloat || t.scalar_type() == at::kBFloat16);
}

// The loss of each row of one band, and (grad) the band overwritten with softmax - one-hot.
void band_cpu(at::Tensor& logits, const int64_t* target, double* row_loss, bool grad) {
  const int64_t rows = logits.size(0), vocab = logits.size(1);
  const bool bf16 = logits.scalar_type() == at::kBFloat16;
  const kernels::Storage storage = bf16 ? kernels::Storage::BFloat16 : kernels::Storage::Float32;
  char* base = static_cast<char*>(logits.data_ptr());
  const int64_t row_bytes = vocab * static_cast<int64_t>(logits.element_size());
  at::parallel_for(0, rows, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      char* row = base + i * row_bytes;
      const float target_logit = bf16 ? static_cast<float>(reinterpret_cast<const at::BFloat16*>(row)[target[i]])
                                      : reinterpret_cast<const float*>(row)[target[i]];
      const float lse = grad ? kernels::row_logsumexp_softmax_minus_onehot(row, storage, vocab, target[i])
                             : kernels::row_logsumexp(row, storage, vocab);
      row_loss[i] = static_cast<double>(lse) - static_cast<double>(target_logit);
    }
  });
}

// The same with ATen ops, on any device (no host synchronisation).
at::Tensor band_aten(at::Tensor& logits, const at::Tensor& targets, bool grad) {
  const at::Tensor index = targets.unsqueeze(1);
  at::Tensor fp32 = logits.to(at::kFloat);
  const at::Tensor lse = at::logsumexp(fp32, {1});
  const at::Tensor loss = (lse - fp32.gather(1, index).squeeze(1)).to(at::kDouble);
  if (grad) {
    at::Tensor softmax = fp32.sub_(lse.unsqueeze(1)).exp_();
    softmax.scatter_(1, index, softmax.gather(1, index).sub_(1.0));
    logits.copy_(softmax);
  }
  return loss;
}

struct LinearCrossEntropyNode : public torch::autograd::Function<LinearCrossEntropyNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& hidden_in, const at::Tensor& weight_in,
                            const at::Tensor& targets_in, int64_t band_rows, bool grad) {
    const at::Tensor hidden = hidden_in.contiguous();
    // Either layout of the head runs as it is (transformer.cpp keeps a bf16 CPU head column by column).
    const at::Tensor weight = weight_in.t().is_contiguous() ? weight_in : weight_in.contiguous();
    const at::Tensor targets = targets_in.to(at::kLong).contiguous();
    const int64_t rows = hidden.size(0), vocab = weight.size(0);
    const bool on_cpu = cpu_kernels_serve(hidden);
    if (on_cpu) {
      const int64_t* target = targets.data_ptr<int64_t>();
      for (int64_t i = 0; i < rows; ++i)
        if (target[i] < 0 || target[i] >= vocab)
          throw Error(msg::Ops::cross_entropy_target_outside_vocabulary, target[i], i, vocab);
    }
    at::Tensor row_loss = at::empty({rows}, hidden.options().dtype(at::kDouble));
    at::Tensor grad_hidden = grad ? at::empty_like(hidden) : at::Tensor();
    const int64_t band = band_rows > 0 ? std::max<int64_t>(1, std::min(rows, band_rows))
                                       : linear_cross_entropy_band_rows(rows, vocab, hidden.device().is_cpu());
    at::Tensor buffer = at::empty({band, vocab}, hidden.options());
    for (int64_t begin = 0; begin < rows; begin += band) {
      const int64_t count = std::min(band, rows - begin);
      at::Tensor logits = count == band ? buffer : buffer.narrow(0, 0, count);
      at::mm_out(logits, hidden.narrow(0, begin, count), weight.t());
      if (on_cpu) {
        band_cpu(logits, targets.data_ptr<int64_t>() + begin, row_loss.data_ptr<double>() + begin, grad);
      } else {
        row_loss.narrow(0, begin, count).copy_(band_aten(logits, targets.narrow(0, begin, count), grad));
      }
      if (grad) {
        at::Tensor grad_band = grad_hidden.narrow(0, begin, count);
        at::mm_out(grad_band, logits, weight);
      }
    }
    if (!on_cpu && rows > 0) {
      // Checked after the work so the device is not waited on per band.
      const bool inside = targets.ge(0).logical_and(targets.lt(vocab)).all().item<bool>();
      if (!inside) {
        const at::Tensor bad = targets.lt(0).logical_or(targets.ge(vocab)).nonzero().flatten().cpu();
        const int64_t i = bad[0].item<int64_t>();
        throw Error(msg::Ops::cross_entropy_target_outside_vocabulary, targets[i].item<int64_t>(), i, vocab);
      }
    }
    ctx->save_for_backward({grad_hidden});
    return row_loss.sum().to(at::kFloat);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const at::Tensor grad_hidden = ctx->get_saved_variables()[0];
    // A device tensor scale: no host synchronisation.
    return {grad_hidden * grad_outputs[0].to(grad_hidden.scalar_type()), at::Tensor(), at::Tensor(), at::Tensor(),
            at::Tensor()};
  }
};

}  // namespace

at::Tensor linear_cross_entropy_sum(const at::Tensor& hidden, const at::Tensor& weight, const at::Tensor& targets,
                                    int64_t band_rows) {
  if (hidden.dim() != 2 || weight.dim() != 2 || targets.dim() != 1 || targets.size(0) != hidden.size(0) ||
      weight.size(1) != hidden.size(1) || weight.scalar_type() != hidden.scalar_type() || weight.size(0) == 0)
    throw Error(msg::Ops::cross_entropy_bad_shapes);
  const bool grad = at::GradMode::is_enabled() && hidden.requires_grad();
  return LinearCrossEntropyNode::apply(hidden, weight.detach(), targets, band_rows, grad);
}

}  // namespace lora::ops
