#include "target_loss.h"

#include <ATen/ATen.h>

#include "causal_lm.h"
#include "device.h"
#include "lora_linear.h"
#include "ops.h"

namespace lora {

at::Tensor summed_target_loss(CausalLM& model, const at::Tensor& input_ids, const at::Tensor& labels) {
  constexpr int64_t kIgnoreLabel = -100;
  const at::Tensor hidden = model.forward_hidden(input_ids);
  // nonzero() has a data-dependent size: on the host labels (the trainer's) it costs nothing, on
  // CUDA labels it waits for the device. Positions and targets then reach the device without a wait.
  const at::Tensor host_positions = labels.reshape({-1}).ne(kIgnoreLabel).nonzero().squeeze(1);
  const at::Tensor host_targets = labels.reshape({-1}).index_select(0, host_positions);
  const at::Tensor positions = to_device_without_waiting(host_positions, hidden.device());
  const at::Tensor targets = to_device_without_waiting(host_targets, hidden.device());
  const at::Tensor selected = hidden.reshape({-1, hidden.size(-1)}).index_select(0, positions);  // [n, hidden]
  // A plain frozen head (no LoRA on it, no bias, no soft-capping, not quantized: every family as
  // people train it) goes into the banded node with the cross-entropy, so the [n, vocab] logits,
  // the largest tensor of the step at a 150k-260k vocabulary, are never held whole.
  LoraLinear& head = model.linear_layer("lm_head");
  if (!(head.has_lora() && head.lora_enabled()) && !head.bias().defined() && !head.quantized() &&
      head.weight().defined() && head.weight().scalar_type() == selected.scalar_type() &&
      model.config().final_logit_softcapping <= 0)
    return ops::linear_cross_entropy_sum(selected, head.weight(), targets);
  // Otherwise the head's logits stay in the compute dtype [n, vocab]: the CPU cross-entropy node (on
  // CUDA the lean one, in 64 MB fp32 chunks) reads them for the log-sum-exp and writes its gradient
  // over them in that dtype (no fp32 copy of the largest tensor of the step).
  const at::Tensor logits = model.head_logits(selected);
  return ops::cross_entropy_sum(logits, targets);
}

}  // namespace lora
