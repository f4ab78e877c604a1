#!/usr/bin/env bash
# The GPU checks behind benchmarks/RESULTS.md's CuPy section, in one script (run from the repo
# root on a machine with CUDA, CuPy, PyTorch and pytest; minigan need not be installed).
#   bash benchmarks/gpu_check.sh [OUTDIR]
set -uo pipefail
out=${1:-runs/gpu_check}
mkdir -p "$out"
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
python3 -c "import cupy, numpy, torch; print('cupy', cupy.__version__, 'numpy', numpy.__version__, 'torch', torch.__version__)"
echo "== CuPy against NumPy (tests/test_gpu.py)"
python3 -m pytest -q -p no:cacheprovider tests/test_gpu.py 2>&1 | tail -15
echo "== minigan train --backend cupy (ring, 2000 steps)"
timeout 300 python3 -m minigan train --backend cupy --steps 2000 --out /tmp/ring_cupy 2>&1 | tail -4
cp /tmp/ring_cupy/metrics.json "$out/ring_cupy_metrics.json" 2>/dev/null
echo "== steps/s on the GPU: minigan (CuPy) vs PyTorch CUDA eager vs CuPy matrix products alone"
timeout 400 python3 benchmarks/bench_step.py --backend cupy --rounds 5 --steps 200 2>&1 | tee "$out/bench_cupy.md"
