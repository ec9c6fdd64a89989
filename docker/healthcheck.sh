#!/bin/sh
# healthcheck.sh — Docker HEALTHCHECK: is the Jupyter server answering?
# GET <base_url>api needs no token and returns the server version.
# Under JupyterHub the base URL is JUPYTERHUB_SERVICE_PREFIX.
base=${JUPYTERHUB_SERVICE_PREFIX:-/}
exec curl -fsS --max-time 4 -o /dev/null "http://127.0.0.1:${JUPYTER_PORT:-8888}${base}api"
