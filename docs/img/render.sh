#!/bin/sh
# Renders docs/img/*.dot (generated from the core by GraphPicturesTest) to SVG with Debian's graphviz
# (apt-get install -y graphviz). Run from anywhere; commit the SVGs with the DOT they came from.
set -eu
cd "$(dirname "$0")"
command -v dot >/dev/null || { echo "render.sh: needs graphviz (apt-get install -y graphviz)" >&2; exit 1; }
for f in *.dot; do
    dot -Tsvg "$f" -o "${f%.dot}.svg"
done
