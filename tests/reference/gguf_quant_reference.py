#!/usr/bin/env python3
"""Independent reference for the GGUF block encodings (tests/test_gguf_export.cpp).

A numpy re-implementation, written from ggml's definitions (ggml-common.h block layouts and the
reference quantizers of ggml-quants.c: quantize_row_q8_0_ref, q4_0_ref, q5_0_ref, q4_K_ref with
make_qkx2_quants, q6_K_ref with make_qx_quants), of what llama-quantize writes without an
importance matrix. Every float operation is done in float32 in ggml's order (sums sequential,
not numpy's pairwise), so the bytes must equal the engine's exactly.

usage: gguf_quant_reference.py TYPE INPUT.f32 ROWS ROW_LENGTH OUTPUT.bin
  TYPE: F16 BF16 Q8_0 Q4_0 Q5_0 Q4_K Q6_K; INPUT.f32: ROWS*ROW_LENGTH little-endian float32.
       gguf_quant_reference.py dequantize TYPE INPUT.bin COUNT OUTPUT.f32
  (tests/test_gguf_import.cpp) ggml's dequantize_row_* (ggml-quants.c) of COUNT elements stored as
  TYPE (F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q2_K Q3_K Q4_K Q5_K Q6_K), written as float32.
"""
import sys

import numpy as np

F = np.float32


def half_bits(values):
    return np.asarray(values, dtype=np.float32).astype(np.float16).view(np.uint16)


def half_value(bits):
    return np.asarray(bits, dtype=np.uint16).view(np.float16).astype(np.float32)


def round_away(values):
    """C roundf: half away from zero (exact in float64)."""
    v = np.asarray(values, dtype=np.float64)
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def nearest_int(values):
    """ggml's nearest_int: round half to even."""
    return np.rint(np.asarray(values, dtype=np.float32)).astype(np.int64)


def seq_sum(values, axis=-1):
    """Sequential float32 sum, as a C loop adds."""
    return np.cumsum(np.asarray(values, dtype=np.float32), axis=axis, dtype=np.float32).take(-1, axis=axis)


def signed_absmax(blocks):
    """The value of largest magnitude (the first one on ties), per block."""
    index = np.argmax(np.abs(blocks), axis=-1)
    return np.take_along_axis(blocks, index[..., None], axis=-1)[..., 0]


def inverse(d):
    with np.errstate(divide="ignore"):
        return np.where(d != 0, F(1) / np.where(d != 0, d, F(1)), F(0)).astype(np.float32)


def q8_0(x):
    blocks = x.reshape(-1, 32)
    amax = np.max(np.abs(blocks), axis=-1)
    d = (amax / F(127)).astype(np.float32)
    q = round_away(blocks * inverse(d)[:, None]).astype(np.int8)
    out = np.zeros((blocks.shape[0], 34), dtype=np.uint8)
    out[:, 0:2] = half_bits(d).view(np.uint8).reshape(-1, 2)
    out[:, 2:] = q.view(np.uint8)
    return out.tobytes()


def q4_0_like(x, levels):
    blocks = x.reshape(-1, 32)
    mx = signed_absmax(blocks)
    d = (mx / F(-levels)).astype(np.float32)
    scaled = (blocks * inverse(d)[:, None]).astype(np.float32)
    q = np.trunc((scaled + F(levels + 0.5)).astype(np.float32)).astype(np.int64)
    q = np.minimum(2 * levels - 1, q.astype(np.int8).astype(np.int64)).astype(np.uint8)
    return d, q


def q4_0(x):
    d, q = q4_0_like(x, 8)
    out = np.zeros((q.shape[0], 18), dtype=np.uint8)
    out[:, 0:2] = half_bits(d).view(np.uint8).reshape(-1, 2)
    out[:, 2:] = q[:, :16] | (q[:, 16:] << 4)
    return out.tobytes()


def q5_0(x):
    d, q = q4_0_like(x, 16)
    out = np.zeros((q.shape[0], 22), dtype=np.uint8)
    out[:, 0:2] = half_bits(d).view(np.uint8).reshape(-1, 2)
    high = ((q >> 4) & 1).astype(np.uint32)
    qh = np.zeros(q.shape[0], dtype=np.uint32)
    for j in range(32):
        qh |= high[:, j] << np.uint32(j)
    out[:, 2:6] = qh.view(np.uint8).reshape(-1, 4)
    out[:, 6:] = (q[:, :16] & 0x0F) | ((q[:, 16:] & 0x0F) << 4)
    return out.tobytes()


def make_qkx2_quants(x, weights, nmax, rmin, rdelta, nstep):
    """Rows of x (n values each): returns (scale, -min, L) as ggml's make_qkx2_quants (use_mad false)."""
    n = x.shape[1]
    mn = np.minimum.reduce(x, axis=1)
    mx = np.maximum.reduce(x, axis=1)
    sum_w = seq_sum(weights)
    sum_x = seq_sum(weights * x)
    mn = np.where(mn > 0, F(0), mn).astype(np.float32)
    flat = mx == mn
    span = np.where(flat, F(1), (mx - mn)).astype(np.float32)
    iscale = (F(nmax) / span).astype(np.float32)
    scale = (F(1) / iscale).astype(np.float32)
    L = np.clip(nearest_int(iscale[:, None] * (x - mn[:, None])), 0, nmax)
    diff = (scale[:, None] * L.astype(np.float32) + mn[:, None] - x).astype(np.float32)
    best_error = seq_sum(weights * (diff * diff))
    for step in range(nstep + 1):
        # ggml divides by max - min with the min of the best candidate so far.
        span = np.where(flat, F(1), (mx - mn)).astype(np.float32)
        iscale = ((F(rmin) + F(rdelta) * F(step) + F(nmax)) / span).astype(np.float32)
        laux = np.clip(nearest_int(iscale[:, None] * (x - mn[:, None])), 0, nmax)
        lf = laux.astype(np.float32)
        sum_l = seq_sum(weights * lf)
        sum_l2 = seq_sum(weights * lf * lf)
        sum_xl = seq_sum(weights * lf * x)
        D = (sum_w * sum_l2 - sum_l * sum_l).astype(np.float32)
        ok = D > 0
        safe_d = np.where(ok, D, F(1))
        this_scale = ((sum_w * sum_xl - sum_x * sum_l) / safe_d).astype(np.float32)
        this_min = ((sum_l2 * sum_x - sum_l * sum_xl) / safe_d).astype(np.float32)
        positive = this_min > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            this_scale = np.where(positive, sum_xl / sum_l2, this_scale).astype(np.float32)
        this_min = np.where(positive, F(0), this_min).astype(np.float32)
        diff = (this_scale[:, None] * lf + this_min[:, None] - x).astype(np.float32)
        cur_error = seq_sum(weights * (diff * diff))
        better = ok & (cur_error < best_error) & ~flat
        L = np.where(better[:, None], laux, L)
        best_error = np.where(better, cur_error, best_error)
        scale = np.where(better, this_scale, scale)
        mn = np.where(better, this_min, mn)
    scale = np.where(flat, F(0), scale).astype(np.float32)
    L = np.where(flat[:, None], 0, L)
    return scale, (-mn).astype(np.float32), L


def q4_k(x):
    blocks = x.reshape(-1, 256)
    nb = blocks.shape[0]
    sub = blocks.reshape(nb * 8, 32)
    av_x = np.sqrt(seq_sum(sub * sub) / F(32)).astype(np.float32)
    weights = (av_x[:, None] + np.abs(sub)).astype(np.float32)
    scales, mins, L = make_qkx2_quants(sub, weights, 15, -1.0, 0.1, 20)
    scales = scales.reshape(nb, 8)
    mins = mins.reshape(nb, 8)
    L = L.reshape(nb, 256)
    max_scale = np.max(np.maximum(scales, F(0)), axis=1)
    max_min = np.max(np.maximum(mins, F(0)), axis=1)
    inv_scale = np.where(max_scale > 0, F(63) / np.where(max_scale > 0, max_scale, F(1)), F(0)).astype(np.float32)
    inv_min = np.where(max_min > 0, F(63) / np.where(max_min > 0, max_min, F(1)), F(0)).astype(np.float32)
    ls = np.minimum(63, nearest_int(inv_scale[:, None] * scales).astype(np.uint8)).astype(np.uint8)
    lm = np.minimum(63, nearest_int(inv_min[:, None] * mins).astype(np.uint8)).astype(np.uint8)
    packed = np.zeros((nb, 12), dtype=np.uint8)
    for j in range(8):
        if j < 4:
            packed[:, j] = ls[:, j]
            packed[:, j + 4] = lm[:, j]
        else:
            packed[:, j + 4] = (ls[:, j] & 0xF) | ((lm[:, j] & 0xF) << 4)
            packed[:, j - 4] |= (ls[:, j] >> 4) << 6
            packed[:, j] |= (lm[:, j] >> 4) << 6
    d_bits = half_bits(max_scale / F(63))
    dmin_bits = half_bits(max_min / F(63))
    d_all, dmin_all = half_value(d_bits), half_value(dmin_bits)
    for j in range(8):
        if j < 4:
            sc, m = packed[:, j] & 63, packed[:, j + 4] & 63
        else:
            sc = (packed[:, j + 4] & 0xF) | ((packed[:, j - 4] >> 6) << 4)
            m = (packed[:, j + 4] >> 4) | ((packed[:, j] >> 6) << 4)
        d = (d_all * sc.astype(np.float32)).astype(np.float32)
        dm = (dmin_all * m.astype(np.float32)).astype(np.float32)
        nonzero = d != 0
        safe = np.where(nonzero, d, F(1))
        part = blocks[:, 32 * j:32 * j + 32]
        l = np.clip(nearest_int((part + dm[:, None]) / safe[:, None]), 0, 15)
        L[:, 32 * j:32 * j + 32] = np.where(nonzero[:, None], l, L[:, 32 * j:32 * j + 32])
    L = L.astype(np.uint8)
    qs = np.zeros((nb, 128), dtype=np.uint8)
    for chunk in range(4):
        qs[:, 32 * chunk:32 * chunk + 32] = L[:, 64 * chunk:64 * chunk + 32] | (L[:, 64 * chunk + 32:64 * chunk + 64] << 4)
    out = np.zeros((nb, 144), dtype=np.uint8)
    out[:, 0:2] = d_bits.view(np.uint8).reshape(-1, 2)
    out[:, 2:4] = dmin_bits.view(np.uint8).reshape(-1, 2)
    out[:, 4:16] = packed
    out[:, 16:] = qs
    return out.tobytes()


def make_qx_quants(x, nmax):
    """Rows of x: (scale, L) as ggml's make_qx_quants with rmse_type 1 and no importance weights."""
    amax = np.max(np.abs(x), axis=1)
    mx = signed_absmax(x)
    zero = amax < F(1e-15)
    safe_max = np.where(zero, F(1), mx).astype(np.float32)
    w = (x * x).astype(np.float32)

    def attempt(iscale):
        l = np.clip(nearest_int(iscale[:, None] * x), -nmax, nmax - 1)
        lf = l.astype(np.float32)
        sumlx = seq_sum(w * x * lf)
        suml2 = seq_sum(w * lf * lf)
        return l, sumlx, suml2

    iscale = (F(-nmax) / safe_max).astype(np.float32)
    l, sumlx, suml2 = attempt(iscale)
    L = l + nmax
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(suml2 != 0, sumlx / np.where(suml2 != 0, suml2, F(1)), F(0)).astype(np.float32)
    best = (scale * sumlx).astype(np.float32)
    for step in range(-9, 10):
        if step == 0:
            continue
        iscale = (-(F(nmax) + F(0.1) * F(step)) / safe_max).astype(np.float32)
        l, sumlx, suml2 = attempt(iscale)
        better = (suml2 > 0) & (sumlx * sumlx > best * suml2)
        L = np.where(better[:, None], l + nmax, L)
        safe = np.where(better, suml2, F(1))
        scale = np.where(better, sumlx / safe, scale).astype(np.float32)
        best = np.where(better, scale * sumlx, best).astype(np.float32)
    scale = np.where(zero, F(0), scale).astype(np.float32)
    L = np.where(zero[:, None], 0, L)
    return scale, L


def q6_k(x):
    blocks = x.reshape(-1, 256)
    nb = blocks.shape[0]
    scales, L = make_qx_quants(blocks.reshape(nb * 16, 16), 32)
    scales = scales.reshape(nb, 16)
    L = L.reshape(nb, 256)
    index = np.argmax(np.abs(scales), axis=1)
    max_scale = np.take_along_axis(scales, index[:, None], axis=1)[:, 0]
    max_abs = np.abs(max_scale)
    empty = max_abs < F(1e-15)
    iscale = (F(-128) / np.where(empty, F(1), max_scale)).astype(np.float32)
    d_bits = np.where(empty, half_bits(np.zeros(nb)), half_bits(F(1) / iscale)).astype(np.uint16)
    block_scales = np.minimum(127, nearest_int(iscale[:, None] * scales)).astype(np.int8)
    d_all = half_value(d_bits)
    for j in range(16):
        d = (d_all * block_scales[:, j].astype(np.float32)).astype(np.float32)
        nonzero = d != 0
        part = blocks[:, 16 * j:16 * j + 16]
        l = np.clip(nearest_int(part / np.where(nonzero, d, F(1))[:, None]), -32, 31) + 32
        L[:, 16 * j:16 * j + 16] = np.where(nonzero[:, None], l, L[:, 16 * j:16 * j + 16])
    L = L.astype(np.uint8)
    ql = np.zeros((nb, 128), dtype=np.uint8)
    qh = np.zeros((nb, 64), dtype=np.uint8)
    for half in range(2):
        base = 128 * half
        for l in range(32):
            q1, q2, q3, q4 = (L[:, base + l + 32 * k] for k in range(4))
            ql[:, 64 * half + l] = (q1 & 0xF) | ((q3 & 0xF) << 4)
            ql[:, 64 * half + l + 32] = (q2 & 0xF) | ((q4 & 0xF) << 4)
            qh[:, 32 * half + l] = (q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6)
    out = np.zeros((nb, 210), dtype=np.uint8)
    out[:, 0:128] = ql
    out[:, 128:192] = qh
    out[:, 192:208] = block_scales.view(np.uint8)
    out[:, 208:210] = np.where(empty[:, None], 0, d_bits.view(np.uint8).reshape(-1, 2))
    out[empty] = 0
    return out.tobytes()


def bf16(x):
    n = x.view(np.uint32).astype(np.uint64)
    nan = (n & 0x7FFFFFFF) > 0x7F800000
    rounded = (n + (0x7FFF + ((n >> 16) & 1))) >> 16
    return np.where(nan, (n >> 16) | 64, rounded).astype(np.uint16).tobytes()


ENCODERS = {
    "F16": lambda x: half_bits(x).tobytes(),
    "BF16": bf16,
    "Q8_0": q8_0,
    "Q4_0": q4_0,
    "Q5_0": q5_0,
    "Q4_K": q4_k,
    "Q6_K": q6_k,
}


# ---- dequantization: ggml's dequantize_row_* (every product and sum in float32, in ggml's order) ----

def _half(raw):
    return np.frombuffer(raw.tobytes(), dtype="<f2").astype(F)


def _blocks(data, size):
    return np.frombuffer(data, dtype=np.uint8).reshape(-1, size)


def deq_q8_0(data):
    b = _blocks(data, 34)
    d = _half(b[:, 0:2])[:, None]
    return (b[:, 2:].view(np.int8).astype(F) * d).reshape(-1)


def deq_q4_0(data):
    b = _blocks(data, 18)
    d = _half(b[:, 0:2])[:, None]
    qs = b[:, 2:].astype(np.int32)
    q = np.concatenate([(qs & 0xF) - 8, (qs >> 4) - 8], axis=1)
    return (q.astype(F) * d).reshape(-1)


def deq_q4_1(data):
    b = _blocks(data, 20)
    d, m = _half(b[:, 0:2])[:, None], _half(b[:, 2:4])[:, None]
    qs = b[:, 4:].astype(np.int32)
    q = np.concatenate([qs & 0xF, qs >> 4], axis=1)
    return (q.astype(F) * d + m).reshape(-1)


def _fifth_bits(qh):
    j = np.arange(16, dtype=np.uint32)
    low = ((qh[:, None] >> j) << 4) & 0x10
    high = (qh[:, None] >> (j + 12)) & 0x10
    return low.astype(np.int32), high.astype(np.int32)


def deq_q5_0(data):
    b = _blocks(data, 22)
    d = _half(b[:, 0:2])[:, None]
    qh = np.frombuffer(b[:, 2:6].tobytes(), dtype="<u4")
    qs = b[:, 6:].astype(np.int32)
    low, high = _fifth_bits(qh)
    q = np.concatenate([((qs & 0xF) | low) - 16, ((qs >> 4) | high) - 16], axis=1)
    return (q.astype(F) * d).reshape(-1)


def deq_q5_1(data):
    b = _blocks(data, 24)
    d, m = _half(b[:, 0:2])[:, None], _half(b[:, 2:4])[:, None]
    qh = np.frombuffer(b[:, 4:8].tobytes(), dtype="<u4")
    qs = b[:, 8:].astype(np.int32)
    low, high = _fifth_bits(qh)
    q = np.concatenate([(qs & 0xF) | low, (qs >> 4) | high], axis=1)
    return (q.astype(F) * d + m).reshape(-1)


def deq_q2_k(data):
    b = _blocks(data, 84)
    scales, qs = b[:, 0:16].astype(np.int32), b[:, 16:80].astype(np.int32)
    d, dmin = _half(b[:, 80:82])[:, None], _half(b[:, 82:84])[:, None]
    out = np.empty((b.shape[0], 256), dtype=F)
    for n in range(2):
        q = qs[:, 32 * n:32 * n + 32]
        for j in range(4):
            for half in range(2):
                sc = scales[:, 8 * n + 2 * j + half][:, None]
                dl, ml = d * (sc & 0xF).astype(F), dmin * (sc >> 4).astype(F)
                values = ((q[:, 16 * half:16 * half + 16] >> (2 * j)) & 3).astype(F)
                start = 128 * n + 32 * j + 16 * half
                out[:, start:start + 16] = dl * values - ml
    return out.reshape(-1)


def deq_q3_k(data):
    b = _blocks(data, 110)
    hm, qs = b[:, 0:32].astype(np.int32), b[:, 32:96].astype(np.int32)
    aux = np.frombuffer(b[:, 96:108].tobytes(), dtype="<u4").reshape(-1, 3).astype(np.uint32)
    d_all = _half(b[:, 108:110])[:, None]
    kmask1, kmask2 = np.uint32(0x03030303), np.uint32(0x0F0F0F0F)
    tmp = aux[:, 2]
    words = np.stack([(aux[:, 0] & kmask2) | (((tmp >> 0) & kmask1) << 4),
                      (aux[:, 1] & kmask2) | (((tmp >> 2) & kmask1) << 4),
                      ((aux[:, 0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4),
                      ((aux[:, 1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4)], axis=1).astype("<u4")
    scales = np.frombuffer(words.tobytes(), dtype=np.int8).reshape(-1, 16).astype(np.int32)
    out = np.empty((b.shape[0], 256), dtype=F)
    for n in range(2):
        q = qs[:, 32 * n:32 * n + 32]
        for j in range(4):
            mask = 1 << (4 * n + j)
            for half in range(2):
                dl = d_all * (scales[:, 8 * n + 2 * j + half][:, None] - 32).astype(F)
                part = slice(16 * half, 16 * half + 16)
                values = ((q[:, part] >> (2 * j)) & 3) - np.where(hm[:, part] & mask, 0, 4)
                start = 128 * n + 32 * j + 16 * half
                out[:, start:start + 16] = dl * values.astype(F)
    return out.reshape(-1)


def _scale_min_k4(scales, j):
    if j < 4:
        return scales[:, j] & 63, scales[:, j + 4] & 63
    return ((scales[:, j + 4] & 0xF) | ((scales[:, j - 4] >> 6) << 4),
            (scales[:, j + 4] >> 4) | ((scales[:, j] >> 6) << 4))


def deq_q4_k(data):
    b = _blocks(data, 144)
    d, dmin = _half(b[:, 0:2])[:, None], _half(b[:, 2:4])[:, None]
    scales, qs = b[:, 4:16].astype(np.int32), b[:, 16:144].astype(np.int32)
    out = np.empty((b.shape[0], 256), dtype=F)
    for j in range(4):
        q = qs[:, 32 * j:32 * j + 32]
        for half, values in ((0, q & 0xF), (1, q >> 4)):
            sc, m = _scale_min_k4(scales, 2 * j + half)
            start = 64 * j + 32 * half
            out[:, start:start + 32] = (d * sc[:, None].astype(F)) * values.astype(F) - dmin * m[:, None].astype(F)
    return out.reshape(-1)


def deq_q5_k(data):
    b = _blocks(data, 176)
    d, dmin = _half(b[:, 0:2])[:, None], _half(b[:, 2:4])[:, None]
    scales, qh, qs = b[:, 4:16].astype(np.int32), b[:, 16:48].astype(np.int32), b[:, 48:176].astype(np.int32)
    out = np.empty((b.shape[0], 256), dtype=F)
    for j in range(4):
        ql = qs[:, 32 * j:32 * j + 32]
        for half, low in ((0, ql & 0xF), (1, ql >> 4)):
            bit = 1 << (2 * j + half)
            sc, m = _scale_min_k4(scales, 2 * j + half)
            values = low + np.where(qh & bit, 16, 0)
            start = 64 * j + 32 * half
            out[:, start:start + 32] = (d * sc[:, None].astype(F)) * values.astype(F) - dmin * m[:, None].astype(F)
    return out.reshape(-1)


def deq_q6_k(data):
    b = _blocks(data, 210)
    ql, qh = b[:, 0:128].astype(np.int32), b[:, 128:192].astype(np.int32)
    sc = b[:, 192:208].view(np.int8).astype(F)
    d = _half(b[:, 208:210])[:, None]
    out = np.empty((b.shape[0], 256), dtype=F)
    for n in range(2):
        l_low, l_high, h = ql[:, 64 * n:64 * n + 32], ql[:, 64 * n + 32:64 * n + 64], qh[:, 32 * n:32 * n + 32]
        parts = [(l_low & 0xF) | (((h >> 0) & 3) << 4), (l_high & 0xF) | (((h >> 2) & 3) << 4),
                 (l_low >> 4) | (((h >> 4) & 3) << 4), (l_high >> 4) | (((h >> 6) & 3) << 4)]
        for k, q in enumerate(parts):
            for half in range(2):
                scale = sc[:, 8 * n + half + 2 * k][:, None]
                start = 128 * n + 32 * k + 16 * half
                out[:, start:start + 16] = (d * scale) * (q[:, 16 * half:16 * half + 16] - 32).astype(F)
    return out.reshape(-1)


DEQUANTIZERS = {
    "F32": lambda data: np.frombuffer(data, dtype="<f4").astype(F),
    "F16": lambda data: np.frombuffer(data, dtype="<f2").astype(F),
    "BF16": lambda data: (np.frombuffer(data, dtype="<u2").astype(np.uint32) << 16).view(F),
    "Q8_0": deq_q8_0, "Q4_0": deq_q4_0, "Q4_1": deq_q4_1, "Q5_0": deq_q5_0, "Q5_1": deq_q5_1,
    "Q2_K": deq_q2_k, "Q3_K": deq_q3_k, "Q4_K": deq_q4_k, "Q5_K": deq_q5_k, "Q6_K": deq_q6_k,
}


def dequantize_main(argv):
    if len(argv) != 4 or argv[0] not in DEQUANTIZERS:
        sys.exit(__doc__)
    kind, path, count, output = argv[0], argv[1], int(argv[2]), argv[3]
    with open(path, "rb") as f:
        values = DEQUANTIZERS[kind](f.read())
    if values.size != count:
        sys.exit(f"{path}: {values.size} values, expected {count}")
    values.astype("<f4").tofile(output)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "dequantize":
        dequantize_main(sys.argv[2:])
        return
    if len(sys.argv) != 6 or sys.argv[1] not in ENCODERS:
        sys.exit(__doc__)
    kind, path, rows, row_length, output = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    x = np.fromfile(path, dtype="<f4").astype(np.float32)
    if x.size != rows * row_length:
        sys.exit(f"{path}: {x.size} floats, expected {rows} x {row_length}")
    # Blocks never cross a row (ROW_LENGTH is a multiple of the block size): all rows at once.
    encoded = ENCODERS[kind](x.copy())
    with open(output, "wb") as f:
        f.write(encoded)


if __name__ == "__main__":
    main()
