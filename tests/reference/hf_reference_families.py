#!/usr/bin/python3
"""Independent reference for tests/test_model_families.cpp: Qwen3, Gemma 3 (text-only and multimodal
checkpoints) and Phi-3 / Phi-4-mini.

Builds tiny random checkpoints in the Hugging Face layout, PEFT LoRA adapters on every linear module
of each family, and the logits the Hugging Face math gives for them, into tests/fixtures/model/:

    qwen3/            Qwen3ForCausalLM, fp32, untied lm_head, head_dim 16 with hidden 32 / 4 heads
                      (4 * 16 != 32), GQA 4/2, q_norm/k_norm
    qwen3_tied/       Qwen3ForCausalLM, bf16, tied, head_dim 16 with hidden 48 / 4 heads, GQA 4/1
    gemma3_text/      Gemma3ForCausalLM (model_type gemma3_text, keys model.*), fp32, explicit
                      layer_types [sliding, full, sliding] (no 5:1 pattern), sliding_window 4 over 11
                      tokens, query_pre_attn_scalar 24 != head_dim 16, final_logit_softcapping 15
    gemma3_mm/        Gemma3ForConditionalGeneration (model_type gemma3, text_config + vision_config),
                      bf16, keys "language_model.model.*" as google/gemma-3-4b-it stores them, plus a
                      tiny SigLIP vision tower and projector the text engine must ignore. text_config
                      lists only what google's 4B config lists plus the sizes a tiny model needs, so
                      rope_theta (1e6), rope_local_base_freq (1e4), rms_norm_eps, hidden_activation,
                      sliding_window_pattern (6: layers 0-4 sliding, 5 full), tie_word_embeddings and
                      max_position_embeddings (131072) come from Gemma3TextConfig's defaults; full
                      layers use rope_scaling {"rope_type": "linear", "factor": 8} as the 4B+ do.
    phi3/             Phi3ForCausalLM like Phi-3-mini-4k: fp32, untied, fused qkv_proj / gate_up_proj,
                      no rope scaling, sliding_window 2047 (longer than any test sequence)
    phi3_longrope/    Phi3ForCausalLM like Phi-4-mini: bf16, tied, partial_rotary_factor 0.75 (rotary on
                      12 of each head's 16 dims), rope_scaling {"type": "longrope", short/long factors},
                      original_max_position_embeddings 8, max_position_embeddings 128
    adapter_<model>/  adapter_config.json (the fields PEFT 0.15 writes, sorted, indent 2) and
                      adapter_model.safetensors (keys base_model.model.<module path>.lora_A/B.weight)
    adapter_gemma3_mm_model_prefix/
                      the same factors as adapter_gemma3_mm under the module path transformers >= 4.52
                      gives Gemma3ForConditionalGeneration (see below)
    expected/<case>.safetensors
                      "input_ids" I64 [T], "logits" F32 [T, vocab] (fp32 compute), and for bf16
                      checkpoints "logits_bf16" (bf16 compute as transformers runs it). <case> is the
                      model name, or <model>+<adapter> with the adapter applied.
                      phi3_longrope has 12 tokens (> original_max_position_embeddings 8: long factors);
                      phi3_longrope_short is the same model with 6 tokens (short factors).

Nothing comes from the engine: safetensors are written with struct/json (helpers of hf_reference.py)
and the math is transcribed from transformers' modeling_qwen3.py, modeling_gemma3.py, modeling_phi3.py,
configuration_gemma3.py, configuration_phi3.py and modeling_rope_utils.py, and PEFT's lora.Linear
(y = W x + scaling * B(A x), the LoRA branch in the factors' fp32 with x cast to it, the sum cast back).

What was transcribed, family by family:
- Qwen3: q_norm / k_norm are Llama-style RMSNorms (fp32 normalise, cast back, times weight) over
  head_dim of each head, applied after the q/k projections and before RoPE; scores * head_dim**-0.5.
- Gemma 3: embeddings * sqrt(hidden_size), the scale a tensor cast to the embedding dtype first
  (Gemma3TextScaledWordEmbedding: 5.657 becomes 5.65625 in bf16); Gemma3RMSNorm is
  (x.float() * rsqrt(mean(x^2) + eps)) * (1 + w.float()), then cast to x's dtype; each layer is
  h += post_attention_layernorm(attn(input_layernorm(h))); h += post_feedforward_layernorm(
  mlp(pre_feedforward_layernorm(h))); q_norm / k_norm (Gemma3RMSNorm over head_dim) before RoPE;
  scores * query_pre_attn_scalar**-0.5; MLP down(gelu_tanh(gate(x)) * up(x)); "sliding_attention"
  layers mask keys with kv_idx <= q_idx - sliding_window (masking_utils.sliding_window_overlay) and
  use default RoPE with rope_local_base_freq; "full_attention" layers use rope_theta with
  rope_scaling; layer_types from the config, else from sliding_window_pattern (layer i slides
  unless (i + 1) % pattern == 0); logits = tanh(logits / cap) * cap when final_logit_softcapping is
  set (in the compute dtype; Gemma3ForCausalLM only: since transformers 4.52
  Gemma3ForConditionalGeneration has its own lm_head and applies no soft-capping, and every released
  multimodal config leaves it null, as gemma3_mm does). attn_logit_softcapping: Gemma3Attention never passes a softcap to its
  attention function (unlike Gemma 2), so transformers ignores it for Gemma 3; the fixtures leave it
  null as every released Gemma 3 does.
- Phi-3: qkv_proj output split q | k | v ([H*D | KV*D | KV*D], D = hidden / heads: Phi3Config has no
  head_dim); gate_up_proj output chunked gate | up, up * silu(gate); RoPE on the first
  int(D * partial_rotary_factor) dims of each head, the rest passed through unchanged; longrope:
  inv_freq = 1 / (ext * base**(arange(0, dim, 2) / dim)) with ext = long_factor when the forward's
  max(position_ids) + 1 > original_max_position_embeddings, else short_factor (transformers decides
  per forward call in dynamic_rope_update / longrope_frequency_update; a full forward of T tokens
  from position 0 thus uses the long factors iff T > original_max_position_embeddings), and cos and
  sin multiplied by attention_factor = sqrt(1 + ln(s) / ln(original)) with s =
  max_position_embeddings / original_max_position_embeddings (1 when s <= 1), for both factor sets.
  Crossing the boundary inside a KV cache is not covered: transformers itself recomputes the cache
  then (Phi3ForCausalLM.prepare_inputs_for_generation).
  Phi3Model applies config.sliding_window when set; the fixtures' windows exceed every sequence.

Gemma3ForConditionalGeneration module paths (for the PEFT keys): transformers 4.50 / 4.51 built it as
language_model = Gemma3ForCausalLM, so PEFT named the modules "language_model.model.layers.N...", the
same as the checkpoint keys; transformers >= 4.52 (the version read for this script) builds
model = Gemma3Model(vision_tower, multi_modal_projector, language_model = Gemma3TextModel) plus
lm_head, so PEFT names them "model.language_model.layers.N..." while the safetensors keep the old
layout (_checkpoint_conversion_mapping maps "^language_model.model" -> "model.language_model" on
load and back on save). adapter_gemma3_mm uses the checkpoint layout
(base_model.model.language_model.model.layers.N....lora_A.weight); adapter_gemma3_mm_model_prefix
holds the identical factors under base_model.model.model.language_model.layers.N.... Both select
their modules with the regex target_modules common for Gemma 3 fine-tunes,
".*language_model.*\\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)", which PEFT
full-matches against module paths in either layout and which keeps the vision tower's q/k/v_proj out.

Sizes are chosen so that every feature above moves the fp32 logits by far more than the test's 1e-3
(the script prints by how much), and so that bf16 rounding noise stays well inside the test's 2e-2:
a bf16 run differs from fp32, and from a bf16 run with the attention core in fp32 (as a fused kernel
might do it), by about 1e-2 at most (also printed).

Run once with Debian's python3-torch (torch 1.13, no transformers needed):
    /usr/bin/python3 tests/reference/hf_reference_families.py
It is deterministic (seeded) and rewrites only its own fixtures in place.
"""
import copy
import math
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_reference import relative_difference, repeat_kv, rotate_half, write_json, write_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "model")

DTYPE_NAMES = {torch.float32: "float32", torch.bfloat16: "bfloat16"}

# ----------------------------------------------------------------------------------------------
# Configurations: what config.json says, and the values transformers resolves from it

GEMMA3_TEXT_DEFAULTS = {  # Gemma3TextConfig.__init__'s defaults
    "vocab_size": 262208, "hidden_size": 2304, "intermediate_size": 9216, "num_hidden_layers": 26,
    "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 256,
    "hidden_activation": "gelu_pytorch_tanh", "max_position_embeddings": 131072, "rms_norm_eps": 1e-6,
    "tie_word_embeddings": True, "rope_theta": 1000000.0, "query_pre_attn_scalar": 256,
    "sliding_window": 4096, "final_logit_softcapping": None, "attn_logit_softcapping": None,
    "rope_scaling": None, "rope_local_base_freq": 10000.0, "sliding_window_pattern": 6,
    "layer_types": None,
}


def resolved_gemma3(text_config):
    cfg = dict(GEMMA3_TEXT_DEFAULTS)
    cfg.update({k: v for k, v in text_config.items()})
    if not cfg["layer_types"]:
        pattern = cfg["sliding_window_pattern"]
        cfg["layer_types"] = ["sliding_attention" if (i + 1) % pattern else "full_attention"
                              for i in range(cfg["num_hidden_layers"])]
    return cfg


class Spec:
    """A checkpoint: its family, the key prefix of the decoder, and the resolved text config."""

    def __init__(self, family, cfg, prefix="model.", tied=None):
        self.family = family
        self.cfg = cfg
        self.prefix = prefix
        self.tied = cfg["tie_word_embeddings"] if tied is None else tied

    @property
    def head_dim(self):
        if self.family == "phi3":  # Phi3Config has no head_dim
            return self.cfg["hidden_size"] // self.cfg["num_attention_heads"]
        return self.cfg.get("head_dim") or self.cfg["hidden_size"] // self.cfg["num_attention_heads"]

    def linear_modules(self):
        if self.family == "phi3":
            return ["self_attn.qkv_proj", "self_attn.o_proj", "mlp.gate_up_proj", "mlp.down_proj"]
        return ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]

    def linear_shapes(self):
        c = self.cfg
        hidden, inter, hd = c["hidden_size"], c["intermediate_size"], self.head_dim
        q_out, kv_out = c["num_attention_heads"] * hd, c["num_key_value_heads"] * hd
        return {"self_attn.q_proj": (q_out, hidden), "self_attn.k_proj": (kv_out, hidden),
                "self_attn.v_proj": (kv_out, hidden), "self_attn.o_proj": (hidden, q_out),
                "self_attn.qkv_proj": (q_out + 2 * kv_out, hidden),
                "mlp.gate_proj": (inter, hidden), "mlp.up_proj": (inter, hidden),
                "mlp.gate_up_proj": (2 * inter, hidden), "mlp.down_proj": (hidden, inter)}


# ----------------------------------------------------------------------------------------------
# Hugging Face math


def llama_rms_norm(x, weight, eps):  # Qwen3RMSNorm / Phi3RMSNorm
    dtype = x.dtype
    h = x.to(torch.float32)
    h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + eps)
    return weight * h.to(dtype)


def gemma_rms_norm(x, weight, eps):  # Gemma3RMSNorm
    h = x.float()
    h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + eps)
    h = h * (1.0 + weight.float())
    return h.type_as(x)


def default_inv_freq(base, dim):
    return 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))


def rope_for_layer(spec, layer, positions, variant):
    """(inv_freq [dim/2] fp32, attention_scaling) for one layer and one forward call."""
    cfg, family = spec.cfg, spec.family
    if family == "qwen3":
        return default_inv_freq(cfg["rope_theta"], spec.head_dim), 1.0
    if family == "gemma3":
        if cfg["layer_types"][layer] == "sliding_attention":
            return default_inv_freq(cfg["rope_local_base_freq"], spec.head_dim), 1.0
        inv_freq = default_inv_freq(cfg["rope_theta"], spec.head_dim)
        scaling = cfg.get("rope_scaling")
        if scaling and not variant.get("no_rope_scaling"):
            kind = scaling.get("rope_type", scaling.get("type"))
            assert kind == "linear", kind
            inv_freq = inv_freq / scaling["factor"]
        return inv_freq, 1.0
    # phi3
    dim = int(spec.head_dim * cfg.get("partial_rotary_factor", 1.0))
    scaling = cfg.get("rope_scaling")
    if not scaling:
        return default_inv_freq(cfg["rope_theta"], dim), 1.0
    assert scaling.get("rope_type", scaling.get("type")) == "longrope"
    original = cfg["original_max_position_embeddings"]
    factor = cfg["max_position_embeddings"] / original
    attention_factor = 1.0 if factor <= 1.0 else math.sqrt(1 + math.log(factor) / math.log(original))
    if variant.get("no_attention_factor"):
        attention_factor = 1.0
    seq_len = int(positions.max()) + 1
    use_long = seq_len > original
    if "force_long" in variant:
        use_long = variant["force_long"]
    ext = torch.tensor(scaling["long_factor"] if use_long else scaling["short_factor"], dtype=torch.float32)
    inv_freq_shape = torch.arange(0, dim, 2, dtype=torch.int64).float() / dim
    return 1.0 / (ext * cfg["rope_theta"] ** inv_freq_shape), attention_factor


def apply_rope(x, cos, sin):
    rotary_dim = cos.shape[-1]
    x_rot, x_pass = x[..., :rotary_dim], x[..., rotary_dim:]
    return torch.cat([x_rot * cos + rotate_half(x_rot) * sin, x_pass], dim=-1)


def forward(spec, weights, ids, dtype, lora=None, variant=None):
    """logits [T, vocab] (fp32) for one sequence from position 0, computing in `dtype` as transformers does.

    `variant` switches one feature off, only to show in the report that the fixtures exercise it."""
    variant = variant or {}
    cfg, family, p0 = spec.cfg, spec.family, spec.prefix
    w = {k: v.to(dtype) for k, v in weights.items()}
    lora = lora or {}
    n_heads, n_kv, hd = cfg["num_attention_heads"], cfg["num_key_value_heads"], spec.head_dim
    eps = cfg["rms_norm_eps"]
    T = len(ids)
    positions = torch.arange(T)

    def linear(x, path):
        y = torch.nn.functional.linear(x, w[path + ".weight"])
        if path in lora:
            a, b, scaling = lora[path]
            y = (y + torch.nn.functional.linear(torch.nn.functional.linear(x.to(a.dtype), a), b) * scaling).to(y.dtype)
        return y

    def norm(x, name):
        if family == "gemma3":
            return gemma_rms_norm(x, w[name], eps)
        return llama_rms_norm(x, w[name], eps)

    embed = w[p0 + "embed_tokens.weight"]
    h = embed[torch.tensor(ids)][None]  # [1, T, hidden]
    if family == "gemma3":
        h = h * torch.tensor(cfg["hidden_size"] ** 0.5).to(dtype)

    for layer in range(cfg["num_hidden_layers"]):
        p = "%slayers.%d." % (p0, layer)
        inv_freq, attention_scaling = rope_for_layer(spec, layer, positions, variant)
        freqs = (inv_freq[None, :, None].float() @ positions[None, None, :].float()).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos = (emb.cos() * attention_scaling).to(dtype)[:, None]  # [1, 1, T, rotary_dim]
        sin = (emb.sin() * attention_scaling).to(dtype)[:, None]

        window = None
        if family == "gemma3" and cfg["layer_types"][layer] == "sliding_attention" and not variant.get("no_window"):
            window = cfg["sliding_window"]
        if family == "phi3":
            window = cfg.get("sliding_window")
        allowed = torch.ones(T, T, dtype=torch.bool).tril()
        if window:
            allowed &= torch.arange(T)[None, :] > torch.arange(T)[:, None] - window
        additive = torch.zeros(T, T, dtype=dtype).masked_fill(~allowed, torch.finfo(dtype).min)

        residual = h
        x = norm(h, p + "input_layernorm.weight")
        if family == "phi3":
            qkv = linear(x, p + "self_attn.qkv_proj")
            q = qkv[..., :n_heads * hd]
            k = qkv[..., n_heads * hd:(n_heads + n_kv) * hd]
            v = qkv[..., (n_heads + n_kv) * hd:]
        else:
            q = linear(x, p + "self_attn.q_proj")
            k = linear(x, p + "self_attn.k_proj")
            v = linear(x, p + "self_attn.v_proj")
        q = q.view(1, T, n_heads, hd).transpose(1, 2)
        k = k.view(1, T, n_kv, hd).transpose(1, 2)
        v = v.view(1, T, n_kv, hd).transpose(1, 2)
        if family in ("qwen3", "gemma3") and not variant.get("no_qk_norm"):
            q = norm(q, p + "self_attn.q_norm.weight")
            k = norm(k, p + "self_attn.k_norm.weight")
        if variant.get("fp32_attention"):  # how a fused kernel might run it: one rounding at the end
            q, k, v = q.float(), k.float(), v.float()
            cos, sin, additive = cos.float(), sin.float(), additive.float()
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        k = repeat_kv(k, n_heads // n_kv)
        v = repeat_kv(v, n_heads // n_kv)
        if family == "gemma3" and not variant.get("head_dim_scaling"):
            scaling = cfg["query_pre_attn_scalar"] ** -0.5
        else:
            scaling = hd ** -0.5
        scores = torch.matmul(q, k.transpose(2, 3)) * scaling + additive
        probs = torch.nn.functional.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        attn = torch.matmul(probs, v).transpose(1, 2).reshape(1, T, n_heads * hd).to(dtype)
        attn = linear(attn, p + "self_attn.o_proj")

        if family == "gemma3":
            h = residual + norm(attn, p + "post_attention_layernorm.weight")
            residual = h
            x = norm(h, p + "pre_feedforward_layernorm.weight")
            gate = torch.nn.functional.gelu(linear(x, p + "mlp.gate_proj"), approximate="tanh")
            mlp = linear(gate * linear(x, p + "mlp.up_proj"), p + "mlp.down_proj")
            h = residual + norm(mlp, p + "post_feedforward_layernorm.weight")
        else:
            h = residual + attn
            residual = h
            x = norm(h, p + "post_attention_layernorm.weight")
            if family == "phi3":
                gate, up = linear(x, p + "mlp.gate_up_proj").chunk(2, dim=-1)
                mlp = linear(up * torch.nn.functional.silu(gate), p + "mlp.down_proj")
            else:
                mlp = linear(torch.nn.functional.silu(linear(x, p + "mlp.gate_proj")) * linear(x, p + "mlp.up_proj"),
                             p + "mlp.down_proj")
            h = residual + mlp

    h = norm(h, p0 + "norm.weight")
    head = embed if spec.tied else w["lm_head.weight"]
    logits = torch.nn.functional.linear(h, head)
    cap = cfg.get("final_logit_softcapping") if family == "gemma3" else None
    if cap is not None and not variant.get("no_softcap"):
        logits = torch.tanh(logits / cap) * cap
    return logits[0].float()


# ----------------------------------------------------------------------------------------------
# Checkpoints


def random_weights(spec, generator, dtype, embed_std=1.0, qk_std=0.25):
    """The checkpoint's tensors in Hugging Face key order; values large enough that every path shows."""
    cfg, p0 = spec.cfg, spec.prefix
    hidden, hd = cfg["hidden_size"], spec.head_dim
    gemma = spec.family == "gemma3"
    weights = {}

    def normal(name, shape, std):
        weights[name] = (torch.randn(shape, generator=generator) * std).to(dtype)

    def norm(name, size=hidden):
        # Gemma3RMSNorm multiplies by (1 + w), so its weights are centred on 0.
        centre = 0.0 if gemma else 1.0
        weights[name] = (centre + 0.2 * torch.randn(size, generator=generator)).to(dtype)

    shapes = spec.linear_shapes()
    normal(p0 + "embed_tokens.weight", (cfg["vocab_size"], hidden), embed_std)
    for layer in range(cfg["num_hidden_layers"]):
        p = "%slayers.%d." % (p0, layer)
        norm(p + "input_layernorm.weight")
        for module in spec.linear_modules():
            out_features, in_features = shapes[module]
            std = qk_std if module in ("self_attn.q_proj", "self_attn.k_proj", "self_attn.qkv_proj") else in_features ** -0.5
            normal(p + module + ".weight", (out_features, in_features), std)
            if module == "self_attn.o_proj" and spec.family != "phi3":
                norm(p + "self_attn.q_norm.weight", hd)
                norm(p + "self_attn.k_norm.weight", hd)
        norm(p + "post_attention_layernorm.weight")
        if gemma:
            norm(p + "pre_feedforward_layernorm.weight")
            norm(p + "post_feedforward_layernorm.weight")
    norm(p0 + "norm.weight")
    if not spec.tied:
        normal("lm_head.weight", (cfg["vocab_size"], hidden), hidden ** -0.5)
    return weights


def vision_weights(vision_config, text_hidden, generator, dtype):
    """A tiny SigLIP vision tower and Gemma 3 projector under google/gemma-3-4b-it's key names."""
    v = vision_config
    hidden, inter, patch = v["hidden_size"], v["intermediate_size"], v["patch_size"]
    patches = (v["image_size"] // patch) ** 2
    out = {}

    def normal(name, shape, std=0.5):
        out[name] = (torch.randn(shape, generator=generator) * std).to(dtype)

    p = "vision_tower.vision_model."
    normal(p + "embeddings.patch_embedding.weight", (hidden, v["num_channels"], patch, patch))
    normal(p + "embeddings.patch_embedding.bias", (hidden,))
    normal(p + "embeddings.position_embedding.weight", (patches, hidden))
    for layer in range(v["num_hidden_layers"]):
        q = "%sencoder.layers.%d." % (p, layer)
        for name in ("layer_norm1", "layer_norm2"):
            normal(q + name + ".weight", (hidden,))
            normal(q + name + ".bias", (hidden,))
        for name in ("q_proj", "k_proj", "v_proj", "out_proj"):
            normal(q + "self_attn." + name + ".weight", (hidden, hidden))
            normal(q + "self_attn." + name + ".bias", (hidden,))
        normal(q + "mlp.fc1.weight", (inter, hidden))
        normal(q + "mlp.fc1.bias", (inter,))
        normal(q + "mlp.fc2.weight", (hidden, inter))
        normal(q + "mlp.fc2.bias", (hidden,))
    normal(p + "post_layernorm.weight", (hidden,))
    normal(p + "post_layernorm.bias", (hidden,))
    normal("multi_modal_projector.mm_input_projection_weight", (hidden, text_hidden))
    normal("multi_modal_projector.mm_soft_emb_norm.weight", (hidden,))
    return out


def save_model(name, config, weights, generation_config):
    folder = os.path.join(OUT, name)
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    write_json(os.path.join(folder, "config.json"), config)
    write_json(os.path.join(folder, "generation_config.json"), generation_config)
    write_safetensors(os.path.join(folder, "model.safetensors"), weights, {"format": "pt"})


def save_expected(case, ids, tensors):
    folder = os.path.join(OUT, "expected")
    os.makedirs(folder, exist_ok=True)
    out = {"input_ids": torch.tensor(ids, dtype=torch.int64)}
    out.update(tensors)
    write_safetensors(os.path.join(folder, case + ".safetensors"), out)


# ----------------------------------------------------------------------------------------------
# PEFT adapters


def peft_config(base_name, r, alpha, target_modules, use_rslora=False, lora_dropout=0.0):
    """The fields PEFT 0.15 writes for a LoraConfig (write_json sorts them)."""
    return {
        "alpha_pattern": {},
        "auto_mapping": None,
        "base_model_name_or_path": base_name,
        "bias": "none",
        "corda_config": None,
        "eva_config": None,
        "exclude_modules": None,
        "fan_in_fan_out": False,
        "inference_mode": True,
        "init_lora_weights": True,
        "layer_replication": None,
        "layers_pattern": None,
        "layers_to_transform": None,
        "loftq_config": {},
        "lora_alpha": alpha,
        "lora_bias": False,
        "lora_dropout": lora_dropout,
        "megatron_config": None,
        "megatron_core": "megatron.core",
        "modules_to_save": None,
        "peft_type": "LORA",
        "r": r,
        "rank_pattern": {},
        "revision": None,
        "target_modules": target_modules,
        "task_type": "CAUSAL_LM",
        "trainable_token_indices": None,
        "use_dora": False,
        "use_rslora": use_rslora,
    }


def make_lora(spec, generator, r, alpha, use_rslora=False, b_std=0.1):
    """checkpoint module path -> (A fp32 [r, in], B fp32 [out, r], scaling) for every linear module."""
    shapes = spec.linear_shapes()
    scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
    lora = {}
    for layer in range(spec.cfg["num_hidden_layers"]):
        for module in spec.linear_modules():
            out_features, in_features = shapes[module]
            a = torch.randn(r, in_features, generator=generator) * in_features ** -0.5
            b = torch.randn(out_features, r, generator=generator) * b_std
            lora["%slayers.%d.%s" % (spec.prefix, layer, module)] = (a, b, scaling)
    return lora


def save_adapter(name, config, lora, module_path=lambda path: path):
    folder = os.path.join(OUT, name)
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    tensors = {}
    for path, (a, b, _) in lora.items():
        tensors["base_model.model." + module_path(path) + ".lora_A.weight"] = a
        tensors["base_model.model." + module_path(path) + ".lora_B.weight"] = b
    write_json(os.path.join(folder, "adapter_config.json"), config)
    write_safetensors(os.path.join(folder, "adapter_model.safetensors"), tensors, {"format": "pt"})


# ----------------------------------------------------------------------------------------------
# The fixtures


def qwen3_config(hidden, inter, layers, heads, kv_heads, head_dim, dtype, tied):
    return {  # the fields of Qwen/Qwen3-0.6B's config.json
        "architectures": ["Qwen3ForCausalLM"],
        "attention_bias": False,
        "attention_dropout": 0.0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "head_dim": head_dim,
        "hidden_act": "silu",
        "hidden_size": hidden,
        "initializer_range": 0.02,
        "intermediate_size": inter,
        "max_position_embeddings": 40960,
        "max_window_layers": layers,
        "model_type": "qwen3",
        "num_attention_heads": heads,
        "num_hidden_layers": layers,
        "num_key_value_heads": kv_heads,
        "rms_norm_eps": 1e-06,
        "rope_scaling": None,
        "rope_theta": 1000000,
        "sliding_window": None,
        "tie_word_embeddings": tied,
        "torch_dtype": DTYPE_NAMES[dtype],
        "transformers_version": "4.51.0",
        "use_cache": True,
        "use_sliding_window": False,
        "vocab_size": 256,
    }


def phi3_config(hidden, inter, layers, heads, kv_heads, dtype, tied, rope_scaling=None, max_positions=4096,
                original=4096, partial_rotary_factor=None, sliding_window=2047):
    cfg = {  # the fields of microsoft/Phi-3-mini-4k-instruct's and Phi-4-mini-instruct's config.json
        "architectures": ["Phi3ForCausalLM"],
        "attention_bias": False,
        "attention_dropout": 0.0,
        "bos_token_id": 1,
        "embd_pdrop": 0.0,
        "eos_token_id": 2,
        "hidden_act": "silu",
        "hidden_size": hidden,
        "initializer_range": 0.02,
        "intermediate_size": inter,
        "max_position_embeddings": max_positions,
        "model_type": "phi3",
        "num_attention_heads": heads,
        "num_hidden_layers": layers,
        "num_key_value_heads": kv_heads,
        "original_max_position_embeddings": original,
        "pad_token_id": 0,
        "resid_pdrop": 0.0,
        "rms_norm_eps": 1e-05,
        "rope_scaling": rope_scaling,
        "rope_theta": 10000.0,
        "sliding_window": sliding_window,
        "tie_word_embeddings": tied,
        "torch_dtype": DTYPE_NAMES[dtype],
        "transformers_version": "4.45.0",
        "use_cache": True,
        "vocab_size": 256,
    }
    if partial_rotary_factor is not None:
        cfg["partial_rotary_factor"] = partial_rotary_factor
    return cfg


def generation_config(bos, eos):
    return {"_from_model_config": True, "bos_token_id": bos, "eos_token_id": eos, "transformers_version": "4.51.0"}


def main():
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(20260115)
    report = []
    written = []

    def ids_for(n, vocab=256):
        return torch.randint(0, vocab, (n,), generator=generator).tolist()

    def cases(name, spec, weights, ids, dtype, lora=None, adapter=None):
        """Writes expected/<name> (and <name>+<adapter>) for one checkpoint and token sequence."""
        base = {"logits": forward(spec, weights, ids, torch.float32)}
        if dtype == torch.bfloat16:
            base["logits_bf16"] = forward(spec, weights, ids, torch.bfloat16)
            report.append("%s: bf16 compute vs fp32 %.2e" % (name, relative_difference(base["logits_bf16"],
                                                                                     base["logits"])))
            alternative = forward(spec, weights, ids, torch.bfloat16, variant={"fp32_attention": True})
            report.append("%s: bf16 with the attention core in fp32 vs bf16 %.2e" % (
                name, relative_difference(alternative, base["logits_bf16"])))
        save_expected(name, ids, base)
        written.append(name)
        if lora is None:
            return base
        with_adapter = {"logits": forward(spec, weights, ids, torch.float32, lora=lora)}
        if dtype == torch.bfloat16:
            with_adapter["logits_bf16"] = forward(spec, weights, ids, torch.bfloat16, lora=lora)
            alternative = forward(spec, weights, ids, torch.bfloat16, lora=lora, variant={"fp32_attention": True})
            report.append("%s+%s: bf16 vs fp32 %.2e, bf16 with the attention core in fp32 vs bf16 %.2e" % (
                name, adapter, relative_difference(with_adapter["logits_bf16"], with_adapter["logits"]),
                relative_difference(alternative, with_adapter["logits_bf16"])))
        report.append("%s+%s: the adapter changes logits by %.2e" % (
            name, adapter, relative_difference(with_adapter["logits"], base["logits"])))
        if dtype == torch.bfloat16:
            merged = {k: v for k, v in weights.items()}
            for path, (a, b, scaling) in lora.items():
                merged[path + ".weight"] = (weights[path + ".weight"].float() + scaling * (b @ a)).to(dtype)
            report.append("%s+%s: merged into %s weights (fp32 compute) vs the adapter's logits %.2e" % (
                name, adapter, DTYPE_NAMES[dtype],
                relative_difference(forward(spec, merged, ids, torch.float32), with_adapter["logits"])))
        save_expected(name + "+" + adapter, ids, with_adapter)
        written.append(name + "+" + adapter)
        return base

    def effect(name, what, spec, weights, ids, logits, **variant):
        changed = forward(spec, weights, ids, torch.float32, variant=variant)
        report.append("%s: %s changes logits by %.2e" % (name, what, relative_difference(changed, logits)))

    # 1. Qwen3, fp32, untied: head_dim 16 with hidden 32 and 4 heads, GQA 4/2.
    config = qwen3_config(32, 64, 2, 4, 2, 16, torch.float32, tied=False)
    spec = Spec("qwen3", config)
    weights = random_weights(spec, generator, torch.float32)
    save_model("qwen3", config, weights, generation_config(1, 2))
    ids = ids_for(10)
    lora = make_lora(spec, generator, r=4, alpha=8)
    save_adapter("adapter_qwen3", peft_config("qwen3", 4, 8, ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                                                               "up_proj", "down_proj"], lora_dropout=0.05), lora)
    base = cases("qwen3", spec, weights, ids, torch.float32, lora, "adapter_qwen3")
    effect("qwen3", "dropping q_norm/k_norm", spec, weights, ids, base["logits"], no_qk_norm=True)

    # 2. Qwen3, bf16, tied, head_dim 24 with hidden 64 / 4 heads, GQA 4/1.
    config = qwen3_config(64, 64, 2, 4, 1, 24, torch.bfloat16, tied=True)
    spec = Spec("qwen3", config)
    weights = random_weights(spec, generator, torch.bfloat16, embed_std=1.0)
    save_model("qwen3_tied", config, weights, generation_config(1, 2))
    ids = ids_for(10)
    lora = make_lora(spec, generator, r=8, alpha=16, use_rslora=True, b_std=0.03)
    save_adapter("adapter_qwen3_tied", peft_config("qwen3_tied", 8, 16, ["q_proj", "k_proj", "v_proj", "o_proj",
                                                                         "gate_proj", "up_proj", "down_proj"],
                                                   use_rslora=True), lora)
    base = cases("qwen3_tied", spec, weights, ids, torch.bfloat16, lora, "adapter_qwen3_tied")
    effect("qwen3_tied", "dropping q_norm/k_norm", spec, weights, ids, base["logits"], no_qk_norm=True)

    # 3. Gemma 3 text-only (Gemma3ForCausalLM, like gemma-3-270m / 1b), fp32.
    config = {
        "_sliding_window_pattern": 6,
        "architectures": ["Gemma3ForCausalLM"],
        "attention_bias": False,
        "attention_dropout": 0.0,
        "attn_logit_softcapping": None,
        "bos_token_id": 2,
        "cache_implementation": "hybrid",
        "eos_token_id": [1, 106],
        "final_logit_softcapping": 15.0,
        "head_dim": 16,
        "hidden_activation": "gelu_pytorch_tanh",
        "hidden_size": 48,
        "initializer_range": 0.02,
        "intermediate_size": 64,
        "layer_types": ["sliding_attention", "full_attention", "sliding_attention"],
        "max_position_embeddings": 32768,
        "model_type": "gemma3_text",
        "num_attention_heads": 4,
        "num_hidden_layers": 3,
        "num_key_value_heads": 2,
        "pad_token_id": 0,
        "query_pre_attn_scalar": 24,
        "rms_norm_eps": 1e-06,
        "rope_local_base_freq": 10000.0,
        "rope_scaling": None,
        "rope_theta": 1000000.0,
        "sliding_window": 4,
        "torch_dtype": "float32",
        "transformers_version": "4.55.0",
        "use_bidirectional_attention": False,
        "use_cache": True,
        "vocab_size": 256,
    }
    spec = Spec("gemma3", resolved_gemma3(config))
    weights = random_weights(spec, generator, torch.float32, embed_std=0.3)
    save_model("gemma3_text", config, weights, generation_config(2, [1, 106]))
    ids = ids_for(11)
    lora = make_lora(spec, generator, r=4, alpha=8)
    save_adapter("adapter_gemma3_text", peft_config("gemma3_text", 4, 8, ["q_proj", "k_proj", "v_proj", "o_proj",
                                                                           "gate_proj", "up_proj", "down_proj"]),
                 lora)
    base = cases("gemma3_text", spec, weights, ids, torch.float32, lora, "adapter_gemma3_text")
    logits = base["logits"]
    effect("gemma3_text", "the sliding window", spec, weights, ids, logits, no_window=True)
    effect("gemma3_text", "final_logit_softcapping", spec, weights, ids, logits, no_softcap=True)
    effect("gemma3_text", "query_pre_attn_scalar (vs head_dim)", spec, weights, ids, logits, head_dim_scaling=True)
    effect("gemma3_text", "q_norm/k_norm", spec, weights, ids, logits, no_qk_norm=True)
    swapped = copy.deepcopy(spec)
    swapped.cfg["rope_local_base_freq"], swapped.cfg["rope_theta"] = spec.cfg["rope_theta"], spec.cfg["rope_local_base_freq"]
    report.append("gemma3_text: swapping local and global RoPE bases changes logits by %.2e" % relative_difference(
        forward(swapped, weights, ids, torch.float32), logits))
    pattern = copy.deepcopy(spec)
    pattern.cfg["layer_types"] = ["sliding_attention"] * 3  # what sliding_window_pattern 6 alone would give
    report.append("gemma3_text: ignoring layer_types (pattern 6) changes logits by %.2e" % relative_difference(
        forward(pattern, weights, ids, torch.float32), logits))

    # 4. Gemma 3 multimodal checkpoint (Gemma3ForConditionalGeneration, like gemma-3-4b-it), bf16.
    text_config = {  # what google/gemma-3-4b-it lists, plus the sizes a tiny model cannot take by default
        "head_dim": 24,
        "hidden_size": 32,
        "intermediate_size": 64,
        "model_type": "gemma3_text",
        "num_attention_heads": 2,
        "num_hidden_layers": 6,
        "num_key_value_heads": 1,
        "query_pre_attn_scalar": 24,
        "rope_scaling": {"factor": 8.0, "rope_type": "linear"},
        "sliding_window": 4,
        "vocab_size": 256,
    }
    vision_config = {
        "hidden_size": 8,
        "image_size": 8,
        "intermediate_size": 16,
        "model_type": "siglip_vision_model",
        "num_attention_heads": 2,
        "num_channels": 3,
        "num_hidden_layers": 1,
        "patch_size": 2,
        "vision_use_head": False,
    }
    config = {
        "architectures": ["Gemma3ForConditionalGeneration"],
        "boi_token_index": 255999,
        "eoi_token_index": 256000,
        "eos_token_id": [1, 106],
        "image_token_index": 262144,
        "initializer_range": 0.02,
        "mm_tokens_per_image": 4,
        "model_type": "gemma3",
        "text_config": text_config,
        "torch_dtype": "bfloat16",
        "transformers_version": "4.50.0.dev0",
        "vision_config": vision_config,
    }
    spec = Spec("gemma3", resolved_gemma3(text_config), prefix="language_model.model.")
    assert spec.cfg["layer_types"] == ["sliding_attention"] * 5 + ["full_attention"]
    weights = random_weights(spec, generator, torch.bfloat16, embed_std=1.0)
    checkpoint = dict(weights)
    checkpoint.update(vision_weights(vision_config, text_config["hidden_size"], generator, torch.bfloat16))
    save_model("gemma3_mm", config, checkpoint,
               {"bos_token_id": 2, "cache_implementation": "hybrid", "do_sample": True, "eos_token_id": [1, 106],
                "pad_token_id": 0, "top_k": 64, "top_p": 0.95, "transformers_version": "4.50.0.dev0"})
    ids = ids_for(12)
    lora = make_lora(spec, generator, r=4, alpha=8)
    regex = r".*language_model.*\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)"
    save_adapter("adapter_gemma3_mm", peft_config("gemma3_mm", 4, 8, regex), lora)
    save_adapter("adapter_gemma3_mm_model_prefix", peft_config("gemma3_mm", 4, 8, regex), lora,
                 lambda path: path.replace("language_model.model.", "model.language_model.", 1))
    base = cases("gemma3_mm", spec, weights, ids, torch.bfloat16, lora, "adapter_gemma3_mm")
    logits = base["logits"]
    effect("gemma3_mm", "the sliding window", spec, weights, ids, logits, no_window=True)
    effect("gemma3_mm", "linear RoPE scaling of the full layer", spec, weights, ids, logits, no_rope_scaling=True)
    every_layer_full = copy.deepcopy(spec)
    every_layer_full.cfg["layer_types"] = ["full_attention"] * 6
    report.append("gemma3_mm: treating every layer as full changes logits by %.2e" % relative_difference(
        forward(every_layer_full, weights, ids, torch.float32), logits))

    # 5. Phi-3-mini-4k style, fp32, untied, fused projections, no rope scaling.
    config = phi3_config(48, 64, 2, 3, 1, torch.float32, tied=False)
    spec = Spec("phi3", config)
    weights = random_weights(spec, generator, torch.float32)
    save_model("phi3", config, weights, generation_config(1, 2))
    ids = ids_for(10)
    lora = make_lora(spec, generator, r=4, alpha=8)
    save_adapter("adapter_phi3", peft_config("phi3", 4, 8, ["qkv_proj", "o_proj", "gate_up_proj", "down_proj"],
                                             lora_dropout=0.05), lora)
    cases("phi3", spec, weights, ids, torch.float32, lora, "adapter_phi3")

    # 6. Phi-4-mini style, bf16, tied, partial rotary 0.75, longrope with original context 8.
    head_dim, rotary = 16, 12
    short = [round(1.0 + 0.1 * i, 4) for i in range(rotary // 2)]
    long = [round(1.0 + 1.5 * i * i, 4) for i in range(rotary // 2)]
    config = phi3_config(64, 64, 2, 4, 2, torch.bfloat16, tied=True, max_positions=128, original=8,
                         partial_rotary_factor=0.75, sliding_window=262144,
                         rope_scaling={"long_factor": long, "short_factor": short, "type": "longrope"})
    assert config["hidden_size"] // config["num_attention_heads"] == head_dim
    spec = Spec("phi3", config)
    weights = random_weights(spec, generator, torch.bfloat16, embed_std=1.0, qk_std=0.12)
    save_model("phi3_longrope", config, weights, generation_config(1, 2))
    lora = make_lora(spec, generator, r=4, alpha=8, b_std=0.05)
    save_adapter("adapter_phi3_longrope", peft_config("phi3_longrope", 4, 8,
                                                      ["qkv_proj", "o_proj", "gate_up_proj", "down_proj"]), lora)
    ids = ids_for(12)
    logits = cases("phi3_longrope", spec, weights, ids, torch.bfloat16, lora, "adapter_phi3_longrope")["logits"]
    effect("phi3_longrope", "short instead of long factors (12 tokens)", spec, weights, ids, logits, force_long=False)
    effect("phi3_longrope", "the attention factor", spec, weights, ids, logits, no_attention_factor=True)
    short_ids = ids_for(6)
    logits = cases("phi3_longrope_short", spec, weights, short_ids, torch.bfloat16, lora,
                   "adapter_phi3_longrope")["logits"]
    effect("phi3_longrope_short", "long instead of short factors (6 tokens)", spec, weights, short_ids, logits,
           force_long=True)
    effect("phi3_longrope_short", "the attention factor", spec, weights, short_ids, logits, no_attention_factor=True)
    full_rotary = copy.deepcopy(spec)
    full_rotary.cfg["partial_rotary_factor"] = 1.0
    full_rotary.cfg["rope_scaling"] = None
    partial_plain = copy.deepcopy(spec)
    partial_plain.cfg["rope_scaling"] = None
    report.append("phi3_longrope_short: rotary on all 16 dims instead of 12 (plain RoPE both) changes logits by %.2e"
                  % relative_difference(forward(full_rotary, weights, short_ids, torch.float32),
                                        forward(partial_plain, weights, short_ids, torch.float32)))

    mine = ["qwen3", "qwen3_tied", "gemma3_text", "gemma3_mm", "phi3", "phi3_longrope"]
    mine += ["adapter_" + m for m in mine] + ["adapter_gemma3_mm_model_prefix"]
    total = 0
    for folder in mine:
        for root, _, files in os.walk(os.path.join(OUT, folder)):
            total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    for case in written:
        total += os.path.getsize(os.path.join(OUT, "expected", case + ".safetensors"))
    for line in report:
        print(line)
    print("fixtures: %d bytes in %d folders and %d expected files" % (total, len(mine), len(written)))


if __name__ == "__main__":
    sys.exit(main())
