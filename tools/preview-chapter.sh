#!/usr/bin/env bash
# Build a one-chapter copy of the book (introduction, the chapter, appendices)
# in /tmp, with warnings as errors, to check a chapter quickly while writing it.
# Usage: tools/preview-chapter.sh book/03_padding.ipynb [python-env-bin-dir]
set -euo pipefail
chapter=${1:?usage: tools/preview-chapter.sh book/NN_topic.ipynb}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${2:-$root/.venv/bin}
name=$(basename "${chapter%.*}")
out=/tmp/preview-$name
mkdir -p "$out"
rsync -a --delete --exclude _build --exclude .venv --exclude .git "$root/" "$out/src/"
cat > "$out/src/_toc.yml" <<TOC
format: jb-book
root: book/index
chapters:
  - file: ${chapter%.*}
  - file: book/glossary
  - file: book/bibliography
TOC
cd "$out/src"
"$bin/jupyter-book" build . -W -n --keep-going --path-output "$out"
echo "built: $out/_build/html/${chapter%.*}.html"
