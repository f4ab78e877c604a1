"""The command line: ``python -m minigan train ...`` (or ``minigan train ...``).

Trains a GAN on a toy target with Algorithm 1 and writes, into ``--out``:

    samples.npy      2,500 samples of the trained G, shape (2500, dim)
    metrics.json     modes covered, high-quality fraction, KL of the mode histogram (JSD in 1-D)
    history.csv      one row per iteration: losses, mean D(x), mean D(G(z)), gradient norms
    checkpoint.npz   everything needed to resume (``--resume``)
    samples.png, decision.png, history.png

Every file is written atomically. Ctrl-C (or SIGTERM) finishes the iteration in progress,
saves a checkpoint and exits; a loss that becomes non-finite stops the run, naming the
iteration, with the last good checkpoint kept. Bad options get a one-line error and exit 2.
"""
import argparse
import json
import math
import os
import signal
import sys
import tempfile
import time

import numpy

from . import backend, checkpoint, metrics, presets
from .atomic import atomic_write, atomic_write_text
from .losses import OBJECTIVES
from .trainer import HISTORY_COLUMNS, TrainingDiverged

N_SAMPLES = 2500  # the evaluation protocol's sample count


class UsageError(Exception):
    """A bad option or file: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        raise UsageError(message)


def _whole(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {text!r}")
        return value
    return parse


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not (0 < value < math.inf):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return value


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text!r}")
    return value


def _widths(text):
    try:
        widths = [int(w) for w in text.split(",")]
    except ValueError:
        widths = []
    if not widths or min(widths) < 1:
        raise argparse.ArgumentTypeError(f"must be a width or comma-separated widths such as 128,128, got {text!r}")
    return widths  # one width: the target's usual number of hidden layers, each that wide (see _hidden)


def build_parser():
    parser = _Parser(prog="minigan", description="A minimal GAN with hand-written backprop.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    train = commands.add_parser("train", help="train a GAN on a toy target and write samples, metrics and plots")
    train.add_argument("--dataset", choices=sorted(presets.TARGETS), help="toy target (default: ring)")
    train.add_argument("--objective", choices=OBJECTIVES, help="G's loss (default: non-saturating)")
    train.add_argument("--iterations", "--steps", type=_whole(1), dest="iterations",
                       help="iterations of Algorithm 1 in all, each k D steps and one G step "
                            "(--steps is its older name; default: per dataset)")
    train.add_argument("--batch-size", type=_whole(1), help="minibatch size m (default: per dataset; 512 on the mixtures)")
    train.add_argument("--d-steps", type=_whole(1), help="k, D steps per G step (default: 1)")
    train.add_argument("--lr-d", type=_positive_float, help="D's Adam learning rate (default: per dataset)")
    train.add_argument("--lr-g", type=_positive_float, help="G's Adam learning rate (default: per dataset)")
    train.add_argument("--hidden", type=_widths, help="hidden widths of G and D, e.g. 256 (the target's number of "
                                                      "layers, each 256 wide) or 256,256 "
                                                      "(default: per dataset; 128,128,128 on the ring, 160,160,160 on the grid)")
    train.add_argument("--lr-hold", type=_fraction, help="fraction of the run held at the initial learning rates "
                                                        "before the linear decay (default: per dataset)")
    train.add_argument("--lr-final", type=_fraction, help="the decay's end, as a fraction of the initial rates "
                                                         "(default: per dataset)")
    train.add_argument("--no-standardize", action="store_true",
                       help="train on the data as it is, not standardised (default: standardised)")
    train.add_argument("--seed", type=_whole(0), help="random seed (default: 0)")
    train.add_argument("--backend", choices=backend.BACKENDS, default="auto", help="array backend (default: auto)")
    train.add_argument("--out", help="output folder (default: runs/DATASET)")
    train.add_argument("--resume", metavar="CHECKPOINT", help="continue the run saved in this checkpoint.npz")
    train.add_argument("--checkpoint-every", type=_whole(1), default=1000, help="iterations between checkpoints")
    train.add_argument("--log-every", type=_whole(1), default=100, help="iterations between progress updates")
    train.add_argument("--no-plots", action="store_true", help="skip the PNG figures")
    train.add_argument("--plain-step", action="store_true",
                       help="train with gan.py's plain step instead of the fast one (same numbers, slower)")
    return parser


# -- setting up a run ----------------------------------------------------------------------

def _hidden(given, usual):
    """--hidden's widths for one network: as given, or one width repeated to the usual depth."""
    if given is None or len(given) > 1:
        return given
    return given * len(usual)


def _new_run(args):
    dataset = args.dataset or "ring"
    preset = presets.PRESETS[dataset]
    given = {"iterations": args.iterations, "batch_size": args.batch_size, "d_steps": args.d_steps,
             "lr_g": args.lr_g, "lr_d": args.lr_d, "lr_hold": args.lr_hold, "lr_final": args.lr_final,
             "g_hidden": _hidden(args.hidden, preset["g_hidden"]), "d_hidden": _hidden(args.hidden, preset["d_hidden"])}
    changes = {k: v for k, v in given.items() if v is not None}
    if args.no_standardize:
        changes["standardize"] = False
    settings = presets.settings_for(dataset, args.objective or "non-saturating",
                                    0 if args.seed is None else args.seed, **changes)
    gan, target = presets.build(settings)
    gan.fast = False if args.plain_step else None
    return gan, target, settings


def _resumed_run(args):
    try:
        gan, settings = checkpoint.load(args.resume)
    except ValueError as exc:
        raise UsageError(f"argument --resume: {exc}") from None
    if "steps" in settings:  # written before "iterations" was the word
        settings["iterations"] = settings.pop("steps")
    # the schedule's shape is read from the GAN: older checkpoints' settings do not list it
    saved = dict(settings, lr_hold=gan.lr_hold, lr_final=gan.lr_final)
    if args.hidden is not None and (_hidden(args.hidden, settings["g_hidden"]) != settings["g_hidden"] or
                                    _hidden(args.hidden, settings["d_hidden"]) != settings["d_hidden"]):
        raise UsageError(f"argument --hidden: {args.hidden!r} differs from the resumed run's G {settings['g_hidden']} "
                         f"and D {settings['d_hidden']}; leave it out when resuming")
    if args.no_standardize and gan.standardize is not None:
        raise UsageError("argument --no-standardize: the resumed run was standardised; leave it out when resuming")
    for option in ("dataset", "objective", "d_steps", "lr_g", "lr_d", "lr_hold", "lr_final", "seed"):
        given = getattr(args, option)
        if given is not None and given != saved.get(option):
            flag = "--" + option.replace("_", "-")
            raise UsageError(f"argument {flag}: {given!r} differs from the resumed run's {saved.get(option)!r}; "
                             f"leave it out when resuming")
    if args.iterations is not None:
        settings["iterations"] = args.iterations
        gan.lr_decay_steps = args.iterations  # the schedule follows the new length of the run
    if args.batch_size is not None:
        settings["batch_size"] = args.batch_size
    gan.fast = False if args.plain_step else None
    return gan, presets.target(settings["dataset"]), settings


def _prepare_out(path):
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"argument --out: {path!r} is a file, not a folder")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"argument --out: cannot create folder {path!r} ({exc.strerror})") from None
    try:  # write a file and see, rather than ask os.access: it answers yes to root everywhere
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise UsageError(f"argument --out: folder {path!r} is not writable ({exc.strerror})") from None


# -- the run itself ------------------------------------------------------------------------

class Progress:
    """The live progress line: rewritten in place on a terminal, a line every ~5% otherwise."""

    def __init__(self, total, start, stream=None):
        self.total, self.start = total, start
        self.stream = sys.stdout if stream is None else stream  # looked up now: tests capture it
        self.tty = self.stream.isatty()
        self.t0 = time.perf_counter()
        self.every = max(1, (total - start) // 20)
        self.last_printed = start

    def __call__(self, gan, rows):
        now = gan.iteration
        if not self.tty and now - self.last_printed < self.every and now < self.total:
            return
        self.last_printed = now
        rate = (now - self.start) / max(time.perf_counter() - self.t0, 1e-9)
        eta = (self.total - now) / max(rate, 1e-9)
        line = (f"iteration {now:>6}/{self.total}  D loss {rows['loss_D'][-1]:.3f}  G loss {rows['loss_G'][-1]:.3f}  "
                f"D(x) {rows['mean_D_real'][-1]:.2f}  D(G(z)) {rows['mean_D_fake'][-1]:.2f}  "
                f"{rate:.0f} it/s  ETA {int(eta) // 60}:{int(eta) % 60:02d}")
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()

    def done(self):
        if self.tty:
            self.stream.write("\n")


def _evaluate(gan, target):
    samples = gan.sample(N_SAMPLES)  # (2500, dim)
    if target.dim == 1:
        result = {"jsd_nats": metrics.jsd_1d(samples, target),
                  "mean": float(numpy.mean(samples)), "std": float(numpy.std(samples)),
                  "target_mean": float(target.modes[0, 0]), "target_std": target.sigma}
    else:
        result = metrics.mode_metrics(samples, target)
    return samples, result


def _write_outputs(out, gan, target, settings, samples, result, plots):
    atomic_write(os.path.join(out, "samples.npy"), lambda f: numpy.save(f, samples))
    summary = {"metrics": result, "iteration": gan.iteration, "settings": settings, "backend": backend.describe()}
    atomic_write_text(os.path.join(out, "metrics.json"), json.dumps(summary, indent=2) + "\n")
    history = gan.history
    lines = [",".join(("iteration",) + HISTORY_COLUMNS)]
    for i, iteration in enumerate(history["iteration"]):
        lines.append(",".join([str(int(iteration))] + [f"{history[c][i]:.9g}" for c in HISTORY_COLUMNS]))
    atomic_write_text(os.path.join(out, "history.csv"), "\n".join(lines) + "\n")
    if plots:
        from . import plots as figures

        figures.save(figures.samples_figure(samples, target, f"G's samples after {gan.iteration} iterations"),
                     os.path.join(out, "samples.png"))
        figures.save(figures.decision_figure(gan.discriminate, target, samples), os.path.join(out, "decision.png"))
        figures.save(figures.history_figure(gan.history), os.path.join(out, "history.png"))


def _summary_line(result):
    if "jsd_nats" in result:
        return (f"JSD(P_data || P_G) ~ {result['jsd_nats']:.4f} nats; mean {result['mean']:.3f} "
                f"(target {result['target_mean']:.3f}), std {result['std']:.3f} (target {result['target_std']:.3f})")
    return (f"modes covered {result['modes_covered']}/{result['modes_total']}, "
            f"high-quality samples {100 * result['high_quality_fraction']:.1f}%, "
            f"KL(mode histogram || uniform) {result['kl_mode_histogram']:.3f}")


def train(args):
    try:
        chosen = backend.use(args.backend)
    except backend.BackendUnavailable as exc:
        raise UsageError(f"argument --backend: {exc}") from None
    gan, target, settings = _resumed_run(args) if args.resume else _new_run(args)
    out = args.out or os.path.join("runs", settings["dataset"])
    _prepare_out(out)
    plots = not args.no_plots
    if plots:
        try:
            import matplotlib  # noqa: F401  (fail now, not after training)
        except ImportError:
            raise UsageError("plots need matplotlib: pip install 'minigan[plot]', or pass --no-plots") from None
    ckpt_path = os.path.join(out, "checkpoint.npz")
    print(f"minigan: {gan!r}")
    print(f"minigan: {target!r}, backend {backend.describe()} ({chosen}), writing to {out}")

    remaining = settings["iterations"] - gan.iteration
    progress = Progress(settings["iterations"], gan.iteration)
    last_saved = {"iteration": gan.iteration}

    def on_log(gan, rows):
        progress(gan, rows)
        if gan.iteration - last_saved["iteration"] >= args.checkpoint_every:
            checkpoint.save(ckpt_path, gan, settings)  # only after the rows were found finite
            last_saved["iteration"] = gan.iteration

    received = {}

    def stop(signum, frame):
        received["signal"] = signum
        gan.request_stop()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        # A diverging run overflows on its way to NaN; the check below says so in one line instead.
        with numpy.errstate(over="ignore", invalid="ignore"):
            if remaining > 0:
                gan.fit(target, remaining, settings["batch_size"], log_every=args.log_every, callback=on_log)
    except TrainingDiverged as exc:
        progress.done()
        print(f"minigan: {exc}; the last good checkpoint (iteration {last_saved['iteration']}) is kept in {ckpt_path}"
              if os.path.exists(ckpt_path) else f"minigan: {exc}; no checkpoint had been saved yet",
              file=sys.stderr)
        return 1
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    progress.done()
    checkpoint.save(ckpt_path, gan, settings)
    if received:
        print(f"minigan: stopped by signal {received['signal']} at iteration {gan.iteration}; checkpoint saved. "
              f"Resume with: python -m minigan train --resume {ckpt_path} --out {out}", file=sys.stderr)
        return 128 + received["signal"]
    samples, result = _evaluate(gan, target)
    _write_outputs(out, gan, target, settings, samples, result, plots)
    print(f"minigan: after {gan.iteration} iterations: {_summary_line(result)}")
    print(f"minigan: wrote samples.npy, metrics.json, history.csv, checkpoint.npz"
          f"{', samples.png, decision.png, history.png' if plots else ''} to {out}")
    return 0


def main(argv=None):
    try:
        args = build_parser().parse_args(argv)
        return train(args)
    except UsageError as exc:
        print(f"minigan: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
