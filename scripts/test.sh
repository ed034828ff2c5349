#!/usr/bin/env bash
# Sets up (installs what is missing), builds, and runs every test: the CTest suite in ./build, then each
# libFuzzer target briefly on its seed corpus (build-fuzz: clang-14 + ASan + UBSan; issue 5 asks CI to
# replay every corpus and fuzz a few seconds). Extra arguments go to the main ctest.
#
#   LORA_FUZZ_SECONDS=N   seconds each fuzz target runs after replaying its corpus (default 5; 0 skips fuzzing)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"
build_dir="${LORA_BUILD_DIR:-$repo/build}"
fuzz_seconds="${LORA_FUZZ_SECONDS:-5}"

status=0
(cd "$build_dir" && ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@") || status=$?

if [[ "$fuzz_seconds" != 0 ]]; then
  echo "== fuzz targets: corpus replay + ${fuzz_seconds} s each (scripts/fuzz.sh) =="
  "$repo/scripts/fuzz.sh" --seconds "$fuzz_seconds" || status=1
fi
exit $status
