#!/usr/bin/env bash
# Micro-benchmark of the referred-pain engine (divan): a 5-area query over
# the whole atlas, top 10 and full ranking.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p myomap-atlas --bench suggest
