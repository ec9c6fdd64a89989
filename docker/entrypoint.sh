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
#    set) the Hub authenticates and no token is made here.
#    Flags that would open the server are refused before anything starts:
#    an empty token (--IdentityProvider.token=, --ServerApp.token=,
#    --NotebookApp.token=, in any spelling of empty), XSRF checks off
#    (--ServerApp.disable_check_xsrf=True, or through tornado_settings),
#    another identity provider or login handler (either can let every
#    request in whatever the token), and a cross-origin rule that admits
#    every site (allow_origin '*', an allow_origin_pat matching any origin).
#    They are looked for in the arguments of a Jupyter server started as
#    `--Flag …` (JupyterLab), `jupyter lab|server|notebook …` (also by path,
#    e.g. /opt/descent/.venv/bin/jupyter), `jupyter-lab …`, `python -m
#    jupyterlab|jupyter_server|notebook|jupyter lab …`, `env VAR=… CMD`, and
#    in the command string of `bash -c`/`sh -c` when it mentions jupyter
#    (there a dangerous flag anywhere in the string is refused). Under
#    JupyterHub only the Hub's own jupyterhub-singleuser is let through
#    unchecked. This check is an early, clear message, not the defence: a
#    server can be started in ways no argument list shows (a terminal, a
#    script, config files). The defence is descent_jupyter_guard, which
#    every Jupyter server of the image's Python runs on its final
#    configuration before it listens, and which no configuration switches off.
# 2. The notebooks. Every course notebook missing from the working directory
#    ($DESCENT_WORKDIR, default: the current directory) is copied there from
#    $DESCENT_HOME/notebooks; existing files — your edits — are never touched.
set -euo pipefail

say() { printf 'descent: %s\n' "$*" >&2; }

DESCENT_HOME=${DESCENT_HOME:-/opt/descent}
workdir=${DESCENT_WORKDIR:-$PWD}
port=${JUPYTER_PORT:-8888}

new_token() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }

# blank VALUE: is this command-line value empty for Jupyter? traitlets reads
# '' and "" as Python string literals, so those are empty too.
blank() {
  local v=${1//[[:space:]]/}
  [[ -z "$v" || "$v" == "''" || "$v" == '""' ]]
}

# refuse_open_access ARG…: stop, with the reason, when the Jupyter server's
# arguments would let anyone who reaches the port run code in the container.
refuse_open_access() {
  local args=("$@") i a name value why
  for ((i = 0; i < ${#args[@]}; i++)); do
    a=${args[i]}
    [[ "$a" == --* ]] || continue
    name=${a%%=*}
    if [[ "$a" == *=* ]]; then
      value=${a#*=}
    elif (( i + 1 < ${#args[@]} )) && [[ "${args[i + 1]}" != --* ]]; then
      value=${args[i + 1]}   # --Class.trait VALUE
      a="$a ${value:-''}"
    else
      value=""
    fi
    why=""
    case "$name" in
      --token | --*.token)
        if blank "$value"; then why="an empty token switches authentication off"; else token_flag=$name; fi ;;
      --*.disable_check_xsrf)
        [[ "${value//[[:space:]]/}" =~ ^(False|false|0)$ ]] \
          || why="without XSRF checks any web page the user visits can act on the server" ;;
      --*.tornado_settings)
        [[ "$value" == *disable_check_xsrf* ]] \
          && why="without XSRF checks any web page the user visits can act on the server" ;;
      --*.identity_provider_class | --*.login_handler_class)
        why="another identity provider or login handler can let every request in, whatever the token" ;;
      --*.allow_origin)
        [[ "$(unquote "$value")" == "*" ]] \
          && why="allow_origin '*' lets every site in: any web page the user visits could act on the server" ;;
      --*.allow_origin_pat)
        # Jupyter matches the pattern (a Python regex; bash reads the simple
        # ones alike) at the start of the request's Origin.
        [[ "https://attacker.example" =~ ^($(unquote "$value")) ]] \
          && why="an allow_origin_pat that matches any site lets every site in: any web page the user visits could act on the server" ;;
    esac
    if [[ -n "$why" ]]; then
      say "error: refusing to start JupyterLab with $a: $why, and anyone who reaches the port could run code as $(id -un 2>/dev/null || id -u)."
      say "The server always needs its token: leave it to this entrypoint (it prints one) or choose one with -e JUPYTER_TOKEN=…, and publish the port on the loopback only: -p 127.0.0.1:8888:8888. For a class, use JupyterHub (hub/README.md)."
      exit 2
    fi
  done
}

# unquote VALUE: VALUE without blanks around it and one pair of quotes
# (traitlets reads '*' and "*" as Python string literals).
unquote() {
  local v=${1#"${1%%[![:space:]]*}"}
  v=${v%"${v##*[![:space:]]}"}
  if [[ "$v" =~ ^\'(.*)\'$ || "$v" =~ ^\"(.*)\"$ ]]; then v=${BASH_REMATCH[1]}; fi
  printf '%s' "$v"
}

# jupyter_server_args CMD…: the arguments of a Jupyter server command line
# (none when CMD is something else), NUL-separated.
jupyter_server_args() {
  local cmd=${1:-} words
  case "$cmd" in
    -*) printf '%s\0' "$@" ;;
    jupyter | */jupyter)
      case "${2:-}" in lab | server | notebook | nbclassic) printf '%s\0' "${@:3}" ;; esac ;;
    jupyter-lab | jupyter-server | jupyter-notebook | jupyter-nbclassic | \
      */jupyter-lab | */jupyter-server | */jupyter-notebook | */jupyter-nbclassic)
      printf '%s\0' "${@:2}" ;;
    python | python3 | python3.* | */python | */python3 | */python3.*)
      shift
      # The interpreter's own options, up to -m MODULE.
      while [[ $# -gt 0 && "$1" == -* && "$1" != -m* ]]; do
        case "$1" in -X | -W) shift 2 || return 0 ;; -c) return 0 ;; *) shift ;; esac
      done
      [[ "${1:-}" == -m* ]] || return 0
      local module=${1#-m}
      shift
      if [[ -z "$module" ]]; then module=${1:-}; shift || return 0; fi
      case "$module" in
        jupyter) jupyter_server_args jupyter "$@" ;;
        jupyterlab | jupyterlab.* | jupyter_server | jupyter_server.* | notebook | notebook.* | nbclassic | nbclassic.*)
          printf '%s\0' "$@" ;;
      esac ;;
    env | */env)
      shift
      while [[ $# -gt 0 && ( "$1" == -* || "$1" == *=* ) ]]; do shift; done
      (( $# == 0 )) || jupyter_server_args "$@" ;;
    bash | sh | dash | zsh | */bash | */sh | */dash | */zsh)
      # The string after -c (or -lc, -ec …): its words, split at blanks
      # without the shell's quoting rules, when it mentions jupyter. A
      # dangerous flag anywhere in it is refused, even one meant for another
      # command: the entrypoint cannot parse a shell script, and the guard
      # would stop the server anyway.
      shift
      local c=0
      while [[ $# -gt 0 && "$1" == -* && "$1" != -- ]]; do
        [[ "$1" == --* || "$1" != *c* ]] || c=1
        shift
      done
      [[ "${1:-}" != -- ]] || shift
      if (( c )) && [[ "${1:-}" == *jupyter* ]]; then
        read -r -a words <<<"${1//$'\n'/ }"
        printf '%s\0' ${words[@]+"${words[@]}"}
      fi ;;
  esac
}

server_args=() token_flag=""
if [[ -n "${JUPYTERHUB_API_TOKEN:-}" ]]; then
  say "running under JupyterHub: the Hub handles authentication"
  # Only the Hub's single-user server (which flags alone start, below) is
  # authenticated by the Hub; the variable alone proves no Hub, so any other
  # Jupyter server is checked as outside JupyterHub.
  if [[ $# -gt 0 && "$1" != -* ]]; then
    while IFS= read -r -d '' a; do server_args+=("$a"); done < <(jupyter_server_args "$@")
    refuse_open_access ${server_args[@]+"${server_args[@]}"}
  fi
else
  while IFS= read -r -d '' a; do server_args+=("$a"); done < <(jupyter_server_args "$@")
  refuse_open_access ${server_args[@]+"${server_args[@]}"}
  tok=${JUPYTER_TOKEN:-}
  if [[ -n "$token_flag" ]]; then
    # The flag wins over JUPYTER_TOKEN; the variable only has to be non-empty.
    say "JupyterLab token: the one given with $token_flag (JUPYTER_TOKEN keeps it out of 'ps' and 'docker inspect')"
    [[ -n "${tok//[[:space:]]/}" ]] || tok=$(new_token)
  elif [[ -z "${tok//[[:space:]]/}" ]]; then
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
