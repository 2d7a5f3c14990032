#!/usr/bin/env bash
# Installs Schemathesis, which the e2e test `schemathesis_finds_no_server_error_or_schema_break`
# runs against the real server's /api/v1/openapi.json (idempotent, quick when
# already there), into a Python venv at target/schemathesis/ (or $1).
# The version is pinned: a fuzzer whose checks change under us is not a test.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
DEST="${1:-${MYOMAP_SCHEMATHESIS:-target/schemathesis}}"
SCHEMATHESIS=4.32.5
STAMP="schemathesis==$SCHEMATHESIS"

mkdir -p "$DEST"
if [ -x "$DEST/venv/bin/st" ] && [ "$(cat "$DEST/stamp" 2>/dev/null)" = "$STAMP" ]; then
  echo "Schemathesis already installed in $DEST ($STAMP)"
  exit 0
fi
rm -rf "$DEST/venv" "$DEST/stamp"
python3 -m venv "$DEST/venv"
"$DEST/venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS"
echo "$STAMP" > "$DEST/stamp"
echo "Schemathesis installed in $DEST ($STAMP)"
