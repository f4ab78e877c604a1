"""Make the two example files of "train on your own points", and read them back as minigan would.

- heart.png: a filled heart, black on white. Each black pixel becomes one point (see
  ``minigan.points.load_points``), so a picture drawn in any paint program works the same way.
- curve.csv: a trefoil, x = sin t + 2 sin 2t, y = cos t - 2 cos 2t, with a little Gaussian
  noise, one point per line under a header line ``x,y``.

    python demos/data/make_examples.py [--out DIR]    # writes heart.png and curve.csv (default: beside this file)
"""
import argparse
import os

import numpy as np
from PIL import Image

from minigan.points import Points

# -- settings --------------------------------------------------------------------------------
SIZE = 128  # the picture is SIZE x SIZE pixels
EXTENT = 1.5  # the picture shows the square [-EXTENT, EXTENT]^2 of the heart's plane
N_CURVE = 3000  # rows of curve.csv
NOISE = 0.05  # standard deviation of the noise added to each coordinate of the curve
DECIMALS = 3  # digits kept after the point in curve.csv: the noise is 50 times the rounding
SEED = 0

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)), help="folder for the two files")
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)

# -- heart.png: the region (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0, painted black ----------------------
centres = (np.arange(SIZE) + 0.5) / SIZE * 2 * EXTENT - EXTENT  # (SIZE,): pixel centres in the plane
x, y = np.meshgrid(centres, centres[::-1])  # (SIZE, SIZE) each; row 0 is the top, so y runs downwards
inside = (x**2 + y**2 - 1) ** 3 - x**2 * y**3 <= 0  # (SIZE, SIZE)
picture = np.where(inside, 0, 255).astype(np.uint8)  # black shape on a white page
Image.fromarray(picture).save(os.path.join(args.out, "heart.png"), optimize=True)

# -- curve.csv: a noisy trefoil ------------------------------------------------------------------
rng = np.random.default_rng(SEED)
t = rng.uniform(0, 2 * np.pi, N_CURVE)  # (N,): uniform in the parameter, not in arc length
curve = np.stack([np.sin(t) + 2 * np.sin(2 * t), np.cos(t) - 2 * np.cos(2 * t)], axis=1)  # (N, 2)
curve += NOISE * rng.standard_normal(curve.shape)
header = "# a trefoil with Gaussian noise (sigma 0.05), made by demos/data/make_examples.py\nx,y"
np.savetxt(os.path.join(args.out, "curve.csv"), curve, fmt=f"%.{DECIMALS}f", delimiter=",", header=header, comments="")

# -- read them back, as a training target -----------------------------------------------------
for name in ("heart.png", "curve.csv"):
    path = os.path.join(args.out, name)
    print(f"{name}: {os.path.getsize(path):,} bytes -> {Points.load(path)!r}")
