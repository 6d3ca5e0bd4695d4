#!/usr/bin/env python3
"""Peer baselines for Certamen's IRT engine: calibration, EAP scoring and CAT timings.

Generates seeded data sets and times two Python peers on them (mirt-python and
girth), so the Rust engine's speed goals can be stated as ratios against
software nobody on the team wrote. Conventions follow
shared/reference/psychometrics/README.md: logistic IRT with D = 1, parameters
rounded to 4 decimals (the rounded values *are* the parameters), wide 0/1
response CSVs, numpy.random.default_rng (PCG64).

Subcommands (see --help of each):
  gen-calib    2PL data set for calibration timing (default 5000 x 100)
  time-calib   mirt fit_mirt(2PL) and girth twopl_mml: min wall time, RMSE vs truth
  gen-scoring  3PL bank + responses for EAP scoring timing (default 100000 x 120)
  time-eap     mirt EAP + PSD of every examinee on the 61-point rect grid
  time-cat     CAT simulation (MFI, fixed length): mirt CATEngine lock-step batch
               and catsim's Simulator, on the reference bank and true thetas

Timing results are printed as one JSON object on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

# Calibration settings of the reference timings (timings_summary.json, part 07_girth5000).
MIRT_N_QUADPTS = 61
MIRT_TOL = 1e-4

# The project's EAP grid: 61 equally spaced points on [-4, 4], N(0,1) weights,
# normalised (rectangle rule; the spacing cancels).
EAP_GRID = np.linspace(-4.0, 4.0, 61)
EAP_WEIGHTS = np.exp(-0.5 * EAP_GRID**2)
EAP_WEIGHTS /= EAP_WEIGHTS.sum()

# Seed of the reference CAT bank and thetas (README "Randomness"); reused for
# the peers' own response RNGs so a rerun gives the same responses.
CAT_SEED = 20240307


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- I/O


def _ids(prefix: str, n: int, min_width: int) -> list[str]:
    width = max(min_width, len(str(n)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def write_wide_csv(path: Path, person_ids: list[str], item_ids: list[str], resp: np.ndarray) -> None:
    """Write `examinee_id,<items>` with 0/1 cells.

    Built as one byte buffer because a Python-level loop over 12 million cells
    (the 100000 x 120 scoring set) would dominate the generator's run time.
    """
    n, k = resp.shape
    body = np.full((n, 2 * k + 1), ord(","), dtype=np.uint8)
    body[:, 1:-1:2] = resp.astype(np.uint8) + ord("0")
    body[:, -1] = ord("\n")
    # Ids share one width, so they form a fixed-width byte block too.
    ids = np.frombuffer("".join(person_ids).encode("ascii"), dtype=np.uint8).reshape(n, -1)
    with open(path, "wb") as f:
        f.write(("examinee_id," + ",".join(item_ids) + "\n").encode("ascii"))
        f.write(np.hstack([ids, body]).tobytes())


def read_wide_csv(path: Path) -> tuple[list[str], np.ndarray]:
    """Return (item ids from the header, int8 response matrix persons x items)."""
    with open(path, encoding="ascii") as f:
        header = f.readline().rstrip("\n").split(",")
    items = header[1:]
    resp = np.loadtxt(path, delimiter=",", skiprows=1, usecols=range(1, len(items) + 1), dtype=np.int8, ndmin=2)
    return items, resp


def read_param_csv(path: Path, wanted: tuple[str, ...]) -> tuple[list[str], dict[str, np.ndarray]]:
    """Read the first column as ids and the `wanted` columns as floats.

    Other columns are ignored, so files with extra text columns work too (the
    Rust benches write `id,item,a,b,c`).
    """
    with open(path, encoding="ascii") as f:
        header = f.readline().rstrip("\n").split(",")
        rows = [line.rstrip("\n").split(",") for line in f if line.strip()]
    missing = [name for name in wanted if name not in header]
    if missing:
        sys.exit(f"{path}: no column(s) {', '.join(missing)} in header {','.join(header)}")
    ids = [r[0] for r in rows]
    cols = {name: np.array([float(r[header.index(name)]) for r in rows]) for name in wanted}
    return ids, cols


def write_param_csv(path: Path, header: list[str], ids: list[str], cols: list[np.ndarray]) -> None:
    with open(path, "w", encoding="ascii") as f:
        f.write(",".join(header) + "\n")
        for i, item in enumerate(ids):
            f.write(item + "".join(f",{c[i]:.4f}" for c in cols) + "\n")


def _reorder_columns(resp_items: list[str], resp: np.ndarray, wanted: list[str], what: str) -> np.ndarray:
    """Align response columns with a parameter file, whatever order either is in."""
    if resp_items == wanted:
        return resp
    if sorted(resp_items) != sorted(wanted):
        sys.exit(f"{what}: item ids in the response header do not match the parameter file")
    pos = {item: j for j, item in enumerate(resp_items)}
    return np.ascontiguousarray(resp[:, [pos[item] for item in wanted]])


# --------------------------------------------------------------------- generators


def cmd_gen_calib(args: argparse.Namespace) -> None:
    n, k = args.persons, args.items
    rng = np.random.default_rng(args.seed)
    # Draw order (one generator, nothing else drawn in between) -- changing it
    # changes every number downstream:
    #   1. a     = lognormal(mean=0, sigma=0.3, size=k), clipped to [0.5, 2.5]
    #   2. b     = normal(0, 1, size=k),                  clipped to [-2.5, 2.5]
    #   3. theta = normal(0, 1, size=n)
    #   4. U     = random(size=(n, k)) (uniform [0, 1), row = person)
    # a and b are rounded to 4 decimals after clipping and P uses the rounded
    # values (the written parameters are the true ones). theta is NOT rounded:
    # it is never written, and unrounded it reproduces the reference's
    # "girth 5000x100 timing matrix" (seed 20240308) exactly -- mirt's RMSEs on
    # it equal timings_summary.json's to the last digit -- so timings here are
    # on the very matrix the reference timed.
    a = np.round(np.clip(rng.lognormal(0.0, 0.3, size=k), 0.5, 2.5), 4)
    b = np.round(np.clip(rng.normal(0.0, 1.0, size=k), -2.5, 2.5), 4)
    theta = rng.normal(0.0, 1.0, size=n)
    u = rng.random((n, k))
    p = 1.0 / (1.0 + np.exp(-a[None, :] * (theta[:, None] - b[None, :])))
    resp = (u < p).astype(np.int8)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    items = _ids("C", k, 3)
    stem = f"calib_{n}x{k}"
    write_wide_csv(out / f"{stem}.csv", _ids("P", n, 5), items, resp)
    write_param_csv(out / f"{stem}_true.csv", ["item", "a", "b"], items, [a, b])
    log(f"wrote {out / (stem + '.csv')} and {out / (stem + '_true.csv')} "
        f"(mean score {resp.sum(1).mean():.2f}/{k}, theta mean {theta.mean():+.4f})")


def cmd_gen_scoring(args: argparse.Namespace) -> None:
    n, k = args.persons, args.items
    rng = np.random.default_rng(args.seed)
    # Draw order (one generator):
    #   1. a     = lognormal(0, 0.3, size=k), clipped to [0.4, 2.5]
    #   2. b     = normal(0, 1, size=k),      clipped to [-3, 3]
    #   3. c     = uniform(0.05, 0.30, size=k)
    #   4. theta = normal(0, 1, size=n)
    #   5. U     = random(size=(n, k))
    # As in gen-calib: a, b, c rounded to 4 decimals (they are written), theta
    # unrounded (it is not); P = c + (1 - c) / (1 + exp(-a (theta - b))).
    a = np.round(np.clip(rng.lognormal(0.0, 0.3, size=k), 0.4, 2.5), 4)
    b = np.round(np.clip(rng.normal(0.0, 1.0, size=k), -3.0, 3.0), 4)
    c = np.round(rng.uniform(0.05, 0.30, size=k), 4)
    theta = rng.normal(0.0, 1.0, size=n)
    u = rng.random((n, k))
    p = c + (1.0 - c) / (1.0 + np.exp(-a * (theta[:, None] - b)))
    resp = (u < p).astype(np.int8)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    items = _ids("I", k, 3)
    write_param_csv(out / f"eap_items_{k}.csv", ["id", "a", "b", "c"], items, [a, b, c])
    write_wide_csv(out / f"eap_{n}x{k}.csv", _ids("P", n, 5), items, resp)
    log(f"wrote {out / f'eap_items_{k}.csv'} and {out / f'eap_{n}x{k}.csv'} "
        f"(mean score {resp.sum(1).mean():.2f}/{k})")


# ------------------------------------------------------------------------ timing


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _machine() -> dict:
    # Recorded with every result because the numbers only compare on like
    # machines: the reference ran on a 2-core AMD EPYC; mirt's Rust backend
    # spreads EM over all cores (rayon, RAYON_NUM_THREADS caps it); and a
    # concurrent build on a 2-core VM roughly doubles wall times.
    return {
        "cores": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "RAYON_NUM_THREADS": os.environ.get("RAYON_NUM_THREADS"),
        "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
    }


def _time_runs(fn, repeats: int, label: str, setup=None):
    """Run fn() `repeats` times; return (min seconds, all runs, last result).

    With `setup`, each run is fn(setup()) and only fn is timed: stateful peers
    (a seeded RNG, per-examinee histories) need a fresh object per run so that
    every repeat simulates the same responses.
    """
    runs, result = [], None
    for i in range(repeats):
        arg = setup() if setup is not None else None
        t0 = time.perf_counter()
        result = fn() if setup is None else fn(arg)
        runs.append(time.perf_counter() - t0)
        log(f"  {label} run {i + 1}/{repeats}: {runs[-1]:.3f} s")
    return min(runs), runs, result


def _rmse(est: np.ndarray, true: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(est, dtype=float) - true) ** 2)))


def cmd_time_calib(args: argparse.Namespace) -> None:
    import mirt
    from mirt._backend_config import should_use_rust

    items, resp = read_wide_csv(Path(args.responses))
    true_ids, true = read_param_csv(Path(args.true), ("a", "b"))
    resp = _reorder_columns(items, resp, true_ids, "time-calib")
    resp = resp.astype(np.int64)  # mirt validates/casts anyway; do it outside the timer
    n, k = resp.shape
    log(f"loaded {n} x {k} responses")
    out: dict = {"task": f"2PL calibration {n}x{k}", "machine": _machine()}

    # EM with 61 Gauss-Hermite points, tol 1e-4 on the parameter change, SEs off:
    # with model='2PL', one factor and no start values/priors/constraints this is
    # mirt's native (Rust) full-EM path, the one the reference timed.
    def fit_mirt():
        return mirt.fit_mirt(resp, model="2PL", estimation="EM", n_quadpts=MIRT_N_QUADPTS,
                             tol=MIRT_TOL, compute_standard_errors=False)

    log(f"mirt {mirt.__version__}: fit_mirt 2PL x{args.repeats}")
    secs, runs, res = _time_runs(fit_mirt, args.repeats, "mirt")
    mirt_a, mirt_b = np.asarray(res.model.discrimination), np.asarray(res.model.difficulty)
    out["mirt"] = {
        "seconds": secs, "runs": runs, "stat": f"min of {args.repeats}",
        "rmse_a": _rmse(mirt_a, true["a"]), "rmse_b": _rmse(mirt_b, true["b"]),
        "bias_b": float(np.mean(mirt_b - true["b"])),
        "converged": bool(res.converged), "n_iterations": int(res.n_iterations),
        "log_likelihood": float(res.log_likelihood),
        "call": f"fit_mirt(data, model='2PL', estimation='EM', n_quadpts={MIRT_N_QUADPTS}, "
                f"tol={MIRT_TOL}, compute_standard_errors=False)",
        "backend": "rust" if should_use_rust(True) else "numpy",
        "version": mirt.__version__,
    }

    if not args.skip_girth:
        from girth import twopl_mml

        # girth wants items x persons; transpose outside the timer.
        resp_t = np.ascontiguousarray(resp.T)
        version = metadata.version("girth")
        log(f"girth {version}: twopl_mml defaults x{args.girth_repeats} (slow)")
        secs, runs, gres = _time_runs(lambda: twopl_mml(resp_t), args.girth_repeats, "girth")
        girth_a, girth_b = np.asarray(gres["Discrimination"]), np.asarray(gres["Difficulty"])
        out["girth"] = {
            "seconds": secs, "runs": runs, "stat": f"min of {args.girth_repeats}",
            "rmse_a": _rmse(girth_a, true["a"]), "rmse_b": _rmse(girth_b, true["b"]),
            "bias_b": float(np.mean(girth_b - true["b"])),
            "call": "twopl_mml(data_items_by_persons)  # defaults: 41 quad pts on [-4.5, 4.5], LUT, max 25 iters",
            "version": version,
        }
        # The two estimators should agree far more closely than either agrees
        # with the truth; a large value here means one of them went wrong.
        out["mirt_vs_girth_max_abs_diff"] = {
            "a": float(np.max(np.abs(mirt_a - girth_a))),
            "b": float(np.max(np.abs(mirt_b - girth_b))),
        }
    print(json.dumps(out, indent=2))


def _numpy_eap(resp: np.ndarray, a, b, c) -> tuple[np.ndarray, np.ndarray]:
    """The README's reference EAP/PSD (rect rule), used only to check mirt's numbers."""
    p = c + (1.0 - c) / (1.0 + np.exp(-a * (EAP_GRID[:, None] - b)))  # grid x items
    r = resp.astype(np.float64)
    loglik = r @ np.log(p).T + (1.0 - r) @ np.log1p(-p).T  # persons x grid
    loglik += np.log(EAP_WEIGHTS)
    loglik -= loglik.max(axis=1, keepdims=True)
    post = np.exp(loglik)
    post /= post.sum(axis=1, keepdims=True)
    eap = post @ EAP_GRID
    psd = np.sqrt(np.maximum(post @ EAP_GRID**2 - eap**2, 0.0))
    return eap, psd


def _mirt_3pl(ids: list[str], par: dict[str, np.ndarray]):
    """A mirt 3PL model holding the given (already calibrated) parameters."""
    from mirt.models import ThreeParameterLogistic

    # There is no public "already calibrated" switch, so mark it fitted the
    # way mirt itself does after its own fits (scoring and CAT refuse
    # unfitted models).
    model = ThreeParameterLogistic(n_items=len(ids), item_names=ids)
    model.set_parameters(discrimination=par["a"], difficulty=par["b"], guessing=par["c"])
    model._is_fitted = True
    return model


def cmd_time_eap(args: argparse.Namespace) -> None:
    import mirt
    from mirt.scoring import EAPScorer, fscores

    ids, par = read_param_csv(Path(args.items), ("a", "b", "c"))
    items, resp = read_wide_csv(Path(args.responses))
    resp = _reorder_columns(items, resp, ids, "time-eap").astype(np.int64)
    n, k = resp.shape
    log(f"loaded {n} x {k} responses, {len(ids)} items")

    model = _mirt_3pl(ids, par)

    # mirt 1.2.0's EAP only integrates on Gauss-Hermite nodes (fscores/EAPScorer
    # take n_quadpts, not a grid). Its scorer builds the grid in one private
    # method, so overriding that gives our 61-point rect grid with mirt's own
    # likelihood and posterior code -- the same trick behind the reference's
    # mirt EAP column (agreement 5e-15).
    class GridEAPScorer(EAPScorer):
        def _quadrature(self, model):
            return EAP_GRID[:, None].copy(), EAP_WEIGHTS.copy()

    out: dict = {"task": f"EAP + PSD, 3PL, {n}x{k}", "machine": _machine()}

    log(f"mirt {mirt.__version__}: EAP on the 61-pt rect grid x{args.repeats}")
    scorer = GridEAPScorer()
    secs, runs, res = _time_runs(lambda: scorer.score(model, resp), args.repeats, "mirt grid")
    theta, psd = np.asarray(res.theta), np.asarray(res.standard_error)
    ref_theta, ref_psd = _numpy_eap(resp, par["a"], par["b"], par["c"])
    out["mirt"] = {
        "seconds": secs, "runs": runs, "stat": f"min of {args.repeats}",
        "grid": "custom: 61 equally spaced points on [-4, 4], N(0,1) weights, rectangle rule",
        "how": "EAPScorer subclass overriding the private _quadrature(); mirt 1.2.0 has no public "
               "custom-grid option (fscores/EAPScorer accept only n_quadpts for Gauss-Hermite)",
        "theta_first5": theta[:5].tolist(), "psd_first5": psd[:5].tolist(),
        "max_abs_diff_vs_numpy_reference": {
            "theta": float(np.max(np.abs(theta - ref_theta))),
            "psd": float(np.max(np.abs(psd - ref_psd))),
        },
        "version": mirt.__version__,
    }

    # The public call, for comparison: same code path, mirt's default grid.
    log(f"mirt: fscores(method='EAP') default grid x{args.repeats}")
    secs, runs, res = _time_runs(lambda: fscores(model, resp, method="EAP"), args.repeats, "mirt default")
    theta_d = np.asarray(res.theta)
    out["mirt_default_grid"] = {
        "seconds": secs, "runs": runs, "stat": f"min of {args.repeats}",
        "grid": "mirt default: 49 Gauss-Hermite nodes, untruncated N(0,1) (NOT the project's grid)",
        "call": "fscores(model, responses, method='EAP')",
        "theta_first5": theta_d[:5].tolist(),
        "psd_first5": np.asarray(res.standard_error)[:5].tolist(),
        "max_abs_diff_vs_rect61_theta": float(np.max(np.abs(theta_d - ref_theta))),
        "version": mirt.__version__,
    }
    print(json.dumps(out, indent=2))


def _recovery(est: np.ndarray, true: np.ndarray) -> dict:
    """Bias and RMSE of final estimates over the examinees whose estimate is finite."""
    finite = np.isfinite(est)
    err = est[finite] - true[finite]
    return {"bias": float(err.mean()), "rmse": float(np.sqrt(np.mean(err**2))),
            "n_finite": int(finite.sum()), "n": int(est.size)}


def _path_checks(paths: list[list[int]], length: int) -> dict:
    """Whether every simulated test met the design: exactly `length` items, none twice."""
    return {"all_tests_length": all(len(p) == length for p in paths),
            "no_item_reuse": all(len(set(p)) == len(p) for p in paths)}


def cmd_time_cat(args: argparse.Namespace) -> None:
    ids, par = read_param_csv(Path(args.bank), ("a", "b", "c"))
    _, cols = read_param_csv(Path(args.thetas), ("true_theta",))
    true_theta = cols["true_theta"]
    n, k, length = true_theta.size, len(ids), args.length
    if length > k:
        sys.exit(f"time-cat: --length {length} exceeds the bank's {k} items")
    log(f"loaded {k}-item bank and {n} true thetas; fixed length {length}")
    out: dict = {
        "task": f"CAT simulation {n} examinees x {length} items, {k}-item 3PL bank",
        "design": f"start theta 0, maximum Fisher information at the current estimate, no exposure "
                  f"control or content balancing, fixed length {length}, no item reuse",
        "responses": f"simulated by each peer's own RNG (numpy default_rng, seed {args.seed}), so bias "
                     f"and RMSE differ between peers by Monte-Carlo noise (SE of RMSE ~0.006 at n=1000)",
        "seed": args.seed,
        "machine": _machine(),
    }

    import mirt
    from mirt.cat import CATEngine
    from mirt.cat._lockstep import simulate as simulate_lockstep
    from mirt.cat._lockstep import supports_lockstep
    from mirt.cat.stopping import MaxItemsStop

    model = _mirt_3pl(ids, par)

    # A max-items rule alone is a fixed-length test. EAP on 61 Gauss-Hermite
    # nodes is the reference's setting (mirt's CAT EAP takes only n_quadpts).
    def mirt_engine():
        return CATEngine(model, item_selection="MFI", stopping_rule=MaxItemsStop(length),
                         scoring_method="EAP", n_quadpts=61, initial_theta=0.0, seed=args.seed)

    # run_batch_simulation picks the first eligible of: Rust (1PL/2PL only, so
    # never for this 3PL bank; use_rust=False says so), lock step (every
    # examinee advances together, one vectorised MFI + EAP step per item
    # position -- what the reference timed as "lock-step batch"), or one Python
    # session per examinee. The public call does not say which one ran, so
    # eligibility is checked first and the lock-step result is confirmed after.
    if not supports_lockstep(mirt_engine()):
        sys.exit("time-cat: mirt's CATEngine would not use its lock-step path for this configuration")
    log(f"mirt {mirt.__version__}: CATEngine lock-step batch x{args.repeats}")
    secs, runs, res = _time_runs(
        lambda engine: engine.run_batch_simulation(true_theta, use_rust=False, vectorized=True),
        args.repeats, "mirt", setup=mirt_engine)
    mirt_theta = np.array([r.theta for r in res])
    # Lock step can still fall back to sessions (on a non-finite posterior);
    # rerun it directly, untimed, on the same seed: it must not decline, and
    # it must give the timed estimates.
    direct = simulate_lockstep(mirt_engine(), true_theta, 1)
    lockstep_ran = direct is not None and np.array_equal(np.array([r.theta for r in direct]), mirt_theta)
    if not lockstep_ran:
        log("  WARNING: the timed mirt run did not take the lock-step path")
    out["mirt"] = {
        "seconds": secs, "runs": runs, "stat": f"min of {args.repeats}",
        "ms_per_item_step": 1e3 * secs / (n * length),
        "theta_recovery": _recovery(mirt_theta, true_theta),
        **_path_checks([r.items_administered for r in res], length),
        "path": "lock-step batch" if lockstep_ran else "NOT lock step (fell back to per-examinee sessions)",
        "call": f"CATEngine(model_3pl, item_selection='MFI', stopping_rule=MaxItemsStop({length}), "
                f"scoring_method='EAP', n_quadpts=61, initial_theta=0.0, seed={args.seed})"
                f".run_batch_simulation(true_thetas, use_rust=False, vectorized=True)",
        "estimator": "EAP, 61 Gauss-Hermite nodes, N(0,1) prior",
        "responses": f"engine RNG default_rng({args.seed}); lock step draws a {n}x{length} block of "
                     f"uniforms, response = u < P(true theta)",
        "version": mirt.__version__,
    }

    if not args.skip_catsim:
        from catsim.estimation import NumericalSearchEstimator
        from catsim.initialization import FixedPointInitializer
        from catsim.item_bank import ItemBank
        from catsim.selection import MaxInfoSelector
        from catsim.simulation import Simulator
        from catsim.stopping import TestLengthStopper

        version = metadata.version("catsim")
        items = np.column_stack([par["a"], par["b"], par["c"]])  # d defaults to 1

        # A fresh Simulator per run: it appends to per-examinee histories and
        # advances its RNG, and simulate() resets only the bank's exposure.
        def catsim_simulator():
            return Simulator(ItemBank(items), true_theta, FixedPointInitializer(0.0), MaxInfoSelector(),
                             NumericalSearchEstimator(), TestLengthStopper(max_items=length), seed=args.seed)

        def run_catsim(sim):
            sim.simulate()
            return sim  # simulate() returns None; the results live on the simulator

        log(f"catsim {version}: Simulator MFI + default MLE x{args.catsim_repeats} (slow, ~45 s each)")
        # catsim's item-bank validation prints its (empty) error text to
        # stdout, which belongs to the JSON; send its output to stderr.
        with contextlib.redirect_stdout(sys.stderr):
            secs, runs, sim = _time_runs(run_catsim, args.catsim_repeats, "catsim", setup=catsim_simulator)
        out["catsim"] = {
            "seconds": secs, "runs": runs, "stat": f"min of {args.catsim_repeats}",
            "ms_per_item_step": 1e3 * secs / (n * length),
            "theta_recovery": _recovery(np.array(sim.latest_estimations, dtype=float), true_theta),
            **_path_checks(sim.administered_items, length),
            "call": f"Simulator(ItemBank(a_b_c), true_thetas, FixedPointInitializer(0.0), MaxInfoSelector(), "
                    f"NumericalSearchEstimator(), TestLengthStopper(max_items={length}), seed={args.seed})"
                    f".simulate()",
            "estimator": "NumericalSearchEstimator() default: MLE, scipy bounded search on [-6, 6] "
                         "(xatol 1e-5), Dodd's heuristic while all responses are equal",
            "responses": f"Simulator RNG default_rng({args.seed}); one uniform per administered item, "
                         f"examinee after examinee, response = P(true theta) >= u",
            "version": version,
        }
    print(json.dumps(out, indent=2))


# -------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("gen-calib", help="generate the 2PL calibration data set")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--persons", type=int, default=5000)
    p.add_argument("--items", type=int, default=100)
    p.add_argument("--seed", type=int, default=20240308)
    p.set_defaults(func=cmd_gen_calib)

    p = sub.add_parser("time-calib", help="time mirt and girth 2PL calibration")
    p.add_argument("--responses", required=True, help="wide 0/1 CSV from gen-calib")
    p.add_argument("--true", required=True, help="item,a,b CSV of generating values")
    p.add_argument("--repeats", type=int, default=3, help="mirt repeats (min is reported)")
    p.add_argument("--girth-repeats", type=int, default=1, help="girth repeats (about 10 s each at 5000x100)")
    p.add_argument("--skip-girth", action="store_true")
    p.set_defaults(func=cmd_time_calib)

    p = sub.add_parser("gen-scoring", help="generate the 3PL scoring data set")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--persons", type=int, default=100000)
    p.add_argument("--items", type=int, default=120)
    p.add_argument("--seed", type=int, default=20240309)
    p.set_defaults(func=cmd_gen_scoring)

    p = sub.add_parser("time-eap", help="time mirt EAP + PSD scoring")
    p.add_argument("--items", required=True, help="id,a,b,c CSV from gen-scoring")
    p.add_argument("--responses", required=True, help="wide 0/1 CSV from gen-scoring")
    p.add_argument("--repeats", type=int, default=3)
    p.set_defaults(func=cmd_time_eap)

    p = sub.add_parser("time-cat", help="time mirt CATEngine (lock step) and catsim CAT simulations")
    p.add_argument("--bank", required=True, help="id,a,b,c 3PL bank CSV (cat_bank_1000.csv)")
    p.add_argument("--thetas", required=True, help="examinee_id,true_theta CSV (cat_true_thetas_1000.csv)")
    p.add_argument("--length", type=int, default=40, help="fixed test length")
    p.add_argument("--repeats", type=int, default=3, help="mirt repeats (min is reported)")
    p.add_argument("--catsim-repeats", type=int, default=1, help="catsim repeats (about 45 s each at 1000x40)")
    p.add_argument("--skip-catsim", action="store_true")
    p.add_argument("--seed", type=int, default=CAT_SEED, help="seed of each peer's response RNG")
    p.set_defaults(func=cmd_time_cat)

    args = ap.parse_args(argv)
    for name in ("repeats", "girth_repeats", "catsim_repeats", "length"):
        if getattr(args, name, 1) < 1:
            ap.error(f"--{name.replace('_', '-')} must be at least 1")
    args.func(args)


if __name__ == "__main__":
    main()
