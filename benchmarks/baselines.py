"""Mode coverage and sample quality over 10 seeds, beside the published vanilla-GAN rows.

Runs ``python -m minigan train`` with its defaults (only --dataset, --objective and --seed
set) for both objectives on the ring and the grid, seeds 0-9, and prints a Markdown table
of modes covered and % high-quality samples as mean +- standard error over seeds. Every
run's metrics.json stays under --out; the table is also written to --out/baselines.md.

    python benchmarks/baselines.py --out runs/baselines [--jobs 2] [--seeds 0 1 2 3 4 5 6 7 8 9]

Runs go in parallel, --jobs at a time, each with one BLAS thread (at these matrix sizes a
second thread per run does not pay). Takes about 25 minutes on a 2-core CPU. A run whose
folder already holds a metrics.json from the current defaults is read, not run again, so an
interrupted benchmark picks up where it stopped.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from minigan.presets import settings_for

# Published vanilla-GAN rows on the same protocol (modes, % high quality).
PUBLISHED = {
    ("ring", "VEEGAN (Srivastava et al. 2017), Table 1, GAN"): ("1", "99.3"),
    ("grid", "VEEGAN (Srivastava et al. 2017), Table 1, GAN"): ("3.3", "0.5"),
    ("ring", "PacGAN (Lin et al. 2018), Table 1, GAN"): ("6.3 ± 0.5", "98.2"),
    ("grid", "PacGAN (Lin et al. 2018), Table 1, GAN"): ("17.3 ± 0.8", "94.8"),
}


def finished(folder, dataset, objective, seed):
    """The metrics of an earlier run in ``folder`` made with today's defaults, else None."""
    try:
        with open(os.path.join(folder, "metrics.json")) as f:
            summary = json.load(f)
    except (OSError, ValueError):
        return None
    return summary["metrics"] if summary.get("settings") == settings_for(dataset, objective, seed) else None


def run_one(out, dataset, objective, seed):
    folder = os.path.join(out, f"{dataset}-{objective}-seed{seed}")
    metrics = finished(folder, dataset, objective, seed)
    if metrics is not None:
        print(f"{dataset:5s} {objective:15s} seed {seed}: {metrics['modes_covered']:2d}/{metrics['modes_total']} "
              f"modes, {100 * metrics['high_quality_fraction']:5.1f}% high quality (earlier run)", flush=True)
        return {"dataset": dataset, "objective": objective, "seed": seed, **metrics}
    cmd = [sys.executable, "-m", "minigan", "train", "--dataset", dataset, "--objective", objective,
           "--seed", str(seed), "--out", folder]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    with open(os.path.join(folder, "metrics.json")) as f:
        metrics = json.load(f)["metrics"]
    print(f"{dataset:5s} {objective:15s} seed {seed}: {metrics['modes_covered']:2d}/{metrics['modes_total']} modes, "
          f"{100 * metrics['high_quality_fraction']:5.1f}% high quality, {seconds:5.1f} s", flush=True)
    return {"dataset": dataset, "objective": objective, "seed": seed, **metrics}


def mean_se(values):
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var / n)


def table(results, seeds):
    lines = ["| target | method | modes (mean ± s.e.) | % high quality (mean ± s.e.) | worst seed |",
             "|---|---|---|---|---|"]
    for dataset in ("ring", "grid"):
        for objective in ("non-saturating", "minimax"):
            rows = [r for r in results if r["dataset"] == dataset and r["objective"] == objective]
            if not rows:
                continue
            m, m_se = mean_se([r["modes_covered"] for r in rows])
            q, q_se = mean_se([100 * r["high_quality_fraction"] for r in rows])
            worst = min(rows, key=lambda r: (r["modes_covered"], r["high_quality_fraction"]))
            lines.append(f"| {dataset} | minigan, {objective} ({len(rows)} seeds) | {m:.1f} ± {m_se:.1f} | "
                         f"{q:.1f} ± {q_se:.1f} | {worst['modes_covered']} modes, "
                         f"{100 * worst['high_quality_fraction']:.1f}% |")
        for (d, method), (modes, hq) in PUBLISHED.items():
            if d == dataset:
                lines.append(f"| {dataset} | {method} | {modes} | {hq} | |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/baselines")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(10)))
    parser.add_argument("--datasets", nargs="+", default=["ring", "grid"])
    parser.add_argument("--objectives", nargs="+", default=["non-saturating", "minimax"])
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    jobs = [(d, o, s) for d in args.datasets for o in args.objectives for s in args.seeds]
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda job: run_one(args.out, *job), jobs))
    text = table(results, args.seeds)
    print()
    print(text)
    with open(os.path.join(args.out, "baselines.md"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(args.out, "baselines.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
