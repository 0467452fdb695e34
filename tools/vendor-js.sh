#!/usr/bin/env bash
# Refresh the JavaScript the website serves itself instead of loading from CDNs:
# the ipywidgets HTML manager (renders the sliders without a kernel) and KaTeX's styles and fonts.
# Needs Node's npm; the results are committed, so building the book does not.
# Usage: tools/vendor-js.sh   (edit the versions below, run, commit book/_assets/vendor)
set -euo pipefail
HTML_MANAGER=1.0.15   # @jupyter-widgets/html-manager 1.0.x goes with ipywidgets 8.1
KATEX=0.16.22        # the version whose scripts sphinxcontrib-katex bundles
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/book/_assets/vendor
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "@jupyter-widgets/html-manager@$HTML_MANAGER" "katex@$KATEX" >/dev/null
rm -rf "$dest/html-manager" "$dest/katex"
mkdir -p "$dest/html-manager" "$dest/katex/fonts"
mkdir hm kx
tar xzf jupyter-widgets-html-manager-$HTML_MANAGER.tgz -C hm
tar xzf katex-$KATEX.tgz -C kx
# embed.js needs no require.js; the font files sit beside it (webpack resolves them
# relative to the script's own address).
cp hm/package/dist/embed.js hm/package/dist/embed.js.LICENSE.txt "$dest/html-manager/"
cp hm/package/dist/*.woff2 hm/package/dist/*.woff hm/package/dist/*.ttf hm/package/dist/*.eot \
   hm/package/dist/*.svg "$dest/html-manager/"
# KaTeX's style sheet and the woff2 fonts it names (browsers that read this
# site all take woff2); sphinxcontrib-katex ships the matching scripts.
cp kx/package/dist/katex.min.css kx/package/LICENSE "$dest/katex/"
cp kx/package/dist/fonts/*.woff2 "$dest/katex/fonts/"
sed -i -E 's/,url\(fonts\/[^)]*\.(woff|ttf)\) format\("(woff|truetype)"\)//g' "$dest/katex/katex.min.css"
printf 'html-manager %s\nkatex %s\n' "$HTML_MANAGER" "$KATEX" > "$dest/VERSIONS"
du -sh "$dest"/*
