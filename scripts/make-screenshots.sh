#!/usr/bin/env bash
# Makes the user's guide's pictures: docs/images/<page>.png in English and docs/images/zh_CN/<page>.png
# in Chinese at 1600x1000, and the same at the smallest supported size under docs/images/1024x640/ and
# docs/images/zh_CN/1024x640/. A throwaway home folder, the built-in demo trained twice with
# lora-studio-cli (two learning rates, so the Train page shows a real run with checkpoints and the run
# history two runs to compare), then the real window under Xvfb on the demo, each page saved.
# Needs a build (scripts/setup.sh installs Xvfb and a CJK font) and takes a few minutes.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${LORA_BUILD_DIR:-$repo/build}"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
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
sed -i '/^\[ui\]/,/^$/d' "$conf"
printf '\n[ui]\nlanguage=en\n' >>"$conf"
for language in en zh_CN; do
  sed -i "s/^language=.*$/language=$language/" "$conf"
  images="$repo/docs/images"
  [ "$language" = en ] || images="$images/$language"
  window --demo --screenshots "$images" --screenshot-size 1600x1000
  window --demo --screenshots "$images/1024x640" --screenshot-size 1024x640
done
ls -l "$repo/docs/images" "$repo/docs/images/zh_CN" "$repo/docs/images/1024x640" "$repo/docs/images/zh_CN/1024x640"
