#!/usr/bin/env bash
# Builds the emoji training set for `streamcanvas train` from the npm package emoji-datasource-google@16.0.0
# (Apache-2.0 images): every 64x64 PNG under img/google/64/ plus
#   captions.json    {"file.png": "name, short names, subcategory, category"} (skin-tone variants get the tone
#                    appended), e.g. "dog face, dog, animal mammal, animals & nature"
#   categories.json  {"file.png": "Animals & Nature"}: emoji.json's category, the labels of the emoji classifier
# Reproducible: fixed package version, sorted output.
#
#   models/make-emoji-dataset.sh [--base-only] [--twemoji | --twemoji-style] [OUT_DIR]   (default: models/data/emoji, git-ignored)
#
# --base-only leaves out the skin-tone variants (1,875 of the 3,786 images, all of them People & Body, which
# would otherwise be 60 % of the set); the shipped default model is trained on that set (models/data/emoji-base).
#
# --twemoji adds the same emoji from emoji-datasource-twitter@16.0.0 (Twemoji artwork, CC-BY 4.0, by Twitter, Inc.
# and other contributors) as tw--NAME.png, captioned exactly like the Google image; --twemoji-style also appends
# ", twemoji style" to their captions (going on from the shipped teacher with that word raised its training loss
# from 0.12 to 0.25 within 100 steps, without it the loss kept falling: README, "The default model"). The
# trainer splits "tw--NAME.png" by NAME, so an emoji is held out in both styles or in neither (Trainer.splitKey);
# hold out twice as many images on such a folder to keep the Google-only split.
#
# Needs node + npm and access to the npm registry. The images are not committed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
base_only=0
twemoji=0
style=""
while [ $# -gt 0 ]; do
  case "$1" in
    --base-only) base_only=1; shift ;;
    --twemoji) twemoji=1; shift ;;
    --twemoji-style) twemoji=1; style=", twemoji style"; shift ;;
    *) break ;;
  esac
done
out="${1:-$here/data/emoji}"
pkg="emoji-datasource-google@16.0.0"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "fetching $pkg ..." >&2
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
tar -xzf "$tmp"/emoji-datasource-google-16.0.0.tgz -C "$tmp"
src="$tmp/package"
[ -d "$src/img/google/64" ] || { echo "error: $pkg has no img/google/64/ folder" >&2; exit 1; }

mkdir -p "$out"
find "$out" -maxdepth 1 -name '*.png' -delete
cp "$src"/img/google/64/*.png "$out"/
if [ "$twemoji" = 1 ]; then
  tw="emoji-datasource-twitter@16.0.0"
  echo "fetching $tw ..." >&2
  mkdir -p "$tmp/tw"
  (cd "$tmp/tw" && npm pack --silent "$tw" >/dev/null)
  tar -xzf "$tmp"/tw/emoji-datasource-twitter-16.0.0.tgz -C "$tmp/tw"
  [ -d "$tmp/tw/package/img/twitter/64" ] || { echo "error: $tw has no img/twitter/64/ folder" >&2; exit 1; }
  for f in "$tmp"/tw/package/img/twitter/64/*.png; do cp "$f" "$out/tw--$(basename "$f")"; done
fi

node - "$src/emoji.json" "$out" "$base_only" "$style" <<'JS'
const fs = require('fs');
const path = require('path');
const [jsonFile, out, baseOnly, style] = process.argv.slice(2);
const emoji = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
const tones = {'1F3FB': 'light skin tone', '1F3FC': 'medium-light skin tone', '1F3FD': 'medium skin tone',
               '1F3FE': 'medium-dark skin tone', '1F3FF': 'dark skin tone'};
const clean = s => s.toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
function baseCaption(e) {
  const name = clean(e.name || e.short_name || '');
  const extra = (e.short_names || []).map(clean).filter(s => s && !name.includes(s));
  const sub = clean((e.subcategory || '').replace(/-/g, ' '));
  const cat = clean(e.category || '');
  return [name, ...extra, sub, cat].filter(Boolean).filter((s, i, a) => a.indexOf(s) === i).join(', ');
}
const captions = {};
const categories = {};
const variants = new Set();
for (const e of emoji) {
  const base = baseCaption(e);
  if (e.image) { captions[e.image] = base; categories[e.image] = e.category; }
  for (const [key, v] of Object.entries(e.skin_variations || {})) {
    const t = key.split('-').map(k => tones[k]).filter(Boolean);
    if (v.image && v.image !== e.image) {
      captions[v.image] = [base, ...t].join(', ');
      categories[v.image] = e.category;
      variants.add(v.image);
    }
  }
}
if (baseOnly === '1') {
  for (const f of variants) {
    fs.rmSync(path.join(out, f), {force: true});
    fs.rmSync(path.join(out, 'tw--' + f), {force: true});
  }
}
const files = fs.readdirSync(out).filter(f => f.endsWith('.png')).sort();
const result = {};
const labels = {};
let missing = 0;
for (const f of files) {
  const tw = f.startsWith('tw--');
  const key = tw ? f.slice(4) : f;
  if (captions[key]) {
    result[f] = tw ? captions[key] + (style || '') : captions[key];
    labels[f] = categories[key];
  } else missing++;
}
fs.writeFileSync(path.join(out, 'captions.json'), JSON.stringify(result, null, 1) + '\n');
fs.writeFileSync(path.join(out, 'categories.json'), JSON.stringify(labels, null, 1) + '\n');
console.error(`${files.length} images, ${Object.keys(result).length} captions (${missing} use their file name) -> ${out}`);
JS
