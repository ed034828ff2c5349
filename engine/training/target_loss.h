#pragma once
// The training loss of one micro-batch, shared by the trainer and `bench train` so the benchmark
// times exactly what training runs.
#include <ATen/core/Tensor.h>

namespace lora {

class CausalLM;

// Sum of the token cross-entropies (fp32) over the positions whose label is not -100.
// labels [B, T] are next-token targets already shifted: hidden state t predicts labels[t].
// Only those positions go through lm_head: prompt positions would cost a vocabulary-sized matmul for nothing.
at::Tensor summed_target_loss(CausalLM& model, const at::Tensor& input_ids, const at::Tensor& labels);

}  // namespace lora
