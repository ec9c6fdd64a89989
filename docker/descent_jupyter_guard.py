"""descent_jupyter_guard: stops every Jupyter server of the descent course
image before it listens when its final configuration lets a stranger in.

How it runs. provision.sh (course step) installs this module and
descent_jupyter_guard.pth into the site-packages of the image's virtual
environment. Python executes the .pth line at every start of that
interpreter: it calls install(), which only puts a small finder in front of
sys.meta_path (no Jupyter module is imported, so other Python programs pay
nothing but a string comparison per import). When a program imports
jupyter_server.serverapp, the finder lets the module load as usual and then
wraps ServerApp.init_httpserver and ServerApp.start_app, so the checks
below run after every configuration source has been read (config files of
every folder, --config, command-line flags, JUPYTER_TOKEN) and after the
server extensions have loaded, before the HTTP server is created. No
configuration can switch this off: it is not a server extension (which
`jpserver_extensions = {...: False}` in a student's ~/.jupyter config would
disable), and it does not depend on which config files are read.

What it refuses (the final state of the server, wherever it came from):
  - no token and no password (an empty or blank token counts as none);
  - a hashed password that the empty password verifies (argon2 or legacy
    sha1, as `jupyter server password` writes after Enter twice): anyone
    reaches the login page and presses Enter;
  - an identity provider other than jupyter_server's own (a custom one, or
    the legacy one a custom login_handler_class brings): it may let every
    request in, whatever the token;
  - XSRF checks off (disable_check_xsrf, also through tornado_settings);
  - a cross-origin rule that admits every site: allow_origin '*', or an
    allow_origin_pat that a stranger's origin matches. Either lets any web
    page the user visits use the server, websockets to kernels included.

Under JupyterHub the Hub authenticates every request and nothing is checked;
that is decided by the server's classes (JupyterHub's single-user app or
identity provider), not by the JUPYTERHUB_API_TOKEN variable, which anyone
can set for a server they start.

What it is not: a defence against code. A Python config file runs code in
the server process, and code can undo anything (this module included). The
guard stops configurations — flags, JSON and Python config files, copied
snippets — that would open the server, not a user set on opening it.
"""

import sys

_SERVERAPP = "jupyter_server.serverapp"
# Origins a permissive allow_origin_pat lets in: sites that are not the user's.
_FOREIGN_ORIGINS = ("https://attacker.example", "http://attacker.example:8080", "null")


def install():
    """Called by descent_jupyter_guard.pth at interpreter start: patch
    ServerApp when (and if) jupyter_server.serverapp is imported."""
    module = sys.modules.get(_SERVERAPP)
    if module is not None:
        _patch(module)
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


class _Finder:
    """A meta-path finder that answers only for jupyter_server.serverapp:
    it finds the module the ordinary way and patches it once it has run."""

    def find_spec(self, name, path, target=None):
        if name != _SERVERAPP:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None:
            return None  # not ours to find: the other finders try
        spec.loader = _Loader(spec.loader)
        return spec


class _Loader:
    """The module's own loader, with _patch run after the module executes."""

    def __init__(self, loader):
        self.loader = loader

    def __getattr__(self, name):  # get_source, get_filename, is_package …
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _patch(module)


def _patch(module):
    app = module.ServerApp
    if getattr(app, "_descent_guarded", False):
        return
    for name in ("init_httpserver", "start_app"):
        setattr(app, name, _checked(getattr(app, name)))
    app._descent_guarded = True


def _checked(method):
    """method, run after check(self) (once per server)."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if not getattr(self, "_descent_checked", False):
            check(self)
            self._descent_checked = True
        return method(self, *args, **kwargs)

    return wrapper


def under_jupyterhub(serverapp):
    """Is serverapp JupyterHub's single-user server (the legacy subclass, or
    a ServerApp with the Hub's identity provider, as the extension sets)?"""
    for cls in type(serverapp).__mro__ + type(serverapp.identity_provider).__mro__:
        if cls.__module__.split(".")[0] == "jupyterhub":
            return True
    return False


def problems(serverapp):
    """The reasons why serverapp must not serve, as sentences (none: fine)."""
    from jupyter_server.auth.identity import IdentityProvider, PasswordIdentityProvider
    from jupyter_server.auth.security import passwd_check

    found = []
    idp = serverapp.identity_provider
    if type(idp) not in (IdentityProvider, PasswordIdentityProvider):
        found.append(
            "the identity provider is %s.%s (from identity_provider_class, or a custom "
            "login_handler_class), which may let every request in whatever the token"
            % (type(idp).__module__, type(idp).__qualname__)
        )
    token = (getattr(idp, "token", "") or "").strip()
    password = getattr(idp, "hashed_password", "") or ""
    if not token and not password:
        found.append("the token is empty and no password is set, so authentication is off")
    if password:
        try:
            empty = passwd_check(password, "")
        except Exception:  # a hash passwd_check cannot read matches no password
            empty = False
        if empty:
            found.append(
                "the password is empty (its hash, from ServerApp.password or "
                "IdentityProvider.hashed_password, matches ''), so anyone can log in"
            )
    web_app = getattr(serverapp, "web_app", None)
    settings = web_app.settings if web_app is not None else serverapp.tornado_settings
    if serverapp.disable_check_xsrf or settings.get("disable_check_xsrf"):
        found.append("disable_check_xsrf is on, so any web page the user visits could act on the server")
    # As jupyter_server's check_origin: allow_origin '*' admits every origin,
    # another allow_origin admits that one, else allow_origin_pat decides.
    origin = (settings.get("allow_origin") or "").strip()
    pattern = settings.get("allow_origin_pat") or None
    if isinstance(pattern, str):
        import re

        pattern = re.compile(pattern)
    if origin == "*" or (not origin and pattern and any(pattern.match(o) for o in _FOREIGN_ORIGINS)):
        what = "allow_origin '*'" if origin else "allow_origin_pat %r" % pattern.pattern
        found.append(what + " lets every site in, so any web page the user visits could act on the server")
    return found


def check(serverapp):
    """Stop the process, saying why, when serverapp must not serve."""
    if under_jupyterhub(serverapp):
        return
    try:
        found = problems(serverapp)
    except Exception as e:  # fail closed: a check that cannot run refuses
        found = ["the descent guard could not check the configuration (%r)" % (e,)]
    if not found:
        return
    for p in found:
        serverapp.log.critical("descent: refusing to start Jupyter: %s.", p)
    serverapp.log.critical(
        "descent: anyone who reaches port %s could run code in this container. "
        "Remove the flag or config file that does this (`jupyter --paths` lists the "
        "config folders): the container's entrypoint prints a token, "
        "or choose one with JUPYTER_TOKEN.",
        serverapp.port,
    )
    sys.exit(1)
