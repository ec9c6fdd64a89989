#!/usr/bin/env bash
# setup.sh — prepare a checkout of descent for `make notes`, `make test` and `make lab`.
#
# Idempotent and quick when nothing changed: every step is skipped when its
# inputs (requirements.txt, go.mod/go.sum, the checkout's path) are unchanged.
#   1. checks the prerequisites: Go >= 1.24, Python >= 3.10 with venv;
#   2. creates .venv and installs requirements.txt into it;
#   3. builds gonb and goimports, at the versions go.mod pins, into .tools/bin;
#   4. installs the gonb kernel spec inside .venv (never in the user's home),
#      with its go.work pointing at this checkout, so that notebooks import
#      github.com/descentlab/descent/... without a setup cell;
#   5. installs KaTeX (tools/site/package-lock.json) into tools/site/node_modules
#      with `npm ci`: the site builder renders formulas with it under node;
#   6. builds the chart helper (cmd/vizrender) into .tools/bin/descent-vizrender,
#      with the stamp of the sources it was built from beside it: notebook
#      cells hand their charts to it (lib/viz/nb), and refuse a helper built
#      from other sources, naming `make setup`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# --- 1. prerequisites --------------------------------------------------------
command -v go >/dev/null 2>&1 || die "Go is not on PATH. Install Go 1.24 or newer (https://go.dev/doc/install; on Debian/Ubuntu the golang packages are often older) and make sure 'go version' works in this shell."
gover=$(go env GOVERSION 2>/dev/null || true)            # e.g. go1.26.8
gover=${gover#go}
IFS=. read -r gomaj gomin _ <<<"$gover"
if [[ -z "${gomaj:-}" || -z "${gomin:-}" ]] || (( gomaj < 1 || (gomaj == 1 && gomin < 24) )); then
  die "Go ${gover:-unknown} found at $(command -v go); descent needs Go 1.24 or newer. Install a newer Go and put it first on PATH."
fi

python=${PYTHON:-}
if [[ -z "$python" ]]; then
  for p in python3 python3.13 python3.12 python3.11 python3.10; do
    if command -v "$p" >/dev/null 2>&1; then python=$p; break; fi
  done
fi
[[ -n "$python" ]] || die "Python 3 is not on PATH. Install Python 3.10 or newer (Debian/Ubuntu: apt-get install python3 python3-venv), or set PYTHON=/path/to/python3."
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || die "$("$python" -V 2>&1) at $(command -v "$python") is too old; descent needs Python 3.10 or newer (or set PYTHON=/path/to/python3.x)."
"$python" -c 'import venv, ensurepip' 2>/dev/null \
  || die "$("$python" -V 2>&1) has no working venv module (ensurepip missing). Debian/Ubuntu: apt-get install python3-venv (or python3.X-venv for your version)."

# The site builder's KaTeX needs Node.js; a copy without tools/site (the
# course image copies only what its kernel needs) skips step 5.
for tool in node npm; do
  [[ -f tools/site/package-lock.json ]] || break
  command -v "$tool" >/dev/null 2>&1 \
    || die "$tool is not on PATH. The lecture notes' formulas are rendered with KaTeX under Node.js: install Node.js 18 or newer with npm (Debian/Ubuntu: apt-get install nodejs npm)."
done

# --- 2. the virtual environment --------------------------------------------
stamp_of() { sha256sum "$@" | sha256sum | cut -c1-16; }
if [[ ! -x .venv/bin/python ]]; then
  say "creating .venv with $("$python" -V 2>&1)"
  "$python" -m venv .venv
fi
req=$(stamp_of requirements.txt)
if [[ "$(cat .venv/.requirements-stamp 2>/dev/null)" != "$req" ]]; then
  say "installing requirements.txt into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$req" > .venv/.requirements-stamp
fi

# --- 3. gonb and goimports -------------------------------------------------
tools=$(stamp_of go.mod go.sum)
if [[ "$(cat .tools/stamp 2>/dev/null)" != "$tools" || ! -x .tools/bin/gonb || ! -x .tools/bin/goimports ]]; then
  say "building gonb and goimports (versions pinned in go.mod) into .tools/bin"
  mkdir -p .tools/bin
  GOBIN="$root/.tools/bin" go install github.com/janpfeifer/gonb golang.org/x/tools/cmd/goimports
  echo "$tools" > .tools/stamp
fi

# --- 4. the kernel spec, inside .venv --------------------------------------
export JUPYTER_DATA_DIR="$root/.venv/share/jupyter"
spec="$JUPYTER_DATA_DIR/kernels/gonb/kernel.json"
# The kernel's Go environment (issue 21; bench/cells measures both):
# - GOFLAGS gains -ldflags=-s: cells link without symbol table and DWARF.
#   A cell's program runs once and is thrown away, and a chart cell links
#   in about half the CPU time (panics still name main.go:line, which GoNB
#   maps to the cell).
# - DESCENT_VIZRENDER names the chart helper (step 6): a cell imports
#   lib/viz's descriptions and lib/viz/nb, which hands each chart to the
#   helper (see internal/vizrender), so a cell that shows charts does not link
#   lib/viz/draw: gonum/plot's backends, go-echarts and the echarts bundle.
# - GOPROXY asks the module cache first (a file:// proxy): GoNB runs `go
#   get` before every cell, which asks the proxy for the latest version of
#   every module the cell imports: half a second of waiting on the network
#   per chart cell, 0.1 s per empty one. A module the cache lacks still
#   comes from the proxies after it, as before (after any error of the
#   cache: "|"); GOPROXY=off stays off.
# Both start from `go env` here, or from DESCENT_KERNEL_GOFLAGS and
# DESCENT_KERNEL_GOPROXY when set (docker/provision.sh passes the
# container's offline settings, which setup itself cannot run with).
cellflags=${DESCENT_KERNEL_GOFLAGS-$(go env GOFLAGS)}
cellflags="${cellflags:+$cellflags }-ldflags=-s"
helper="$root/.tools/bin/descent-vizrender"
cellproxy=${DESCENT_KERNEL_GOPROXY:-$(go env GOPROXY)}
if [[ "$cellproxy" != off ]]; then
  cellproxy="file://$(go env GOMODCACHE)/cache/download|$cellproxy"
fi
want="$root|$tools|$cellflags|$cellproxy|$helper"
if [[ "$(cat "$JUPYTER_DATA_DIR/kernels/gonb/.stamp" 2>/dev/null)" != "$want" || ! -f "$spec" ]]; then
  say "installing the gonb kernel spec into .venv/share/jupyter (go.work -> $root)"
  PATH="$root/.tools/bin:$root/.venv/bin:$PATH" .tools/bin/gonb --install --force_deps --go_work="$root" >/dev/null 2>&1 \
    || PATH="$root/.tools/bin:$root/.venv/bin:$PATH" .tools/bin/gonb --install --force_deps --go_work="$root"
  # The kernel finds goimports through PATH; put the project's tools first.
  .venv/bin/python - "$spec" "$root/.tools/bin" "$cellflags" "$cellproxy" "$helper" <<'PY'
import json, sys
path, tools, goflags, goproxy, helper = sys.argv[1:6]
spec = json.load(open(path))
spec.setdefault("env", {})["PATH"] = tools + ":${PATH}"
spec["env"]["GOFLAGS"] = goflags
spec["env"]["GOPROXY"] = goproxy
spec["env"]["DESCENT_VIZRENDER"] = helper
spec["display_name"] = "Go (gonb)"
json.dump(spec, open(path, "w"), indent=1)
PY
  echo "$want" > "$JUPYTER_DATA_DIR/kernels/gonb/.stamp"
fi
# --- 5. KaTeX for the site builder, inside the checkout ---------------------
site=tools/site
katex=$([[ -f "$site/package-lock.json" ]] && stamp_of "$site/package-lock.json" || true)
if [[ -f "$site/package-lock.json" && "$(cat "$site/node_modules/.descent-stamp" 2>/dev/null)" != "$katex" ]]; then
  say "installing KaTeX (tools/site/package-lock.json) into tools/site/node_modules"
  (cd "$site" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$katex" > "$site/node_modules/.descent-stamp"
fi
# --- 6. the chart helper ----------------------------------------------------
# Built on every run (the build cache makes an unchanged one take a moment),
# so that it always matches the sources; a copy without the sources (the
# course image's deps stage) skips it, and docker/provision.sh builds it
# with the course.
if [[ -d cmd/vizrender ]]; then
  say "building the chart helper (cmd/vizrender) into .tools/bin/descent-vizrender"
  mkdir -p .tools/bin
  go build -o "$helper" ./cmd/vizrender
  "$helper" -stamp "$root" > "$helper.stamp.tmp"
  mv "$helper.stamp.tmp" "$helper.stamp"
fi
say "ready ($(go version | cut -d' ' -f3), $(.venv/bin/python -V), gonb kernel in .venv/share/jupyter)"
