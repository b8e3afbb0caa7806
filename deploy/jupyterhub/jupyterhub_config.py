# JupyterHub for a class of "Deep Learning, hands on" on ONE server.
#
# What a student gets: they log in, their own server starts, and ~/dl-hands-on/ holds their
# student copies of the eight lectures (exercises blank, no solutions). The copies are written
# at every server start by deploy/jupyterhub/student-start (python -m helpers.student), which
# never overwrites a copy the student already has: their work survives logouts, restarts and
# course updates. JupyterLab opens on that folder.
#
# Plain JupyterHub (a course machine, a lab server):
#     git clone <course repository> /srv/dl-hands-on && cd /srv/dl-hands-on && make test
#     npm install -g configurable-http-proxy@5.3.0
#     COURSE_DIR=/srv/dl-hands-on .venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py
#   (add an authenticator of your institution; the default PAM one logs in system users).
#
# The Littlest JupyterHub (TLJH, https://tljh.jupyter.org): clone the repository to
# /srv/dl-hands-on, install it into the users' environment (sudo -E pip install -e
# /srv/dl-hands-on) and put a file /opt/tljh/config/jupyterhub_config.d/dl_hands_on.py with
#     import os
#     os.environ.setdefault("COURSE_DIR", "/srv/dl-hands-on")
#     os.environ.setdefault("COURSE_PYTHON", "/opt/tljh/user/bin/python")
#     load_subconfig("/srv/dl-hands-on/deploy/jupyterhub/jupyterhub_config.py")
# then `sudo tljh-config reload`. TLJH's systemd spawner enforces the limits below (they
# replace `tljh-config set limits.memory/limits.cpu`) and TLJH already culls idle servers.
#
# Updating the course during the term: `git pull` in COURSE_DIR (and re-install if
# pyproject.toml changed). At their next server start students get every NEW notebook; a
# notebook they already have is kept as it is. To take the new version of one lecture, a
# student renames their copy (keeping their work) and restarts their server (File > Hub
# Control Panel > Stop My Server > Start), or runs in a terminal:
#     python -m helpers.student $COURSE_DIR/notebooks ~/dl-hands-on
# To push updates with nbgitpuller links instead, see deploy/jupyterhub/README.md.
#
# The load test (make classroom-test, tests/test_classroom.py) runs THIS file on 127.0.0.1
# through deploy/jupyterhub/loadtest_config.py, which only changes the authenticator, the
# spawner (no system users), ports and paths.
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

HERE = Path(__file__).resolve().parent
# The course repository (source of the notebooks) and the Python that has `helpers`,
# jupyterlab and ipykernel installed (default: the one running the hub, e.g. .venv/bin/python).
COURSE_DIR = os.environ.get("COURSE_DIR", str(HERE.parent.parent))
COURSE_PYTHON = os.environ.get("COURSE_PYTHON", sys.executable)
COURSE_FOLDER = os.environ.get("COURSE_FOLDER", "dl-hands-on")

# --- every student's server: student copies first, then the server --------------------------
c.Spawner.cmd = [str(HERE / "student-start"), COURSE_PYTHON, "-m", "jupyterhub.singleuser"]
c.Spawner.environment = {
    "COURSE_DIR": COURSE_DIR,
    "COURSE_PYTHON": COURSE_PYTHON,
    "COURSE_FOLDER": COURSE_FOLDER,
    # One thread per kernel for torch/BLAS: with a 1-CPU limit more threads only contend
    # (and on a shared server, 30 kernels x N threads would oversubscribe every core).
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}
c.Spawner.default_url = f"/lab/tree/{COURSE_FOLDER}" if COURSE_FOLDER else "/lab"
# nbgrader's instructor tools (formgrader, course list) are not for students: when nbgrader is
# installed in the students' environment, their servers do not load them.
c.Spawner.args = ["--ServerApp.jpserver_extensions="
                  "{'nbgrader.server_extensions.formgrader': False,"
                  " 'nbgrader.server_extensions.course_list': False}"]

# --- resources per student (sized from the load test; arithmetic in helm-values.yaml) ---------
# Enforced by SystemdSpawner (TLJH) and KubeSpawner; LocalProcessSpawner only announces them to
# the server (MEM_LIMIT / CPU_LIMIT variables, shown by jupyter-resource-usage if installed).
c.Spawner.mem_limit = "1.25G"
c.Spawner.cpu_limit = 1.0
# Kernels idle for an hour are shut down inside each server (whole idle servers: see the end).
c.Spawner.args += ["--MappingKernelManager.cull_idle_timeout=3600",
                   "--MappingKernelManager.cull_interval=300"]

# --- a class logging in at once ---------------------------------------------------------------
# A server start costs seconds of CPU (the load test measures it); when a whole class logs in
# at once they queue for the cores, so give a start minutes rather than JupyterHub's default 60 s
# before it is declared failed.
c.JupyterHub.concurrent_spawn_limit = 30   # spawns in flight; the rest get "try again" at once
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300

# Servers idle for an hour are stopped by jupyterhub-idle-culler when it is installed in the
# hub's environment (pip install jupyterhub-idle-culler); TLJH runs its own culler already.
services = list(c.JupyterHub.services) if "services" in c.JupyterHub else []
has_culler = any("idle_culler" in " ".join(map(str, svc.get("command", []))) for svc in services)
try:
    import jupyterhub_idle_culler  # noqa: F401
    culler_installed = True
except ImportError:
    culler_installed = False
if culler_installed and not has_culler:
    c.JupyterHub.services = services + [{
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"],
    }]
    roles = list(c.JupyterHub.load_roles) if "load_roles" in c.JupyterHub else []
    c.JupyterHub.load_roles = roles + [{
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }]
