# JupyterHub configuration of hub/podman_test.go: the instructor's
# hub/jupyterhub_config.py as shipped (DockerSpawner, the course image, the
# per-student limits, the work filesystems, the metadata block), pointed at
# podman's Docker-compatible API, with what this test needs on top:
#   - the test's network (DOCKER_NETWORK_NAME, a podman bridge; the hub API on
#     its gateway, found by the instructor's file), the work filesystems in
#     the test's folder (DESCENT_WORK_ROOT), the hub's public side on
#     127.0.0.1 (HUB_BIND_URL): all set by the test;
#   - the test's students, password, ports, database and an admin token.
import os

c = get_config()  # noqa: F821
repo = os.environ["HUBTEST_REPO"]
root = os.environ["HUBTEST_ROOT"]

# The instructor's file, unchanged.
src = open(os.path.join(repo, "hub", "jupyterhub_config.py")).read()
exec(compile(src, "hub/jupyterhub_config.py", "exec"), {"get_config": lambda: c})

c.DockerSpawner.prefix = "descent-it-hub"
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
