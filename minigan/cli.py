"""The command line: ``python -m minigan train ...`` (or ``minigan train ...``).

Trains a GAN with Algorithm 1 on a built-in target (``--dataset``) or on your own points
(``--data FILE``: a .npy, a .csv or other text file, or a picture whose dark pixels are the
points) and writes into ``--out`` the files listed in ``outputs.py``: samples, metrics,
history, a checkpoint and figures (``--animate`` adds training.gif; ``--live`` shows the frames
in a window where there is a display).

Every file is written atomically, and nothing is written before the options and the data have
been checked. Ctrl-C (or SIGTERM) finishes the iteration in progress, saves a checkpoint and
exits; a loss that becomes non-finite stops the run, naming the iteration, with a checkpoint of
the last good iteration. Bad options and bad files get a one-line error and exit status 2.

``main(argv)`` runs in the calling process (the tests call it so), and returns the exit status.
"""
import argparse
import hashlib
import math
import os
import signal
import sys
import tempfile
import time

import numpy

from . import __version__, backend, checkpoint, outputs, presets
from .losses import OBJECTIVES
from .points import Points
from .trainer import TrainingDiverged, linear_decay, use_fast_step


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


def _per_target(key, show=str):
    """The presets' values of one setting, for --help: 'gaussian 2000, ring 8000, ...'."""
    return ", ".join(f"{name} {show(preset[key])}" for name, preset in presets.PRESETS.items())


def _hidden_defaults():
    """--hidden's defaults for --help: 'gaussian G 16, D 64,64; ring 128,128,128; ...'."""
    def widths(w):
        return ",".join(map(str, w))
    return "; ".join(f"{name} {widths(p['g_hidden'])}" if p["g_hidden"] == p["d_hidden"]
                     else f"{name} G {widths(p['g_hidden'])}, D {widths(p['d_hidden'])}"
                     for name, p in presets.PRESETS.items())


def build_parser():
    parser = _Parser(prog="minigan", description="A minimal GAN with hand-written backprop. "
                                                 "Start with: minigan train (the ring of 8 Gaussians).")
    parser.add_argument("--version", action="version", version=f"minigan {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    train = commands.add_parser("train", help="train a GAN on a built-in target or your own points, and write "
                                              "samples, metrics and figures")
    what = train.add_mutually_exclusive_group()
    what.add_argument("--dataset", choices=sorted(presets.TARGETS),
                      help="built-in target (default: ring, the 8 Gaussians)")
    what.add_argument("--data", metavar="FILE", help="your own points: a .npy array (N, d), a .csv or text file "
                                                     "of N rows, or a picture (.png, ...) whose dark pixels are "
                                                     "the points; standardised by their own mean and scale, in "
                                                     "batches of min(512, N)")
    train.add_argument("--holdout", type=_fraction, help="with --data: the fraction of the points kept apart to "
                                                         "evaluate G on (default: 0.2)")
    train.add_argument("--objective", choices=OBJECTIVES, help="G's loss (default: non-saturating)")
    train.add_argument("--iterations", "--steps", type=_whole(1), dest="iterations",
                       help="iterations of Algorithm 1 in all, each k D steps and one G step (--steps is its "
                            f"older name; default: {_per_target('iterations')}; with --data, 8000)")
    train.add_argument("--batch-size", type=_whole(1), help=f"minibatch size m (default: {_per_target('batch_size')}; "
                                                            "with --data, min(512, N))")
    train.add_argument("--d-steps", type=_whole(1), help=f"k, D steps per G step (default: {_per_target('d_steps')})")
    train.add_argument("--lr-d", type=_positive_float, help=f"D's Adam learning rate (default: {_per_target('lr_d')})")
    train.add_argument("--lr-g", type=_positive_float, help=f"G's Adam learning rate (default: {_per_target('lr_g')})")
    train.add_argument("--hidden", type=_widths, help="hidden widths of G and D, e.g. 256 (each network's usual "
                                                      "number of layers, each 256 wide) or 256,256 (default: "
                                                      f"{_hidden_defaults()})")
    train.add_argument("--lr-hold", type=_fraction, help="fraction of the run held at the initial learning rates "
                                                        f"before the linear decay (default: {_per_target('lr_hold')})")
    train.add_argument("--lr-final", type=_fraction, help="the decay's end, as a fraction of the initial rates "
                                                         f"(default: {_per_target('lr_final')})")
    train.add_argument("--standardize", action=argparse.BooleanOptionalAction,
                       help="train on (x - mean) / scale and map back (default: "
                            f"{_per_target('standardize', lambda s: 'yes' if s else 'no')}; yes with --data)")
    train.add_argument("--seed", type=_whole(0), help="random seed (default: 0)")
    train.add_argument("--backend", choices=backend.BACKENDS, default="auto", help="array backend (default: auto)")
    train.add_argument("--out", help="output folder (default: runs/DATASET, or runs/FILE-NAME with --data; "
                                     "when resuming, the checkpoint's folder)")
    train.add_argument("--resume", metavar="CHECKPOINT", help="continue the run saved in this checkpoint.npz")
    train.add_argument("--checkpoint-every", type=_whole(1), default=1000,
                       help="iterations between checkpoints (default: 1000)")
    train.add_argument("--log-every", type=_whole(1), default=100,
                       help="iterations between copies of the losses to the host (default: 100)")
    train.add_argument("--no-plots", action="store_true", help="skip the figures")
    train.add_argument("--animate", action="store_true",
                       help="also write training.gif: G's samples and D's surface at evenly spaced iterations")
    train.add_argument("--frames", type=_whole(2), default=40, help="frames of --animate and --live (default: 40)")
    train.add_argument("--live", action="store_true", help="show those frames in a window while training, where "
                                                           "there is a display")
    train.add_argument("--plain-step", action="store_true",
                       help="train with gan.py's plain step instead of fast.py's (same numbers, slower; "
                            "MINIGAN_STEP=plain does the same)")
    return parser


# -- setting up a run ----------------------------------------------------------------------

def _hidden(given, usual):
    """--hidden's widths for one network: as given, or one width repeated to the usual depth."""
    if given is None or len(given) > 1:
        return given
    return given * len(usual)


def _changes(args, usual):
    given = {"iterations": args.iterations, "batch_size": args.batch_size, "d_steps": args.d_steps,
             "lr_g": args.lr_g, "lr_d": args.lr_d, "lr_hold": args.lr_hold, "lr_final": args.lr_final,
             "standardize": args.standardize, "g_hidden": _hidden(args.hidden, usual["g_hidden"]),
             "d_hidden": _hidden(args.hidden, usual["d_hidden"])}
    return {k: v for k, v in given.items() if v is not None}


def _fingerprint(points):
    """A short hash of a target's points, to tell on resume whether the file changed since."""
    both = numpy.concatenate([points.train, points.heldout])
    return hashlib.sha256(numpy.ascontiguousarray(both).tobytes()).hexdigest()[:16]


def _load_points(path, holdout, seed):
    try:
        return Points.load(path, holdout=0.2 if holdout is None else holdout, seed=seed)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"argument --data: {exc}") from None
    except ImportError as exc:  # a picture without Pillow
        raise UsageError(f"argument --data: {exc}") from None


def _new_run(args):
    objective, seed = args.objective or "non-saturating", 0 if args.seed is None else args.seed
    if args.holdout is not None and args.data is None:
        raise UsageError("argument --holdout: only with --data (a built-in target is judged on fresh points)")
    if args.data is not None:
        points = _load_points(args.data, args.holdout, seed)
        usual = presets.for_points(points)
        settings = presets.for_points(points, objective, seed, **_changes(args, usual))
        settings.update(data=os.path.abspath(args.data), holdout=points.holdout, fingerprint=_fingerprint(points))
        gan, target = presets.build(settings, points)
    else:
        dataset = args.dataset or "ring"
        settings = presets.settings_for(dataset, objective, seed, **_changes(args, presets.PRESETS[dataset]))
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
    settings.setdefault("standardize", gan.standardize is not None)
    # the schedule's shape is read from the GAN: older checkpoints' settings do not list it
    saved = dict(settings, lr_hold=gan.lr_hold, lr_final=gan.lr_final)
    if args.hidden is not None and (_hidden(args.hidden, settings["g_hidden"]) != settings["g_hidden"] or
                                    _hidden(args.hidden, settings["d_hidden"]) != settings["d_hidden"]):
        raise UsageError(f"argument --hidden: {args.hidden!r} differs from the resumed run's G {settings['g_hidden']} "
                         f"and D {settings['d_hidden']}; leave it out when resuming")
    if args.holdout is not None and "data" not in settings:
        raise UsageError(f"argument --holdout: the resumed run trains on the built-in {settings['dataset']!r}, judged "
                         f"on fresh points; leave --holdout out when resuming")
    for option in ("dataset", "objective", "d_steps", "lr_g", "lr_d", "lr_hold", "lr_final", "seed", "standardize",
                   "holdout"):
        given = getattr(args, option)
        if given is not None and given != saved.get(option):
            flag = "--" + option.replace("_", "-")
            raise UsageError(f"argument {flag}: {given!r} differs from the resumed run's {saved.get(option)!r}; "
                             f"leave it out when resuming")
    if args.data is not None and "data" not in settings:
        raise UsageError(f"argument --data: the resumed run was trained on the built-in {settings['dataset']!r}; "
                         f"leave --data out when resuming")
    if "data" in settings:  # the file it was saved with, or the same points under another name (--data)
        path = settings["data"] if args.data is None else os.path.abspath(args.data)
        if args.data is None and not os.path.exists(path):
            raise UsageError(f"argument --resume: the run's data file {path!r} is gone; if it moved, give its new "
                             f"place with --data")
        target = _load_points(path, settings["holdout"], settings["seed"])
        if _fingerprint(target) != settings["fingerprint"]:
            raise UsageError(f"argument --{'resume' if args.data is None else 'data'}: the points in {path!r} are not "
                             f"those the run was trained on (the file changed, or is another); train a new run on it")
        settings["data"] = path
    else:
        target = presets.target(settings["dataset"])
    if args.iterations is not None:
        if args.iterations <= gan.iteration:
            raise UsageError(f"argument --iterations: {args.iterations} is not beyond the {gan.iteration} "
                             f"iterations the resumed run has done; give more to train further")
        if args.iterations != settings["iterations"]:
            _stretch_schedule(gan, settings, args.iterations)
    if args.batch_size is not None:
        settings["batch_size"] = args.batch_size
    gan.fast = False if args.plain_step else None
    return gan, target, settings


def _stretch_schedule(gan, settings, total):
    """The one rule for a resume to a new length: the decay is stretched to end at the new total.
    Said when it applies, with where the rates were and where they start again."""
    old = settings["iterations"]
    settings["iterations"] = total
    if gan.lr_decay_steps is None:  # trained at constant rates (a GAN built in Python): nothing to stretch
        return
    gan.lr_decay_steps = total
    was = linear_decay(gan.iteration - 1, old, gan.lr_final, gan.lr_hold)
    now = linear_decay(gan.iteration, total, gan.lr_final, gan.lr_hold)
    settings["schedule_note"] = (  # printed once the run is under way (train pops it)
        f"minigan: the run goes on to {total} iterations instead of {old}, and its learning-rate schedule is "
        f"stretched to match: the rates were {100 * was:.1f}% of their initial values at iteration "
        f"{gan.iteration}, and resume at {100 * now:.1f}%, held until {gan.lr_hold:.0%} of {total} iterations, "
        f"then decaying to {100 * gan.lr_final:g}% at iteration {total}")


def _prepare_out(path, resuming=None):
    """Make the output folder, or say in one line why it cannot be used: a file, not writable, or
    (when resuming into a folder other than the checkpoint's own) another run's folder."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"argument --out: {path!r} is a file, not a folder")
    ours = os.path.join(path, "checkpoint.npz")
    if resuming is not None and os.path.isfile(ours) and not os.path.samefile(ours, resuming):
        raise UsageError(f"argument --out: folder {path!r} holds another run (its checkpoint.npz is not the one "
                         f"being resumed); leave --out out to write beside the checkpoint, or choose a new folder")
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


def _frames(args, target, real, remaining):
    """The recorder of --animate / --live frames (None without either), and how often it records."""
    if not (args.animate or args.live):
        return None, None
    live = None
    if args.live:
        from .animation import LiveView, NoDisplayError

        try:
            live = LiveView()
        except NoDisplayError:
            print("minigan: --live: no window can be opened here (no display, or no GUI toolkit for matplotlib); "
                  "training goes on without it" + (", and --animate still writes training.gif" if args.animate else ""),
                  file=sys.stderr)
    every = max(1, -(-remaining // (args.frames - 1)))  # ceil: the start, then at most frames - 1 more
    return outputs.Frames(target, real, live), every


def train(args):
    try:
        chosen = backend.use(args.backend)
    except backend.BackendUnavailable as exc:
        raise UsageError(f"argument --backend: {exc}") from None
    try:
        step = "plain" if args.plain_step or not use_fast_step() else "fast"
    except ValueError as exc:  # MINIGAN_STEP set to something else
        raise UsageError(str(exc)) from None
    gan, target, settings = _resumed_run(args) if args.resume else _new_run(args)
    out = args.out or (os.path.dirname(os.path.abspath(args.resume)) if args.resume
                       else os.path.join("runs", settings["dataset"]))
    remaining = settings["iterations"] - gan.iteration
    if args.resume and remaining <= 0:
        print(f"minigan: nothing to do: the run in {args.resume} has done {gan.iteration} of its "
              f"{settings['iterations']} iterations; give --iterations N (more than {gan.iteration}) to train "
              f"further. Nothing was written.")
        return 0
    figures = not args.no_plots
    if figures or args.animate or args.live:
        try:
            import matplotlib  # noqa: F401  (fail now, not after training)
        except ImportError:
            raise UsageError("figures need matplotlib: pip install 'minigan[plot]', or pass --no-plots") from None
    if (args.animate or args.live) and target.dim > 2:
        raise UsageError(f"argument --animate/--live: frames show 1-D or 2-D data, and these points are {target.dim}-D")
    _prepare_out(out, resuming=args.resume)
    earlier = None if args.resume else outputs.earlier_run(out)
    ckpt_path = os.path.join(out, "checkpoint.npz")
    print(f"minigan: {gan!r}")
    print(f"minigan: {target!r}, backend {backend.describe()} ({chosen}), {step} step, writing to {out}")
    if settings.get("schedule_note"):
        print(settings.pop("schedule_note"))
    if earlier is not None:
        print(f"minigan: {out} holds an earlier run ({'a checkpoint' if earlier < 0 else f'iteration {earlier}'}); "
              f"this run replaces its files")

    real = outputs.real_points(target, settings["seed"])
    frames, frame_every = _frames(args, target, real, remaining)
    progress = Progress(settings["iterations"], gan.iteration)
    last_saved = {"iteration": gan.iteration}

    def on_log(gan, rows):
        if frames is not None and gan.iteration % frame_every == 0:
            frames(gan)
        if gan.iteration % args.log_every == 0 or gan.iteration == settings["iterations"]:
            progress(gan, rows)
        if gan.iteration % args.checkpoint_every == 0 and gan.iteration > last_saved["iteration"]:
            checkpoint.save(ckpt_path, gan, settings)  # only after the rows were found finite
            last_saved["iteration"] = gan.iteration

    received = {}

    def stop(signum, frame):
        received["signal"] = signum
        gan.request_stop()

    if frames is not None:
        frames(gan)  # where the run starts
    # fit calls back every log_every iterations; the callback also saves checkpoints and frames
    log_every = math.gcd(args.log_every, args.checkpoint_every, frame_every or args.log_every)
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        # A diverging run overflows on its way to NaN; the check below says so in one line instead.
        with numpy.errstate(over="ignore", invalid="ignore"):
            gan.fit(target, remaining, settings["batch_size"], log_every=log_every, callback=on_log)
    except TrainingDiverged as exc:
        progress.done()
        checkpoint.save(ckpt_path, gan, settings)  # the GAN is back at the last good iteration
        print(f"minigan: {exc}; its checkpoint is saved in {ckpt_path}. A smaller learning rate "
              f"(--lr-g, --lr-d) in a new run may get past it", file=sys.stderr)
        return 1
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    progress.done()
    checkpoint.save(ckpt_path, gan, settings)
    if received:
        print(f"minigan: stopped by signal {received['signal']} at iteration {gan.iteration}; checkpoint saved. "
              f"Resume with: {sys.executable} -m minigan train --resume {ckpt_path}", file=sys.stderr)
        return 128 + received["signal"]
    samples, result = outputs.evaluate(gan, target, real)
    if frames is not None and frames.images and gan.iteration % frame_every:
        frames(gan)  # the end, when it did not fall on a frame
    written = outputs.write(out, gan, target, settings, samples, real, result, figures=figures,
                            frames=frames.images if (frames is not None and args.animate) else None)
    for line in outputs.summary(result):
        print(f"minigan: after {gan.iteration} iterations: {line}")
    if figures and target.dim > 2:
        print(f"minigan: the figures of the data need 1-D or 2-D points (these are {target.dim}-D): "
              f"only history.png was drawn")
    print(f"minigan: wrote {', '.join(written)} to {out}")
    return 0


def main(argv=None):
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:  # a bare `minigan`: say what it can do
            parser.print_help(sys.stderr)
            return 2
        return train(args)
    except UsageError as exc:
        print(f"minigan: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
