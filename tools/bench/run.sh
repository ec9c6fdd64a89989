#!/usr/bin/env bash
# tools/bench/run.sh — descent's benchmarks against its peers and the
# machine's limits, in ONE run on this machine (issue 10; `make bench`).
# Writes build/bench/report.md, report.json, README-section.md and SVG
# charts; raw outputs go to build/bench/raw. Several minutes (the cold
# notebook run compiles everything).
#
# Environment knobs (defaults are the real run; small values are for trying
# the script out):
#   BENCH_OPTIM_TIME   -benchtime of the Step/Triad benchmarks   (300ms)
#   BENCH_OPTIM_COUNT  -count of the Step/Triad benchmarks       (3; the best is kept)
#   BENCH_DENSE_TIME   -benchtime of the Newton benchmarks       (3x)
#   BENCH_DENSE_MAX    largest n for the dense methods in compare (1000)
#   BENCH_NOTEBOOKS=0  skip the notebook runs
#   BENCH_CELL_ROUNDS  rounds of bench/cells/cells.py             (7; 0 skips it)
#   BENCH_HUB=0        skip the JupyterHub test (a few minutes)
#   BENCH_HUB_NOTEBOOK the notebook the hub test's students run    (the test's default)
#   BENCH_WORK, BENCH_ROUNDS, BENCH_MIN_SECONDS  numpy / scipy repetition knobs
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/build/bench"
RAW="$OUT/raw"
OPTIM_TIME="${BENCH_OPTIM_TIME:-300ms}"
OPTIM_COUNT="${BENCH_OPTIM_COUNT:-3}"
DENSE_TIME="${BENCH_DENSE_TIME:-3x}"
DENSE_MAX="${BENCH_DENSE_MAX:-1000}"
rm -rf "$RAW"
mkdir -p "$RAW"
META="$RAW/meta.env"
meta() { echo "$1=$2" >> "$META"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
say() { echo "bench: $*" >&2; }

meta date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
meta go "$(go version)"
meta load_start "$(load)"
cp /proc/cpuinfo "$RAW/cpuinfo.txt"

# numpy: Debian's python3-numpy when present, else a venv of its own under
# build/bench/venv with numpy from PyPI (never the project's .venv).
PY=""
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  PY=/usr/bin/python3
  meta numpy_status "Debian's python3-numpy (/usr/bin/python3)"
else
  if [ ! -x "$OUT/venv/bin/python" ] || ! "$OUT/venv/bin/python" -c 'import numpy' 2>/dev/null; then
    say "installing numpy from PyPI into $OUT/venv"
    python3 -m venv "$OUT/venv" && "$OUT/venv/bin/pip" install -q numpy || true
  fi
  if "$OUT/venv/bin/python" -c 'import numpy' 2>/dev/null; then
    PY="$OUT/venv/bin/python"
    meta numpy_status "PyPI numpy in build/bench/venv (pip, installed by this script)"
  else
    meta numpy_status "skipped: no python3-numpy and pip install numpy into build/bench/venv failed"
  fi
fi

# scipy: Debian's python3-scipy; apt-get it only when running as root.
SCIPY=""
if /usr/bin/python3 -c 'import scipy' 2>/dev/null; then
  SCIPY=ok
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "installing python3-scipy with apt-get"
  if apt-get install -y -q python3-scipy >"$RAW/apt-scipy.txt" 2>&1 && /usr/bin/python3 -c 'import scipy' 2>/dev/null; then
    SCIPY=ok
  else
    meta scipy_status "skipped: apt-get install python3-scipy failed (see raw/apt-scipy.txt)"
  fi
else
  meta scipy_status "skipped: python3-scipy is not installed and this script is not running as root (apt-get install -y python3-scipy, then rerun)"
fi
if [ -n "$SCIPY" ]; then
  meta scipy_status "ok: Debian's python3-scipy $(/usr/bin/python3 -c 'import scipy; print(scipy.__version__)')"
fi

# 1. First-order steps beside the triad, then numpy's same updates.
OPTIM_CMD="go test ./lib/optim -run '^\$' -bench 'Triad|Step' -benchtime $OPTIM_TIME -count $OPTIM_COUNT"
meta optim_command "$OPTIM_CMD"
meta optim_count "$OPTIM_COUNT"
say "$OPTIM_CMD"
go test ./lib/optim -run '^$' -bench 'Triad|Step' -benchtime "$OPTIM_TIME" -count "$OPTIM_COUNT" | tee "$RAW/optim.txt" >&2
if [ -n "$PY" ]; then
  say "numpy: $PY bench/numpy/steps.py"
  "$PY" bench/numpy/steps.py > "$RAW/numpy.json"
fi
# Adam at 1e7 under the profiler (kept in the report when the bandwidth target is missed).
PPROF_CMD="go test ./lib/optim -run '^\$' -bench 'Step/^Adam\$/d=1e\\+07' -benchtime 30x -cpuprofile build/bench/raw/adam.prof; go tool pprof -top"
meta pprof_command "$PPROF_CMD"
go test ./lib/optim -run '^$' -bench 'Step/^Adam$/d=1e\+07' -benchtime 30x -o "$RAW/optim.test" -cpuprofile "$RAW/adam.prof" > "$RAW/adam-bench.txt"
go tool pprof -top -nodecount=12 "$RAW/optim.test" "$RAW/adam.prof" 2>/dev/null | sed -n '1,20p' > "$RAW/adam-pprof.txt" || true

# 2. Newton: assembly, factorisation, solve over d, and gemm for the peak.
SO_CMD="go test ./lib/secondorder/cost -run '^\$' -bench '^Benchmark(Assemble|Cholesky|CholeskySolve|Gemm)\$' -benchtime $DENSE_TIME"
meta secondorder_command "$SO_CMD"
say "$SO_CMD"
go test ./lib/secondorder/cost -run '^$' -bench '^Benchmark(Assemble|Cholesky|CholeskySolve|Gemm)$' -benchtime "$DENSE_TIME" | tee "$RAW/secondorder.txt" >&2

# 3. L-BFGS, BFGS, Newton beside gonum (same process) and scipy (same run).
SCIPY_ARG=()
if [ -n "$SCIPY" ]; then
  say "scipy: bench/scipy/lbfgsb_timed.py"
  /usr/bin/python3 bench/scipy/lbfgsb_timed.py > "$RAW/scipy.json"
  SCIPY_ARG=(-scipy "$RAW/scipy.json")
fi
meta compare_mintime "50ms"
say "compare (dense methods up to n = $DENSE_MAX)"
go run ./cmd/benchreport compare -dense-max "$DENSE_MAX" -mintime 50ms "${SCIPY_ARG[@]}" -o "$RAW/compare.json"
# The comparison test itself, as a cross-check (without -update: it does not rewrite its testdata).
go test ./lib/secondorder -count=1 -run 'TestCompareWithGonumAndScipy$' -v > "$RAW/comparetest.txt" 2>&1 || true

# 4. Notebooks: whole course, cold build cache then warm.
if [ "${BENCH_NOTEBOOKS:-1}" != 0 ]; then
  go run ./cmd/explore  # the explorables' modules, which notebook cells read
  go build -o .tools/bin/nbrun ./cmd/nbrun
  CACHE="$(mktemp -d "${TMPDIR:-/tmp}/descent-bench-gocache.XXXXXX")"
  trap 'rm -rf "$CACHE"' EXIT
  for run in cold warm; do
    say "notebooks, $run build cache (GOCACHE=$CACHE)"
    t0=$(date +%s.%N)
    GOCACHE="$CACHE" .tools/bin/nbrun -root "$ROOT" -out "$RAW/notebooks-$run" notebooks/*.ipynb > "$RAW/nb-$run.txt" || true
    t1=$(date +%s.%N)
    meta "nb_${run}_wall" "$(echo "$t1 - $t0" | bc)"
    cat "$RAW/nb-$run.txt" >&2
  done
fi

# 5. Kinds of cell side by side through the real kernel (warm build cache):
#    empty, optimizer, chart, heat map, table, the first chart of a session;
#    then every notebook cell by cell (building vs running).
CELL_ROUNDS="${BENCH_CELL_ROUNDS:-7}"
if [ "$CELL_ROUNDS" != 0 ]; then
  NB_ARGS=()
  if [ "${BENCH_NOTEBOOKS:-1}" != 0 ]; then
    for nb in notebooks/*.ipynb; do NB_ARGS+=(--notebook "$nb"); done
  fi
  say "cells through the kernel: bench/cells/cells.py --rounds $CELL_ROUNDS ${NB_ARGS[*]}"
  if ! .venv/bin/python bench/cells/cells.py --root "$ROOT" --rounds "$CELL_ROUNDS" "${NB_ARGS[@]}" > "$RAW/cells.json" 2> "$RAW/cells.log"; then
    tail -5 "$RAW/cells.log" >&2
    rm -f "$RAW/cells.json"
  fi
fi

# 6. A class on one JupyterHub: CPU-seconds per cell and memory per student.
if [ "${BENCH_HUB:-1}" != 0 ]; then
  say "JupyterHub test (go test ./hub, students running ${BENCH_HUB_NOTEBOOK:-notebooks/00-getting-started.ipynb} at once)"
  if DESCENT_SLOW=1 DESCENT_HUB_REPORT="$RAW/hub.json" DESCENT_HUB_NOTEBOOK="${BENCH_HUB_NOTEBOOK:-}" \
      go test -count=1 -timeout 30m -run '^TestClassOnOneHub$' -v ./hub > "$RAW/hub.txt" 2>&1; then
    if [ ! -f "$RAW/hub.json" ]; then
      meta hub_status "skipped: $(grep -m1 -o 'missing: .*' "$RAW/hub.txt" || echo 'the test wrote no report (see raw/hub.txt)')"
    fi
  else
    meta hub_status "failed (see raw/hub.txt)"
    rm -f "$RAW/hub.json"
  fi
else
  meta hub_status "skipped: BENCH_HUB=0"
fi

meta load_end "$(load)"
go run ./cmd/benchreport report -raw "$RAW" -out "$OUT"
say "wrote $OUT/report.md, report.json, README-section.md and charts"
