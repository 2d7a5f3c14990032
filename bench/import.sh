#!/usr/bin/env bash
# Times `myomap import clients` of a generated 50,000-row CSV into a fresh
# SQLite installation (release build), then a re-run (all duplicates).
# Usage: bench/import.sh [ROWS]
set -euo pipefail
rows=${1:-50000}
cd "$(dirname "$0")/.."
cargo build --release -p myomap --quiet
bin=${CARGO_TARGET_DIR:-target}/release/myomap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v n="$rows" 'BEGIN {
  srand(7); split("Ada Ben Cara Dev Eli Fay Gus Hana Ivo Jun Kai Lea Mo Nia Oto Pia", g, " ");
  split("Byron Hale Lo Okafor Lind Moreau Bello Ortega Raman Asante Stone Zoë Ødegaard", f, " ");
  print "First Name,Last Name,Date of Birth,Email,Mobile Phone,Notes";
  for (i = 1; i <= n; i++) {
    printf "%s,%s %d,%04d-%02d-%02d,p%d@example.org,+44 7700 %06d,\"Moved from the old system, row %d\"\r\n",
      g[1 + i % 16], f[1 + i % 13], i, 1940 + i % 60, 1 + i % 12, 1 + i % 28, i, i, i
  }
}' > "$work/clients.csv"
echo "pw-for-the-benchmark" | "$bin" user add --data "$work/data" --clinic Bench --email owner@bench.test --role owner >/dev/null
ls -l "$work/clients.csv" | awk '{print "file: " $5 " bytes"}'
/usr/bin/time -f "import: %e s, %M KB max RSS" "$bin" import clients "$work/clients.csv" --clinic Bench --data "$work/data" | tail -3
/usr/bin/time -f "re-run: %e s, %M KB max RSS" "$bin" import clients "$work/clients.csv" --clinic Bench --data "$work/data" | sed -n 2p
ls -l "$work/data/myomap.db" | awk '{print "database: " $5 " bytes"}'
