#!/usr/bin/env python3
"""Checks the engine's CUDA numbers against transformers + peft on the GPU machine
(scripts/device-check.sh runs it after the engine has written its logits).

  cuda_peft_check.py MODEL_DIR ADAPTER_DIR IDS WORK_DIR

WORK_DIR holds the engine's logits files (F32 "logits" [T, vocab], from `lora-studio-cli logits`):
  cpu_fp32.safetensors, cuda_fp32.safetensors, cuda_bf16.safetensors  (base model)
  adapter_cuda_fp32.safetensors                                        (with ADAPTER_DIR)
Loads MODEL_DIR with transformers (fp32 on CUDA, SDPA) and ADAPTER_DIR with
peft.PeftModel.from_pretrained, and prints one line per comparison as
  CHECK <name> rel=<|a-b|/|b|> limit=<limit> PASS|FAIL
Exits 1 when any comparison fails.
"""
import sys

import torch
from safetensors.torch import load_file


def rel(a, b):
    return ((a.double() - b.double()).norm() / b.double().norm()).item()


def main():
    model_dir, adapter_dir, ids_text, work = sys.argv[1:5]
    ids = torch.tensor([[int(x) for x in ids_text.split(",")]], device="cuda")
    engine = {name: load_file(f"{work}/{name}.safetensors")["logits"]
              for name in ("cpu_fp32", "cuda_fp32", "cuda_bf16", "adapter_cuda_fp32")}

    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    # The matmuls of the reference must be true fp32 for a 1e-4 comparison.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    base = AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype=torch.float32).to("cuda").eval()
    with torch.no_grad():
        hf_base = base(ids).logits[0].float().cpu()
    peft_model = PeftModel.from_pretrained(base, adapter_dir).eval()
    with torch.no_grad():
        hf_adapter = peft_model(ids).logits[0].float().cpu()

    checks = [
        ("engine cuda fp32 vs engine cpu fp32", rel(engine["cuda_fp32"], engine["cpu_fp32"]), 1e-4),
        ("engine cuda fp32 vs transformers fp32", rel(engine["cuda_fp32"], hf_base), 1e-4),
        ("engine cuda bf16 vs transformers fp32", rel(engine["cuda_bf16"], hf_base), 3e-2),
        ("adapter changes the logits (peft)", -rel(hf_adapter, hf_base), -1e-6),
        ("engine cuda fp32 + adapter vs PeftModel.from_pretrained fp32",
         rel(engine["adapter_cuda_fp32"], hf_adapter), 1e-4),
    ]
    failed = 0
    for name, value, limit in checks:
        ok = value == value and value <= limit  # NaN never passes
        failed += not ok
        print(f"CHECK {name}: rel={abs(value):.3g} limit={abs(limit):.3g} {'PASS' if ok else 'FAIL'}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
