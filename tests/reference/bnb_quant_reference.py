#!/usr/bin/python3
"""Independent reference for the engine's quantized frozen weights (test_quantized_weights).

Written from bitsandbytes' source (github.com/bitsandbytes-foundation/bitsandbytes, functional.py,
utils.py, nn/modules.py and csrc/kernels.cu), with numpy and torch only (no bitsandbytes here):
  NF4     get_4bit_type("nf4") code book; kQuantizeBlockwise: the weight flattened row-major into
          blocks of 64 (running across row ends, the last one partial and padded with zeros),
          absmax per block, x * (1 / absmax) in fp32, dQuantizeNF4's threshold tree (strict >),
          two codes per byte, first in the high nibble; dequantize: code[c] * absmax in fp32,
          written in the weight's dtype.
  double  quantize_4bit(compress_statistics=True): offset = absmax.mean(), quantize_blockwise(
          absmax - offset, blocksize=256) with create_dynamic_map() and dQuantize<0>'s binary search.
  int8    the engine's own format: scale = row absmax / 127, q = round(w / scale) (half to even).
  layout  Linear4bit._save_to_state_dict / QuantState.as_dict(packed=True): weight uint8
          [(n+1)//2, 1], weight.absmax, weight.quant_map, weight.nested_absmax,
          weight.nested_quant_map, weight.quant_state.bitsandbytes__nf4 (uint8 bytes of json.dumps);
          config.json's quantization_config as transformers' BitsAndBytesConfig.to_dict writes it.

Usage (writes the fixtures the test reads; run from the repository root):
  build/bin/lora-studio-cli make-tiny /tmp/tiny-bf16 --arch llama --dtype bfloat16 --vocab-size 128 --seed 3
  /usr/bin/python3 tests/reference/bnb_quant_reference.py /tmp/tiny-bf16 tests/fixtures/quantized
Outputs:
  cases.safetensors     weights of awkward shapes and what NF4 (plain, double), int8 make of them
  tiny-bnb-nf4/         the tiny model with every decoder linear weight in the bnb-4bit layout
                        (double quantization), as a *-bnb-4bit repository has it
  tiny-bnb-nf4-dequantized/  the same weights dequantized into a dense bf16 model: the
                        dequantize-then-forward reference the quantized model's logits must match
"""
import json
import os
import shutil
import struct
import sys

import numpy as np
import torch

NF4 = [-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
       -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
       0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
       0.7229568362236023, 1.0]


def create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8):
    """bitsandbytes.functional.create_dynamic_map, verbatim in behaviour."""
    data = []
    non_sign_bits = total_bits - 1
    additional_items = 2 ** (non_sign_bits - max_exponent_bits) - 1
    for i in range(max_exponent_bits):
        fraction_items = int(2 ** (i + non_sign_bits - max_exponent_bits) + 1 if signed
                             else 2 ** (i + non_sign_bits - max_exponent_bits + 1) + 1)
        boundaries = torch.linspace(0.1, 1, fraction_items, dtype=torch.float32)
        means = (boundaries[:-1] + boundaries[1:]) / 2.0
        data += ((10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
        if signed:
            data += (-(10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
    if additional_items > 0:
        boundaries = torch.linspace(0.1, 1, additional_items + 1, dtype=torch.float32)
        means = (boundaries[:-1] + boundaries[1:]) / 2.0
        data += ((10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
        if signed:
            data += (-(10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
    data.append(0)
    data.append(1.0)
    assert len(data) == 2 ** total_bits
    data += [0] * (256 - len(data))
    data.sort()
    return torch.tensor(data, dtype=torch.float32)


def nf4_quantize_value(x):
    """dQuantizeNF4 (kernels.cu), the tree as written (f32 literals)."""
    f = np.float32
    if x > f(0.03979014977812767):
        if x > f(0.3893125355243683):
            if x > f(0.6427869200706482):
                return 0b1111 if x > f(0.8614784181118011) else 0b1110
            return 0b1101 if x > f(0.5016634166240692) else 0b1100
        if x > f(0.2035212516784668):
            return 0b1011 if x > f(0.2920137718319893) else 0b1010
        return 0b1001 if x > f(0.1202552504837513) else 0b1000
    if x > f(-0.33967943489551544):
        if x > f(-0.13791173323988914):
            return 0b0111 if x > f(-0.045525018125772476) else 0b0110
        return 0b0101 if x > f(-0.23460740596055984) else 0b0100
    if x > f(-0.6106329262256622):
        return 0b0011 if x > f(-0.4599952697753906) else 0b0010
    return 0b0001 if x > f(-0.8480964004993439) else 0b0000


def dynamic_quantize_value(code, x):
    """dQuantize<0> (kernels.cu): binary search over the sorted 256-entry map, fp32 midpoints."""
    f = np.float32
    pivot, upper_pivot, lower_pivot = 127, 255, 0
    lower, upper = f(-1.0), f(1.0)
    val = code[pivot]
    i = 64
    while i > 0:
        if x > val:
            lower_pivot, lower = pivot, val
            pivot += i
        else:
            upper_pivot, upper = pivot, val
            pivot -= i
        val = code[pivot]
        i >>= 1
    if upper_pivot == 255:
        upper = code[upper_pivot]
    if lower_pivot == 0:
        lower = code[lower_pivot]
    if x > val:
        return upper_pivot if x > f((upper + val) * f(0.5)) else pivot
    return lower_pivot if x < f((lower + val) * f(0.5)) else pivot


def blockwise_absmax(flat, blocksize):
    n = flat.size
    blocks = (n + blocksize - 1) // blocksize
    padded = np.zeros(blocks * blocksize, dtype=np.float32)
    padded[:n] = flat
    return padded.reshape(blocks, blocksize), np.abs(padded.reshape(blocks, blocksize)).max(axis=1)


def quantize_nf4(weight_f32, double_quant):
    """weight_f32: numpy float32 2-D (the weight's values). Returns a dict of the stored parts."""
    flat = weight_f32.reshape(-1)
    n = flat.size
    blocks, absmax = blockwise_absmax(flat, 64)
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = (np.float32(1.0) / absmax).astype(np.float32)
        normed = (blocks * inverse[:, None]).astype(np.float32).reshape(-1)
    codes = np.array([nf4_quantize_value(v) for v in normed[: n + (n & 1)]], dtype=np.uint8)
    packed = (codes[0::2] << 4) | codes[1::2]
    parts = {"packed": packed.astype(np.uint8), "absmax": absmax.astype(np.float32), "n": n}
    if double_quant:
        absmax_t = torch.from_numpy(absmax.copy())
        offset = absmax_t.mean()  # fp32, as quantize_4bit does
        centred = (absmax_t - offset).numpy()
        code = create_dynamic_map().numpy()
        nested_blocks, nested_absmax = blockwise_absmax(centred, 256)
        with np.errstate(divide="ignore", invalid="ignore"):
            nested_inverse = (np.float32(1.0) / nested_absmax).astype(np.float32)
            nested_normed = (nested_blocks * nested_inverse[:, None]).astype(np.float32).reshape(-1)
        qabsmax = np.array([dynamic_quantize_value(code, v) for v in nested_normed[: absmax.size]], dtype=np.uint8)
        parts.update({"qabsmax": qabsmax, "nested_absmax": nested_absmax.astype(np.float32),
                      "offset": np.float32(offset.item()), "nested_code": code})
    return parts


def resolved_absmax(parts):
    if "qabsmax" not in parts:
        return parts["absmax"]
    scales = np.repeat(parts["nested_absmax"], 256)[: parts["qabsmax"].size]
    # dequantize_blockwise (code[q] * absmax, fp32), then absmax += offset (fp32)
    return ((parts["nested_code"][parts["qabsmax"]] * scales).astype(np.float32) + parts["offset"]).astype(np.float32)


def dequantize_nf4(parts, shape, dtype):
    n = parts["n"]
    codes = np.stack([parts["packed"] >> 4, parts["packed"] & 15], axis=1).reshape(-1)[:n]
    scales = np.repeat(resolved_absmax(parts), 64)[:n]
    values = (np.array(NF4, dtype=np.float32)[codes] * scales).astype(np.float32)
    return torch.from_numpy(values.reshape(shape)).to(dtype)


def quantize_int8(weight_f32):
    w = torch.from_numpy(weight_f32)
    scale = w.abs().amax(dim=1) / 127.0
    safe = torch.where(scale > 0, scale, torch.ones_like(scale))
    q = torch.where(scale[:, None] > 0, torch.round(w / safe[:, None]), torch.zeros_like(w)).clamp(-127, 127)
    return q.to(torch.int8), scale


def dequantize_int8(q, scale, dtype):
    return (q.to(torch.float32) * scale[:, None]).to(dtype)


# ---- safetensors, written and read by hand (the format: 8-byte header length, JSON, bytes) ----------
ST_DTYPES = {torch.float32: "F32", torch.bfloat16: "BF16", torch.float16: "F16", torch.uint8: "U8",
             torch.int8: "I8", torch.int64: "I64"}
ST_TORCH = {v: k for k, v in ST_DTYPES.items()}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write_safetensors(path, tensors, metadata=None):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        data = tensor_bytes(t)
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for data in blobs:
            out.write(data)


def read_safetensors(path):
    with open(path, "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = ST_TORCH[info["dtype"]]
        raw = bytearray(data[begin:end])
        if dtype == torch.bfloat16:
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16) if raw else torch.empty(0, dtype=dtype)
        else:
            t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"]).clone()
    return tensors


# ---- the cases ------------------------------------------------------------------------------------
def make_cases():
    rng = np.random.default_rng(20261206)
    cases = {}
    # odd element count (a half-filled last byte), blocks across row ends, a partial last block
    cases["odd"] = (rng.standard_normal((5, 77)) * 0.05, torch.bfloat16)
    # one block of zeros and a block holding a single large outlier
    w = rng.standard_normal((4, 96)) * 0.02
    w[0, :64] = 0.0
    w[2, 70] = 3.0
    cases["zeros_outlier"] = (w, torch.bfloat16)
    # more than 256 blocks: double quantization's nested blocks, the last one partial
    cases["many_blocks"] = (rng.standard_normal((40, 420)) * 0.03, torch.bfloat16)
    # an fp32 model, values exactly on NF4 levels and midpoints of one block
    w = rng.standard_normal((3, 64)) * 0.1
    w[0, :16] = np.array(NF4) * 0.5
    w[0, 16] = 0.5  # the block absmax
    w[1, :15] = np.array([(NF4[i] + NF4[i + 1]) / 2 for i in range(15)]) * 0.25
    w[1, 15] = 0.25
    cases["levels_fp32"] = (w, torch.float32)
    out = {"dynamic_map": create_dynamic_map(), "nf4_code": torch.tensor(NF4, dtype=torch.float32)}
    for name, (values, dtype) in cases.items():
        weight = torch.from_numpy(values.astype(np.float32)).to(dtype)
        w32 = weight.to(torch.float32).numpy()
        out[name + ".weight"] = weight
        plain = quantize_nf4(w32, False)
        out[name + ".nf4.packed"] = torch.from_numpy(plain["packed"])
        out[name + ".nf4.absmax"] = torch.from_numpy(plain["absmax"])
        out[name + ".nf4.dequantized"] = dequantize_nf4(plain, w32.shape, dtype)
        nested = quantize_nf4(w32, True)
        out[name + ".nf4dq.packed"] = torch.from_numpy(nested["packed"])
        out[name + ".nf4dq.absmax"] = torch.from_numpy(nested["qabsmax"])
        out[name + ".nf4dq.nested_absmax"] = torch.from_numpy(nested["nested_absmax"])
        out[name + ".nf4dq.offset"] = torch.tensor([float(nested["offset"])], dtype=torch.float32)
        out[name + ".nf4dq.dequantized"] = dequantize_nf4(nested, w32.shape, dtype)
        q, scale = quantize_int8(w32)
        out[name + ".int8.codes"] = q
        out[name + ".int8.scale"] = scale
        out[name + ".int8.dequantized"] = dequantize_int8(q, scale, dtype)
    return out


# ---- the tiny bnb-4bit model -----------------------------------------------------------------------
def is_decoder_linear(name, tensor):
    return (tensor.dim() == 2 and name.startswith("model.layers.") and name.endswith("_proj.weight"))


def write_bnb_model(dense_dir, out_dir, dequantized_dir):
    config = json.load(open(os.path.join(dense_dir, "config.json")))
    weights = read_safetensors(os.path.join(dense_dir, "model.safetensors"))
    quantized, dequantized = {}, {}
    for name, tensor in sorted(weights.items()):
        if not is_decoder_linear(name, tensor):
            quantized[name] = tensor
            dequantized[name] = tensor
            continue
        w32 = tensor.to(torch.float32).numpy()
        parts = quantize_nf4(w32, True)
        quantized[name] = torch.from_numpy(parts["packed"]).reshape(-1, 1)
        quantized[name + ".absmax"] = torch.from_numpy(parts["qabsmax"])
        quantized[name + ".quant_map"] = torch.tensor(NF4, dtype=torch.float32)
        quantized[name + ".nested_absmax"] = torch.from_numpy(parts["nested_absmax"])
        quantized[name + ".nested_quant_map"] = torch.from_numpy(parts["nested_code"].copy())
        state = {"quant_type": "nf4", "blocksize": 64, "dtype": str(tensor.dtype).strip("torch."),
                 "shape": tuple(tensor.shape), "nested_blocksize": 256,
                 "nested_dtype": "float32", "nested_offset": float(parts["offset"])}
        quantized[name + ".quant_state.bitsandbytes__nf4"] = torch.tensor(list(json.dumps(state).encode("utf-8")),
                                                                           dtype=torch.uint8)
        dequantized[name] = dequantize_nf4(parts, w32.shape, tensor.dtype)
    for folder in (out_dir, dequantized_dir):
        os.makedirs(folder, exist_ok=True)
    bnb_config = dict(config)
    bnb_config["quantization_config"] = {
        "_load_in_4bit": True, "_load_in_8bit": False, "bnb_4bit_compute_dtype": "bfloat16",
        "bnb_4bit_quant_storage": "uint8", "bnb_4bit_quant_type": "nf4", "bnb_4bit_use_double_quant": True,
        "llm_int8_enable_fp32_cpu_offload": False, "llm_int8_has_fp16_weight": False,
        "llm_int8_skip_modules": None, "llm_int8_threshold": 6.0, "load_in_4bit": True, "load_in_8bit": False,
        "quant_method": "bitsandbytes"}
    json.dump(bnb_config, open(os.path.join(out_dir, "config.json"), "w"), indent=2)
    json.dump(config, open(os.path.join(dequantized_dir, "config.json"), "w"), indent=2)
    write_safetensors(os.path.join(out_dir, "model.safetensors"), quantized, {"format": "pt"})
    write_safetensors(os.path.join(dequantized_dir, "model.safetensors"), dequantized, {"format": "pt"})
    for folder in (out_dir, dequantized_dir):
        shutil.copy(os.path.join(dense_dir, "generation_config.json"), folder)


def main():
    dense_dir, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    write_safetensors(os.path.join(out, "cases.safetensors"), make_cases())
    write_bnb_model(dense_dir, os.path.join(out, "tiny-bnb-nf4"), os.path.join(out, "tiny-bnb-nf4-dequantized"))


if __name__ == "__main__":
    main()
