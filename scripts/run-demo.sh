#!/usr/bin/env bash
# Sets up (installs what is missing), builds, and opens LoRA Studio's window on the built-in demo:
# a tiny model made on the spot and the demo dataset, ready to train (Train → Start), then Chat.
# --cli runs the same demo in the terminal instead (lora-studio-cli demo; other arguments go to it).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"
build_dir="${LORA_BUILD_DIR:-$repo/build}"
if [[ "${1:-}" == "--cli" ]]; then
  shift
  exec "$build_dir/bin/lora-studio-cli" demo "$@"
fi
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
  echo "run-demo: no display here (DISPLAY is unset); running the demo in the terminal instead." >&2
  exec "$build_dir/bin/lora-studio-cli" demo "$@"
fi
exec "$build_dir/bin/lora-studio" --demo "$@"
