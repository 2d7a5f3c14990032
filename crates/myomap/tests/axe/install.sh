#!/usr/bin/env bash
# Installs axe-core, the accessibility engine the e2e page sweep injects into
# every page, into target/axe-core/ (or $1): only axe.min.js and its licence,
# from the npm package. Idempotent, quick when already there.
# The version is pinned: rules that change under us are not a test.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
DEST="${1:-${MYOMAP_AXE_DIR:-target/axe-core}}"
PACKAGE=axe-core@4.14.1

mkdir -p "$DEST"
if [ -s "$DEST/axe.min.js" ] && [ "$(cat "$DEST/stamp" 2>/dev/null)" = "$PACKAGE" ]; then
  echo "axe-core already installed in $DEST ($PACKAGE)"
  exit 0
fi
rm -rf "$DEST/npm" "$DEST/axe.min.js" "$DEST/LICENSE" "$DEST/stamp"
mkdir -p "$DEST/npm"
(cd "$DEST/npm" && npm pack --silent "$PACKAGE" >/dev/null && tar xzf ./*.tgz package/axe.min.js package/LICENSE)
mv "$DEST/npm/package/axe.min.js" "$DEST/npm/package/LICENSE" "$DEST/"
rm -rf "$DEST/npm"
echo "$PACKAGE" > "$DEST/stamp"
echo "axe-core installed in $DEST ($PACKAGE)"
