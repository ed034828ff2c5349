#include "target_loss.h"

#include <ATen/ATen.h>

#include "causal_lm.h"

namespace lora {

at::Tensor summed_target_loss(CausalLM& model, const at::Tensor& input_ids, const at::Tensor& labels) {
  constexpr int64_t kIgnoreLabel = -100;
  const at::Tensor hidden = model.forward_hidden(input_ids);
  const at::Tensor positions = labels.reshape({-1}).ne(kIgnoreLabel).nonzero().squeeze(1);
  const at::Tensor selected = hidden.reshape({-1, hidden.size(-1)}).index_select(0, positions);  // [n, hidden]
  const at::Tensor logits = model.logits_from_hidden(selected);                                  // [n, vocab] fp32
  const at::Tensor targets = labels.reshape({-1}).index_select(0, positions);
  return at::cross_entropy_loss(logits, targets, {}, at::Reduction::Sum);
}

}  // namespace lora
