#!/usr/bin/env bash
# Run the peer benchmarks in their own venv (outside the repo, so nothing here
# touches the Rust build). Usage: benches/peers/run.sh SUBCOMMAND [ARGS...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${CERTAMEN_PEERS_VENV:-$HOME/.cache/certamen-peers-venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  # mirt 1.2.0 and numpy 2.4 need Python >= 3.11; say so instead of a pip resolver error.
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "run.sh: $python is older than 3.11 (set PYTHON=...)" >&2; exit 1; }
  echo "run.sh: creating $venv" >&2
  "$python" -m venv "$venv"
fi

# Install only when requirements.txt changed since the last install, so repeat
# runs start at once. pip's output goes to stderr: stdout is the JSON result.
stamp="$venv/.certamen-requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  echo "$want" > "$stamp"
fi

exec "$venv/bin/python" "$here/run_peers.py" "$@"
