#!/usr/bin/env bash
# Build a one-chapter copy of the book in /tmp, with warnings as errors, to check a chapter
# quickly while writing it. The other chapters become one-cell stubs (their titles), so that
# links to them resolve and only the chapter itself is executed.
# Usage: tools/preview-chapter.sh book/03_padding.ipynb [python-env-bin-dir]
set -euo pipefail
chapter=${1:?usage: tools/preview-chapter.sh book/NN_topic.ipynb}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${2:-$root/.venv/bin}
name=$(basename "${chapter%.*}")
out=/tmp/preview-$name
mkdir -p "$out"
rm -rf "$out/src" && mkdir -p "$out/src"
tar -C "$root" --exclude=./_build --exclude=./.venv --exclude=./.git -cf - . | tar -C "$out/src" -xf -
cd "$out/src"
stubs=""
for notebook in book/[0-9][0-9]_*.ipynb; do
  [ "$notebook" = "$chapter" ] && continue
  "$bin/python" - "$notebook" <<'PY'
import json, sys
path = sys.argv[1]
notebook = json.load(open(path))
title = next(line for cell in notebook["cells"] for line in cell["source"] if line.startswith("# "))
notebook["cells"] = [{"cell_type": "markdown", "id": "stub", "metadata": {}, "source": [title]}]
json.dump(notebook, open(path, "w"), indent=1)
PY
  stubs="$stubs  - file: ${notebook%.*}
"
done
# The instructor guide refers to every chapter's exercises, which the stubs no longer have:
# keep its title only.
head -n 1 book/instructor_guide.md > book/instructor_guide.md.title
mv book/instructor_guide.md.title book/instructor_guide.md
cat > _toc.yml <<TOC
format: jb-book
root: book/index
chapters:
  - file: ${chapter%.*}
$stubs  - file: book/instructor_guide
  - file: book/glossary
  - file: book/cnnlib_reference
  - file: book/bibliography
TOC
"$bin/jupyter-book" build . -W -n --keep-going --path-output "$out"
echo "built: $out/_build/html/${chapter%.*}.html"
