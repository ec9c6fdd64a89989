#!/usr/bin/env bash
# entrypoint.sh — start of every descent course container.
#
#   entrypoint.sh                 JupyterLab on 0.0.0.0:${JUPYTER_PORT:-8888}
#   entrypoint.sh --Flag=value …  JupyterLab with extra flags
#   entrypoint.sh CMD ARGS…       any other command (bash, jupyterhub-singleuser, nbrun …)
#
# 1. The token. Outside JupyterHub, JUPYTER_TOKEN is used when it holds a
#    token; when it is unset, empty or blank a random one is generated,
#    exported and printed here (the container's log). A missing or empty
#    token never means open access. Under JupyterHub (JUPYTERHUB_API_TOKEN
#    set) the Hub authenticates and nothing is done here.
# 2. The notebooks. Every course notebook missing from the working directory
#    ($DESCENT_WORKDIR, default: the current directory) is copied there from
#    $DESCENT_HOME/notebooks; existing files — your edits — are never touched.
set -euo pipefail

say() { printf 'descent: %s\n' "$*" >&2; }

DESCENT_HOME=${DESCENT_HOME:-/opt/descent}
workdir=${DESCENT_WORKDIR:-$PWD}
port=${JUPYTER_PORT:-8888}

new_token() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }

if [[ -n "${JUPYTERHUB_API_TOKEN:-}" ]]; then
  say "running under JupyterHub: the Hub handles authentication"
else
  tok=${JUPYTER_TOKEN:-}
  if [[ -z "${tok//[[:space:]]/}" ]]; then
    if [[ -n "${JUPYTER_TOKEN+set}" ]]; then
      say "JUPYTER_TOKEN is empty: an empty token would disable authentication, so one was generated"
    fi
    tok=$(new_token)
    [[ ${#tok} -eq 48 ]] || { say "error: could not generate a token from /dev/urandom"; exit 1; }
    say "JupyterLab token (generated for this container): $tok"
    say "open http://127.0.0.1:$port/lab?token=$tok (use the host port you published)"
  else
    say "JupyterLab token: the one given in JUPYTER_TOKEN"
  fi
  export JUPYTER_TOKEN=$tok
fi

mkdir -p "$workdir" 2>/dev/null || true
if [[ -d "$DESCENT_HOME/notebooks" ]]; then
  if [[ -d "$workdir" && -w "$workdir" ]]; then
    copied=0
    for nb in "$DESCENT_HOME"/notebooks/*.ipynb; do
      [[ -e "$nb" ]] || continue
      if [[ ! -e "$workdir/${nb##*/}" ]]; then cp "$nb" "$workdir/" && copied=$((copied + 1)); fi
    done
    (( copied == 0 )) || say "copied $copied course notebook(s) into $workdir"
  else
    say "warning: $workdir is not writable by uid $(id -u); course notebooks not copied there"
  fi
fi
cd "$workdir" 2>/dev/null || say "warning: cannot enter $workdir; staying in $PWD"

if [[ $# -eq 0 || "$1" == -* ]]; then
  # Under JupyterHub a spawner passing only flags gets the single-user server.
  if [[ -n "${JUPYTERHUB_API_TOKEN:-}" ]]; then exec jupyterhub-singleuser "$@"; fi
  exec jupyter lab "$@"
fi
exec "$@"
