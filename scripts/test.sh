#!/usr/bin/env bash
# Sets up (installs what is missing), builds, and runs every test: the CTest suite in ./build, then each
# libFuzzer target on its seed corpus and what earlier runs found (build-fuzz: clang-14 + ASan + UBSan).
# Extra arguments go to the main ctest.
#
#   LORA_FUZZ_SECONDS=N   seconds each fuzz target runs, corpus replay included (default 60; 0 skips fuzzing).
#                         Targets run side by side, min(cores, 4) at a time: 13 targets take ~7 min on
#                         2 cores, ~3.5 min on 4. 5 s was too short to find anything: 75 s of
#                         fuzz_adapter_config found the float-to-int overflow of issue 14.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"
build_dir="${LORA_BUILD_DIR:-$repo/build}"
fuzz_seconds="${LORA_FUZZ_SECONDS:-60}"

status=0
(cd "$build_dir" && ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@") || status=$?

if [[ "$fuzz_seconds" != 0 ]]; then
  echo "== fuzz targets: ${fuzz_seconds} s each, side by side (scripts/fuzz.sh) =="
  "$repo/scripts/fuzz.sh" --seconds "$fuzz_seconds" || status=1
fi
exit $status
