#!/usr/bin/env bash
# LoRA training speed, side by side in one run (issue 6): `lora-studio-cli bench train` against the eager
# PyTorch reference (tests/reference/bench_train_reference.py, Debian's python3-torch = the same libtorch)
# on the same random Llama-shaped model, LoRA setup, batch and precision. Each measurement runs in its own
# process (so each peak-memory figure is that run's alone), engine and reference alternating so that a
# change in machine load hits both; each measures its own matmul peaks. Prints every JSON line, then the
# table with engine tokens/s ÷ reference tokens/s and the fractions of the matmul peak.
#
# Usage: scripts/bench-train.sh [--cli PATH] [--dtype both|float32|bfloat16] [--output FILE.jsonl]
#          [--threads N] [--steps N] [--warmup N] [--seq-len N] [--micro-batch N] [--rank R] [--alpha A]
#          [--dropout D] [--target-modules all-linear|q_proj,...] [--hidden-size N] [--intermediate-size N]
#          [--layers N] [--heads N] [--kv-heads N] [--vocab-size N]
# Defaults: the 58M-parameter shape of NOTES.md (hidden 512, intermediate 1376, 8 layers, 8 heads, vocab
# 32000), micro-batch 4 x 256 tokens, LoRA rank 16 on all seven projections, 5 timed steps after 1 warm-up,
# threads = cores. The CLI is $LORA_CLI, else build/bin/lora-studio-cli.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cli=${LORA_CLI:-$root/build/bin/lora-studio-cli}
python=${PYTHON:-/usr/bin/python3}
reference=$root/tests/reference/bench_train_reference.py
dtype=both
output=
threads=$(nproc)
shared=()  # options both sides take, with the same meaning

while [[ $# -gt 0 ]]; do
  case $1 in
    --cli) cli=$2; shift 2 ;;
    --dtype) dtype=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --steps|--warmup|--seq-len|--micro-batch|--rank|--alpha|--dropout|--target-modules|--hidden-size|\
    --intermediate-size|--layers|--heads|--kv-heads|--vocab-size)
      shared+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-train.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case $dtype in
  both) runs=(float32 bfloat16) ;;
  float32|bfloat16) runs=("$dtype") ;;
  *) echo "bench-train.sh: --dtype expects both, float32 or bfloat16" >&2; exit 2 ;;
esac
[[ -x $cli ]] || { echo "bench-train.sh: no CLI at $cli (build it, or pass --cli / set LORA_CLI)" >&2; exit 1; }
"$python" -c 'import torch' 2>/dev/null || { echo "bench-train.sh: $python has no torch (apt-get install python3-torch)" >&2; exit 1; }

results=$(mktemp)
trap 'rm -f "$results"' EXIT

echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores;" \
     "bf16 units: $(grep -o -w 'amx_bf16\|avx512_bf16' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
engine() {
  echo "# engine: $cli bench train --dtype $1 --threads $threads ${shared[*]}" >&2
  "$cli" bench train --arch llama --dtype "$1" --threads "$threads" --json "${shared[@]}" | tee -a "$results"
}
reference() {
  echo "# reference: $python $reference --precision $1 --threads $threads ${shared[*]}" >&2
  "$python" "$reference" --precision "$1" --threads "$threads" "${shared[@]}" | tee -a "$results"
}
for run in "${runs[@]}"; do
  if [[ $run == float32 ]]; then
    engine float32
    reference fp32
  else
    engine bfloat16
    reference bf16-autocast
    reference bf16-weights
  fi
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n $output ]] && cp "$results" "$output"

"$python" - "$results" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
engine = {r["dtype"]: r for r in rows if r["engine"] == "lora-studio"}
print()
print(f"{'engine':<24}{'reference':<16}{'engine tok/s':>13}{'ref tok/s':>11}{'ratio':>8}"
      f"{'engine peak%':>14}{'ref peak%':>11}{'engine MiB':>12}{'ref MiB':>9}")
for ref in (r for r in rows if r["engine"] == "pytorch-eager"):
    e = engine.get(ref["dtype"])
    if not e:
        continue
    name = "fp32" if e["dtype"] == "float32" else "bf16"
    print(f"{name:<24}{ref['precision']:<16}{e['tokens_per_second']:>13.1f}{ref['tokens_per_second']:>11.1f}"
          f"{e['tokens_per_second'] / ref['tokens_per_second']:>7.2f}x"
          f"{100 * e['fraction_of_peak']:>13.1f}%{100 * ref['fraction_of_peak']:>10.1f}%"
          f"{e['peak_memory_bytes'] / 2**20:>12.0f}{ref['peak_memory_bytes'] / 2**20:>9.0f}")
print("\npeak% = achieved FLOP/s / the matmul peak of that dtype measured by the same process"
      " (4 x frozen matmul weights x tokens + 6 x LoRA parameters x tokens + 3 x forward attention)")
if "bfloat16" in engine:
    e = engine["bfloat16"]
    auto = next((r for r in rows if r.get("precision") == "bf16-autocast"), None)
    print(f"goals (issue 6): bf16 at {100 * e['fraction_of_bf16_peak']:.1f}% of the bf16 matmul peak (goal >= 50%)", end="")
    if auto:
        print(f"; {e['tokens_per_second'] / auto['tokens_per_second']:.2f}x eager bf16 autocast (goal >= 1.5x)")
    else:
        print()
EOF
