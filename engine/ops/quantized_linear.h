#pragma once
// The CPU training node of a LoRA layer over a quantized frozen base (QLoRA; quantized_linear.cpp):
// y = x·Wᵀ + bias + scaling·(dropout(x)·Aᵀ)·Bᵀ as one autograd node, W dequantized tile by tile as
// ops::quantized_linear does and the LoRA branch as the dense CPU node (ops::lora_linear) computes it,
// its dropout mask the same hash of dropout_seed (ops::draw_dropout_seed) recomputed in backward.
// Gradients: x (through the dequantized W and the branch), lora_A and lora_B (fp32); none for W or
// bias. x: CPU fp32/bf16 [..., in]; lora_A [r, in] and lora_B [out, r] the fp32 masters.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lora {

struct QuantizedWeight;

namespace ops::cpu {
at::Tensor quantized_lora_linear(const at::Tensor& x, const QuantizedWeight& weight, const at::Tensor& bias,
                                 const at::Tensor& lora_A, const at::Tensor& lora_B, double scaling, double dropout,
                                 uint64_t dropout_seed);
}  // namespace ops::cpu

}  // namespace lora
