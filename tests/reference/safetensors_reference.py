#!/usr/bin/env python3
"""An independent safetensors reader and writer in plain Python (struct + json, no torch, no
safetensors package), following the Rust reference implementation huggingface/safetensors
(safetensors/src/tensor.rs, read at commit 24b0b2857fef, May 2026). What that source does:

  * serialize / serialize_to_file (`prepare`): tensors are sorted by DESCENDING dtype alignment,
    then by name (Rust `right.dtype().cmp(&left.dtype()).then(lname.cmp(rname))`, the Dtype enum
    being declared in increasing-alignment order: BOOL, F4, F6_E2M3, F6_E3M2, U8, I8, F8_E5M2,
    F8_E4M3, F8_E8M0, F8_E4M3FNUZ, F8_E5M2FNUZ, I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64,
    U64); data offsets follow that order; the header is compact serde_json (no spaces, non-ASCII
    written raw) with "__metadata__" first (only when metadata is given) and then each tensor as
    {"dtype","shape","data_offsets"} in offset order; the header is padded with spaces to a
    multiple of 8. (Headers are NOT key-sorted: serde writes the map in that order.)
  * read_metadata / Metadata::validate: file >= 8 bytes; u64 LE header length N <= 100,000,000;
    8 + N <= file size; header is UTF-8; JSON object of entries (serde: shape = array of usize,
    data_offsets = (usize, usize), unknown entry fields ignored, __metadata__ = null or map
    string->string); entries sorted by data_offsets must start where the previous ended (first at
    0) with end >= begin; element count x dtype size without overflow equals end - begin; the
    last end + 8 + N equals the file size exactly.
  Beyond the reference (as lora::SafetensorsFile does), a key repeated in any header object is
  refused: serde would keep one of them silently.

Usage (Debian's /usr/bin/python3 or any python3 >= 3.7):
  safetensors_reference.py write-fixtures [OUT_DIR]   # default tests/fixtures/safetensors; run once,
                                                      # the output is committed
  safetensors_reference.py check FILE                 # validate FILE as the reference does and print
                                                      # {"metadata", "tensors": [{name, dtype, shape,
                                                      # data_offsets, sha256}]} as JSON; exit 1 with
                                                      # the reason on stderr when it is invalid
"""
import hashlib
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "fixtures", "safetensors")

MAX_HEADER_SIZE = 100_000_000
# Declaration order of the reference's Dtype enum (= increasing alignment) and bit sizes.
DTYPE_ORDER = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
               "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64",
               "F64", "I64", "U64"]
DTYPE_BITS = {"BOOL": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6, "U8": 8, "I8": 8, "F8_E5M2": 8,
              "F8_E4M3": 8, "F8_E8M0": 8, "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8, "I16": 16, "U16": 16,
              "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "C64": 64, "F64": 64, "I64": 64,
              "U64": 64}
USIZE_MAX = 2**64 - 1


class InvalidFile(Exception):
    pass


# ---------------------------------------------------------------- reading

def _pairs_without_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise InvalidFile("duplicate key %r in the header" % key)
        seen[key] = value
    return seen


def _is_usize(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= USIZE_MAX


def read(data):
    """Validates a whole file image; returns (metadata or None, [(name, info)] in offset order, N)."""
    if len(data) < 8:
        raise InvalidFile("HeaderTooSmall")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER_SIZE:
        raise InvalidFile("HeaderTooLarge")
    if 8 + n > len(data):
        raise InvalidFile("InvalidHeaderLength")
    try:
        text = data[8:8 + n].decode("utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise InvalidFile("InvalidHeader (not UTF-8): %s" % error)
    try:
        header = json.loads(text, object_pairs_hook=_pairs_without_duplicates)
    except ValueError as error:
        raise InvalidFile("InvalidHeaderDeserialization: %s" % error)
    if not isinstance(header, dict):
        raise InvalidFile("InvalidHeaderDeserialization: not an object")
    metadata = header.pop("__metadata__", None)
    if metadata is not None:
        if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
            raise InvalidFile("InvalidHeaderDeserialization: __metadata__ is not a map of strings")
    entries = []
    for name, info in header.items():
        if not isinstance(info, dict) or not all(k in info for k in ("dtype", "shape", "data_offsets")):
            raise InvalidFile("InvalidHeaderDeserialization: entry %r" % name)
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if not isinstance(dtype, str) or dtype not in DTYPE_BITS:
            raise InvalidFile("InvalidHeaderDeserialization: dtype of %r" % name)
        if not isinstance(shape, list) or not all(_is_usize(d) for d in shape):
            raise InvalidFile("InvalidHeaderDeserialization: shape of %r" % name)
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_usize(o) for o in offsets):
            raise InvalidFile("InvalidHeaderDeserialization: data_offsets of %r" % name)
        entries.append((name, {"dtype": dtype, "shape": shape, "data_offsets": offsets}))
    entries.sort(key=lambda item: tuple(item[1]["data_offsets"]))
    start = 0
    for name, info in entries:
        begin, end = info["data_offsets"]
        if begin != start or end < begin:
            raise InvalidFile("InvalidOffset(%s)" % name)
        start = end
        elements = 1
        for dim in info["shape"]:
            elements *= dim
            if elements > USIZE_MAX:
                raise InvalidFile("ValidationOverflow")
        bits = elements * DTYPE_BITS[info["dtype"]]
        if bits > USIZE_MAX:
            raise InvalidFile("ValidationOverflow")
        if bits % 8:
            raise InvalidFile("MisalignedSlice")
        if end - begin != bits // 8:
            raise InvalidFile("TensorInvalidInfo (%s)" % name)
    if start + 8 + n != len(data):
        raise InvalidFile("MetadataIncompleteBuffer")
    return metadata, entries, n


def check(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        metadata, entries, n = read(data)
    except InvalidFile as error:
        print("%s: %s" % (path, error), file=sys.stderr)
        return 1
    base = 8 + n
    tensors = []
    for name, info in entries:
        begin, end = info["data_offsets"]
        tensors.append(dict(name=name, dtype=info["dtype"], shape=info["shape"], data_offsets=[begin, end],
                            sha256=hashlib.sha256(data[base + begin:base + end]).hexdigest()))
    print(json.dumps({"metadata": metadata, "tensors": tensors}, ensure_ascii=False))
    return 0


# ---------------------------------------------------------------- writing (the reference layout)

def encode(dtype, values):
    """Little-endian bytes of a flat list of Python numbers."""
    if dtype == "BF16":  # the high half of the float32 pattern (values chosen exactly representable)
        return b"".join(struct.pack("<f", v)[2:] for v in values)
    fmt = {"F32": "f", "F16": "e", "F64": "d", "I64": "q", "I32": "i", "I16": "h", "I8": "b", "U8": "B",
           "BOOL": "?"}[dtype]
    return struct.pack("<%d%s" % (len(values), fmt), *values)


def decode(dtype, raw):
    if dtype == "BF16":
        return [struct.unpack("<f", b"\0\0" + raw[i:i + 2])[0] for i in range(0, len(raw), 2)]
    fmt = {"F32": "f", "F16": "e", "F64": "d", "I64": "q", "I32": "i", "I16": "h", "I8": "b", "U8": "B",
           "BOOL": "?"}[dtype]
    count = len(raw) // struct.calcsize(fmt)
    return list(struct.unpack("<%d%s" % (count, fmt), raw))


def reference_layout(tensors, metadata):
    """File bytes exactly as safetensors' `serialize` lays them out. tensors: {name: (dtype, shape, bytes)}."""
    order = sorted(tensors.items(), key=lambda item: item[0].encode("utf-8"))  # Rust compares bytes
    order.sort(key=lambda item: DTYPE_ORDER.index(item[1][0]), reverse=True)  # stable: names stay sorted
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name, (dtype, shape, raw) in order:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(raw for _, (_, _, raw) in order), [n for n, _ in order]


def raw_file(header_text, data=b"", length=None):
    """A file with a literal header (no padding added) and data; `length` overrides N."""
    header = header_text.encode("utf-8") if isinstance(header_text, str) else header_text
    return struct.pack("<Q", len(header) if length is None else length) + header + data


def entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"))


# One crafted file per rule; the C++ test names the same files and checks our message.
def bad_files():
    four = b"\x00\x00\x80\x3f"  # 1.0f
    files = {}
    files["too_short"] = b"\x08\x00\x00\x00\x00"
    files["header_too_large"] = struct.pack("<Q", MAX_HEADER_SIZE + 1) + b"{}" + b" " * 6
    files["header_past_end"] = struct.pack("<Q", 1000) + dumps({"w": entry("F32", [1], 0, 4)}).encode() + four
    files["header_not_utf8"] = raw_file(b'{"w\xff":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', four)
    files["header_not_json"] = raw_file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}', four)
    files["header_not_object"] = raw_file("[1,2,3]  ")
    files["entry_not_object"] = raw_file(dumps({"w": [0, 4]}), four)
    files["missing_dtype"] = raw_file(dumps({"w": {"shape": [1], "data_offsets": [0, 4]}}), four)
    files["missing_data_offsets"] = raw_file(dumps({"w": {"dtype": "F32", "shape": [1]}}), four)
    files["dtype_not_string"] = raw_file(dumps({"w": {"dtype": 4, "shape": [1], "data_offsets": [0, 4]}}), four)
    files["unknown_dtype"] = raw_file(dumps({"w": entry("F33", [1], 0, 4)}), four)
    files["shape_negative"] = raw_file(dumps({"w": entry("F32", [-1], 0, 4)}), four)
    files["shape_not_integer"] = raw_file(dumps({"w": entry("F32", [1.0], 0, 4)}), four)
    files["shape_not_array"] = raw_file(dumps({"w": {"dtype": "F32", "shape": 1, "data_offsets": [0, 4]}}), four)
    files["offsets_not_pair"] = raw_file(dumps({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}),
                                         four)
    files["metadata_not_strings"] = raw_file(
        dumps({"__metadata__": {"format": 1}, "w": entry("F32", [1], 0, 4)}), four)
    files["offsets_not_from_zero"] = raw_file(dumps({"w": entry("F32", [1], 4, 8)}), four * 2)
    files["offsets_hole"] = raw_file(dumps({"v": entry("F32", [1], 0, 4), "w": entry("F32", [1], 8, 12)}),
                                     four * 3)
    files["offsets_overlap"] = raw_file(dumps({"v": entry("F32", [2], 0, 8), "w": entry("F32", [2], 4, 12)}),
                                        four * 3)
    files["offsets_end_before_begin"] = raw_file(
        dumps({"v": entry("F32", [1], 0, 4), "w": entry("F32", [0], 4, 2)}), four)
    files["size_mismatch"] = raw_file(dumps({"w": entry("F32", [3], 0, 8)}), four * 2)
    files["size_overflow"] = raw_file(dumps({"w": entry("F32", [2**62, 2**62], 0, 4)}), four)
    files["trailing_bytes"] = raw_file(dumps({"w": entry("F32", [1], 0, 4)}), four + b"junk")
    files["data_truncated"] = raw_file(dumps({"w": entry("F32", [4], 0, 16)}), four * 2)
    files["duplicate_tensor"] = raw_file(
        '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
        four)
    files["duplicate_field"] = raw_file('{"w":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
                                        four)
    return files


# Valid files at the edges of the format.
def good_files():
    files = {}
    files["scalar"] = raw_file(dumps({"s": entry("F64", [], 0, 8)}) + "  ", struct.pack("<d", 2.5))
    files["zero_size"] = raw_file(
        dumps({"a": entry("F32", [0, 4], 0, 0), "b": entry("I64", [2], 0, 16), "z": entry("BF16", [3, 0], 16, 16)}),
        struct.pack("<2q", 7, -9))
    files["whitespace"] = raw_file('\n\t {"w" : {"dtype" : "F32", "shape" : [ 2 ], "data_offsets" : [ 0 , 8 ] } }'
                                   ' \r\n\t ', struct.pack("<2f", 1.5, -3.0))
    files["metadata"] = raw_file(
        dumps({"__metadata__": {"format": "pt", "note": "x"}, "w": entry("U8", [3], 0, 3)}), b"\x01\x02\x03")
    files["null_metadata"] = raw_file(dumps({"__metadata__": None, "w": entry("U8", [1], 0, 1)}), b"\x05")
    files["empty"] = raw_file("{}")
    files["offsets_unsorted"] = raw_file(  # header order need not be offset order
        dumps({"second": entry("I32", [1], 4, 8), "first": entry("I32", [1], 0, 4)}), struct.pack("<2i", 1, 2))
    return files


def reference_tensors():
    """The tensors of reference_layout.safetensors: {name: (dtype, shape, flat values)}."""
    return {
        "model.embed_tokens.weight": ("F32", [3, 2], [0.1, -2.5, 3.0, 1e-3, 123456.789, -7.8125e-3]),
        "lm_head.weight": ("BF16", [2, 2], [1.5, -2.0, 0.25, 3.0]),
        "model.norm.weight": ("F16", [4], [0.5, -1.25, 2.0, 1024.0]),
        "positions": ("I64", [3], [0, -1, 2**40]),
        "counts": ("I32", [2], [7, -7]),
        "mask": ("BOOL", [3], [True, False, True]),
        "bytes": ("U8", [5], [0, 1, 127, 128, 255]),
        "scale": ("F64", [], [0.125]),
        "empty": ("F32", [0, 4], []),
        "emb.\u00fc": ("F32", [1], [42.0]),
    }


def write_fixtures(out_dir):
    os.makedirs(os.path.join(out_dir, "bad"), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "good"), exist_ok=True)
    tensors = {name: (dtype, shape, encode(dtype, values))
               for name, (dtype, shape, values) in reference_tensors().items()}
    image, order = reference_layout(tensors, {"format": "pt"})
    metadata, entries, _ = read(image)  # our own reader must accept what the reference layout writes
    assert [name for name, _ in entries] == order
    with open(os.path.join(out_dir, "reference_layout.safetensors"), "wb") as f:
        f.write(image)
    # Values as the file stores them (float32/16/bf16-rounded), so the C++ test can compare exactly.
    expected = {"metadata": {"format": "pt"}, "layout_order": order, "tensors": {}}
    for name, (dtype, shape, raw) in tensors.items():
        expected["tensors"][name] = {"dtype": dtype, "shape": shape, "values": decode(dtype, raw)}
    with open(os.path.join(out_dir, "reference_layout.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
    for name, image in bad_files().items():
        try:
            read(image)
        except InvalidFile:
            pass
        else:
            raise SystemExit("bad fixture %s is accepted by the reference rules" % name)
        with open(os.path.join(out_dir, "bad", name + ".safetensors"), "wb") as f:
            f.write(image)
    for name, image in good_files().items():
        read(image)  # raises if the edge case is not valid after all
        with open(os.path.join(out_dir, "good", name + ".safetensors"), "wb") as f:
            f.write(image)


def main(argv):
    if len(argv) >= 2 and argv[1] == "write-fixtures":
        write_fixtures(argv[2] if len(argv) > 2 else DEFAULT_OUT)
        return 0
    if len(argv) == 3 and argv[1] == "check":
        return check(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
