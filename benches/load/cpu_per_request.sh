#!/usr/bin/env bash
# The server's CPU per request of each exam-day kind, one request at a time, for one or more
# builds side by side (alternating rounds, so a busy moment of the machine hits each alike).
# Each build serves the sample exam on a fresh SQLite file; the demo candidate starts an
# attempt and curl sends, on one kept-alive connection:
#   page      the same question page again and again (no position write: the page's own cost)
#   page-move question pages of changing positions (each moves the candidate: a write too)
#   save      instant saves, each a change (committed alone: one at a time is no group)
#   next      the question form's Next, the answer as saved (nothing to write)
# CPU is the server process's user+system time (/proc) over N requests, in microseconds.
#
#   benches/load/cpu_per_request.sh [ROUNDS] BIN [BIN...]
#   benches/load/cpu_per_request.sh 3 /tmp/certamen-before "$CARGO_TARGET_DIR/release/certamen"
set -euo pipefail
. "$(dirname "$0")/demo_attempt.sh"
ROUNDS=${1:?rounds}; shift
N=${N:-1500}
tck=$(getconf CLK_TCK)
pids=(); dirs=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "${dirs[@]}"' EXIT
k=0
for BIN in "$@"; do
  PORT=$((3940 + k)); B=http://127.0.0.1:$PORT; W=$(mktemp -d); dirs+=("$W")
  "$BIN" serve --demo --demo-password per-request --addr 127.0.0.1:$PORT \
    --database-url "sqlite:$W/db.sqlite" --site-root "$W/no-bundle" > "$W/log" 2>&1 &
  pids+=($!)
  A=$(demo_attempt "$B" "$W" 60) || { echo "build $k: no attempt"; exit 1; }
  # curl's config files: every request its own section.
  sec() { section "$1" "$2" "$W"; }
  for i in $(seq "$N"); do
    p=$(( (i % 100) + 1 ))
    sec "$B/attempts/$A/items/7" 'header = "Accept: text/html"' >> "$W/page"
    sec "$B/attempts/$A/items/$p" 'header = "Accept: text/html"' >> "$W/page-move"
    # Each round's saves change every answer (the letters swap) under new sequence numbers;
    # its Next posts carry the answers as that round saved them.
    for r in $(seq "$ROUNDS"); do
      l=$([ $(( (i + r) % 2 )) = 0 ] && echo A || echo B); seq=$(( (r - 1) * N + i ))
      sec "$B/api/save_answer" "data = \"attempt_id=$A&position=$p&choices=$l&flagged=false&seq=$seq\"" >> "$W/save-$r"
      sec "$B/attempts/$A/items/$p/answer" "data = \"choice=$l&seq=$((seq + 1))&go=next\"" >> "$W/next-$r"
    done
  done
  for f in "$W"/page "$W"/page-move "$W"/save-* "$W"/next-*; do sed -i '$ d' "$f"; done
  k=$((k + 1))
done
for r in $(seq "$ROUNDS"); do
  for kind in page page-move save next; do
    line="round $r $kind:"
    for k in "${!pids[@]}"; do
      W=${dirs[$k]}; before=$(awk '{print $14+$15}' "/proc/${pids[$k]}/stat")
      file="$W/$kind"; [ -f "$file" ] || file="$W/$kind-$r"
      codes=$(curl -s -K "$file" | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')
      after=$(awk '{print $14+$15}' "/proc/${pids[$k]}/stat")
      line="$line  build $k $(( (after - before) * 1000000 / tck / N )) us ($codes)"
    done
    echo "$line"
  done
done
