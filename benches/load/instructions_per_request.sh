#!/usr/bin/env bash
# The server's instructions per request of each exam-day kind, counted by valgrind's callgrind:
# unlike CPU time, the count is the same run after run whatever else the machine is doing, so
# a change of a few per cent shows (a load run's figures move by more than that within an hour
# here). Each build serves the sample exam on a fresh SQLite file under callgrind; the demo
# candidate starts an attempt, then curl sends, one at a time on one kept-alive connection:
#   page  question pages of changing positions (each moves the candidate: a group-commit write)
#   save  instant saves, each a change (one at a time: each commits alone)
#   next  the question form's Next, each with an answer other than the one stored (a save too)
# Every page and a few saves and Nexts are sent first, uncounted (prepared statements, the
# item cache). Counted are all the
# server's threads (the commits included) from the first request of a kind to its last; the
# callgrind files stay in OUT for `callgrind_annotate`.
#
#   benches/load/instructions_per_request.sh OUT BIN [BIN...]
#   benches/load/instructions_per_request.sh /tmp/counts /tmp/certamen-before "$CARGO_TARGET_DIR/release/certamen"
set -euo pipefail
. "$(dirname "$0")/demo_attempt.sh"
OUT=${1:?output folder}; shift
N=${N:-200}
command -v valgrind > /dev/null || { echo "valgrind is not installed (Debian: apt-get install valgrind)"; exit 1; }
mkdir -p "$OUT"
k=0
for BIN in "$@"; do
  W=$(mktemp -d); PORT=$((3960 + k)); B=http://127.0.0.1:$PORT
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT/build$k.%p" \
    "$BIN" serve --demo --demo-password per-request --addr 127.0.0.1:$PORT \
    --database-url "sqlite:$W/db.sqlite" --site-root "$W/no-bundle" > "$W/log" 2>&1 &
  VP=$!
  trap 'kill $VP 2>/dev/null || true; rm -rf "$W"' EXIT
  A=$(demo_attempt "$B" "$W" 600) || { echo "build $k: no attempt"; exit 1; }
  # curl's config files: every request its own section.
  sec() { section "$1" "$2" "$W"; }
  # Positions 1 to 100 are counted (each twice when N is 200), 110 to 119 warm up. Every save
  # changes its position's answer (A and B alternate, and swap on the second pass); every Next
  # then sets C or D, so it too is a change.
  for i in $(seq "$N"); do
    p=$(( (i % 100) + 1 )); pass=$(( i / 100 ))
    l=$([ $(( (i + pass) % 2 )) = 0 ] && echo A || echo B)
    n=$([ $(( pass % 2 )) = 0 ] && echo C || echo D)
    sec "$B/attempts/$A/items/$p" 'header = "Accept: text/html"' >> "$W/page"
    sec "$B/api/save_answer" "data = \"attempt_id=$A&position=$p&choices=$l&flagged=false&seq=$((1000 + i))\"" >> "$W/save"
    sec "$B/attempts/$A/items/$p/answer" "data = \"choice=$n&seq=$((5000 + i))&go=next\"" >> "$W/next"
  done
  for j in $(seq 0 9); do
    p=$((110 + j))
    sec "$B/attempts/$A/items/$p" 'header = "Accept: text/html"' >> "$W/warm"
    sec "$B/api/save_answer" "data = \"attempt_id=$A&position=$p&choices=A&flagged=false&seq=$((500 + j))\"" >> "$W/warm"
    sec "$B/attempts/$A/items/$p/answer" "data = \"choice=B&seq=$((600 + j))&go=next\"" >> "$W/warm"
  done
  for f in page save next warm; do sed -i '$ d' "$W/$f"; done
  callgrind_control -i on $VP >&2
  # Uncounted: every counted question's page once (the parsed items are cached from then on,
  # as on exam day), and a few saves and Nexts on other questions.
  curl -s -K "$W/page" > /dev/null
  curl -s -K "$W/warm" > /dev/null
  line="build $k ($BIN):"
  d=0
  for kind in page save next; do
    d=$((d + 1))
    callgrind_control -z $VP >&2
    codes=$(curl -s -K "$W/$kind" | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')
    callgrind_control -d "$kind" $VP >&2
    # callgrind_control exits 0 even when it reached no process: check the dump is this one.
    file="$OUT/build$k.$VP.$d"
    grep -q "Trigger: .*dump $kind" "$file" 2> /dev/null \
      || { echo "build $k: no callgrind dump for $kind ($file)"; exit 1; }
    total=$(grep -m1 '^summary:' "$file" | awk '{print $2}')
    line="$line  $kind $((total / N)) ($codes)"
  done
  echo "$line"
  kill $VP; wait $VP 2>/dev/null || true
  rm -rf "$W"; trap - EXIT
  k=$((k + 1))
done
