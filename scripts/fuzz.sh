#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan + UBSan; build folder build-fuzz) and fuzzes each for a
# set time on its seed corpus (fuzz/corpus/<target>), then prints executions and crashes per target.
#
#   scripts/fuzz.sh                    every target, 60 s each
#   scripts/fuzz.sh --seconds 600 fuzz_dataset fuzz_tokenizer_json
#   scripts/fuzz.sh --no-build         use what build-fuzz holds
#   scripts/fuzz.sh --jobs 1           one target at a time (default: min(cores, 4) side by side;
#                                      each libFuzzer process uses one core)
#
# What fuzzing finds beyond the seeds is kept in <build>/fuzz-work/<target>/corpus for the next run;
# a crashing input is saved as <build>/fuzz-work/<target>/crash-* (reproduce: <build>/fuzz/<target> FILE).
# Exit status 1 when any target crashed. CTest runs each target briefly through --ctest.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LORA_FUZZ_BUILD_DIR:-$repo/build-fuzz}"
seconds=60
do_build=1
ctest_mode=0
cores="$(nproc)"
jobs=$(( cores < 4 ? cores : 4 ))
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --ctest) ctest_mode=1; do_build=0; targets+=("$2"); shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all_targets=(fuzz_safetensors_header fuzz_safetensors_index fuzz_model_config fuzz_tokenizer_json
             fuzz_tokenizer_config fuzz_dataset fuzz_adapter_config fuzz_checkpoint_state fuzz_jinja_template
             fuzz_generation_config fuzz_training_prompt fuzz_training_settings fuzz_training_log fuzz_gguf_file)
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")

if [[ $do_build -eq 1 ]]; then
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    CC=clang-14 CXX=clang++-14 cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DLORA_STUDIO_FUZZ=ON -DLORA_STUDIO_ENGINE_ONLY=ON -DLORA_STUDIO_BUILD_TESTS=OFF >/dev/null
  fi
  cmake --build "$build" --target "${targets[@]}" -j "$(nproc)"
fi

# Leaks are findings too; UBSan reports stop the run (the build uses -fno-sanitize-recover).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# One target: fuzzes it, then leaves its table row in $work/row and its exit status in $work/status.
fuzz_target() {
  local target="$1"
  local binary="$build/fuzz/$target"
  local seeds="$repo/fuzz/corpus/$target"
  local work="$build/fuzz-work/$target"
  mkdir -p "$work/corpus"
  local log="$work/last-run.log"
  rm -f "$work/row" "$work/status"
  if [[ ! -x "$binary" ]]; then
    echo "$target: $binary is not built" >"$log"
    printf '%-26s %12s %8s %8s\n' "$target" "-" "-" "not built" >"$work/row"
    echo 1 >"$work/status"
    return
  fi
  # -timeout: one input taking more than 10 s is a finding (a hang); -rss_limit_mb: so is 2.5 GB of memory.
  # -max_len: large enough for every seed (libFuzzer's default is the largest seed, capped at 4 KB otherwise).
  count_findings() { find "$work" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l; }
  local before status runs took crashes
  before=$(count_findings)
  set +e
  "$binary" "$work/corpus" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -max_len=65536 \
    -artifact_prefix="$work/" -print_final_stats=1 >"$log" 2>&1
  status=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  took=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{print $5}' | tail -1 || true)
  crashes=$(( $(count_findings) - before ))
  [[ $status -ne 0 && $crashes -eq 0 ]] && crashes=1
  printf '%-26s %12s %8s %8s\n' "$target" "${runs:-?}" "${took:-$seconds}" "$crashes" >"$work/row"
  echo "$status" >"$work/status"
}

# Side by side, `jobs` at a time (each libFuzzer process is single-threaded).
running=0
for target in "${targets[@]}"; do
  if [[ $running -ge $jobs ]]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_target "$target" &
  running=$((running + 1))
done
wait

failed=0
printf '%-26s %12s %8s %8s\n' target executions seconds crashes
for target in "${targets[@]}"; do
  work="$build/fuzz-work/$target"
  cat "$work/row" 2>/dev/null || printf '%-26s %12s %8s %8s\n' "$target" "?" "?" "?"
  status=$(cat "$work/status" 2>/dev/null || echo 1)
  if [[ $status -ne 0 ]]; then
    failed=1
    echo "---- $target failed (exit $status); the report ($work/last-run.log):" >&2
    grep -m1 -B2 -A30 -E '==ERROR|runtime error|deadly signal|uncaught exception|Timeout|out-of-memory|not built' \
      "$work/last-run.log" >&2 || tail -40 "$work/last-run.log" >&2
  fi
done
[[ $ctest_mode -eq 1 || $failed -eq 0 ]] || echo "some targets crashed: inputs saved in $build/fuzz-work/<target>/" >&2
exit $failed
