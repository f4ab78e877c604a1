#!/usr/bin/env bash
# Mutation testing of the whole package, every file of minigan/ (results: benchmarks/MUTATION.md).
#
# Reproduce, from the repository root (mutmut 3.8.1 in the virtual environment):
#
#     .venv/bin/pip install mutmut==3.8.1
#     bash benchmarks/mutation.sh                       # every covered file
#     bash benchmarks/mutation.sh minigan/layers.py     # or some of them
#     MUTANTS='minigan.optim.xǁAdamǁ*' bash benchmarks/mutation.sh minigan/optim.py   # or some mutants
#
# Not part of CI (the time a full run takes is in MUTATION.md). It never touches the working tree:
# the repository is copied to $MUTATION_DIR (default /tmp/minigan-mutation), mutmut's settings are
# added to the copy's setup.cfg, and mutmut runs there at the lowest CPU priority, MUTATION_JOBS
# mutants at a time (default 1; 2 uses both cores of a 2-core machine), with a fast subset of the
# tests as its runner (mutmut runs, for each mutant, only the tests of that subset that call the
# mutated function). The score per file and the surviving mutants are printed at the end; show one
# with `cd $MUTATION_DIR && mutmut show NAME`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${MUTATION_DIR:-/tmp/minigan-mutation}
MUTMUT="$ROOT/.venv/bin/mutmut"
FILES=("$@")
if [ ${#FILES[@]} -eq 0 ]; then  # every file of the package but the two that only import
    for f in "$ROOT"/minigan/*.py; do
        case $(basename "$f") in __init__.py|__main__.py) ;; *) FILES+=("minigan/$(basename "$f")") ;; esac
    done
fi
# The runner: every test file except the slow ones, which run whole demos, the command line in
# subprocesses, the torch cross-checks or the GPU tests (they stay in CI; a mutant they alone would
# kill counts as surviving here). The command line's in-process tests (tests/test_cli*.py but the
# process one) are in the runner.
SLOW=(tests/test_cli_process.py tests/test_demos.py tests/test_demo_numbers.py tests/test_lecture_demos.py
      tests/test_torch_crosscheck.py tests/test_gpu.py)
TESTS=()
for f in "$ROOT"/tests/test_*.py; do
    f=tests/$(basename "$f")
    [[ " ${SLOW[*]} " == *" $f "* ]] || TESTS+=("$f")
done

rm -rf "$WORK"
mkdir -p "$WORK"
tar -C "$ROOT" --exclude ./.venv --exclude ./.git --exclude ./mutants --exclude ./.hypothesis --exclude ./runs -cf - . \
    | tar -C "$WORK" -xf -
cd "$WORK"
{
    echo
    echo "[mutmut]"
    echo "source_paths = minigan"
    printf 'also_copy =\n    demos\n'  # the tests read demos/data's example files
    printf 'only_mutate =\n'
    printf '    %s\n' "${FILES[@]}"
    printf 'pytest_add_cli_args_test_selection =\n'
    printf '    %s\n' "${TESTS[@]}"
    printf 'pytest_add_cli_args =\n    -p\n    no:cacheprovider\n    -x\n    -q\n'
} >> setup.cfg

export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
read -ra NAMES <<< "${MUTANTS:-}"  # names or globs, split on spaces and not expanded by the shell
nice -n 19 "$MUTMUT" run --max-children "${MUTATION_JOBS:-1}" "${NAMES[@]}" || true
nice -n 19 "$MUTMUT" results --all true > "$WORK/results.txt" 2>&1 || nice -n 19 "$MUTMUT" results > "$WORK/results.txt" 2>&1 || true
echo "== score per file (killed / all; timeouts count as killed) =="
python3 - "$WORK" <<'EOF'
import collections, re, sys
counts = collections.defaultdict(collections.Counter)
for line in open(f"{sys.argv[1]}/results.txt"):
    m = re.match(r"\s*(minigan\.\w+)\.\S+: (\w[\w ]*)", line)
    if m:
        counts[m.group(1)][m.group(2).strip()] += 1
total = collections.Counter()
for module, c in sorted(counts.items()):
    killed = c["killed"] + c["timeout"]
    n = sum(c.values())
    total.update(c)
    print(f"{module:20s} {killed:4d} / {n:4d}  {100 * killed / max(n, 1):5.1f}%  {dict(c)}")
killed = total["killed"] + total["timeout"]
print(f"{'all':20s} {killed:4d} / {sum(total.values()):4d}  {100 * killed / max(sum(total.values()), 1):5.1f}%")
EOF
echo "== surviving mutants =="
grep -E ": (survived|no tests|suspicious)" "$WORK/results.txt" || true
