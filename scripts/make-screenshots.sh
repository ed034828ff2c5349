#!/usr/bin/env bash
# Makes the user's guide's pictures: docs/images/<page>.png in English and docs/images/zh_CN/<page>.png
# in Chinese. A throwaway home folder, the built-in demo trained once with lora-studio-cli (so the Train
# page shows a real run), then the real window under Xvfb on the demo, each page saved.
# Needs a build (scripts/setup.sh installs Xvfb and a CJK font) and takes a few minutes.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${LORA_BUILD_DIR:-$repo/build}"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share"
window() { xvfb-run -a -s "-screen 0 1400x900x24" "$build_dir/bin/lora-studio" "$@"; }
# First pass: the window sets the demo up (model, dataset, training settings) and saves the settings.
window --demo --screenshots "$home/first" >/dev/null 2>&1
conf="$home/.config/LoRA Studio/lora-studio.conf"
/usr/bin/python3 - "$conf" "$home/params.json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
params = json.loads(re.search(r'^parameters="(.*)"$', text, re.M).group(1).encode().decode("unicode_escape"))
params.update(threads=0, eval_split=0.05, eval_every=100, save_every=200)
open(sys.argv[2], "w").write(json.dumps(params, indent=2))
adapter = params["output_dir"]
text = text.replace("[session]\n", "[session]\nadapter=" + adapter + "\n", 1)
open(sys.argv[1], "w").write(text)
PY
"$build_dir/bin/lora-studio-cli" train --config "$home/params.json" --quiet
sed -i '/^\[ui\]/,/^$/d' "$conf"
printf '\n[ui]\nlanguage=en\n' >>"$conf"
window --demo --screenshots "$repo/docs/images"
sed -i 's/^language=en$/language=zh_CN/' "$conf"
window --demo --screenshots "$repo/docs/images/zh_CN"
ls -l "$repo/docs/images" "$repo/docs/images/zh_CN"
