# Jupyter server configuration of the descent course image.
#
# Installed by docker/provision.sh into the image's virtual environment
# (/opt/descent/.venv/etc/jupyter/), so every Jupyter server started from it
# reads it: `jupyter lab` from docker/entrypoint.sh, and later
# `jupyterhub-singleuser` under JupyterHub.
#
# Outside JupyterHub the server listens on 0.0.0.0:$JUPYTER_PORT (8888) and
# requires the token in JUPYTER_TOKEN. The entrypoint always sets one (given
# or generated); if the server is started some other way without a token,
# it refuses to start rather than serve without authentication. Whatever the
# final configuration — command-line flags, a --config file (which replaces
# this file), JUPYTER_TOKEN — the server also stops before it listens if
# authentication or the XSRF checks end up switched off (and for an empty
# password, another identity provider, or every site allowed as origin):
# that check is descent_jupyter_guard.py, which the .venv's Python runs in
# every Jupyter server through a .pth file, whatever the config says.
# Under JupyterHub (JUPYTERHUB_API_TOKEN set) the Hub decides address and
# authentication, and this file only sets the defaults below.
import os

c = get_config()  # noqa: F821  (provided by traitlets when the file is loaded)

c.ServerApp.open_browser = False
# GoNB leaves the notebook's pygments lexer empty; JupyterLab's own HTML
# export would then highlight Go as IPython.
c.Highlight2HTML.default_language = "go"
c.MappingKernelManager.default_kernel_name = "gonb"
# The course starts at the first notebook when it is in the working directory.
if os.path.exists("00-getting-started.ipynb"):
    c.LabApp.default_url = "/lab/tree/00-getting-started.ipynb"

if not os.environ.get("JUPYTERHUB_API_TOKEN"):
    token = os.environ.get("JUPYTER_TOKEN", "").strip()
    if not token:
        raise SystemExit(
            "descent: refusing to start Jupyter without a token: JUPYTER_TOKEN is "
            "missing or empty. Set JUPYTER_TOKEN, or start the container through its "
            "entrypoint, which generates one and prints it."
        )
    c.IdentityProvider.token = token
    c.ServerApp.ip = "0.0.0.0"
    c.ServerApp.port = int(os.environ.get("JUPYTER_PORT", "8888"))
    c.ServerApp.port_retries = 0  # the published port, or fail: never a surprise port
