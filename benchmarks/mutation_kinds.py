"""Sort the surviving mutants of the figure files by kind: what a figure shows, how it looks, or
the wording of a label (benchmarks/MUTATION.md, "The figure files").

    python benchmarks/mutation_kinds.py [MUTATION_DIR] [--list KIND]

reads the survivors of plots.py, manifold.py and animation.py from a finished (or partial)
``benchmarks/mutation.sh`` run in MUTATION_DIR (default /tmp/minigan-mutation) and prints how many
are of each kind per file; ``--list looks`` prints those mutants with their lines.

- looks: a styling argument (colour, width, size, alpha, font, ...) changed or left out;
- text:  a string changed by case or by mutmut's "XX...XX" marker, the wording of a label;
- shows: everything else (the data, ranges, normalisation, which artists exist).
"""
import collections
import difflib
import os
import re
import subprocess
import sys

FILES = ("plots", "manifold", "animation")
# matplotlib keyword arguments that only style what is drawn
LOOKS = {"color", "colors", "c", "lw", "linewidth", "linewidths", "ls", "linestyle", "alpha", "s", "marker",
         "ms", "markersize", "fontsize", "figsize", "dpi", "cmap", "zorder", "pad", "bbox_inches", "loc",
         "frameon", "size", "fontweight", "edgecolor", "edgecolors", "facecolor", "rasterized", "shrink",
         "aspect", "fraction", "framealpha", "handlelength", "wspace", "hspace", "width_ratios", "markerscale",
         "ncol", "labelsize", "interpolation", "orientation", "markeredgewidth", "capsize"}


def tokens(line):
    return re.findall(r"\w+|\S", line)


def kind(removed, added):
    """The kind of one mutant, from its removed and added lines."""
    old, new = " ".join(removed), " ".join(added)
    if "XX" in new or (old != new and old.lower() == new.lower() and '"' in new):
        return "text"
    a, b = tokens(old), tokens(new)
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
        if tag == "equal":
            continue
        before = a[max(0, i1 - 2):i1]  # NAME = <changed value>
        gone = a[i1:i2]  # NAME = value left out, with or without the comma before it
        if (len(before) == 2 and before[1] == "=" and before[0] in LOOKS
                or len(gone) >= 2 and gone[1] == "=" and gone[0] in LOOKS
                or len(gone) >= 3 and gone[0] == "," and gone[2] == "=" and gone[1] in LOOKS):
            return "looks"
    return "shows"


def mutmut(work, *args):
    mutmut_bin = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".venv", "bin", "mutmut")
    return subprocess.run([mutmut_bin, *args], cwd=work, capture_output=True, text=True).stdout


def main(argv):
    work = next((a for a in argv if not a.startswith("--") and a not in ("looks", "text", "shows")),
                "/tmp/minigan-mutation")
    listed = argv[argv.index("--list") + 1] if "--list" in argv else None
    counts = collections.defaultdict(collections.Counter)
    for line in mutmut(work, "results").splitlines():
        m = re.match(r"\s*(minigan\.(\w+)\.\S+): survived", line)
        if not m or m.group(2) not in FILES:
            continue
        diff = mutmut(work, "show", m.group(1)).splitlines()
        removed = [d[1:] for d in diff if d.startswith("-") and not d.startswith("---")]
        added = [d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")]
        k = kind(removed, added)
        counts[m.group(2)][k] += 1
        if k == listed:
            print(m.group(1), "\n   -", " ".join(removed).strip(), "\n   +", " ".join(added).strip())
    for name in FILES:
        c = counts[name]
        print(f"{name + '.py':14s} shows {c['shows']:4d}   text {c['text']:4d}   looks {c['looks']:4d}")


if __name__ == "__main__":
    main(sys.argv[1:])
