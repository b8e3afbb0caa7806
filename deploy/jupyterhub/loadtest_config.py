# The one-server config (jupyterhub_config.py) as the load test runs it on 127.0.0.1:
# same start hook, limits and server options; only what a test machine needs changes.
# Started by deploy/jupyterhub/loadtest.py, which sets the CLASSROOM_* variables.
import os
from pathlib import Path

c = get_config()  # noqa: F821

HERE = Path(__file__).resolve().parent
load_subconfig(str(HERE / "jupyterhub_config.py"))  # noqa: F821

RUN = Path(os.environ["CLASSROOM_RUN_DIR"])


def _already(section, key):
    """What jupyterhub_config.py set for a list option (so that we add to it)."""
    return list(section[key]) if key in section else []


c.JupyterHub.bind_url = f"http://127.0.0.1:{os.environ['CLASSROOM_PORT']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["CLASSROOM_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['CLASSROOM_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["CLASSROOM_CHP"]]
c.JupyterHub.db_url = f"sqlite:///{RUN / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(RUN / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(RUN / "jupyterhub.pid")

# Any user name and password log in; servers are local processes of the hub's own user with
# homes under the run folder (no system users needed).
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(RUN / "home" / "{username}")
# A CI runner or a laptop has 2-4 cores for the whole class: ten servers starting at once take
# minutes there, where the course server (a core per ~10 students) takes seconds.
c.Spawner.start_timeout = 900
c.Spawner.http_timeout = 900
if os.getuid() == 0:  # containers and CI runners often run as root
    c.Spawner.args = _already(c.Spawner, "args") + ["--allow-root"]

# The test's admin token: creates the students and reads their servers' state (pids).
c.JupyterHub.services = _already(c.JupyterHub, "services") + [
    {"name": "classroom-loadtest", "api_token": os.environ["CLASSROOM_ADMIN_TOKEN"]}]
c.JupyterHub.load_roles = _already(c.JupyterHub, "load_roles") + [{
    "name": "classroom-loadtest",
    "scopes": ["admin:users", "admin:servers", "list:users", "read:users"],
    "services": ["classroom-loadtest"],
}]
