#!/usr/bin/env bash
# The exam-day figures in docs/operations.md: the load series on SQLite and PostgreSQL, the
# same 2,000 candidates without group commit, and the three fault runs. Each run writes its
# figures as JSON into OUT (default $CARGO_TARGET_DIR/load-reports) and stops the script if
# an acknowledged answer is missing or wrong or a fault check fails.
#
#   cargo build --release -p certamen-app --bin certamen -p certamen-benches --bin certamen-load
#   benches/load/series.sh [OUT]          # about 40 minutes on 2 cores
#   ONLY="sqlite-2000" benches/load/series.sh   # one run by name
set -euo pipefail
cd "$(dirname "$0")/../.."
# certamen-load finds the server binary under CARGO_TARGET_DIR.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/certamen-target}"
T="$CARGO_TARGET_DIR"
LOAD="$T/release/certamen-load"
OUT="${1:-$T/load-reports}"
PG="${PG:-postgres://root@127.0.0.1:5432/test}"
mkdir -p "$OUT"
# The exam as candidates meet it: all 120 questions, two saves each (an answer and a change of
# mind) after 0.3-0.9 s of thought; everyone arrives within 20 s.
COMMON=(--questions 120 --saves-per-item 2 --think-ms 600 --ramp-s 20)

# run NAME ARGS...: one run with COMMON, then ARGS.
run() {
  local name="$1"; shift
  runwith "$name" "${COMMON[@]}" "$@"
}

# runwith NAME ARGS...: one run with ARGS only.
runwith() {
  local name="$1"; shift
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then return; fi
  echo "== $name: certamen-load $*"
  "$LOAD" --report "$OUT/$name.json" "$@"
}

for n in 100 500 2000; do run "sqlite-$n" --candidates "$n"; done
# Group commit against one commit per save, the same binary, below saturation.
run sqlite-500-no-group-commit --candidates 500 --no-group-commit
for n in 100 500 2000; do run "postgres-$n" --candidates "$n" --database-url "$PG"; done
# SIGKILL a minute in, 20 s down, restart: every acknowledged answer present, downtime credited.
run sqlite-1000-sigkill --candidates 1000 --kill-at-s 60 --down-s 20
# Two servers on one PostgreSQL: the second killed for good at 20 s, the database cut off for
# 12 s at 40 s (long enough to be credited; the candidates finish some 75 s in), a tenth of the
# candidates leaving their attempts to the deadline finalizer. 500 candidates of 40 questions
# each: on 2 cores shared with PostgreSQL, 1,000 overloaded the survivor so that most of them
# met their 5-minute deadline.
runwith postgres-500-two-servers --questions 40 --saves-per-item 2 --think-ms 600 --ramp-s 20 \
  --candidates 500 --database-url "$PG" --servers 2 \
  --kill-second-at-s 20 --db-outage-at-s 40 --db-outage-s 12 --abandon 0.1 --time-limit-minutes 5
echo "reports in $OUT"
