#!/usr/bin/env bash
# Sets up (installs what is missing), builds, and runs LoRA Studio's built-in demo.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"
build_dir="${LORA_BUILD_DIR:-$repo/build}"
exec "$build_dir/bin/lora-studio-cli" demo "$@"
