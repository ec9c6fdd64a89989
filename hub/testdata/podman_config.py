# JupyterHub configuration of hub/podman_test.go: the instructor's
# hub/jupyterhub_config.py as shipped (DockerSpawner, the course image, the
# per-student limits), pointed at podman's Docker-compatible API, with what
# this test machine needs on top:
#   - every address on the loopback: the hub, its proxy, and each student's
#     server, whose container shares the host's network and gets a port of
#     its own (a test machine may talk to nothing but 127.0.0.1);
#   - the test's students, password, ports, database and an admin token.
import os

from jupyterhub.utils import random_port
from traitlets import default

from dockerspawner import DockerSpawner

c = get_config()  # noqa: F821
repo = os.environ["HUBTEST_REPO"]
root = os.environ["HUBTEST_ROOT"]

# The instructor's file, unchanged (HUB_IP and HUB_BIND_URL are set by the test).
src = open(os.path.join(repo, "hub", "jupyterhub_config.py")).read()
exec(compile(src, "hub/jupyterhub_config.py", "exec"), {"get_config": lambda: c})


class LoopbackDockerSpawner(DockerSpawner):
    """DockerSpawner with host networking: each server listens on its own
    loopback port, which the hub reaches directly (no port publishing)."""

    @default("port")
    def _port_default(self):
        return random_port()

    async def get_ip_and_port(self):
        return "127.0.0.1", self.port


c.JupyterHub.spawner_class = LoopbackDockerSpawner
c.DockerSpawner.network_name = "host"
c.DockerSpawner.use_internal_ip = True  # no port bindings: they mean nothing on the host network
c.DockerSpawner.ip = "127.0.0.1"
c.DockerSpawner.prefix = "descent-it-hub"
c.DockerSpawner.volumes = {"descent-it-{username}": "/home/jovyan/work"}
c.DockerSpawner.extra_create_kwargs = {"labels": {"descent.image-test": "1"}}
c.DockerSpawner.pull_policy = "never"

c.JupyterHub.hub_port = int(os.environ["HUBTEST_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%s" % os.environ["HUBTEST_API_PORT"]
c.ConfigurableHTTPProxy.command = [os.path.join(repo, "hub", "node_modules", ".bin", "configurable-http-proxy")]
c.JupyterHub.db_url = "sqlite:///" + os.path.join(root, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(root, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(root, "jupyterhub.pid")
c.Authenticator.allowed_users = set(os.environ["HUBTEST_USERS"].split(","))
c.Authenticator.admin_users = set()
c.SharedPasswordAuthenticator.admin_password = None
c.JupyterHub.services = [{"name": "podman-test", "api_token": os.environ["HUBTEST_ADMIN_TOKEN"]}]
c.JupyterHub.load_roles = [{"name": "podman-test", "services": ["podman-test"], "scopes": ["admin:users", "admin:servers"]}]
c.JupyterHub.cleanup_servers = True
