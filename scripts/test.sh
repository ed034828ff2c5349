#!/usr/bin/env bash
# Sets up (installs what is missing), builds, and runs every test. Ends with CTest's summary.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"
build_dir="${LORA_BUILD_DIR:-$repo/build}"
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@"
