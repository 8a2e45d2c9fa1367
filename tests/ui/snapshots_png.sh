#!/bin/sh
# Render snapshot SVGs as PNGs to look at (review them as pictures before committing them):
#   tests/ui/snapshots_png.sh OUTDIR tests/ui/__snapshots__/test_snapshots/*.svg
# Needs rsvg-convert (Debian: librsvg2-bin). The SVGs ask for Fira Code, which fontconfig
# replaces by a proportional font where it is not installed, and rsvg drops a run's leading
# no-break space ("OTIF of" showed as "OTIFof"): both are undone on a copy, so the PNG shows
# what a terminal shows.
set -eu
out=$1
shift
mkdir -p "$out"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for f in "$@"; do
    name=$(basename "$f" .svg | tr -d '[]')
    sed -e 's/font-family: *"\{0,1\}Fira Code"\{0,1\}\(, monospace\)\{0,1\}/font-family: "DejaVu Sans Mono"/g' \
        -e 's/<svg class="rich-terminal"/<svg xml:space="preserve" class="rich-terminal"/' \
        -e 's/&#160;/ /g' "$f" >"$tmp"
    rsvg-convert -z 0.8 "$tmp" -o "$out/$name.png"
done
