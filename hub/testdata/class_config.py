# JupyterHub configuration for class_test.go: local_config.py's hub, run as
# root, whose single-user servers run as the Unix users of their names
# (LocalProcessSpawner setuids to the user; the test created them with
# useradd): an instructor and the students of a class, each in their home.
#
# Besides local_config.py's HUBTEST_* variables (HUBTEST_UNIX_USERS=1 among
# them), the test sets:
#   HUBTEST_SINGLEUSER  the jupyterhub-singleuser the users can run (the
#                       .venv's, or the test's shim of it: class_test.go)
#   HUBTEST_USER_ENV    a folder with one <user>.json per user: the
#                       environment of that user's server (PATH, Go's caches,
#                       the nbgrader exchange, JUPYTER_CONFIG_PATH, …)
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
# load_subconfig passes silently over a missing file: check it is there.
assert os.path.exists(os.path.join(here, "local_config.py"))
load_subconfig("local_config.py", here)  # noqa: F821 (traitlets' config loader defines it)

c = get_config()  # noqa: F821

c.Spawner.cmd = [os.environ["HUBTEST_SINGLEUSER"]]
c.Spawner.notebook_dir = "~"  # the user's home (from /etc/passwd)
c.Spawner.args = []  # no --allow-root: the servers are not root's
# JupyterLab's application object on window.jupyterapp: the test's browser
# opens nbgrader's assignment list through its command.
c.Spawner.args.append("--LabApp.expose_app_in_browser=True")


def user_environment(spawner):
    with open(os.path.join(os.environ["HUBTEST_USER_ENV"], spawner.user.name + ".json")) as f:
        spawner.environment = {**spawner.environment, **json.load(f)}


c.Spawner.pre_spawn_hook = user_environment
