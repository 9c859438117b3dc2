#!/usr/bin/env bash
# Refreshes the dashboard's vendored chart library from the npm registry. The files it writes are committed, so
# building and running the dashboard needs no network and no node_modules. Bump the version here, run it, commit.
set -euo pipefail
version=1.6.32
root=$(cd "$(dirname "$0")/../.." && pwd)
target="$root/src/CallbackPipeline.Api/wwwroot/vendor/uplot"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "uplot@$version" --silent >/dev/null && tar xzf "uplot-$version.tgz")
mkdir -p "$target"
cp "$work/package/dist/uPlot.iife.min.js" "$work/package/dist/uPlot.min.css" "$work/package/LICENSE" "$target/"
echo "uPlot $version -> $target"
