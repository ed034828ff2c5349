#pragma once
// Gradient checkpointing: run a block without keeping its activations and recompute them in the
// backward pass. Trades one extra forward per block for memory that grows with one block instead
// of the whole stack (long cutoff lengths, large micro-batches).
#include <ATen/core/Tensor.h>

#include <functional>
#include <vector>

namespace lora {

// Returns block(input) with a graph that reaches `input` and `params` (the tensors requiring grad
// that block uses) through a recomputation. Dropout draws the same masks in the recomputation: the
// generator state is saved before the forward and restored for the backward.
at::Tensor checkpointed_block(std::function<at::Tensor(const at::Tensor&)> block, const at::Tensor& input,
                              const std::vector<at::Tensor>& params);

}  // namespace lora
