#!/usr/bin/env bash
# `make run`: the tool's main job on the fixtures, against a local ChartHop emulator.
# Starts the emulator seeded with the acme org on a free port, runs `sync` on the fixture
# export, then `plan` again to show that nothing is left to change, and stops the emulator.
set -euo pipefail

# The binary: $BIN, else the one cargo builds (its artifact message names it, wherever the
# target directory is: CARGO_TARGET_DIR, build.target-dir, a --target triple).
bin=${BIN:-}
if [ -z "$bin" ]; then
  bin=$("${CARGO:-cargo}" build --locked --quiet --bin payroll-sync --message-format=json-render-diagnostics |
    grep '"reason":"compiler-artifact"' | grep '"kind":\["bin"\]' | grep '"name":"payroll-sync"' |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1) || true
fi
if [ ! -x "$bin" ]; then echo "make run: no payroll-sync binary (cargo named \`$bin\`); set BIN=path/to/payroll-sync"; exit 1; fi
work=$(mktemp -d "${TMPDIR:-/tmp}/payroll-sync-demo.XXXXXX")
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

token="demo-$(date +%s)-$$"
"$bin" emulator --seed fixtures/charthop/acme --port 0 --token "$token" \
  --addr-file "$work/addr" --import-step-ms 20 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 1 100); do [ -s "$work/addr" ] && break; sleep 0.05; done
if [ ! -s "$work/addr" ]; then echo "the emulator did not start:"; cat "$work/emulator.log"; exit 1; fi

export PAYROLL_SYNC_CHARTHOP_URL="$(cat "$work/addr")"
export PAYROLL_SYNC_CHARTHOP_ORG=acme
export PAYROLL_SYNC_CHARTHOP_TOKEN="$token"
export PAYROLL_SYNC_IMPORT_POLL_INTERVAL_MS=100
export PAYROLL_SYNC_PLAN_RUNS_DIR="$work/runs"

echo "== ChartHop emulator at $PAYROLL_SYNC_CHARTHOP_URL (org acme, 60 people)"
echo
echo "== payroll-sync sync --input fixtures/payroll/acme.csv --mapping mappings/acme.toml"
"$bin" sync --input fixtures/payroll/acme.csv --mapping mappings/acme.toml --out "$work/run1"
echo
echo "== what the review report says (first lines of report.md)"
sed -n '1,16p' "$work/run1/report.md"
echo
echo "== payroll-sync plan again (the same export as .xlsx): nothing is left to change"
"$bin" plan --input fixtures/payroll/acme.xlsx --mapping mappings/acme.toml --out "$work/plan2" --detailed-exitcode
echo
echo "make run: OK"
