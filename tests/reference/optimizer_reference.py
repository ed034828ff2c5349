#!/usr/bin/env python3
"""torch.optim reference for tests/test_optimizer.cpp (Debian's python3-torch 1.13, fp32, CPU).

Writes tests/fixtures/optimizer/optimizer_reference.json: two parameters (a [3, 50] "lora_A" and a
[40, 3] "lora_B", LoRA factors' shapes), the gradients of four steps, and what torch.optim.AdamW
(weight decay 0.01, the defaults otherwise) and torch.optim.SGD (momentum 0.9, weight decay 0.01)
leave in the parameters after each step, plus AdamW's moments after the last.

Run: /usr/bin/python3 tests/reference/optimizer_reference.py tests/fixtures/optimizer/optimizer_reference.json
"""
import json
import sys

import torch

torch.manual_seed(20261207)
SHAPES = {"lora_A": (3, 50), "lora_B": (40, 3)}
STEPS = 4
LR = 1e-2


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def main(out_path):
    initial = {name: torch.randn(shape) for name, shape in SHAPES.items()}
    # Gradients of very different sizes per step, so the moments' ratios differ from ±1.
    grads = [{name: torch.randn(shape) * (10.0 ** (step - 2)) for name, shape in SHAPES.items()} for step in range(STEPS)]
    fixture = {"lr": LR, "steps": STEPS, "shapes": {k: list(v) for k, v in SHAPES.items()},
               "initial": {k: flat(v) for k, v in initial.items()},
               "grads": [{k: flat(v) for k, v in g.items()} for g in grads]}
    for name, make in (("adamw", lambda p: torch.optim.AdamW(p, lr=LR, weight_decay=0.01)),
                       ("sgd", lambda p: torch.optim.SGD(p, lr=LR, momentum=0.9, weight_decay=0.01))):
        params = {k: v.clone().requires_grad_(True) for k, v in initial.items()}
        optimizer = make(list(params.values()))
        after = []
        for step in range(STEPS):
            for k, p in params.items():
                p.grad = grads[step][k].clone()
            optimizer.step()
            after.append({k: flat(p) for k, p in params.items()})
        fixture[name] = after
        if name == "adamw":
            fixture["adamw_exp_avg"] = {k: flat(optimizer.state[p]["exp_avg"]) for k, p in params.items()}
            fixture["adamw_exp_avg_sq"] = {k: flat(optimizer.state[p]["exp_avg_sq"]) for k, p in params.items()}
    with open(out_path, "w") as f:
        json.dump(fixture, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/optimizer/optimizer_reference.json")
