#!/usr/bin/env bash
# export-html.sh SRC DST — export every executed notebook in SRC to an HTML page in DST.
# The page set is built in a temporary folder and swapped in whole, so a failed
# export leaves the previous pages intact.
set -euo pipefail
src=$1 dst=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shopt -s nullglob
nbs=("$src"/*.ipynb)
(( ${#nbs[@]} )) || { echo "export-html: no executed notebooks in $src" >&2; exit 1; }
tmp=$(mktemp -d "$(dirname "$dst")/.html-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$root/.venv/bin/jupyter" nbconvert --to html --output-dir "$tmp" "${nbs[@]}" 2>"$tmp/.log" \
  || { cat "$tmp/.log" >&2; exit 1; }
rm -f "$tmp/.log"
{
  echo '<!doctype html><html><head><meta charset="utf-8"><title>descent — lecture notes</title></head><body>'
  echo '<h1>descent — optimization for deep learning, in Go</h1><ol>'
  for nb in "${nbs[@]}"; do b=$(basename "$nb" .ipynb); echo "<li><a href=\"$b.html\">$b</a></li>"; done
  echo '</ol></body></html>'
} > "$tmp/index.html"
rm -rf "$dst.old"; [[ -d "$dst" ]] && mv "$dst" "$dst.old"
mv "$tmp" "$dst"; rm -rf "$dst.old"; trap - EXIT
