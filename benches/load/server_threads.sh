#!/usr/bin/env bash
# The CPU of a load run's server by thread kind: async workers, SQLite's connection threads,
# password hashing. Start it just before `certamen-load --server-bin BIN`; it waits for the
# server to start, samples /proc/PID/task/*/stat every second until the server exits (the load
# generator kills it at the end) and writes the last whole sample summed by thread name (a name's
# trailing "-N" dropped), user and system seconds.
#
#   benches/load/server_threads.sh BIN OUT &
#   certamen-load ... --server-bin BIN
set -euo pipefail
BIN=$(readlink -f "${1:?server binary}"); OUT=${2:?output file}
tck=$(getconf CLK_TCK)
pid=""
while [ -z "$pid" ]; do pid=$(pgrep -f "$BIN serve" | head -n1 || true); sleep 0.2; done
# The sample with the most CPU in it is the last whole one: a sample taken while the killed
# server's threads are being torn down misses some of them, and counters only grow.
last=""; most=-1
while [ -d "/proc/$pid" ]; do
  sample=$(for t in /proc/"$pid"/task/*; do
    stat=$(cat "$t/stat" 2>/dev/null) || continue
    name=$(cat "$t/comm" 2>/dev/null | tr ' ' '_') || continue
    # Fields after the command name's closing parenthesis: 14 and 15 (utime, stime) are the
    # 12th and 13th there.
    set -- ${stat##*) }
    echo "$name ${12} ${13}"
  done)
  total=$(echo "$sample" | awk '{t += $2 + $3} END {print t + 0}')
  if [ -n "$sample" ] && [ "$total" -ge "$most" ]; then last=$sample; most=$total; fi
  sleep 1
done
{
  echo "server pid $pid ($BIN)"
  echo "$last" | awk -v t="$tck" '{n=$1; sub(/-[0-9]+$/, "", n); u[n]+=$2; s[n]+=$3; c[n]++}
    END {for (k in u) printf "%-24s threads %3d  user %8.1f s  system %8.1f s\n", k, c[k], u[k]/t, s[k]/t}' | sort -t' ' -k1,1
} > "$OUT"
