"""Steps per second of one training step: minigan beside PyTorch eager and the matrix-product bound.

The task (issue 5): ring of 8 Gaussians; G 2-H-H-2 ReLU, D 2-H-H-1 LeakyReLU(0.2); one D
step on a real and a fake batch, then one non-saturating G step; Adam(1e-4, (0.5, 0.999));
float32. Three contestants, timed in one process, interleaved round by round; steps/s are
medians over the rounds, ratios the medians of the per-round ratios:

- minigan: ``GAN.fit`` with the fast step of ``fast.py`` (the default; records stay on the
  device, one host copy at the end), and beside it ``GAN(fast=False)``, the plain step of
  ``gan.py`` that the fast one is pinned to, bit for bit: the difference is what ``fast.py`` buys;
- PyTorch eager (if installed): the same networks, losses and Adam written the usual
  PyTorch way (autograd; D run once on [real; fake] as minigan does);
- matrix products alone: the 25 products one minigan step needs, with the same shapes, in
  the backend's own ``@`` and nothing else. No NumPy implementation of the step can beat it
  by much, so ``minigan / bound`` says how much of the step is anything but matrix products.

    python benchmarks/bench_step.py [--rounds 7] [--sizes 64,128 256,128 ...] [--backend cupy]
    python benchmarks/bench_step.py --before DIR/minigan_old   # also time another copy of the package
    python benchmarks/bench_step.py --memory [--steps 10000]   # memory growth and peak

Run it on an otherwise idle machine: absolute figures move 10-15% between runs; the
ratios within one run are steadier.
"""
import argparse
import gc
import os
import resource
import statistics
import sys
import time

import numpy

import minigan
from minigan import backend

SIZES = ((64, 128), (256, 128), (1024, 128), (256, 512), (4096, 512))
LR, BETAS = 1e-4, (0.5, 0.999)


def _sync():
    """Wait for the GPU (a no-op on NumPy), so that a timer measures finished work."""
    if backend.name == "cupy":
        backend.xp.cuda.Device().synchronize()


def _steps_for(batch, hidden):
    """About 0.3 s of work per round on a 2-core CPU (fewer steps for bigger sizes)."""
    flops = 2 * batch * hidden * hidden * 9  # 9 H x H products per step dominate
    return int(min(2000, max(10, 1.2e10 / flops)))


# -- minigan ---------------------------------------------------------------------------------

def make_minigan(batch, hidden, seed=0, package=minigan, **options):
    G = package.MLP((2, hidden, hidden, 2), "relu", rng=seed)
    D = package.MLP((2, hidden, hidden, 1), "leaky_relu", rng=seed + 1)
    gan = package.GAN(G, D, objective="non-saturating", d_steps=1, lr_g=LR, lr_d=LR, betas=BETAS, seed=seed,
                      **options)
    ring = package.data.ring()

    def run(steps):
        gan.fit(ring, steps=steps, batch_size=batch, log_every=steps)  # one host copy, at the end
    return run  # (steps=: the name every version of fit has accepted)


# -- the matrix products alone ------------------------------------------------------------------

def make_bound(batch, hidden, seed=0):
    """The 25 products of one step (B = batch, H = hidden, stacked D batch 2B):

    D step:  G forward 3;  D forward on [real; fake] 3;  D backward: dW x3, dh x2       = 11
    G step:  G forward 3;  D forward 3;  D backward dh x3;  G backward: dW x3, dh x2    = 14
    """
    xp = backend.xp
    rng = numpy.random.default_rng(seed)

    def a(*shape):
        return xp.asarray(rng.standard_normal(shape, dtype=numpy.float32))
    B, H = batch, hidden
    W_in, W_hh, W_g_out, W_d_out = a(2, H), a(H, H), a(H, 2), a(H, 1)
    x_b, h_b, out_b, logit_b = a(B, 2), a(B, H), a(B, 2), a(B, 1)
    x_2b, h_2b, logit_2b = a(2 * B, 2), a(2 * B, H), a(2 * B, 1)

    def one_step():
        # D step
        x_b @ W_in; h_b @ W_hh; h_b @ W_g_out                      # G forward
        x_2b @ W_in; h_2b @ W_hh; h_2b @ W_d_out                   # D forward, stacked
        h_2b.T @ logit_2b; h_2b.T @ h_2b; x_2b.T @ h_2b             # D dW3, dW2, dW1
        logit_2b @ W_d_out.T; h_2b @ W_hh.T                         # D dh2, dh1
        # G step
        x_b @ W_in; h_b @ W_hh; h_b @ W_g_out                      # G forward
        out_b @ W_in; h_b @ W_hh; h_b @ W_d_out                    # D forward
        logit_b @ W_d_out.T; h_b @ W_hh.T; h_b @ W_in.T             # D dh2, dh1, dx
        h_b.T @ out_b; h_b.T @ h_b; x_b.T @ h_b                     # G dW3, dW2, dW1
        out_b @ W_g_out.T; h_b @ W_hh.T                             # G dh2, dh1

    def run(steps):
        for _ in range(steps):
            one_step()
    return run


# -- PyTorch eager -------------------------------------------------------------------------------

def make_torch(batch, hidden, device, seed=0):
    import torch
    from torch import nn
    from torch.nn.functional import softplus

    torch.manual_seed(seed)
    G = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                      nn.Linear(hidden, 2)).to(device)
    D = nn.Sequential(nn.Linear(2, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden), nn.LeakyReLU(0.2),
                      nn.Linear(hidden, 1)).to(device)
    opt_g = torch.optim.Adam(G.parameters(), lr=LR, betas=BETAS)
    opt_d = torch.optim.Adam(D.parameters(), lr=LR, betas=BETAS)
    angles = torch.arange(8, device=device) * (2 * torch.pi / 8)
    modes = torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)  # (8, 2)
    records = []

    def sample_real():
        return modes[torch.randint(0, 8, (batch,), device=device)] + 0.01 * torch.randn(batch, 2, device=device)

    def run(steps):
        for _ in range(steps):
            real = sample_real()
            fake = G(torch.randn(batch, 2, device=device)).detach()
            logits = D(torch.cat([real, fake]))
            d_loss = softplus(-logits[:batch]).mean() + softplus(logits[batch:]).mean()
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
            g_loss = softplus(-D(G(torch.randn(batch, 2, device=device)))).mean()
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
            records.append(torch.stack([d_loss.detach(), g_loss.detach()]))  # kept on the device
        torch.stack(records).cpu()  # one host copy, at the end (as minigan's fit)
        records.clear()
    return run


# -- timing --------------------------------------------------------------------------------------

def time_rounds(contestants, steps, rounds):
    """Steps/s of each contestant in each round, interleaved: each round times every contestant once."""
    times = {name: [] for name in contestants}
    for name, run in contestants.items():  # warm-up: allocations, BLAS and CUDA start-up
        run(max(2, steps // 10))
    _sync()
    for _ in range(rounds):
        for name, run in contestants.items():
            gc.collect()
            start = time.perf_counter()
            run(steps)
            _sync()
            times[name].append(steps / (time.perf_counter() - start))
    return times


def speed(args):
    torch_device = None
    try:
        import torch
        torch_device = "cuda" if backend.name == "cupy" else "cpu"
        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    print(f"backend: {backend.describe()}; torch: {torch_version or 'not installed'}; "
          f"threads: OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}; "
          f"rounds: {args.rounds} (median)")
    before = _load_package(args.before) if args.before else None
    header = ("| B, H | minigan | plain step | PyTorch eager | matrix products alone | minigan / plain | "
              "minigan / PyTorch | minigan / bound |" + (" minigan / before | plain / before plain |" if before else ""))
    print(header)
    print("|---" * header.count(" | ") + "|---|")
    for batch, hidden in args.sizes:
        contestants = {"minigan": make_minigan(batch, hidden, fast=True), "plain": make_minigan(batch, hidden, fast=False),
                       "bound": make_bound(batch, hidden)}
        if torch_device is not None:
            contestants["torch"] = make_torch(batch, hidden, torch_device)
        if before is not None:
            contestants["before"] = make_minigan(batch, hidden, package=before, fast=True)
            contestants["before plain"] = make_minigan(batch, hidden, package=before, fast=False)
        steps = args.steps or _steps_for(batch, hidden)
        rates = time_rounds(contestants, steps, args.rounds)
        median = {name: statistics.median(r) for name, r in rates.items()}

        def ratio(other, this="minigan"):
            """Median over rounds of this / other within the round: the machine's drift between
            rounds cancels, so this is steadier than a ratio of the two medians."""
            return statistics.median(a / b for a, b in zip(rates[this], rates[other]))
        torch_cells = ("-", "-")
        if "torch" in rates:
            torch_cells = (f"{median['torch']:.1f}", f"{ratio('torch'):.2f}x")
        before_cell = f" {ratio('before'):.2f}x | {ratio('before plain', 'plain'):.2f}x |" if before else ""
        print(f"| {batch}, {hidden} | {median['minigan']:.1f} | {median['plain']:.1f} | {torch_cells[0]} | "
              f"{median['bound']:.1f} | {ratio('plain'):.2f}x | {torch_cells[1]} | {100 * ratio('bound'):.0f}% |"
              + before_cell, flush=True)


def _load_package(path):
    """Import the package in folder ``path`` under its folder's name (e.g. an older copy of minigan
    saved as DIR/minigan_old with ``git archive``), to time it beside this one in one process."""
    import importlib
    path = os.path.abspath(path)
    sys.path.insert(0, os.path.dirname(path))
    package = importlib.import_module(os.path.basename(path))
    package.use(backend.name)
    return package


def max_rss_mib():
    """The process's peak resident memory so far, in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory(args):
    """Resident memory across a long run at (256, 128), and the peak of a run at (4096, 512)."""
    steps = args.steps or 10_000
    run = make_minigan(256, 128)
    run(100)  # warm-up
    before = current_rss_mib()
    samples = []
    for _ in range(10):
        run(steps // 10)
        samples.append(current_rss_mib())
    history_mib = steps * 7 * 8 / 2**20  # the history the GAN keeps: 7 float64 columns per step
    print(f"256,128: resident {before:.1f} MiB after warm-up; every {steps // 10} steps: "
          + ", ".join(f"{s:.1f}" for s in samples)
          + f" MiB; growth {samples[-1] - before:+.1f} MiB over {steps} steps "
            f"(history kept: {history_mib:.2f} MiB)")
    make_minigan(4096, 512)(20)
    print(f"4096,512: peak resident memory of this process {max_rss_mib():.0f} MiB")


def parse_size(text):
    try:
        batch, hidden = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a size is B,H such as 256,128, got {text!r}") from None
    return batch, hidden


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_size, nargs="+", default=list(SIZES), metavar="B,H")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=None, help="steps per round (default: by size)")
    parser.add_argument("--backend", default="numpy", choices=("numpy", "cupy"))
    parser.add_argument("--memory", action="store_true", help="measure memory instead of speed")
    parser.add_argument("--before", metavar="DIR", help="also time the package in DIR (an older minigan, renamed)")
    args = parser.parse_args(argv)
    minigan.use(args.backend)
    (memory if args.memory else speed)(args)


if __name__ == "__main__":
    sys.exit(main())
