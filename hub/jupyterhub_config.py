# jupyterhub_config.py — the descent course for a class on ONE server:
# JupyterHub + DockerSpawner, one container of the course image per student.
#
#   pip install jupyterhub==6.1.1 dockerspawner==14.0.0
#   npm install -g configurable-http-proxy@5.3.0
#   docker build -t descent-course .            # in the descent checkout
#   docker network create jupyterhub
#   jupyterhub -f hub/jupyterhub_config.py      # as a user allowed to use Docker
#
# See hub/README.md for authentication, resources per student, pre-pulling the
# image and giving students fresh copies of the notebooks.
import os

c = get_config()  # noqa: F821

# --- the hub ----------------------------------------------------------------
c.JupyterHub.bind_url = "http://:8000"  # put TLS in front (or set ssl_cert/ssl_key)
# Containers reach the hub on the Docker network; when the hub itself runs on
# the host (not in a container) use the host's address on that network.
c.JupyterHub.hub_ip = "0.0.0.0"
c.JupyterHub.hub_connect_ip = os.environ.get("HUB_CONNECT_IP", "172.17.0.1")

# --- who may log in ------------------------------------------------------------
# Replace with your institution's authenticator (OAuthenticator, LTI, LDAP …).
# For a workshop, a shared password and a list of names is enough:
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["DESCENT_CLASS_PASSWORD"]  # >= 8 characters
c.Authenticator.allowed_users = {"student1", "student2", "student3"}
c.Authenticator.admin_users = {"instructor"}
c.SharedPasswordAuthenticator.admin_password = os.environ.get("DESCENT_ADMIN_PASSWORD")  # >= 32 characters

# --- one container of the course image per student ----------------------------
c.JupyterHub.spawner_class = "dockerspawner.DockerSpawner"
c.DockerSpawner.image = os.environ.get("DESCENT_IMAGE", "descent-course:latest")  # pin a tag in class
c.DockerSpawner.pull_policy = "ifnotpresent"  # pre-pull before class (README)
c.DockerSpawner.network_name = os.environ.get("DOCKER_NETWORK_NAME", "jupyterhub")
c.DockerSpawner.remove = True  # containers are disposable; the volume below keeps the work
# The image's entrypoint copies every course notebook missing from
# /home/jovyan/work into it (never overwriting a student's edit), then runs
# this command. jupyterhub-singleuser is what JupyterHub talks to.
c.DockerSpawner.cmd = ["jupyterhub-singleuser"]
c.DockerSpawner.notebook_dir = "/home/jovyan/work"
c.DockerSpawner.default_url = "/lab/tree/00-getting-started.ipynb"
# Each student's work lives in a named volume that outlives the container.
c.DockerSpawner.volumes = {"descent-{username}": "/home/jovyan/work"}

# Resources per student, from the measurement in hub/README.md: a student's
# server + gonb kernel + Go compiler peaks near 0.4 GiB; the limit leaves
# room for the heavier notebooks and for Go's page cache.
c.DockerSpawner.mem_limit = "1G"
c.DockerSpawner.cpu_limit = 1.0  # one core at most: a cell's compile still takes about a second

# The first start of a container compiles nothing (caches are warm in the
# image), but many students starting at once share the cores.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120

# Stop servers idle for an hour (optional: pip install jupyterhub-idle-culler).
# c.JupyterHub.services = [{"name": "idle-culler",
#     "command": ["python3", "-m", "jupyterhub_idle_culler", "--timeout=3600"]}]
# c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
#     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}]
