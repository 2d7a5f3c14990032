#!/usr/bin/env bash
# Micro-benchmark of the slot finder (divan): 14 and 62 days of a busy
# therapist's standard week across the October clock change.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p myomap-schedule --bench slots
