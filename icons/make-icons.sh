#!/usr/bin/env bash
# Draws Keyward's icon (a white key on an indigo rounded square) with ImageMagick and writes the sizes
# tauri.conf.json bundles. PNGs must be RGBA (PNG32): tauri's generate_context! refuses others.
# Run it again after changing the drawing; the PNGs are committed.
set -euo pipefail
cd "$(dirname "$0")"

# ImageMagick 7 calls itself `magick`; Debian 12 ships 6, whose entry point is `convert`.
IM=$(command -v magick || command -v convert) || { echo "icons: ImageMagick is missing (apt-get install imagemagick)" >&2; exit 1; }

master=$(mktemp --suffix=.png)
trap 'rm -f "$master"' EXIT

# 1024x1024: background square with rounded corners, then the key: a ring (the bow), a shaft, two bits.
"$IM" -size 1024x1024 xc:none \
  -fill '#4f46e5' -draw 'roundrectangle 64,64 960,960 200,200' \
  -fill none -stroke white -strokewidth 84 -draw 'circle 360,512 360,660' \
  -stroke none -fill white \
  -draw 'roundrectangle 480,470 860,554 30,30' \
  -draw 'roundrectangle 700,520 772,680 22,22' \
  -draw 'roundrectangle 800,520 860,630 22,22' \
  "PNG32:$master"

"$IM" "$master" -resize 32x32 PNG32:32x32.png
"$IM" "$master" -resize 128x128 PNG32:128x128.png
"$IM" "$master" -resize 256x256 PNG32:128x128@2x.png
"$IM" "$master" -resize 512x512 PNG32:icon.png
"$IM" "$master" -define icon:auto-resize=256,128,64,48,32,16 icon.ico
echo "icons: wrote 32x32.png 128x128.png 128x128@2x.png icon.png icon.ico"
