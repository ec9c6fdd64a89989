#!/usr/bin/env bash
# provision.sh — the steps the Dockerfile runs to build the descent course image.
#
#   provision.sh [--no-root] STEP...
#
# Steps, in the order the Dockerfile runs them:
#   system  (root)  Debian packages (apt-get) and the notebook user ($NB_USER,
#                   uid $NB_UID, gid $NB_GID), the folders the image uses.
#   go      (root)  the Go toolchain $GO_VERSION, downloaded from
#                   $GO_DOWNLOAD_URL (go.dev; a mirror or a file:// folder
#                   works too) and verified against the pinned SHA-256 of its
#                   architecture (amd64 or arm64; any other architecture stops
#                   the build), unpacked into $GO_DIR.
#   deps    (user)  tools/setup.sh in $DESCENT_HOME (the .venv from
#                   requirements.txt, gonb and goimports at the versions go.mod
#                   pins, the gonb kernel spec with go.work -> $DESCENT_HOME),
#                   then `go mod download` of every module go.mod names.
#   course  (user)  the Jupyter server config and descent_jupyter_guard
#                   (module and .pth: every Jupyter server of the .venv's
#                   Python checks its final configuration before it
#                   listens) into the .venv, the library and
#                   nbrun built, the explorables' WebAssembly modules built
#                   into build/explore (go run ./cmd/explore, kept in the
#                   image: cells read them), every notebook executed once with the network
#                   switched off for Go (GOPROXY=off, GOFLAGS=-mod=readonly), so
#                   the module and build caches hold everything a cell needs;
#                   the notebooks copied into $DESCENT_WORKDIR.
#
# Everything lives under a prefix, so the same script runs outside Docker in a
# throw-away prefix and HOME (that is how docker/provision_test.go runs it):
#   PREFIX          default /opt             (DESCENT_HOME=$PREFIX/descent, GOPATH=$PREFIX/go)
#   GO_DIR          default /usr/local/go    where the toolchain is unpacked
#   DESCENT_WORKDIR default $HOME/work       the folder JupyterLab opens
#   --no-root       skip what needs root (apt-get, useradd, chown) and say so.
# The go step takes GO_TARBALL=<file> instead of downloading (for tests), and
# TARGETARCH (set by BuildKit) or the machine's architecture.
#
# A CA bundle at $BUILD_CA_FILE (default /run/secrets/ca-certificates, where
# `docker build --secret id=ca-certificates,src=…` puts it for one RUN) is
# used by curl, git, pip and Go for this run only: for build hosts behind a
# TLS-intercepting proxy. It is never copied into the image.
set -euo pipefail

say() { printf 'provision: %s\n' "$*"; }
die() { printf 'provision: error: %s\n' "$*" >&2; exit 1; }

no_root=0
steps=()
for a in "$@"; do
  case "$a" in
    --no-root) no_root=1 ;;
    system|go|deps|course) steps+=("$a") ;;
    -h|--help) sed -n '2,35p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown step or flag '$a' (steps: system go deps course; flag: --no-root)" ;;
  esac
done
(( ${#steps[@]} )) || die "no step given (steps: system go deps course)"

PREFIX=${PREFIX:-/opt}
DESCENT_HOME=${DESCENT_HOME:-$PREFIX/descent}
GO_DIR=${GO_DIR:-/usr/local/go}
NB_USER=${NB_USER:-jovyan}
NB_UID=${NB_UID:-1000}
NB_GID=${NB_GID:-100}
DESCENT_WORKDIR=${DESCENT_WORKDIR:-$HOME/work}
export GOPATH=${GOPATH:-$PREFIX/go}
export GOCACHE=${GOCACHE:-$GOPATH/cache}
export GOTOOLCHAIN=local   # never download another toolchain behind our back
export CGO_ENABLED=${CGO_ENABLED:-0}
# The official checksums published for each release on https://go.dev/dl/.
GO_VERSION=${GO_VERSION:-1.26.8}
GO_SHA256_AMD64=${GO_SHA256_AMD64:-}
GO_SHA256_ARM64=${GO_SHA256_ARM64:-}
GO_DOWNLOAD_URL=${GO_DOWNLOAD_URL:-https://go.dev/dl}

BUILD_CA_FILE=${BUILD_CA_FILE:-/run/secrets/ca-certificates}
if [[ -s "$BUILD_CA_FILE" && -r "$BUILD_CA_FILE" ]]; then
  export SSL_CERT_FILE=$BUILD_CA_FILE CURL_CA_BUNDLE=$BUILD_CA_FILE GIT_SSL_CAINFO=$BUILD_CA_FILE \
    PIP_CERT=$BUILD_CA_FILE REQUESTS_CA_BUNDLE=$BUILD_CA_FILE
  say "using the build's CA bundle $BUILD_CA_FILE for downloads (not kept in the image)"
fi

# home_owned_by_user gives $NB_USER back anything a root step left in its home
# (the image's HOME is the user's, also while root steps run).
home_owned_by_user() {
  local home
  home=$(getent passwd "$NB_USER" | cut -d: -f6)
  [[ -n "$home" && -d "$home" ]] || return 0
  find "$home" \( ! -uid "$NB_UID" -o ! -gid "$NB_GID" \) -exec chown -h "$NB_UID:$NB_GID" {} + 2>/dev/null || true
}

need_root() {
  if (( no_root )); then say "$1: skipped (--no-root): $2"; return 1; fi
  [[ $(id -u) -eq 0 ]] || die "$1 needs root (run it as root, or pass --no-root to skip it)"
}

# --- system -----------------------------------------------------------------
step_system() {
  local pkgs=(ca-certificates curl git tini)
  # The python:3.11 base brings its own Python; add Debian's (bookworm: 3.11.2)
  # only if none works. requirements.txt supports Python >= 3.10.
  python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
    || pkgs+=(python3 python3-venv)
  need_root system "apt-get install ${pkgs[*]}; useradd $NB_USER ($NB_UID:$NB_GID)" || return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  apt-get clean
  rm -rf /var/lib/apt/lists/*
  getent group "$NB_GID" >/dev/null || groupadd -g "$NB_GID" users
  if ! id -u "$NB_USER" >/dev/null 2>&1; then
    useradd -m -s /bin/bash -N -u "$NB_UID" -g "$NB_GID" "$NB_USER"
  fi
  mkdir -p "$DESCENT_HOME" "$GOPATH" "$DESCENT_WORKDIR"
  # Group-writable like docker-stacks, so a JupyterHub spawner that runs the
  # container with another uid in group $NB_GID can still use the caches.
  chown -R "$NB_UID:$NB_GID" "$DESCENT_HOME" "$GOPATH" "$DESCENT_WORKDIR"
  chmod -R g+rwX "$DESCENT_HOME" "$GOPATH" "$DESCENT_WORKDIR"
  home_owned_by_user
  say "system: packages installed, user $NB_USER ($NB_UID:$NB_GID)"
}

# --- go -----------------------------------------------------------------------
go_arch() {
  local a=${TARGETARCH:-}
  if [[ -z "$a" ]]; then
    if command -v dpkg >/dev/null 2>&1; then a=$(dpkg --print-architecture); else a=$(uname -m); fi
  fi
  case "$a" in
    amd64|x86_64) echo amd64 ;;
    arm64|aarch64) echo arm64 ;;
    *) echo "unsupported:$a" ;;
  esac
}

step_go() {
  local arch sum file tmp
  arch=$(go_arch)
  case "$arch" in
    amd64) sum=$GO_SHA256_AMD64 ;;
    arm64) sum=$GO_SHA256_ARM64 ;;
    *) die "go: this image is built for amd64 and arm64 only (the Go toolchain is pinned by checksum for those two); the build targets '${arch#unsupported:}'. Build with --platform linux/amd64 or linux/arm64." ;;
  esac
  [[ "$sum" =~ ^[0-9a-f]{64}$ ]] \
    || die "go: no valid SHA-256 pinned for go$GO_VERSION linux-$arch (GO_SHA256_${arch^^}='$sum'); copy it from https://go.dev/dl/ — the build will not install an unverified toolchain."
  if [[ -z "${GO_TARBALL:-}" ]] && (( no_root == 0 )) && [[ $(id -u) -ne 0 ]]; then
    die "go needs root to write $GO_DIR (or pass --no-root with GO_DIR and GO_TARBALL set)"
  fi
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  file=${GO_TARBALL:-}
  if [[ -z "$file" ]]; then
    file="$tmp/go$GO_VERSION.linux-$arch.tar.gz"
    local url="${GO_DOWNLOAD_URL%/}/go$GO_VERSION.linux-$arch.tar.gz"
    say "go: downloading $url"
    curl -fsSL --retry 3 -o "$file" "$url" || die "go: download of $url failed"
  fi
  if ! echo "$sum  $file" | sha256sum -c --status -; then
    die "go: checksum mismatch for go$GO_VERSION.linux-$arch.tar.gz: expected $sum, got $(sha256sum "$file" | cut -d' ' -f1). Not installing it."
  fi
  rm -rf "$GO_DIR"
  mkdir -p "$GO_DIR"
  tar -xzf "$file" -C "$GO_DIR" --strip-components=1
  [[ -x "$GO_DIR/bin/go" ]] || die "go: $GO_DIR/bin/go missing after unpacking"
  # Not in $HOME: as root, any go command would create $HOME/.config/go
  # (telemetry) owned by root, and Jupyter, run as the user, could no
  # longer write $HOME/.config/jupyter.
  local version
  version=$(HOME=$tmp XDG_CONFIG_HOME=$tmp/config "$GO_DIR/bin/go" version 2>/dev/null || echo "go$GO_VERSION")
  say "go: $version in $GO_DIR (sha256 verified)"
  if (( no_root == 0 )); then home_owned_by_user; fi
}

# --- deps ---------------------------------------------------------------------
step_deps() {
  [[ -f "$DESCENT_HOME/go.mod" && -f "$DESCENT_HOME/tools/setup.sh" ]] \
    || die "deps: $DESCENT_HOME holds no descent checkout (go.mod, tools/setup.sh)"
  command -v go >/dev/null 2>&1 || die "deps: go is not on PATH (run the go step, or put $GO_DIR/bin on PATH)"
  cd "$DESCENT_HOME"
  # The same setup as `make setup`: .venv, gonb + goimports in .tools/bin,
  # the kernel spec in .venv/share/jupyter with go.work -> $DESCENT_HOME.
  # No pip cache in the image layer (a test may pass its own PIP_CACHE_DIR).
  if [[ -z "${PIP_CACHE_DIR:-}" ]]; then export PIP_NO_CACHE_DIR=1; fi
  # The kernel spec fixes the kernel's GOFLAGS and GOPROXY: the container's.
  DESCENT_KERNEL_GOFLAGS=-mod=readonly DESCENT_KERNEL_GOPROXY=off bash tools/setup.sh
  say "deps: go mod download"
  go mod download
  say "deps: ready (GOMODCACHE=$(go env GOMODCACHE))"
}

# --- course -------------------------------------------------------------------
step_course() {
  local here out nb
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  cd "$DESCENT_HOME"
  [[ -x .venv/bin/jupyter && -f .venv/share/jupyter/kernels/gonb/kernel.json ]] \
    || die "course: run the deps step first ($DESCENT_HOME/.venv or its gonb kernel is missing)"
  # From here on Go works as it will in the running container: offline.
  export GOPROXY=off GOFLAGS=-mod=readonly
  local site
  mkdir -p .venv/etc/jupyter
  install -m 0644 "$here/jupyter_server_config.py" .venv/etc/jupyter/jupyter_server_config.py
  # The guard that stops a Jupyter server whose final configuration lets a
  # stranger in (no token or password, an empty password, XSRF off, another
  # identity provider, every site allowed as origin). It is no server
  # extension, which a config file could switch off: the .pth file makes
  # this Python run descent_jupyter_guard.install() at start, which patches
  # jupyter_server's ServerApp when a program imports it, so every server of
  # this .venv checks itself, whatever the config files and flags say.
  site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  install -m 0644 "$here/descent_jupyter_guard.py" "$here/descent_jupyter_guard.pth" "$site/"
  rm -f .venv/etc/jupyter/jupyter_server_config.d/descent_jupyter_guard.json  # the former way
  .venv/bin/python -c 'import sys, jupyter_server.serverapp as s; sys.exit(not getattr(s.ServerApp, "_descent_guarded", False))' \
    || die "course: descent_jupyter_guard is not active in $DESCENT_HOME/.venv"
  # nbgrader and nbgitpuller come with requirements.txt, their server and
  # JupyterLab extensions enabled by pip. This is the students' image: the
  # assignment list and validate button stay; the formgrader, the course
  # list and the create-assignment toolbar are the instructor's, who
  # enables them again at the user level (hub/CLASS.md).
  # (`jupyter server extension disable` refuses nbgrader's modules: they have
  # no _jupyter_server_extension_points; this file sorts after nbgrader.json.)
  printf '%s\n' '{"ServerApp": {"jpserver_extensions": {' \
    '  "nbgrader.server_extensions.formgrader": false,' \
    '  "nbgrader.server_extensions.course_list": false}}}' \
    > .venv/etc/jupyter/jupyter_server_config.d/nbgrader_students.json
  .venv/bin/jupyter labextension disable --level=sys_prefix \
    @jupyter/nbgrader:formgrader @jupyter/nbgrader:course-list @jupyter/nbgrader:create-assignment
  say "course: go build ./... (offline)"
  go build ./...
  go build -o .tools/bin/nbrun ./cmd/nbrun
  # The explorables' WebAssembly modules, which a cell reads and never
  # builds: they stay in the image, in build/explore.
  say "course: go run ./cmd/explore (the explorables' WebAssembly modules)"
  go run ./cmd/explore
  # The chart helper the kernel spec names (DESCENT_VIZRENDER), as
  # tools/setup.sh step 6 builds it: the deps stage had no sources.
  go build -o .tools/bin/descent-vizrender ./cmd/vizrender
  .tools/bin/descent-vizrender -stamp "$DESCENT_HOME" > .tools/bin/descent-vizrender.stamp
  out=$(mktemp -d)
  say "course: executing every notebook once (offline) to warm the build cache"
  .tools/bin/nbrun -root "$DESCENT_HOME" -out "$out" notebooks/*.ipynb
  rm -rf "$out"
  find "$DESCENT_HOME/build" -mindepth 1 -maxdepth 1 ! -name explore -exec rm -rf {} +
  mkdir -p "$DESCENT_WORKDIR"
  for nb in notebooks/*.ipynb; do
    [[ -e "$DESCENT_WORKDIR/${nb##*/}" ]] || cp "$nb" "$DESCENT_WORKDIR/"
  done
  say "course: notebooks in $DESCENT_WORKDIR; build cache $(du -sh "$GOCACHE" 2>/dev/null | cut -f1), module cache $(du -sh "$(go env GOMODCACHE)" 2>/dev/null | cut -f1)"
}

for s in "${steps[@]}"; do "step_$s"; done
