# JupyterHub configuration for hub_test.go: one hub on 127.0.0.1, no Docker.
#
# Everything variable comes from the environment the test sets (HUBTEST_*),
# so the same file serves any free ports and any temporary root:
#   HUBTEST_REPO      the descent checkout (holds .venv, .tools, hub/node_modules)
#   HUBTEST_ROOT      a temporary folder: the hub's database, cookie secret and
#                     one home directory per user (HUBTEST_ROOT/home/<user>)
#   HUBTEST_PORT, HUBTEST_HUB_PORT, HUBTEST_API_PORT   free ports on 127.0.0.1
#   HUBTEST_PASSWORD  the shared password; HUBTEST_USERS  comma-separated names
#   DESCENT_TEST_MARKER  (internal/testenv.MarkerEnv) a value every process of this hub carries in its
#                     environment, so the test finds and cleans up all of them
#   HUBTEST_ADMIN_TOKEN  a read-only service token for the test (list users)
#   HUBTEST_GOCACHE, HUBTEST_GOMODCACHE, HUBTEST_GOPATH   Go's caches, shared by every user as
#                     the course image shares its warmed /opt/go
#
# Test-only pieces: SharedPasswordAuthenticator (anyone with the password logs
# in as any allowed user) and SimpleLocalProcessSpawner (no system users, no
# isolation between users beyond separate home directories and tokens).
import os

from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner

# HUBTEST_UNIX_USERS=1 (class_config.py, the hub run as root): each server
# runs as the Unix user of its name (LocalProcessSpawner), not as the hub's.
unix_users = os.environ.get("HUBTEST_UNIX_USERS") == "1"


class StudentSpawner(LocalProcessSpawner if unix_users else SimpleLocalProcessSpawner):
    """A local process spawner that stops a server with SIGTERM, not SIGINT.

    LocalProcessSpawner interrupts first (SIGINT). Without a terminal,
    jupyter_server installs no SIGINT handler, so the interrupt ends it with a
    KeyboardInterrupt that skips shutting down its kernels, and the gonb
    kernel (which, unlike ipykernel, does not watch for its parent's death)
    is left running. SIGTERM runs the server's cleanup: kernels shut down.
    (The course image under DockerSpawner or Kubernetes is stopped with
    SIGTERM, and its container takes every process with it.)
    """

    async def stop(self, now=False):
        return await super().stop(now=True)  # now=True: skip the SIGINT step

c = get_config()  # noqa: F821
env = os.environ
repo, root = env["HUBTEST_REPO"], env["HUBTEST_ROOT"]

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(env["HUBTEST_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["HUBTEST_HUB_PORT"])
c.JupyterHub.db_url = f"sqlite:///{root}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{root}/jupyterhub_cookie_secret"
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server
c.JupyterHub.cleanup_proxy = True

# configurable-http-proxy from npm (hub/package-lock.json, installed by `npm ci`).
c.ConfigurableHTTPProxy.command = [f"{repo}/hub/node_modules/.bin/configurable-http-proxy"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['HUBTEST_API_PORT']}"
c.ConfigurableHTTPProxy.should_start = True

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = env["HUBTEST_PASSWORD"]
c.Authenticator.allowed_users = set(env["HUBTEST_USERS"].split(","))

c.JupyterHub.spawner_class = StudentSpawner
c.StudentSpawner.term_timeout = 20  # the server shuts its kernels down first
if not unix_users:
    c.StudentSpawner.home_dir_template = f"{root}/home/{{username}}"
    c.Spawner.notebook_dir = f"{root}/home/{{username}}"
c.Spawner.cmd = [f"{repo}/.venv/bin/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
if os.getuid() == 0 and not unix_users:  # a root CI machine; the course image runs as jovyan
    c.Spawner.args = ["--allow-root"]
c.Spawner.environment = {
    "DESCENT_TEST_MARKER": env["DESCENT_TEST_MARKER"],
    "GOCACHE": env["HUBTEST_GOCACHE"],
    "GOMODCACHE": env["HUBTEST_GOMODCACHE"],
    "GOPATH": env["HUBTEST_GOPATH"],
    "GOTOOLCHAIN": "local",
}
# Five servers starting at once on two shared cores take longer than one.
c.Spawner.start_timeout = 240
c.Spawner.http_timeout = 240

# A service token the test uses to see every user at once (read-only).
#   HUBTEST_ADMIN_TOKEN
c.JupyterHub.services = [{"name": "hub-test", "api_token": env["HUBTEST_ADMIN_TOKEN"]}]
c.JupyterHub.load_roles = [
    {"name": "hub-test", "scopes": ["list:users", "read:users", "read:servers"], "services": ["hub-test"]}
]
