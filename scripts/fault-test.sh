#!/usr/bin/env bash
# The fault tests (tests/test_faults.cpp) with many more kills than CI deals: each kill test SIGKILLs
# the training process N times (default 25) at random moments / mid-checkpoint, resumes, and checks
# the final adapter equals an uninterrupted run's. Needs root for the tmpfs (full disk, read-only) cases.
#
#   scripts/fault-test.sh [KILLS]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LORA_BUILD_DIR:-$repo/build}"
[[ -f "$build/build.ninja" ]] || "$repo/scripts/setup.sh"
cmake --build "$build" --target test_faults lora-studio-cli -j "$(nproc)"
cd "$build"
LORA_FAULT_KILLS="${1:-25}" ctest --output-on-failure --timeout 3600 -R '^test_faults$' -V | grep -E 'PASS|FAIL|SKIP|QINFO|QWARN|tests passed|Totals'
