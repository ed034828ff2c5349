#!/usr/bin/env python3
"""transformers + peft reference for `lora-studio-cli bench train --device cuda`.

Trains LoRA on a random-initialised Llama-shaped LlamaForCausalLM (bf16 weights, SDPA attention)
with peft's LoraConfig on all linear layers, on random token batches, with the same step the
engine's benchmark times: the summed token cross-entropy (fp32) over every position divided by the
number of targets, backward, clip_grad_norm_(1.0), torch.optim.AdamW(fused=True) at lr 1e-4,
zero_grad(set_to_none=True). Prints one JSON object with the same keys as the engine's --json
output (tokens_per_second, peak_memory_bytes = torch.cuda.max_memory_allocated, FLOP/s against a
bf16 matmul peak measured in the same process).

Run on the GPU machine (scripts/device-check.sh does), e.g.
  python3 tests/reference/peft_train_bench.py --hidden-size 2048 --intermediate-size 5632 \
      --layers 16 --heads 16 --vocab-size 32000 --seq-len 1024 --micro-batch 4
"""
import argparse
import json
import math
import time

import torch


def measure_bf16_peak(device):
    """Best rate of square bf16 matmuls (n = 4096, 8192), timed with CUDA events."""
    best = (0.0, 0)
    for n in (4096, 8192):
        a = torch.randn(n, n, device=device, dtype=torch.bfloat16)
        b = torch.randn(n, n, device=device, dtype=torch.bfloat16)
        out = a @ b
        torch.cuda.synchronize()
        for _ in range(5):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            torch.mm(a, b, out=out)
            end.record()
            torch.cuda.synchronize()
            rate = 2.0 * n ** 3 / (start.elapsed_time(end) / 1e3)
            if rate > best[0]:
                best = (rate, n)
        del a, b, out
    torch.cuda.empty_cache()
    return best


def step_flops(config, lora_params, batch, seq_len):
    """The engine's count (train_step_flops): 4 x frozen matmul weights x tokens, 6 x LoRA
    parameters x tokens, 3 x forward attention over the full T x T matrix."""
    h, i, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    heads, kv, head_dim = config.num_attention_heads, config.num_key_value_heads, h // config.num_attention_heads
    per_layer = h * heads * head_dim + 2 * h * kv * head_dim + heads * head_dim * h + 3 * h * i
    frozen = layers * per_layer + h * config.vocab_size  # lm_head included
    tokens = batch * seq_len
    attention = 3.0 * layers * 2 * 2 * batch * heads * seq_len * seq_len * head_dim
    return 4.0 * frozen * tokens + 6.0 * lora_params * tokens + attention


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hidden-size", type=int, default=2048)
    parser.add_argument("--intermediate-size", type=int, default=5632)
    parser.add_argument("--layers", type=int, default=16)
    parser.add_argument("--heads", type=int, default=16)
    parser.add_argument("--kv-heads", type=int, default=0, help="0 = heads")
    parser.add_argument("--vocab-size", type=int, default=32000)
    parser.add_argument("--seq-len", type=int, default=1024)
    parser.add_argument("--micro-batch", type=int, default=4)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--alpha", type=float, default=0, help="0 = 2 x rank, as the engine")
    parser.add_argument("--dropout", type=float, default=0.05)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--gradient-checkpointing", action="store_true")
    parser.add_argument("--attn", default="sdpa", help="attn_implementation (sdpa, eager, flash_attention_2)")
    args = parser.parse_args()

    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    device = torch.device("cuda")
    torch.manual_seed(0)
    peak_rate, peak_n = measure_bf16_peak(device)

    torch.cuda.reset_peak_memory_stats()
    config = LlamaConfig(
        vocab_size=args.vocab_size, hidden_size=args.hidden_size, intermediate_size=args.intermediate_size,
        num_hidden_layers=args.layers, num_attention_heads=args.heads,
        num_key_value_heads=args.kv_heads or args.heads, max_position_embeddings=max(2048, args.seq_len),
        tie_word_embeddings=False, use_cache=False)
    config._attn_implementation = args.attn
    with torch.device(device):
        model = LlamaForCausalLM(config).to(torch.bfloat16)
    model.config.use_cache = False
    if args.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    lora_config = LoraConfig(r=args.rank, lora_alpha=args.alpha or 2 * args.rank, lora_dropout=args.dropout,
                             target_modules="all-linear", task_type="CAUSAL_LM")
    model = get_peft_model(model, lora_config)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    lora_params = sum(p.numel() for p in params)
    optimizer = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0, fused=True)

    generator = torch.Generator().manual_seed(0)
    tokens = torch.randint(args.vocab_size, (args.micro_batch, args.seq_len + 1), generator=generator)
    input_ids = tokens[:, :-1].contiguous().to(device)
    labels = tokens[:, 1:].contiguous().to(device)
    target_count = labels.numel()

    def step():
        logits = model(input_ids=input_ids).logits
        loss = torch.nn.functional.cross_entropy(logits.float().view(-1, logits.size(-1)), labels.view(-1),
                                                 reduction="sum")
        (loss / target_count).backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss.item() / target_count

    first_loss = step()
    for _ in range(args.warmup - 1):
        step()
    torch.cuda.synchronize()
    times = []
    last_loss = first_loss
    for _ in range(args.steps):
        start = time.perf_counter()
        last_loss = step()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    mean = sum(times) / len(times)
    flops = step_flops(config, lora_params, args.micro_batch, args.seq_len)
    free, total = torch.cuda.mem_get_info()
    import peft
    import transformers
    result = {
        "bench": "train",
        "engine": "transformers+peft",
        "versions": f"torch {torch.__version__}, transformers {transformers.__version__}, peft {peft.__version__}",
        "device": torch.cuda.get_device_name(0),
        "attn_implementation": args.attn,
        "parameters": sum(p.numel() for p in model.parameters()) - lora_params,
        "lora_parameters": lora_params,
        "micro_batch": args.micro_batch,
        "seq_len": args.seq_len,
        "tokens_per_step": args.micro_batch * args.seq_len,
        "gradient_checkpointing": args.gradient_checkpointing,
        "timed_steps": args.steps,
        "step_seconds": mean,
        "best_step_seconds": min(times),
        "tokens_per_second": args.micro_batch * args.seq_len / mean,
        "flops_per_step": flops,
        "achieved_flops_per_second": flops / mean,
        "bf16_peak_flops_per_second": peak_rate,
        "bf16_peak_size": peak_n,
        "fraction_of_bf16_peak": flops / mean / peak_rate,
        "peak_memory_bytes": torch.cuda.max_memory_allocated(),
        "peak_memory_kind": "torch.cuda.max_memory_allocated",
        "cuda_peak_reserved_bytes": torch.cuda.max_memory_reserved(),
        "cuda_device_in_use_bytes": total - free,
        "first_loss": first_loss,
        "last_loss": last_loss,
    }
    assert math.isfinite(last_loss), "the reference's loss is not finite"
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
