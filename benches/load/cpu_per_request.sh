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
  for _ in $(seq 120); do curl -sf "$B/healthz" > /dev/null && break; sleep 0.5; done
  curl -sf -b "$W/jar" -c "$W/jar" -o /dev/null -X POST \
    -d 'email=candidate@demo.certamen.test&password=per-request' "$B/auth/signin"
  loc=$(curl -s -b "$W/jar" -c "$W/jar" -o /dev/null -w '%{redirect_url}' -H 'Accept: text/html' \
    -X POST -d 'language=en' "$B/exams/peer-support/attempts")
  A=$(echo "$loc" | cut -d/ -f5)
  [ ${#A} = 32 ] || { echo "build $k: no attempt started ($loc)"; exit 1; }
  # curl's config files: every request its own section (cookie and output are per section).
  section() { printf 'url = "%s"\noutput = "/dev/null"\ncookie = "%s/jar"\nwrite-out = "%%{http_code}\\n"\n%s\nnext\n' "$1" "$W" "$2"; }
  for i in $(seq "$N"); do
    p=$(( (i % 100) + 1 ))
    section "$B/attempts/$A/items/7" 'header = "Accept: text/html"' >> "$W/page"
    section "$B/attempts/$A/items/$p" 'header = "Accept: text/html"' >> "$W/page-move"
    # Each round's saves change every answer (the letters swap) under new sequence numbers;
    # its Next posts carry the answers as that round saved them.
    for r in $(seq "$ROUNDS"); do
      l=$([ $(( (i + r) % 2 )) = 0 ] && echo A || echo B); seq=$(( (r - 1) * N + i ))
      section "$B/api/save_answer" "data = \"attempt_id=$A&position=$p&choices=$l&flagged=false&seq=$seq\"" >> "$W/save-$r"
      section "$B/attempts/$A/items/$p/answer" "data = \"choice=$l&seq=$((seq + 1))&go=next\"" >> "$W/next-$r"
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
