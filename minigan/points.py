"""Your own points as a training target: a file or an array in, a target the GAN samples out.

A GAN never needs the density of its data, only samples: Algorithm 1 of Goodfellow et al.
(2014) draws "a minibatch of m examples from the data generating distribution". So any set of
N points is a target: drawing rows uniformly with replacement is sampling their empirical
distribution, p(x) = (1/N) sum_i delta(x - x_i). This is what GAN Lab (Kahng et al. 2019)
does with a distribution drawn by hand, and what this file does with a file of yours.

Two steps:

- ``load_points(path)`` reads a file into a float64 NumPy array (N, d): a ``.npy`` array, a
  text file of numbers (``.csv``, ``.txt``, ``.tsv``, ...), or a picture (``.png``, ``.jpg``,
  ``.gif``, ``.bmp``, ...) whose dark pixels are the points, so that a shape drawn in any
  paint program becomes a 2-D distribution;
- ``Points(points)`` shuffles them once, keeps a fraction aside (``heldout``) and serves
  batches from the rest (``train``) through ``sample(n, rng)``, exactly like the toy targets
  of ``data.py``.

Why hold points out: a generator can end up reproducing the points it was trained on rather
than the shape they were drawn from. Its samples then lie closer to the training points than
to points of the same shape it never saw; the held-out points are those unseen points.

Every mistake in a file is a ``ValueError`` that names the file and what is wrong with it
(with the line and column for text), never a traceback from deep inside NumPy or Pillow.
"""
import math
import os

import numpy

from . import backend, checks
from .backend import xp

# The fewest points a file or array may hold: a floor against input that is not a point cloud,
# not a claim that 20 points are enough to learn a shape from. An array saved transposed, (2, N),
# reads as 2 points in N-D; a CSV may hold a header and a single row; a picture a few stray dark
# pixels. A drawn shape has thousands (demos/data/heart.png: 6,666 dark pixels).
MIN_POINTS = 20
# The fewest points held out when holdout > 0. An average over m held-out points (a mean distance
# to G's samples, say) has a standard error of s / sqrt(m), s their spread: 5 is the smallest m
# for which that is under half the spread (0.45 s; 0.5 s at m = 4, s itself at m = 1).
MIN_HELDOUT = 5
# The fewest points left to train on, whatever the holdout: what the smallest allowed set keeps
# at the default holdout of 0.2 (20 points: 5 held out, 15 to train on).
MIN_TRAIN = MIN_POINTS - MIN_HELDOUT  # 15

# A pixel is dark when its luminance, laid over a white page, is below half of white.
DARK = 0.5
LUMA = numpy.array([0.299, 0.587, 0.114])  # ITU-R BT.601 weights of R, G, B (those of Pillow's convert("L"))

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff")


def load_points(path):
    """Read the points in the file at ``path`` into a float64 NumPy array (N, d).

    What the extension selects:

    - ``.npy``: an array saved with ``numpy.save``: (N, d) is N points in d-D; (N,) is N points
      in 1-D. Pickled (object) arrays are refused: loading a pickle can run code.
    - a picture, ``.png``, ``.jpg``/``.jpeg``, ``.gif``, ``.bmp``, ``.webp``, ``.tif``/``.tiff``
      (read with Pillow, imported only here; a GIF's first frame): each *dark* pixel is one
      point in 2-D. A pixel is dark when its luminance L = 0.299 R + 0.587 G + 0.114 B (ITU-R
      BT.601, on a 0..1 scale), laid over a white page, is below ``DARK`` = 0.5: with opacity
      a in 0..1 that is ``a * L + (1 - a) < 0.5``, so fully transparent pixels are background
      and black strokes on white (or on transparency) are the shape. 16-bit greyscale pictures
      are scaled by 65535. The point of the pixel in column c and row r (row 0 at the top) of a
      picture H pixels high is its centre, ``x = c + 0.5``, ``y = H - r - 0.5``: pixel units,
      origin at the bottom-left corner, y pointing up so the shape stays upright. Draw dark on
      light: a light shape on a dark background gives the background as the points.
    - anything else is read as text: one point per line, its numbers separated by commas or
      by spaces/tabs (a line with a comma is split at commas). Blank lines and everything from
      a ``#`` to the end of a line are ignored. The first line left (only that one) is skipped
      as a header when none of its fields is a number (``x,y``); any other line must hold only
      numbers. UTF-8, with or without the byte-order mark Excel writes, or UTF-16 with one.

    Raises ``ValueError`` naming the file and what is wrong: no such file or a folder, an empty
    file, text that is not a number (line and column), NaN or infinity (where), lines with
    different numbers of numbers, fewer than ``MIN_POINTS`` points, a picture with no dark
    pixels or that cannot be decoded, binary data of a kind not listed above. ``ImportError``
    when a picture is given and Pillow is not installed.
    """
    path = _existing_file(path)
    extension = os.path.splitext(path)[1].lower()
    subject = f"points file {path!r}"
    if extension == ".npy":
        return _checked(_read_npy(path), subject)
    if extension in IMAGE_EXTENSIONS:
        return _checked(_read_image(path), subject, unit="dark pixels",
                        hint=" (draw a bigger shape, or with thicker strokes)")
    if extension == ".npz":
        raise ValueError(f"{subject} is a .npz archive, which can hold several arrays: load the one "
                         "you mean with numpy.load(path)[name] and pass it to Points")
    return _checked(_read_text(path), subject)


class Points:
    """A training target made of given points: their empirical distribution.

    ``Points(points, name="points", holdout=0.2, seed=0)`` takes a host array (N, d) or (N,) of
    finite numbers, at least ``MIN_POINTS`` of them. It shuffles them once with
    ``numpy.random.default_rng(seed)`` (files are often in order, a curve along its length or a
    picture top row first, and the held-out points must come from the whole shape, not its
    last rows) and splits them:

    - ``heldout``: round(holdout * N) of them, but at least ``MIN_HELDOUT``, kept aside to
      compare G's samples with points it never trained on (float64, read-only);
    - ``train``: the rest, at least ``MIN_TRAIN``, from which ``sample`` draws (float64,
      read-only, since ``sample`` keeps a device copy of them that would not see a change).

    ``holdout=0`` keeps nothing aside (``heldout`` has shape (0, d)): every point is trained
    on, and nothing is left to tell a generator that reproduces its training points from one
    that learnt their shape.

    Like the toy targets: ``dim``, ``name``, and ``sample(n, rng, dtype)``.
    ``Points.load(path)`` reads a file with ``load_points`` and names the target after it.
    """

    def __init__(self, points, name="points", holdout=0.2, seed=0):
        if not isinstance(name, str):
            raise TypeError(f"name must be a string, got {name!r}")
        if not name:
            raise ValueError(f"name must not be empty, got {name!r}")
        holdout = checks.fraction("holdout", holdout)
        seed = checks.whole("seed", seed, minimum=0)  # None refused too: the split must repeat
        points = _checked(_host_array(points), "points")  # (N, d)
        n = len(points)
        n_heldout = 0 if holdout == 0 else max(round(holdout * n), MIN_HELDOUT)
        if n - n_heldout < MIN_TRAIN:
            raise ValueError(f"holdout={holdout!r} keeps {n_heldout} of the {n} points aside and leaves "
                             f"{n - n_heldout} to train on, but at least {MIN_TRAIN} are needed: "
                             "lower holdout, or give more points")
        order = numpy.random.default_rng(seed).permutation(n)  # (N,)
        self.heldout = points[order[:n_heldout]]  # (n_heldout, d)
        self.train = points[order[n_heldout:]]  # (N - n_heldout, d)
        self.heldout.flags.writeable = False
        self.train.flags.writeable = False
        self.name = name
        self.holdout = float(holdout)
        self.seed = int(seed)
        self._train_xp = {}  # the training points on the active backend, per dtype, made once

    @classmethod
    def load(cls, path, name=None, holdout=0.2, seed=0):
        """``Points(load_points(path), ...)``, named after the file (``heart.png`` -> ``"heart"``)
        unless ``name`` is given."""
        points = load_points(path)
        if name is None:
            name = os.path.splitext(os.path.basename(os.fspath(path)))[0]
        return cls(points, name=name, holdout=holdout, seed=seed)

    @property
    def dim(self):
        return self.train.shape[1]

    def __repr__(self):
        n = len(self.train) + len(self.heldout)
        return f"{self.name}({n:,} points in {self.dim}-D, {len(self.heldout):,} held out)"

    def sample(self, n, rng, dtype=numpy.float32):
        """n training points (n, dim) on the active backend, rows drawn uniformly with replacement by ``rng``."""
        n = checks.whole("n", n)
        key = (backend.name, numpy.dtype(dtype))
        if key not in self._train_xp:  # copied to the device once: a copy every step would cost more than the step
            self._train_xp[key] = xp.asarray(self.train, dtype=dtype)
        train = self._train_xp[key]  # (N_train, dim)
        rows = rng.integers(0, len(self.train), size=n)  # (n,)
        return train[rows]  # (n, dim)


# -- reading files ---------------------------------------------------------------------------

def _existing_file(path):
    """``path`` as a str, once it names a non-empty file."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name (a str or pathlib.Path), got {path!r}")
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ValueError(f"points file {path!r} is a folder, not a file")
    if not os.path.exists(path):
        raise ValueError(f"points file {path!r} does not exist (looked for {os.path.abspath(path)!r})")
    if os.path.getsize(path) == 0:
        raise ValueError(f"points file {path!r} is empty (0 bytes)")
    return path


def _read_npy(path):
    try:
        with open(path, "rb") as file:
            magic = file.read(6)
    except OSError as exc:
        raise ValueError(f"points file {path!r} cannot be read ({exc.strerror or exc})") from None
    if magic.startswith(b"PK"):  # a zip file: what numpy.savez writes
        raise ValueError(f"points file {path!r} is a .npz archive, not a .npy array: rename it to .npz, "
                         "load the array you mean with numpy.load(path)[name] and pass it to Points")
    if magic != b"\x93NUMPY":  # every .npy file starts so (numpy.lib.format)
        raise ValueError(f"points file {path!r} is not an array saved by numpy.save (it does not start with "
                         "the .npy header); a text file of numbers? Name it .csv or .txt")
    try:
        array = numpy.load(path, allow_pickle=False)
    except Exception as exc:  # a truncated or damaged file, a pickled (object) array, ...
        raise ValueError(f"points file {path!r} is not a readable .npy file ({type(exc).__name__}: {exc})") from None
    if array.dtype.kind == "c":
        raise ValueError(f"points file {path!r} holds complex numbers (dtype {array.dtype}): "
                         "points need real coordinates")
    if array.dtype.kind not in "biuf":
        raise ValueError(f"points file {path!r} holds values of dtype {array.dtype}, not numbers")
    return array


def _read_image(path):
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("reading pictures needs Pillow: pip install 'minigan[plot]'") from None
    try:
        with Image.open(path) as image:  # reads only the header
            image.load()  # decode now, so that a truncated file fails here
            if image.mode.startswith("I"):  # 16-bit greyscale ("I;16", or "I" in older Pillow)
                grey = numpy.asarray(image, dtype=numpy.float64) / 65535  # (H, W); convert() would clip at 255
                alpha = numpy.ones_like(grey)  # (H, W)
            else:
                rgba = numpy.asarray(image.convert("RGBA"), dtype=numpy.float64) / 255  # (H, W, 4)
                grey = rgba[..., :3] @ LUMA  # (H, W)
                alpha = rgba[..., 3]  # (H, W)
    except Exception as exc:  # UnidentifiedImageError, a truncated file (OSError), a decompression bomb, ...
        raise ValueError(f"points file {path!r} is not a picture Pillow can read "
                         f"({type(exc).__name__}: {exc})") from None
    on_white = alpha * grey + (1 - alpha)  # (H, W): transparent pixels show the white page
    rows, columns = numpy.nonzero(on_white < DARK)  # (N,), (N,)
    if len(rows) == 0:
        darkest = on_white.min()  # Pillow opens no picture of zero pixels
        raise ValueError(f"points file {path!r} has no dark pixels: a pixel is dark when its luminance over a "
                         f"white page is below {DARK} (0 black, 1 white), and this picture's darkest is "
                         f"{darkest:.2f}; draw the shape in black or another dark colour")
    height = on_white.shape[0]
    x = columns + 0.5  # (N,): the centre of column c is c + 0.5
    y = height - rows - 0.5  # (N,): row 0 is the top of the picture, so flip it for y up
    return numpy.stack([x, y], axis=1)  # (N, 2)


def _read_text(path):
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as exc:
        raise ValueError(f"points file {path!r} cannot be read ({exc.strerror or exc})") from None
    # a spreadsheet's "Unicode text" export is UTF-16 with a byte-order mark; "-sig" drops
    # the mark that Excel puts before "CSV UTF-8", which would otherwise glue to the first field
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        extension = os.path.splitext(path)[1] or "(none)"
        raise ValueError(
            f"points file {path!r} holds binary data, and its extension {extension} is not one minigan "
            f"reads as binary: .npy, or a picture ({', '.join(IMAGE_EXTENSIONS)}). A spreadsheet? "
            "Save it as CSV. Text in another encoding? Save it as UTF-8.")

    rows = []  # the numbers of each point
    first_line = None  # the line number of the first point, to name it when a line differs
    header_possible = True  # only the first line that is not blank or a comment may be a header
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        fields = [field.strip() for field in content.split(",")] if "," in content else content.split()
        values = [_number(field) for field in fields]  # None where a field is not a number
        if header_possible and all(value is None for value in values):
            header_possible = False
            continue
        for column, (field, value) in enumerate(zip(fields, values), start=1):
            where = f"points file {path!r}, line {number}, column {column}"
            if field == "":
                raise ValueError(f"{where} is empty (two commas in a row, or one at the end of the line?)")
            if value is None:
                why = f"{where}: {field!r} is not a number"
                if ";" in field:
                    why += "; separate numbers with commas or spaces, not semicolons"
                elif header_possible:
                    why += "; a first line is skipped as a header only when none of its fields is a number"
                raise ValueError(why)
            if not math.isfinite(value):
                raise ValueError(f"{where}: {field!r} is NaN or infinite (or too large for float64); "
                                 "every coordinate must be a finite number")
        header_possible = False
        if rows and len(values) != len(rows[0]):
            raise ValueError(f"points file {path!r}, line {number} has {len(values)} numbers, but line "
                             f"{first_line} has {len(rows[0])}: every point needs the same number of coordinates")
        if not rows:
            first_line = number
        rows.append(values)
    if not rows:
        only = "blank lines and # comments" if header_possible else "a header line (and maybe comments)"
        raise ValueError(f"points file {path!r} holds no points, only {only}")
    return numpy.array(rows, dtype=numpy.float64)  # (N, d)


def _number(field):
    """The float a field spells, or None."""
    try:
        return float(field)
    except ValueError:
        return None


# -- checks shared by files and arrays ---------------------------------------------------------

def _host_array(points):
    """A NumPy array of the given points, refusing what is not an array of numbers."""
    try:
        array = backend.to_numpy(points)
    except (TypeError, ValueError):  # ragged lists, a CuPy array while NumPy is active, ...
        raise TypeError("points must be an array of numbers of shape (N, d) or (N,), "
                        f"got {type(points).__name__}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"points must be real numbers, got an array of dtype {array.dtype}")
    return array


def _checked(points, subject, unit="points", hint=""):
    """``points`` as a float64 array (N, d), once it has a point shape, finite values and enough points."""
    if points.ndim not in (1, 2):
        raise ValueError(f"{subject} holds an array of shape {points.shape}, "
                         "but points must have shape (N, d) or (N,)")
    bad = ~numpy.isfinite(points)
    if bad.any():
        first = tuple(int(i) for i in numpy.argwhere(bad)[0])
        raise ValueError(f"{subject} must be finite, but holds {int(bad.sum())} NaN or infinite value(s), "
                         f"the first at index {first}")
    shape = points.shape  # as given, for the messages
    points = numpy.asarray(points, dtype=numpy.float64)
    if points.ndim == 1:
        points = points[:, None]  # (N,) -> (N, 1): N points on a line
    n, d = points.shape
    if n == 0:
        raise ValueError(f"{subject} is empty: an array of shape {shape} holds no points")
    if d == 0:
        raise ValueError(f"{subject} holds points with no coordinates (an array of shape {shape})")
    if n < MIN_POINTS:
        if d >= MIN_POINTS:
            hint = f" (is the array transposed? Points are rows: {d} points in {n}-D would be its .T)"
        raise ValueError(f"{subject} holds {n} {unit}, but at least {MIN_POINTS} are needed{hint}")
    return points
