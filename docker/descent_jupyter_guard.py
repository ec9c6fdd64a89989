"""descent_jupyter_guard: a Jupyter server extension of the descent course
image that stops the server before it listens when its final configuration
lets requests in without authentication or switches the XSRF checks off.

The image's jupyter_server_config.py sets the token, but a server can be
configured past that file: command-line flags override it, and
`--config FILE` replaces it altogether. This extension is enabled through
.venv/etc/jupyter/jupyter_server_config.d/descent_jupyter_guard.json, which
Jupyter reads whatever --config says, and it looks at what the server ended
up with: the identity provider's token and password, and the XSRF setting.

Under JupyterHub (JUPYTERHUB_API_TOKEN set) the Hub authenticates every
request and the extension does nothing. Installed by docker/provision.sh
(course step) into the image's virtual environment.
"""

import os
import sys


def _jupyter_server_extension_points():
    return [{"module": "descent_jupyter_guard"}]


def problems(serverapp):
    """The reasons why serverapp must not serve, as sentences (none: fine)."""
    found = []
    idp = serverapp.identity_provider
    token = (getattr(idp, "token", "") or "").strip()
    password = getattr(idp, "hashed_password", "") or ""
    if not token and not password:
        found.append("the token is empty and no password is set, so authentication is off")
    settings = getattr(serverapp, "web_app", None)
    settings = settings.settings if settings is not None else serverapp.tornado_settings
    if serverapp.disable_check_xsrf or settings.get("disable_check_xsrf"):
        found.append("disable_check_xsrf is on, so any web page the user visits could act on the server")
    return found


def _load_jupyter_server_extension(serverapp):
    if os.environ.get("JUPYTERHUB_API_TOKEN"):
        return
    found = problems(serverapp)
    if not found:
        return
    for p in found:
        serverapp.log.critical("descent: refusing to start Jupyter: %s.", p)
    serverapp.log.critical(
        "descent: anyone who reaches port %s could run code in this container. "
        "Remove the flag or config file that does this: the container's entrypoint "
        "prints a token, or choose one with JUPYTER_TOKEN.",
        serverapp.port,
    )
    # SystemExit, not an exception: Jupyter logs extension errors and goes on.
    sys.exit(1)
