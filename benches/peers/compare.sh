#!/usr/bin/env bash
# Same-run speed ratios: the peers (mirt-python, girth) and Certamen's criterion benches on the
# very same data files, one after the other on this machine. Prints a table; the raw JSON and
# criterion's estimates stay in $CARGO_TARGET_DIR/bench-data/peers.
# Usage: benches/peers/compare.sh   (about 3 minutes; nothing else should be running)
#        CATSIM=1 benches/peers/compare.sh   (also catsim's CAT, about one more minute)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/certamen-target}"
data="$CARGO_TARGET_DIR/bench-data/peers"
mkdir -p "$data"

[ -f "$data/calib_5000x100.csv" ] || "$here/run.sh" gen-calib --out "$data"
[ -f "$data/eap_100000x120.csv" ] || "$here/run.sh" gen-scoring --out "$data"
"$here/run.sh" time-calib --responses "$data/calib_5000x100.csv" --true "$data/calib_5000x100_true.csv" --skip-girth > "$data/peer_calib.json"
"$here/run.sh" time-eap --items "$data/eap_items_120.csv" --responses "$data/eap_100000x120.csv" > "$data/peer_eap.json"
ref="$root/engine/tests/reference/psychometrics"
"$here/run.sh" time-cat --bank "$ref/cat_bank_1000.csv" --thetas "$ref/cat_true_thetas_1000.csv" \
  $([ "${CATSIM:-0}" = 1 ] || echo --skip-catsim) > "$data/peer_cat.json"

(cd "$root" && CERTAMEN_BENCH_DATA="$data" cargo bench -p certamen-benches --bench psychometrics 2>&1 \
  | grep -E "accuracy|first five|time:" )
(cd "$root" && cargo bench -p certamen-benches --bench adaptive -- cat_1000x40 2>&1 | grep -E "accuracy|time:")

python3 - "$data" "$CARGO_TARGET_DIR/criterion/psychometrics" "$CARGO_TARGET_DIR/bench-data/certamen_calib.json" "$CARGO_TARGET_DIR/criterion/adaptive" <<'PY'
import json, sys, pathlib
data, crit, ours_calib, crit_adaptive = map(pathlib.Path, sys.argv[1:5])
def mean_s(name, folder=crit):
    est = json.loads((folder / name / "new" / "estimates.json").read_text())
    return est["mean"]["point_estimate"] / 1e9
peer_calib = json.loads((data / "peer_calib.json").read_text())["mirt"]
peer_eap = json.loads((data / "peer_eap.json").read_text())["mirt"]
ours = json.loads(ours_calib.read_text())
c, e = mean_s("calibrate_2pl_5000x100"), mean_s("eap_100000x120")
print(f"2PL calibration 5000x100: Certamen {c:.3f} s (RMSE a {ours['rmse_a']:.4f}, b {ours['rmse_b']:.4f}); "
      f"mirt fit_mirt {peer_calib['seconds']:.3f} s (RMSE a {peer_calib['rmse_a']:.4f}, b {peer_calib['rmse_b']:.4f}); "
      f"ratio {peer_calib['seconds'] / c:.1f}x")
print(f"  RMSE relative to mirt: a {ours['rmse_a'] / peer_calib['rmse_a'] - 1:+.2%}, b {ours['rmse_b'] / peer_calib['rmse_b'] - 1:+.2%} (goal: within 2%)")
print(f"EAP 100000x120: Certamen {e:.3f} s; mirt EAPScorer on the same grid {peer_eap['seconds']:.3f} s; ratio {peer_eap['seconds'] / e:.1f}x")
print(f"  mirt's first five θ: {peer_eap.get('theta_first5')}")
cat = json.loads((data / "peer_cat.json").read_text())
ours_cat = mean_s("cat_1000x40", crit_adaptive)
for peer in ("mirt", "catsim"):
    if peer in cat and "seconds" in cat[peer]:
        p = cat[peer]
        r = p["theta_recovery"]
        print(f"CAT 1000x40: Certamen {ours_cat:.4f} s; {peer} {p['seconds']:.2f} s (bias {r['bias']:+.4f}, RMSE {r['rmse']:.4f}); ratio {p['seconds'] / ours_cat:.0f}x")
PY
