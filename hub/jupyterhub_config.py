# jupyterhub_config.py — the descent course for a class on ONE server:
# JupyterHub + DockerSpawner, one container of the course image per student.
#
#   pip install jupyterhub==6.1.1 dockerspawner==14.0.0
#   npm install -g configurable-http-proxy@5.3.0
#   docker build -t descent-course .            # in the descent checkout
#   docker network create jupyterhub
#   jupyterhub -f hub/jupyterhub_config.py      # as root (loop mounts, iptables)
#
# The hub serves plain HTTP on 127.0.0.1:8000: put it behind TLS termination
# (a reverse proxy with your certificate). Replace the shared-password login
# before a real course (see "who may log in").
#
# See hub/README.md for authentication, resources per student, pre-pulling the
# image and giving students fresh copies of the notebooks.
import asyncio
import os
import subprocess
import threading

c = get_config()  # noqa: F821

# --- the hub ----------------------------------------------------------------
# Plain HTTP, so behind TLS termination only: the public address is a reverse
# proxy on this machine (nginx, Caddy, Traefik …) that serves
# https://hub.example.org and forwards to this loopback port. Without one,
# set ssl_cert/ssl_key and bind https://:443 instead. Never serve the hub over
# plain HTTP on a public interface: passwords and tokens would cross the
# network in clear.
c.JupyterHub.bind_url = os.environ.get("HUB_BIND_URL", "http://127.0.0.1:8000")
# c.JupyterHub.bind_url = "https://:443"
# c.JupyterHub.ssl_cert = "/etc/letsencrypt/live/hub.example.org/fullchain.pem"
# c.JupyterHub.ssl_key = "/etc/letsencrypt/live/hub.example.org/privkey.pem"


def docker_network_gateway(name):
    """The host's address on the Docker network `name` (its gateway), or None."""
    try:
        import docker  # comes with dockerspawner

        net = docker.from_env().networks.get(name)
        return net.attrs["IPAM"]["Config"][0]["Gateway"].split("/")[0]
    except Exception:  # no Docker here (a config check), or no such network
        return None


# The hub's API must be reachable from the student containers, and from
# nothing else: it listens on the host's address on their Docker network
# (HUB_IP, else that network's gateway, else docker0's usual 172.17.0.1),
# never on 0.0.0.0.
network_name = os.environ.get("DOCKER_NETWORK_NAME", "jupyterhub")
c.JupyterHub.hub_ip = os.environ.get("HUB_IP") or docker_network_gateway(network_name) or "172.17.0.1"
c.JupyterHub.hub_connect_ip = os.environ.get("HUB_CONNECT_IP", c.JupyterHub.hub_ip)

# --- who may log in ------------------------------------------------------------
# WARNING: the shared-password authenticator below is for a one-off workshop
# only. Every student knows the one password, so any student can log in AS
# ANY OTHER listed name and read, change or delete that student's work (and
# run code in that student's container). For a course use a login that
# proves who each student is:
#   - OAuthenticator (pip install oauthenticator): GitHub, Google, Microsoft
#     Entra ID, GitLab, or any OpenID Connect provider (GenericOAuthenticator);
#   - LTI 1.3 from your learning-management system (Canvas, Moodle, …):
#     jupyterhub-ltiauthenticator;
#   - LDAP / Active Directory: jupyterhub-ldapauthenticator;
#   - NativeAuthenticator (jupyterhub-nativeauthenticator): students sign up
#     with their own password and an instructor approves each account.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["DESCENT_CLASS_PASSWORD"]  # >= 8 characters
c.Authenticator.allowed_users = {"student1", "student2", "student3"}
c.Authenticator.admin_users = {"instructor"}
c.SharedPasswordAuthenticator.admin_password = os.environ.get("DESCENT_ADMIN_PASSWORD")  # >= 32 characters
# With OAuthenticator instead (GitHub shown; see its docs for the others):
# c.JupyterHub.authenticator_class = "github"
# c.GitHubOAuthenticator.oauth_callback_url = "https://hub.example.org/hub/oauth_callback"
# c.GitHubOAuthenticator.allowed_organizations = {"my-course-org"}

# --- one container of the course image per student ----------------------------
c.JupyterHub.spawner_class = "dockerspawner.DockerSpawner"
c.DockerSpawner.image = os.environ.get("DESCENT_IMAGE", "descent-course:latest")  # pin a tag in class
c.DockerSpawner.pull_policy = "ifnotpresent"  # pre-pull before class (README)
c.DockerSpawner.network_name = network_name
c.DockerSpawner.remove = True  # containers are disposable; the volume below keeps the work
# The image's entrypoint copies every course notebook missing from
# /home/jovyan/work into it (never overwriting a student's edit), then runs
# this command. jupyterhub-singleuser is what JupyterHub talks to.
c.DockerSpawner.cmd = ["jupyterhub-singleuser"]
c.DockerSpawner.notebook_dir = "/home/jovyan/work"
c.DockerSpawner.default_url = "/lab/tree/00-getting-started.ipynb"
# Each student's work outlives the container, on a filesystem of its own of
# DESCENT_WORK_SIZE (1G): a sparse file under DESCENT_WORK_ROOT made into
# ext4 and loop-mounted by the hub before each start (prepare_student, below;
# the hub runs as root for it), so that one student filling their folder
# fills 1 GiB, not the class's disk. DESCENT_WORK_SIZE=0 keeps the work in
# an unbounded named volume `descent-{username}` instead.
work_size = os.environ.get("DESCENT_WORK_SIZE", "1G")
work_root = os.environ.get("DESCENT_WORK_ROOT", "/srv/descent-work")
if work_size in ("", "0"):
    c.DockerSpawner.volumes = {"descent-{username}": "/home/jovyan/work"}
else:
    c.DockerSpawner.volumes = {os.path.join(work_root, "mnt", "{username}", "work"): "/home/jovyan/work"}

# Resources per student, from the measurement in hub/README.md: a student's
# server + gonb kernel + Go compiler peaks near 0.4 GiB; the limit leaves
# room for the heavier notebooks and for Go's page cache.
c.DockerSpawner.mem_limit = "1G"
c.DockerSpawner.cpu_limit = 1.0  # one core at most: a cell's compile still takes about a second
# Nothing in a student's container needs a Linux capability or a setuid
# program (it runs as jovyan, uid 1000), and no student should be able to
# fork-bomb the machine. 512 tasks (processes and threads) leave room for the
# server, the kernel and a Go build; `make image-test` executes every notebook
# under these limits and the memory and CPU above.
#
# /tmp is a tmpfs of 256 MiB: a student's runaway write stops there with "No
# space left on device", and counts against the student's 1G of memory, not
# the disk. Go's and gonb's build folders are there (`make image-test` runs
# notebook 00 through this file, /tmp included).
c.DockerSpawner.extra_host_config = {
    "pids_limit": 512,
    "cap_drop": ["ALL"],
    "security_opt": ["no-new-privileges"],
    "tmpfs": {"/tmp": "size=256m,mode=1777"},
}
# The rest of the container's filesystem (its writable layer: ~/ outside
# work/, Go's build cache) is bounded only where the host's container storage
# can: overlay on XFS mounted with pquota. There, set DESCENT_LAYER_SIZE
# (e.g. 2G); elsewhere Docker refuses the option and no student could start.
if os.environ.get("DESCENT_LAYER_SIZE"):
    c.DockerSpawner.extra_host_config["storage_opt"] = {"size": os.environ["DESCENT_LAYER_SIZE"]}

# --- before each start: the work filesystem and the metadata block -----------
# A cloud VM's metadata service (169.254.169.254: AWS, GCP, Azure, …) hands
# out the VM's credentials to anyone who asks from the machine. The hub keeps
# students' containers from reaching it with one firewall rule on the host
# (what Zero to JupyterHub does for pods), ensured before every start: in
# Docker's DOCKER-USER chain, which Docker consults before its own rules for
# traffic from containers, or in FORWARD where there is no DOCKER-USER
# (podman). The host's own requests are not affected. DESCENT_BLOCK_METADATA=0
# leaves the firewall alone (you manage it yourself: hub/README.md).
METADATA_RULE = ["-d", "169.254.169.254/32", "-j", "REJECT"]


def run(*cmd):
    """Run a command on the host; raise with its stderr when it fails."""
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:  # not installed
        raise RuntimeError("%s: %s" % (cmd[0], e)) from None
    if r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip() or "exit status %d" % r.returncode))
    return r


metadata_lock = threading.Lock()  # students start at once: one rule, not one each


def block_cloud_metadata():
    with metadata_lock:
        ensure_metadata_rule()


def ensure_metadata_rule():
    try:
        run("iptables", "-w", "-n", "-L", "DOCKER-USER")
        chain = "DOCKER-USER"
    except RuntimeError:
        chain = "FORWARD"
    try:
        run("iptables", "-w", "-C", chain, *METADATA_RULE)
    except RuntimeError:
        try:
            run("iptables", "-w", "-I", chain, "1", *METADATA_RULE)
        except RuntimeError as e:
            raise RuntimeError(
                "cannot block the cloud metadata address (%s): run the hub as root, or install "
                "the rule yourself and set DESCENT_BLOCK_METADATA=0 (hub/README.md)" % e
            ) from None


def mount_work(name):
    """Mount the student's work filesystem (made the first time) on
    work_root/mnt/name, with work/ in it owned by jovyan."""
    mnt = os.path.join(work_root, "mnt", name)
    if not os.path.ismount(mnt):
        os.makedirs(work_root, mode=0o700, exist_ok=True)
        os.makedirs(mnt, exist_ok=True)
        img = os.path.join(work_root, name + ".ext4")
        if not os.path.exists(img):
            # Sparse: it takes the host's disk as the student writes, up
            # to work_size.
            run("truncate", "-s", work_size, img + ".new")
            os.chmod(img + ".new", 0o600)
            run("mkfs.ext4", "-q", "-m", "0", img + ".new")
            os.rename(img + ".new", img)
        run("mount", "-o", "loop,nosuid,nodev", img, mnt)
    work = os.path.join(mnt, "work")
    if not os.path.isdir(work):
        os.mkdir(work)
        os.chown(work, 1000, 100)  # jovyan:users in the image


def prepare(name):
    if os.environ.get("DESCENT_BLOCK_METADATA", "1") != "0":
        block_cloud_metadata()
    if work_size not in ("", "0"):
        mount_work(name)


async def prepare_student(spawner):
    await asyncio.to_thread(prepare, spawner.escaped_name)


c.Spawner.pre_spawn_hook = prepare_student

# The first start of a container compiles nothing (caches are warm in the
# image), but many students starting at once share the cores.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120

# Stop servers idle for an hour (optional: pip install jupyterhub-idle-culler).
# c.JupyterHub.services = [{"name": "idle-culler",
#     "command": ["python3", "-m", "jupyterhub_idle_culler", "--timeout=3600"]}]
# c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
#     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}]
