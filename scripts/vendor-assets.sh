#!/usr/bin/env bash
# Vendor front-end libraries from the npm registry into app/static/vendor/,
# each with its licence. Run after changing a version; commit the result.
# No CDN is used at run time: pages load only these files.
# `make vendor` runs this, then scripts/trim-weui.py (pages load the trimmed WeUI it writes).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=app/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# package@version  files-to-copy (relative to the package root)
vendor() {
  local spec=$1; shift
  local name=${spec%@*}
  local dir="$dest/${name//\//-}"
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  local tarball
  tarball=$(ls "$work"/*.tgz)
  mkdir -p "$work/x" && tar -xzf "$tarball" -C "$work/x"
  rm -rf "$dir" && mkdir -p "$dir"
  for f in "$@"; do cp "$work/x/package/$f" "$dir/"; done
  for lic in LICENSE LICENSE.md LICENSE.txt license; do
    [ -f "$work/x/package/$lic" ] && cp "$work/x/package/$lic" "$dir/LICENSE" && break
  done
  [ -f "$dir/LICENSE" ] || { echo "no licence file in $spec" >&2; exit 1; }
  echo "$spec" > "$dir/VERSION"
  rm -rf "$work/x" "$tarball"
  echo "vendored $spec -> $dir"
}

vendor weui@2.6.26 dist/style/weui.min.css
vendor qr-scanner@1.4.2 qr-scanner.umd.min.js qr-scanner-worker.min.js
vendor echarts@6.1.0 dist/echarts.min.js
