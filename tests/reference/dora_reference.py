#!/usr/bin/env python3
"""DoRA reference for tests/test_dora.cpp, written from PEFT's source (huggingface/peft at
5d602fdb: src/peft/tuners/lora/dora.py DoraLinearLayer, variants.py DoraLinearVariant, layer.py
Linear.forward). PEFT itself is not installed here, so its DoRA code path for an nn.Linear is
restated below with its exact operations and order, in fp32 (Debian's python3-torch 1.13).

Writes tests/fixtures/dora/dora_reference.json: a tiny layer (W, bias, lora_A, lora_B, scaling),
an input, an upstream gradient and a dropout mask, and what PEFT computes from them:
  magnitude_init   DoraLinearLayer.update_layer: ||W + scaling·B·A|| per row (B nonzero here)
  eval_output      Linear.forward in eval mode (base_result = result; bias subtracted inside)
  train_*          training mode with lora_dropout 0 (nn.Identity): output, grads of A, B, magnitude
  dropout_*        training mode with dropout: x̃ = x·mask for the base correction and the LoRA branch
  merged_weight    DoraLinearVariant.merge_safe: (m / ||W + ΔW||) · (W + ΔW)

Run: python3 tests/reference/dora_reference.py tests/fixtures/dora/dora_reference.json
"""
import json
import sys

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(1234)
IN, OUT, R, ALPHA = 6, 5, 2, 4.0
SCALING = ALPHA / R
P_DROP = 0.25


class DoraLinearLayer(nn.Module):  # peft/tuners/lora/dora.py, fan_in_fan_out False, no caching
    def get_weight_norm(self, weight, lora_weight, scaling):
        weight = weight + scaling * lora_weight
        weight_norm = torch.linalg.norm(weight, dim=1).to(weight.dtype)
        return weight_norm

    def get_lora_weight(self, lora_A, lora_B):
        x_eye = torch.eye(lora_A.weight.shape[1], device=lora_A.weight.device, dtype=lora_A.weight.dtype)
        lora_weight = lora_B(lora_A(x_eye)).T
        return lora_weight

    def update_layer(self, *, base_layer, lora_A, lora_B, scaling):
        weight = base_layer.weight
        lora_weight = lora_B @ lora_A
        weight_norm = self.get_weight_norm(weight=weight, lora_weight=lora_weight, scaling=scaling)
        self.weight = nn.Parameter(weight_norm, requires_grad=True)

    def forward(self, x, *, lora_A, lora_B, scaling, base_layer, base_result=None):
        lora_weight = self.get_lora_weight(lora_A=lora_A, lora_B=lora_B)
        lora_weight = lora_weight.to(x.dtype)
        magnitude = self.weight
        weight = base_layer.weight.to(x.dtype)
        weight_norm = self.get_weight_norm(weight=weight, lora_weight=lora_weight.detach(), scaling=scaling)
        weight_norm = weight_norm.detach()
        mag_norm_scale = (magnitude / weight_norm).view(1, -1)
        lora_result = lora_B(lora_A(x))
        bias = None
        if base_result is not None:
            bias = base_layer.bias
            if bias is not None:
                base_result = base_result - bias
        else:
            base_result = F.linear(x, weight)
        result_dora = (mag_norm_scale - 1) * base_result + mag_norm_scale * lora_result * scaling
        return result_dora


class DoraLinear(nn.Module):  # layer.py Linear with DoraLinearVariant, one adapter
    def __init__(self, base, A, B, dropout):
        super().__init__()
        self.base_layer = base
        self.lora_A = nn.Linear(IN, R, bias=False)
        self.lora_B = nn.Linear(R, OUT, bias=False)
        with torch.no_grad():
            self.lora_A.weight.copy_(A)
            self.lora_B.weight.copy_(B)
        self.lora_dropout = dropout
        self.scaling = SCALING
        self.dora = DoraLinearLayer()
        self.dora.update_layer(base_layer=base, lora_A=self.lora_A.weight, lora_B=self.lora_B.weight,
                               scaling=self.scaling)

    def forward(self, x):
        result = self.base_layer(x)
        torch_result_dtype = result.dtype
        x = x.to(self.lora_A.weight.dtype)
        # DoraLinearVariant.forward
        if isinstance(self.lora_dropout, nn.Identity) or not self.training:
            base_result = result
        else:
            x = self.lora_dropout(x)
            base_result = None
        result = result + self.dora(x, lora_A=self.lora_A, lora_B=self.lora_B, scaling=self.scaling,
                                    base_layer=self.base_layer, base_result=base_result)
        return result.to(torch_result_dtype)

    def merged_weight(self):  # DoraLinearVariant.merge_safe
        orig_weight = self.base_layer.weight.data.clone()
        delta_weight = (self.lora_B.weight @ self.lora_A.weight) * self.scaling
        weight_norm = self.dora.get_weight_norm(orig_weight, delta_weight, scaling=1).detach()
        dora_factor = self.dora.weight / weight_norm
        return dora_factor.view(-1, 1) * (orig_weight + delta_weight)


class FixedMaskDropout(nn.Module):
    """nn.Dropout with its mask given (kept entries 1/(1-p), dropped 0), so C++ can use the same one."""

    def __init__(self, mask):
        super().__init__()
        self.mask = mask

    def forward(self, x):
        return x * self.mask


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def main(out_path):
    base = nn.Linear(IN, OUT, bias=True)
    W = torch.randn(OUT, IN)
    bias = torch.randn(OUT) * 0.1
    with torch.no_grad():
        base.weight.copy_(W)
        base.bias.copy_(bias)
    base.requires_grad_(False)
    A = torch.randn(R, IN) * 0.3
    B = torch.randn(OUT, R) * 0.3  # nonzero: the initial magnitude includes scaling·B·A
    x = torch.randn(2, 3, IN)
    grad_out = torch.randn(2, 3, OUT)
    mask = (torch.rand(2, 3, IN) >= P_DROP).float() / (1.0 - P_DROP)
    magnitude_shift = torch.randn(OUT) * 0.2

    fixture = {"in": IN, "out": OUT, "r": R, "alpha": ALPHA, "scaling": SCALING, "dropout": P_DROP,
               "weight": flat(W), "bias": flat(bias), "lora_A": flat(A), "lora_B": flat(B),
               "x": flat(x), "x_shape": list(x.shape), "grad_output": flat(grad_out), "mask": flat(mask),
               "magnitude_shift": flat(magnitude_shift)}

    def layer(dropout):
        module = DoraLinear(base, A, B, dropout)
        init = module.dora.weight.detach().clone()
        with torch.no_grad():  # a trained magnitude, not the initial one, for everything below
            module.dora.weight.add_(magnitude_shift)
        return module, init

    module, init = layer(nn.Identity())
    fixture["magnitude_init"] = flat(init)
    fixture["magnitude"] = flat(module.dora.weight)
    module.eval()
    with torch.no_grad():
        fixture["eval_output"] = flat(module(x))
    fixture["merged_weight"] = flat(module.merged_weight())

    for name, dropout in (("train", nn.Identity()), ("dropout", FixedMaskDropout(mask))):
        module, _ = layer(dropout)
        module.train()
        y = module(x)
        (y * grad_out).sum().backward()
        fixture[name + "_output"] = flat(y)
        fixture[name + "_grad_A"] = flat(module.lora_A.weight.grad)
        fixture[name + "_grad_B"] = flat(module.lora_B.weight.grad)
        fixture[name + "_grad_magnitude"] = flat(module.dora.weight.grad)

    with open(out_path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/dora/dora_reference.json")
