#!/usr/bin/python3
"""Eager PyTorch reference for `lora-studio-cli bench train` (issue 6): the same Llama-shaped model,
PEFT-style LoRA, AdamW and batch as the engine's benchmark, timed the same way, printing one JSON line.

What a user of Hugging Face transformers + PEFT + Trainer runs, written out in plain PyTorch because
Debian's python3-torch (1.13, the libtorch the engine links) comes without transformers/peft:
  * LlamaForCausalLM's eager code path: RMSNorm in fp32 cast back to the input dtype, rotary
    embeddings from fp32 angles, attention as softmax(QK^T/sqrt(d) + causal mask, fp32) V with
    repeat_kv for grouped heads, SiLU-gated MLP, untied lm_head, logits.float() into the loss.
  * peft.tuners.lora.Linear: result = base(x); x cast to lora_A's dtype; result += B(A(dropout(x))) *
    alpha/r; lora_A kaiming-uniform(a=sqrt(5)), lora_B zeros; every base weight frozen.
  * Trainer's step: loss.backward(), clip_grad_norm_(1.0), AdamW step, zero_grad.
Precisions (one per process, so the RSS high-water mark is that run's alone):
  fp32            everything fp32
  bf16-autocast   fp32 weights, torch.autocast("cpu", bfloat16) (Trainer's bf16=True on a CPU);
                  every frozen weight is re-cast to bf16 on every matmul
  bf16-weights    frozen weights stored in bf16 (from_pretrained(torch_dtype=bfloat16)), LoRA
                  factors fp32 (PEFT's autocast_adapter_dtype), under the same autocast
FLOPs are counted exactly as the engine counts them (app/cli/cli_bench_train.cpp):
  4 x frozen matmul weights x tokens + 6 x LoRA parameters x tokens + 3 x forward attention.

Usage: /usr/bin/python3 tests/reference/bench_train_reference.py --precision bf16-autocast [--threads 2]
       [--hidden-size 512 --intermediate-size 1376 --layers 8 --heads 8 --kv-heads 8 --vocab-size 32000]
       [--seq-len 256 --micro-batch 4 --rank 16 --alpha 32 --dropout 0.05 --target-modules all-linear]
       [--steps 5 --warmup 1] [--profile]
"""
import argparse
import json
import math
import os
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ALL_LINEAR = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


class RMSNorm(nn.Module):
    def __init__(self, hidden, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        h = x.to(torch.float32)
        variance = h.pow(2).mean(-1, keepdim=True)
        h = h * torch.rsqrt(variance + self.eps)
        return self.weight * h.to(dtype)


class LoraLinear(nn.Module):
    """peft.tuners.lora.layer.Linear with one adapter."""

    def __init__(self, base, rank, alpha, dropout):
        super().__init__()
        self.base_layer = base
        self.lora_A = nn.Linear(base.in_features, rank, bias=False)
        self.lora_B = nn.Linear(rank, base.out_features, bias=False)
        self.lora_dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.scaling = alpha / rank
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)

    def forward(self, x):
        result = self.base_layer(x)
        result_dtype = result.dtype
        x = x.to(self.lora_A.weight.dtype)
        result = result + self.lora_B(self.lora_A(self.lora_dropout(x))) * self.scaling
        return result.to(result_dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.heads, self.kv_heads = a.heads, a.kv_heads
        self.head_dim = a.hidden_size // a.heads
        self.q_proj = nn.Linear(a.hidden_size, self.heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(a.hidden_size, self.kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(a.hidden_size, self.kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.heads * self.head_dim, a.hidden_size, bias=False)

    def forward(self, x, cos, sin, causal_mask):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        group = self.heads // self.kv_heads
        if group > 1:  # transformers' repeat_kv
            k = k[:, :, None].expand(b, self.kv_heads, group, t, self.head_dim).reshape(b, self.heads, t, self.head_dim)
            v = v[:, :, None].expand(b, self.kv_heads, group, t, self.head_dim).reshape(b, self.heads, t, self.head_dim)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        scores = scores + causal_mask
        probs = F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(b, t, -1)
        return self.o_proj(out)


class Mlp(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.gate_proj = nn.Linear(a.hidden_size, a.intermediate_size, bias=False)
        self.up_proj = nn.Linear(a.hidden_size, a.intermediate_size, bias=False)
        self.down_proj = nn.Linear(a.intermediate_size, a.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.input_layernorm = RMSNorm(a.hidden_size, 1e-6)
        self.self_attn = Attention(a)
        self.post_attention_layernorm = RMSNorm(a.hidden_size, 1e-6)
        self.mlp = Mlp(a)

    def forward(self, h, cos, sin, mask):
        h = h + self.self_attn(self.input_layernorm(h), cos, sin, mask)
        return h + self.mlp(self.post_attention_layernorm(h))


class LlamaForCausalLM(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.embed_tokens = nn.Embedding(a.vocab_size, a.hidden_size)
        self.layers = nn.ModuleList(DecoderLayer(a) for _ in range(a.layers))
        self.norm = RMSNorm(a.hidden_size, 1e-6)
        self.lm_head = nn.Linear(a.hidden_size, a.vocab_size, bias=False)
        head_dim = a.hidden_size // a.heads
        self.register_buffer("inv_freq", 1.0 / (10000.0 ** (torch.arange(0, head_dim, 2).float() / head_dim)),
                             persistent=False)

    def forward(self, ids):
        b, t = ids.shape
        h = self.embed_tokens(ids)
        with torch.autocast("cpu", enabled=False):  # LlamaRotaryEmbedding: fp32 angles
            positions = torch.arange(t).float()
            freqs = positions[:, None] * self.inv_freq[None, :]
            emb = torch.cat((freqs, freqs), dim=-1)
            cos, sin = emb.cos().to(h.dtype)[None, None], emb.sin().to(h.dtype)[None, None]
        mask = torch.full((t, t), torch.finfo(h.dtype).min, dtype=h.dtype).triu(1)[None, None]
        for layer in self.layers:
            h = layer(h, cos, sin, mask)
        return self.lm_head(self.norm(h))


def attach_lora(model, targets, rank, alpha, dropout):
    for layer in model.layers:
        for parent in (layer.self_attn, layer.mlp):
            for name, child in list(parent.named_children()):
                if isinstance(child, nn.Linear) and name in targets:
                    setattr(parent, name, LoraLinear(child, rank, alpha, dropout))


def measure_matmul_peak(dtype, repeats=5):
    """Best rate of n x n x n products, n = 1024 and 2048, the right-hand side row-major and
    transposed, as lora::measure_matmul_peak does."""
    best = (0.0, 0)
    with torch.no_grad():
        for n in (1024, 2048):
            a = torch.randn(n, n).to(dtype)
            b_rows = torch.randn(n, n).to(dtype)
            for b in (b_rows, b_rows.t()):
                out = torch.mm(a, b)
                for _ in range(repeats):
                    start = time.perf_counter()
                    torch.mm(a, b, out=out)
                    rate = 2.0 * n ** 3 / (time.perf_counter() - start)
                    best = max(best, (rate, n))
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--precision", choices=["fp32", "bf16-autocast", "bf16-weights"], required=True)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--hidden-size", type=int, default=512)
    p.add_argument("--intermediate-size", type=int, default=1376)
    p.add_argument("--layers", type=int, default=8)
    p.add_argument("--heads", type=int, default=8)
    p.add_argument("--kv-heads", type=int, default=None)
    p.add_argument("--vocab-size", type=int, default=32000)
    p.add_argument("--seq-len", type=int, default=256)
    p.add_argument("--micro-batch", type=int, default=4)
    p.add_argument("--rank", type=int, default=16)
    p.add_argument("--alpha", type=float, default=None)
    p.add_argument("--dropout", type=float, default=0.05)
    p.add_argument("--target-modules", default="all-linear")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--profile", action="store_true", help="profile one more step; the op table goes to stderr")
    a = p.parse_args()
    a.kv_heads = a.kv_heads or a.heads
    a.alpha = a.alpha if a.alpha is not None else 2.0 * a.rank
    targets = ALL_LINEAR if a.target_modules == "all-linear" else a.target_modules.split(",")
    unknown = [t for t in targets if t not in ALL_LINEAR]
    if unknown:
        sys.exit(f"--target-modules: unknown module(s) {unknown}; expected all-linear or names from {ALL_LINEAR}")

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    fp32_peak = measure_matmul_peak(torch.float32)
    bf16_peak = measure_matmul_peak(torch.bfloat16)

    model = LlamaForCausalLM(a)
    with torch.no_grad():  # transformers' _init_weights: normal(0, 0.02) for linear and embedding weights
        for module in model.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                module.weight.normal_(0.0, 0.02)
    for param in model.parameters():
        param.requires_grad_(False)
    if a.precision == "bf16-weights":
        model.to(torch.bfloat16)
    matmul_params = sum(m.weight.numel() for m in model.modules() if isinstance(m, nn.Linear))
    attach_lora(model, targets, a.rank, a.alpha, a.dropout)
    lora_params = [q for n, q in model.named_parameters() if "lora_" in n]
    lora_count = sum(q.numel() for q in lora_params)
    model.train()
    optimizer = torch.optim.AdamW(lora_params, lr=1e-4, weight_decay=0.0)

    generator = torch.Generator().manual_seed(a.seed)
    tokens = torch.randint(a.vocab_size, (a.micro_batch, a.seq_len + 1), generator=generator)
    input_ids, labels = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()
    autocast = a.precision != "fp32"

    def step():
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
            logits = model(input_ids)
            loss = F.cross_entropy(logits.float().view(-1, a.vocab_size), labels.view(-1))
        loss_value = loss.item()
        forward_done = time.perf_counter()
        loss.backward()
        backward_done = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(lora_params, 1.0)
        optimizer.step()
        optimizer.zero_grad()
        end = time.perf_counter()
        return loss_value, (forward_done - start, backward_done - forward_done, end - backward_done)

    first_loss = None
    for _ in range(a.warmup):
        loss, _ = step()
        first_loss = loss if first_loss is None else first_loss
    times = []
    for _ in range(a.steps):
        loss, t = step()
        first_loss = loss if first_loss is None else first_loss
        times.append(t)
    forward, backward, optim = (sum(t[i] for t in times) / len(times) for i in range(3))
    step_seconds = forward + backward + optim
    tokens_per_step = a.micro_batch * a.seq_len
    head_dim = a.hidden_size // a.heads
    flops_frozen = 4.0 * matmul_params * tokens_per_step
    flops_lora = 6.0 * lora_count * tokens_per_step
    flops_attention = 3.0 * a.layers * 2 * 2 * a.micro_batch * a.heads * a.seq_len * a.seq_len * head_dim
    flops = flops_frozen + flops_lora + flops_attention
    achieved = flops / step_seconds
    dtype = "float32" if a.precision == "fp32" else "bfloat16"
    own_peak = bf16_peak if dtype == "bfloat16" else fp32_peak
    result = {
        "bench": "train",
        "engine": "pytorch-eager",
        "precision": a.precision,
        "dtype": dtype,
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "matmul_parameters": matmul_params,
        "lora_parameters": lora_count,
        "rank": a.rank,
        "micro_batch": a.micro_batch,
        "seq_len": a.seq_len,
        "tokens_per_step": tokens_per_step,
        "warmup_steps": a.warmup,
        "timed_steps": a.steps,
        "step_seconds": step_seconds,
        "best_step_seconds": min(sum(t) for t in times),
        "forward_seconds": forward,
        "backward_seconds": backward,
        "optimizer_seconds": optim,
        "tokens_per_second": tokens_per_step / step_seconds,
        "flops_per_step": flops,
        "flops_frozen_matmul": flops_frozen,
        "flops_lora": flops_lora,
        "flops_attention": flops_attention,
        "achieved_flops_per_second": achieved,
        "peak_flops_per_second": own_peak[0],
        "fraction_of_peak": achieved / own_peak[0],
        "fp32_peak_flops_per_second": fp32_peak[0],
        "bf16_peak_flops_per_second": bf16_peak[0],
        "fraction_of_fp32_peak": achieved / fp32_peak[0],
        "fraction_of_bf16_peak": achieved / bf16_peak[0],
        "peak_memory_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "peak_memory_kind": "process RSS high-water mark (getrusage ru_maxrss)",
        "first_loss": first_loss,
        "last_loss": loss,
    }
    if a.profile:
        with torch.autograd.profiler.profile() as prof:
            step()
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25), file=sys.stderr)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
