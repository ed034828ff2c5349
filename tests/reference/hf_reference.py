#!/usr/bin/python3
"""Independent reference for the model tests (tests/test_model_forward.cpp, tests/test_lora_adapter.cpp).

Builds tiny random Llama / Qwen2 / Mistral checkpoints in the Hugging Face layout, a PEFT LoRA adapter,
and the logits the Hugging Face math gives for them, into tests/fixtures/model/:

    <name>/                      config.json, model.safetensors (or shards + index), generation_config.json
    <adapter>/                   adapter_config.json (PEFT's layout: all fields, sorted, indent 2),
                                 adapter_model.safetensors (PEFT keys)
    expected/<case>.safetensors  "input_ids" I64 [T], "logits" F32 [T, vocab] (fp32 compute),
                                 and for bf16 checkpoints "logits_bf16" (bf16 compute as transformers runs it)

Nothing here comes from the engine: the safetensors files are written with struct/json, and the math
is a from-scratch transcription of transformers' modeling_llama.py / modeling_qwen2.py /
modeling_mistral.py / modeling_rope_utils.py and PEFT's lora.Linear:
RMSNorm in fp32 then cast back and times weight; RoPE with rotate_half and fp32 angles (default,
linear and llama3 scaling); GQA via repeat_kv; scores * head_dim**-0.5 with a causal (and for Mistral
sliding-window) mask, softmax in fp32; SiLU-gated MLP; tied or separate lm_head; Qwen2 q/k/v bias;
LoRA y = W x + scaling * B (A x) with scaling = alpha / r (alpha / sqrt(r) for rsLoRA).

Run once with Debian's python3-torch (torch 1.13, no transformers needed):
    /usr/bin/python3 tests/reference/hf_reference.py
It is deterministic (seeded) and rewrites the fixtures in place.
"""
import json
import math
import os
import re
import shutil
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "model")

# ----------------------------------------------------------------------------------------------
# safetensors, written by hand


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return "BF16", t.view(torch.int16).numpy().tobytes()
    names = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}
    return names[t.dtype], t.numpy().tobytes()


def write_safetensors(path, tensors, metadata=None):
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name, t in tensors.items():
        dtype, data = tensor_bytes(t)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * ((8 - len(header_bytes) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for blob in blobs:
            f.write(blob)


def write_json(path, obj):
    with open(path, "w") as f:
        f.write(json.dumps(obj, indent=2, sort_keys=True) + "\n")


# ----------------------------------------------------------------------------------------------
# Hugging Face math


def head_dim_of(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


def inverse_frequencies(cfg):
    dim = head_dim_of(cfg)
    base = cfg["rope_theta"]
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    scaling = cfg.get("rope_scaling")
    if not scaling:
        return inv_freq
    kind = scaling.get("rope_type", scaling.get("type"))
    if kind == "linear":
        return inv_freq / scaling["factor"]
    if kind == "llama3":
        factor = scaling["factor"]
        low, high = scaling["low_freq_factor"], scaling["high_freq_factor"]
        old_context = scaling["original_max_position_embeddings"]
        low_freq_wavelen = old_context / low
        high_freq_wavelen = old_context / high
        wavelen = 2 * math.pi / inv_freq
        out = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
        smooth = (old_context / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * out / factor + smooth * out
        medium = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
        return torch.where(medium, smoothed, out)
    raise ValueError(kind)


def rms_norm(x, weight, eps):
    dtype = x.dtype
    h = x.to(torch.float32)
    variance = h.pow(2).mean(-1, keepdim=True)
    h = h * torch.rsqrt(variance + eps)
    return weight * h.to(dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def repeat_kv(x, n_rep):
    b, kv, t, d = x.shape
    if n_rep == 1:
        return x
    return x[:, :, None, :, :].expand(b, kv, n_rep, t, d).reshape(b, kv * n_rep, t, d)


def uses_sliding_window(cfg):
    if cfg["model_type"] == "mistral":
        return cfg.get("sliding_window") is not None
    # Qwen2 applies its window only with use_sliding_window (and then from max_window_layers on),
    # which these fixtures leave off; Llama has none.
    return False


def forward(cfg, weights, ids, dtype, lora=None, apply_window=None, apply_rope_scaling=True):
    """logits [T, vocab] (fp32) for one sequence, computing in `dtype` as transformers does."""
    w = {k: v.to(dtype) for k, v in weights.items()}
    lora = lora or {}
    hidden = cfg["hidden_size"]
    n_heads, n_kv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = head_dim_of(cfg)
    eps = cfg["rms_norm_eps"]
    T = len(ids)

    def linear(x, name, has_bias=False):
        y = torch.nn.functional.linear(x, w[name + ".weight"], w.get(name + ".bias") if has_bias else None)
        if name in lora:
            a, b, scaling = lora[name]
            xa = x.to(a.dtype)
            y = (y + torch.nn.functional.linear(torch.nn.functional.linear(xa, a), b) * scaling).to(y.dtype)
        return y

    rope_cfg = dict(cfg)
    if not apply_rope_scaling:
        rope_cfg["rope_scaling"] = None
    inv_freq = inverse_frequencies(rope_cfg)
    positions = torch.arange(T)
    freqs = (inv_freq[None, :, None].float() @ positions[None, None, :].float()).transpose(1, 2)  # [1, T, d/2]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().to(dtype)[:, None], emb.sin().to(dtype)[:, None]  # [1, 1, T, d]

    window = cfg.get("sliding_window") if (uses_sliding_window(cfg) if apply_window is None else apply_window) else None
    allowed = torch.ones(T, T, dtype=torch.bool).tril()
    if window:
        q_idx = torch.arange(T)[:, None]
        kv_idx = torch.arange(T)[None, :]
        allowed &= kv_idx > q_idx - window
    additive = torch.zeros(T, T, dtype=dtype).masked_fill(~allowed, torch.finfo(dtype).min)

    qkv_bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
    o_bias = cfg["model_type"] == "llama" and cfg.get("attention_bias", False)
    h = w["model.embed_tokens.weight"][torch.tensor(ids)][None]  # [1, T, hidden]
    for layer in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % layer
        residual = h
        x = rms_norm(h, w[p + "input_layernorm.weight"], eps)
        q = linear(x, p + "self_attn.q_proj", qkv_bias).view(1, T, n_heads, hd).transpose(1, 2)
        k = linear(x, p + "self_attn.k_proj", qkv_bias).view(1, T, n_kv, hd).transpose(1, 2)
        v = linear(x, p + "self_attn.v_proj", qkv_bias).view(1, T, n_kv, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = repeat_kv(k, n_heads // n_kv)
        v = repeat_kv(v, n_heads // n_kv)
        scores = torch.matmul(q, k.transpose(2, 3)) * hd ** -0.5 + additive
        probs = torch.nn.functional.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        attn = torch.matmul(probs, v).transpose(1, 2).reshape(1, T, n_heads * hd)
        h = residual + linear(attn, p + "self_attn.o_proj", o_bias)
        residual = h
        x = rms_norm(h, w[p + "post_attention_layernorm.weight"], eps)
        mlp = linear(torch.nn.functional.silu(linear(x, p + "mlp.gate_proj")) * linear(x, p + "mlp.up_proj"),
                     p + "mlp.down_proj")
        h = residual + mlp
    h = rms_norm(h, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    if "lm_head" in lora:
        raise NotImplementedError
    return torch.nn.functional.linear(h, head)[0].float()


# ----------------------------------------------------------------------------------------------
# Checkpoints


ARCH = {"llama": "LlamaForCausalLM", "qwen2": "Qwen2ForCausalLM", "mistral": "MistralForCausalLM"}


def make_config(model_type, vocab, hidden, inter, layers, heads, kv_heads, dtype, tied, head_dim=None,
                rope_theta=10000.0, rope_scaling=None, sliding_window=None, eps=1e-5):
    cfg = {
        "architectures": [ARCH[model_type]],
        "attention_dropout": 0.0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "hidden_act": "silu",
        "hidden_size": hidden,
        "initializer_range": 0.02,
        "intermediate_size": inter,
        "max_position_embeddings": 2048,
        "model_type": model_type,
        "num_attention_heads": heads,
        "num_hidden_layers": layers,
        "num_key_value_heads": kv_heads,
        "rms_norm_eps": eps,
        "rope_scaling": rope_scaling,
        "rope_theta": rope_theta,
        "tie_word_embeddings": tied,
        "torch_dtype": {torch.float32: "float32", torch.bfloat16: "bfloat16"}[dtype],
        "transformers_version": "4.46.0",
        "use_cache": True,
        "vocab_size": vocab,
    }
    if model_type == "llama":
        cfg.update({"attention_bias": False, "mlp_bias": False, "pretraining_tp": 1,
                    "head_dim": head_dim or hidden // heads})
    if model_type == "mistral":
        cfg.update({"sliding_window": sliding_window, "head_dim": head_dim})
    if model_type == "qwen2":
        cfg.update({"sliding_window": sliding_window, "use_sliding_window": False, "max_window_layers": layers})
    return cfg


def random_weights(cfg, generator, dtype):
    """Hugging Face key order and shapes; values large enough that every path shows in the logits."""
    hidden, inter = cfg["hidden_size"], cfg["intermediate_size"]
    hd = head_dim_of(cfg)
    q_out, kv_out = cfg["num_attention_heads"] * hd, cfg["num_key_value_heads"] * hd
    qkv_bias = cfg["model_type"] == "qwen2"
    weights = {}

    def normal(name, shape, std):
        weights[name] = (torch.randn(shape, generator=generator) * std).to(dtype)

    def norm(name):
        weights[name] = (1.0 + 0.2 * torch.randn(hidden, generator=generator)).to(dtype)

    normal("model.embed_tokens.weight", (cfg["vocab_size"], hidden), 1.0)
    for layer in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % layer
        norm(p + "input_layernorm.weight")
        normal(p + "self_attn.q_proj.weight", (q_out, hidden), 0.25)
        normal(p + "self_attn.k_proj.weight", (kv_out, hidden), 0.25)
        normal(p + "self_attn.v_proj.weight", (kv_out, hidden), hidden ** -0.5)
        normal(p + "self_attn.o_proj.weight", (hidden, q_out), q_out ** -0.5)
        if qkv_bias:
            normal(p + "self_attn.q_proj.bias", (q_out,), 0.5)
            normal(p + "self_attn.k_proj.bias", (kv_out,), 0.5)
            normal(p + "self_attn.v_proj.bias", (kv_out,), 0.5)
        normal(p + "mlp.gate_proj.weight", (inter, hidden), hidden ** -0.5)
        normal(p + "mlp.up_proj.weight", (inter, hidden), hidden ** -0.5)
        normal(p + "mlp.down_proj.weight", (hidden, inter), inter ** -0.5)
        norm(p + "post_attention_layernorm.weight")
    norm("model.norm.weight")
    if not cfg["tie_word_embeddings"]:
        normal("lm_head.weight", (cfg["vocab_size"], hidden), hidden ** -0.5)
    return weights


def save_model(name, cfg, weights, shards=1):
    folder = os.path.join(OUT, name)
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    write_json(os.path.join(folder, "config.json"), cfg)
    write_json(os.path.join(folder, "generation_config.json"),
               {"_from_model_config": True, "bos_token_id": 1, "eos_token_id": 2, "transformers_version": "4.46.0"})
    names = list(weights)
    if shards == 1:
        write_safetensors(os.path.join(folder, "model.safetensors"), weights, {"format": "pt"})
        return
    per_shard = math.ceil(len(names) / shards)
    weight_map = {}
    total = 0
    for s in range(shards):
        file = "model-%05d-of-%05d.safetensors" % (s + 1, shards)
        part = {n: weights[n] for n in names[s * per_shard:(s + 1) * per_shard]}
        for n, t in part.items():
            weight_map[n] = file
            total += t.numel() * t.element_size()
        write_safetensors(os.path.join(folder, file), part, {"format": "pt"})
    write_json(os.path.join(folder, "model.safetensors.index.json"),
               {"metadata": {"total_size": total}, "weight_map": weight_map})


def save_expected(case, ids, tensors):
    folder = os.path.join(OUT, "expected")
    os.makedirs(folder, exist_ok=True)
    out = {"input_ids": torch.tensor(ids, dtype=torch.int64)}
    out.update(tensors)
    write_safetensors(os.path.join(folder, case + ".safetensors"), out)


def relative_difference(a, b):
    return ((a - b).abs().max() / b.abs().max()).item()


# ----------------------------------------------------------------------------------------------
# PEFT adapters


def peft_targets(cfg, target_modules, layers_to_transform=None):
    """Module paths PEFT's check_target_module_exists selects for a list of names."""
    paths = []
    for layer in range(cfg["num_hidden_layers"]):
        for sub in ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"):
            path = "model.layers.%d.%s" % (layer, sub)
            if not any(path == t or path.endswith("." + t) for t in target_modules):
                continue
            if layers_to_transform is not None:
                index = int(re.match(r".*\.[^.]*\.(\d+)\.", path).group(1))
                if index not in layers_to_transform:
                    continue
            paths.append(path)
    return paths


def pattern_value(patterns, path, default):
    for key in patterns:  # dict order = the file's sorted order
        if re.match(r"(.*\.)?(%s)$" % key, path):
            return patterns[key]
    return default


def make_adapter(name, cfg, base_name, generator, r, alpha, target_modules, use_rslora=False,
                 rank_pattern=None, alpha_pattern=None, layers_to_transform=None, layers_pattern=None,
                 lora_dropout=0.0):
    rank_pattern = rank_pattern or {}
    alpha_pattern = alpha_pattern or {}
    hidden, inter = cfg["hidden_size"], cfg["intermediate_size"]
    hd = head_dim_of(cfg)
    q_out, kv_out = cfg["num_attention_heads"] * hd, cfg["num_key_value_heads"] * hd
    shapes = {"q_proj": (q_out, hidden), "k_proj": (kv_out, hidden), "v_proj": (kv_out, hidden),
              "o_proj": (hidden, q_out), "gate_proj": (inter, hidden), "up_proj": (inter, hidden),
              "down_proj": (hidden, inter)}
    lora = {}
    tensors = {}
    for path in peft_targets(cfg, target_modules, layers_to_transform):
        out_features, in_features = shapes[path.rsplit(".", 1)[1]]
        rank = pattern_value(rank_pattern, path, r)
        a_alpha = pattern_value(alpha_pattern, path, alpha)
        scaling = a_alpha / math.sqrt(rank) if use_rslora else a_alpha / rank
        a = torch.randn(rank, in_features, generator=generator) * in_features ** -0.5
        b = torch.randn(out_features, rank, generator=generator) * 0.5
        lora[path] = (a, b, scaling)
        tensors["base_model.model." + path + ".lora_A.weight"] = a
        tensors["base_model.model." + path + ".lora_B.weight"] = b
    folder = os.path.join(OUT, name)
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    config = {  # the fields PEFT 0.13 writes for a LoraConfig
        "alpha_pattern": alpha_pattern,
        "auto_mapping": None,
        "base_model_name_or_path": base_name,
        "bias": "none",
        "fan_in_fan_out": False,
        "inference_mode": True,
        "init_lora_weights": True,
        "layer_replication": None,
        "layers_pattern": layers_pattern,
        "layers_to_transform": layers_to_transform,
        "loftq_config": {},
        "lora_alpha": alpha,
        "lora_dropout": lora_dropout,
        "megatron_config": None,
        "megatron_core": "megatron.core",
        "modules_to_save": None,
        "peft_type": "LORA",
        "r": r,
        "rank_pattern": rank_pattern,
        "revision": None,
        "target_modules": target_modules,
        "task_type": "CAUSAL_LM",
        "use_dora": False,
        "use_rslora": use_rslora,
    }
    write_json(os.path.join(folder, "adapter_config.json"), config)
    write_safetensors(os.path.join(folder, "adapter_model.safetensors"), tensors, {"format": "pt"})
    return lora


# ----------------------------------------------------------------------------------------------


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    generator = torch.Generator().manual_seed(20261128)
    T = 10

    def ids_for(vocab):
        return torch.randint(0, vocab, (T,), generator=generator).tolist()

    report = []

    # 1. Llama, untied, fp32, GQA 4 heads / 2 KV heads.
    cfg = make_config("llama", 256, 64, 48, 2, 4, 2, torch.float32, tied=False)
    llama_weights = random_weights(cfg, generator, torch.float32)
    save_model("llama_fp32", cfg, llama_weights)
    llama_cfg = cfg
    llama_ids = ids_for(256)
    base_logits = forward(cfg, llama_weights, llama_ids, torch.float32)
    save_expected("llama_fp32", llama_ids, {"logits": base_logits})

    # 2. Llama, tied, bf16 checkpoint, head_dim 24 != hidden / heads (16).
    cfg = make_config("llama", 256, 64, 64, 2, 4, 2, torch.bfloat16, tied=True, head_dim=24)
    weights = random_weights(cfg, generator, torch.bfloat16)
    save_model("llama_tied_bf16", cfg, weights)
    ids = ids_for(256)
    fp32 = forward(cfg, weights, ids, torch.float32)
    bf16 = forward(cfg, weights, ids, torch.bfloat16)
    report.append("llama_tied_bf16: bf16 compute vs fp32 compute %.2e" % relative_difference(bf16, fp32))
    save_expected("llama_tied_bf16", ids, {"logits": fp32, "logits_bf16": bf16})

    # 3. Qwen2: q/k/v bias, tied, bf16; a sliding_window that Qwen2 ignores (use_sliding_window false).
    cfg = make_config("qwen2", 256, 64, 32, 2, 4, 2, torch.bfloat16, tied=True, rope_theta=1000000.0,
                      sliding_window=4, eps=1e-6)
    weights = random_weights(cfg, generator, torch.bfloat16)
    save_model("qwen2_bias", cfg, weights)
    ids = ids_for(256)
    logits = forward(cfg, weights, ids, torch.float32)
    windowed = forward(cfg, weights, ids, torch.float32, apply_window=True)
    no_bias = {k: (torch.zeros_like(v) if k.endswith(".bias") else v) for k, v in weights.items()}
    report.append("qwen2_bias: window would change logits by %.2e, dropping the bias by %.2e" % (
        relative_difference(windowed, logits), relative_difference(forward(cfg, no_bias, ids, torch.float32), logits)))
    save_expected("qwen2_bias", ids, {"logits": logits})

    # 4. Mistral: 2 shards + index, untied, bf16, sliding window 4 over 10 tokens.
    cfg = make_config("mistral", 256, 64, 32, 2, 4, 2, torch.bfloat16, tied=False, rope_theta=1000000.0,
                      sliding_window=4)
    weights = random_weights(cfg, generator, torch.bfloat16)
    save_model("mistral_sharded", cfg, weights, shards=2)
    ids = ids_for(256)
    logits = forward(cfg, weights, ids, torch.float32)
    report.append("mistral_sharded: the window changes logits by %.2e" % relative_difference(
        forward(cfg, weights, ids, torch.float32, apply_window=False), logits))
    save_expected("mistral_sharded", ids, {"logits": logits})

    # 5. Llama 3 RoPE scaling (original context 64 so that all three frequency bands occur).
    llama3 = {"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
              "original_max_position_embeddings": 64, "rope_type": "llama3"}
    cfg = make_config("llama", 128, 64, 32, 1, 4, 2, torch.bfloat16, tied=True, rope_scaling=llama3)
    weights = random_weights(cfg, generator, torch.bfloat16)
    save_model("llama_rope_llama3", cfg, weights)
    ids = ids_for(128)
    logits = forward(cfg, weights, ids, torch.float32)
    report.append("llama_rope_llama3: scaling changes logits by %.2e" % relative_difference(
        forward(cfg, weights, ids, torch.float32, apply_rope_scaling=False), logits))
    save_expected("llama_rope_llama3", ids, {"logits": logits})

    # 6. Linear RoPE scaling, in the older "type" spelling.
    cfg = make_config("llama", 128, 64, 32, 1, 4, 2, torch.bfloat16, tied=True,
                      rope_scaling={"factor": 4.0, "type": "linear"})
    weights = random_weights(cfg, generator, torch.bfloat16)
    save_model("llama_rope_linear", cfg, weights)
    ids = ids_for(128)
    logits = forward(cfg, weights, ids, torch.float32)
    report.append("llama_rope_linear: scaling changes logits by %.2e" % relative_difference(
        forward(cfg, weights, ids, torch.float32, apply_rope_scaling=False), logits))
    save_expected("llama_rope_linear", ids, {"logits": logits})

    # 7. PEFT adapters on llama_fp32: all seven projections with rank/alpha patterns; and an rsLoRA
    # adapter on q/v of layer 1 only.
    lora = make_adapter("adapter_llama", llama_cfg, "llama_fp32", generator, r=4, alpha=8,
                        target_modules=["v_proj", "q_proj", "down_proj", "k_proj", "o_proj", "up_proj", "gate_proj"],
                        rank_pattern={"down_proj": 2}, alpha_pattern={"model.layers.1.self_attn.v_proj": 2},
                        lora_dropout=0.05)
    logits = forward(llama_cfg, llama_weights, llama_ids, torch.float32, lora=lora)
    report.append("adapter_llama: changes logits by %.2e" % relative_difference(logits, base_logits))
    save_expected("llama_fp32+adapter_llama", llama_ids, {"logits": logits})

    lora = make_adapter("adapter_rslora", llama_cfg, "llama_fp32", generator, r=8, alpha=16,
                        target_modules=["q_proj", "v_proj"], use_rslora=True, layers_to_transform=[1],
                        layers_pattern="layers")
    logits = forward(llama_cfg, llama_weights, llama_ids, torch.float32, lora=lora)
    report.append("adapter_rslora: changes logits by %.2e" % relative_difference(logits, base_logits))
    save_expected("llama_fp32+adapter_rslora", llama_ids, {"logits": logits})

    total = 0
    for root, _, files in os.walk(OUT):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    for line in report:
        print(line)
    print("fixtures: %d bytes in %s" % (total, os.path.normpath(OUT)))


if __name__ == "__main__":
    sys.exit(main())
