"""A class on a real JupyterHub, simulated: N students log in at once and run lecture 01.

    python deploy/jupyterhub/loadtest.py [--students 10] [--json report.json]

(``make classroom-test`` runs it through tests/test_classroom.py, which checks the results.)

What happens, all on 127.0.0.1 with random ports:

1. a JupyterHub starts with deploy/jupyterhub/jupyterhub_config.py (through loadtest_config.py:
   dummy authenticator, local-process spawner with homes in a temporary folder, the npm
   ``configurable-http-proxy``); the test's admin token creates the students;
2. every student, concurrently: logs in through the hub's REST API (username + password ->
   their own API token), starts their server (the start hook writes their student copies),
   lists ~/dl-hands-on, saves a file of their own, solves exercise 1 (``predict``) in their copy
   of lecture 01, executes every code cell of it through the kernel API of their own server
   (REST sessions + the websocket channels, as JupyterLab does), saves the executed notebook,
   shuts the kernel down, stops their server and logs out (their token is revoked);
3. every student logs in a second time and reads back their file and their notebook (the start
   hook ran again and must not have overwritten them), then stops and logs out;
4. meanwhile a sampler reads every 0.25 s the memory (RSS, and PSS/USS: shared pages counted
   once) and CPU seconds of each student's process tree (server + kernels) and of the hub
   and proxy processes.

The result is a JSON-able dict (see ``run``); nothing here asserts: the test does.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import psutil
import requests
import websocket  # websocket-client (a dependency of jupyter_server)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LECTURE = "01_perceptron.ipynb"
SOLVED = "def predict("        # the exercise each simulated student solves (cell that defines it)
FOLDER = "dl-hands-on"
NOTES = "my_notes.txt"
CHP = ROOT / "build" / "classroom" / "node_modules" / ".bin" / "configurable-http-proxy"
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _src(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


# ----------------------------------------------------------------------------- the hub
class Hub:
    """A JupyterHub process on 127.0.0.1 (with its proxy and the students' servers)."""

    def __init__(self, run_dir: Path, chp: Path = CHP):
        self.run_dir = Path(run_dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(32)
        self.log_path = self.run_dir / "jupyterhub.log"
        self.chp = Path(chp)
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> None:
        (self.run_dir / "home").mkdir(parents=True, exist_ok=True)
        env = dict(os.environ,
                   CLASSROOM_RUN_DIR=str(self.run_dir), CLASSROOM_PORT=str(self.port),
                   CLASSROOM_HUB_PORT=str(free_port()),
                   CLASSROOM_PROXY_API_PORT=str(free_port()),
                   CLASSROOM_CHP=str(self.chp), CLASSROOM_ADMIN_TOKEN=self.token,
                   COURSE_DIR=str(ROOT), COURSE_PYTHON=sys.executable)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(HERE / "loadtest_config.py")],
            cwd=self.run_dir, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"jupyterhub did not answer in {timeout} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 60)
        return requests.request(method, f"{self.url}/hub/api{path}",
                                headers={"Authorization": f"token {self.token}"}, **kw)

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM the hub (it stops the servers and the proxy), then kill what is left of ours."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        try:  # leftovers in the hub's own session (started by us): the proxy, servers, kernels
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()


# ----------------------------------------------------------------------------- the sampler
class Sampler(threading.Thread):
    """Peak memory and CPU seconds of each student's process tree, of the hub and the proxy."""

    def __init__(self, hub_pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.hub = psutil.Process(hub_pid)
        self.interval = interval
        self.stopping = threading.Event()
        self.servers: dict[int, dict] = {}    # server pid -> user, peaks, cpu
        self.hub_stats = {"peak_rss": 0, "cpu": 0.0}
        self.proxy_stats = {"peak_rss": 0, "cpu": 0.0}
        self.samples = 0

    @staticmethod
    def _user(proc: psutil.Process) -> str | None:
        try:
            return proc.environ().get("JUPYTERHUB_USER")
        except (psutil.Error, OSError):
            return None

    def _sample(self) -> None:
        with self.hub.oneshot():
            t = self.hub.cpu_times()
            self.hub_stats["cpu"] = max(self.hub_stats["cpu"], t.user + t.system)
            self.hub_stats["peak_rss"] = max(self.hub_stats["peak_rss"], self.hub.memory_info().rss)
        for child in self.hub.children():
            try:
                if "configurable-http-proxy" in " ".join(child.cmdline()):
                    t = child.cpu_times()
                    self.proxy_stats["cpu"] = max(self.proxy_stats["cpu"], t.user + t.system)
                    self.proxy_stats["peak_rss"] = max(self.proxy_stats["peak_rss"],
                                                       child.memory_info().rss)
                    continue
                rec = self.servers.get(child.pid)
                if rec is None:
                    user = self._user(child)
                    if user is None:
                        continue
                    rec = self.servers[child.pid] = {
                        "user": user, "first_seen": time.time(), "peak_rss": 0, "peak_pss": 0,
                        "peak_uss": 0, "cpu": 0.0, "peak_procs": 0}
                tree = [child] + child.children(recursive=True)
                rss = pss = uss = 0
                t = child.cpu_times()  # children_*: its kernels that have already exited
                cpu = t.user + t.system + t.children_user + t.children_system
                for p in tree:
                    try:
                        m = p.memory_full_info()
                        rss, pss, uss = rss + m.rss, pss + m.pss, uss + m.uss
                        if p is not child:
                            tp = p.cpu_times()
                            cpu += tp.user + tp.system
                    except psutil.Error:
                        pass
                rec["last_seen"] = time.time()
                rec["peak_rss"] = max(rec["peak_rss"], rss)
                rec["peak_pss"] = max(rec["peak_pss"], pss)
                rec["peak_uss"] = max(rec["peak_uss"], uss)
                rec["cpu"] = max(rec["cpu"], cpu)
                rec["peak_procs"] = max(rec["peak_procs"], len(tree))
            except psutil.Error:
                continue
        self.samples += 1

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._sample()
            except psutil.Error:
                pass
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
        self.join(10)

    def by_user(self) -> dict[str, list[dict]]:
        """Each user's server sessions, in the order they started."""
        out: dict[str, list[dict]] = {}
        for rec in sorted(self.servers.values(), key=lambda r: r["first_seen"]):
            out.setdefault(rec["user"], []).append(rec)
        return out


# ----------------------------------------------------------------------------- a kernel client
def _decode(raw) -> dict:
    """A message from jupyter_server's kernel websocket (JSON text, or the legacy binary frame)."""
    if isinstance(raw, bytes):  # [n][offsets...][json][buffers...] (big-endian uint32)
        n = int.from_bytes(raw[:4], "big")
        offsets = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(n)]
        raw = raw[offsets[0]: offsets[1] if n > 1 else None].decode()
    return json.loads(raw)


class KernelClient:
    """Just enough of the Jupyter messaging protocol over the websocket to run notebook cells."""

    def __init__(self, ws_url: str, token: str, username: str, timeout: float):
        self.session = uuid.uuid4().hex
        self.username = username
        self.ws = websocket.create_connection(
            f"{ws_url}?session_id={self.session}", timeout=timeout,
            header=[f"Authorization: token {token}"], suppress_origin=True)

    def _send(self, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "username": self.username,
                       "session": self.session, "version": "5.3",
                       "date": datetime.now(timezone.utc).isoformat()},
            "parent_header": {}, "metadata": {}, "content": content,
            "channel": "shell", "buffers": []}))
        return msg_id

    def kernel_info(self) -> dict:
        msg_id = self._send("kernel_info_request", {})
        while True:
            msg = _decode(self.ws.recv())
            if (msg.get("parent_header", {}).get("msg_id") == msg_id
                    and msg["msg_type"] == "kernel_info_reply"):
                return msg["content"]

    def execute(self, code: str) -> tuple[list[dict], dict]:
        """Run one cell: (nbformat outputs, execute_reply content)."""
        msg_id = self._send("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True})
        outputs: list[dict] = []
        reply, idle = None, False
        while reply is None or not idle:
            msg = _decode(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if msg.get("channel") == "shell" and kind == "execute_reply":
                reply = content
            elif kind == "status":
                idle = content["execution_state"] == "idle"
            elif kind == "stream":
                if outputs and outputs[-1]["output_type"] == "stream" \
                        and outputs[-1]["name"] == content["name"]:
                    outputs[-1]["text"] += content["text"]
                else:
                    outputs.append({"output_type": "stream", "name": content["name"],
                                    "text": content["text"]})
            elif kind in ("display_data", "execute_result"):
                out = {"output_type": kind, "data": content["data"],
                       "metadata": content.get("metadata", {})}
                if kind == "execute_result":
                    out["execution_count"] = content["execution_count"]
                outputs.append(out)
            elif kind == "error":
                outputs.append({"output_type": "error", "ename": content["ename"],
                                "evalue": content["evalue"], "traceback": content["traceback"]})
            elif kind == "clear_output":
                outputs.clear()
        return outputs, reply

    def close(self) -> None:
        self.ws.close()


# ----------------------------------------------------------------------------- a student
class Student:
    """One simulated student: their own token, server, files and kernel."""

    def __init__(self, hub: Hub, name: str, password: str, cell_timeout: float):
        self.hub, self.name, self.password = hub, name, password
        self.cell_timeout = cell_timeout
        self.http = requests.Session()
        self.token = self.token_id = None

    # hub API, as the student
    def hub_api(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 120)
        return self.http.request(method, f"{self.hub.url}/hub/api{path}", **kw)

    def server_api(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 120)
        return self.http.request(method, f"{self.hub.url}/user/{self.name}/api{path}", **kw)

    def login(self) -> None:
        """Username + password -> a token of their own (the hub's authenticator checks them)."""
        r = self.http.post(f"{self.hub.url}/hub/api/users/{self.name}/tokens", timeout=120,
                           json={"auth": {"username": self.name, "password": self.password},
                                 "note": "classroom load test", "expires_in": 3600})
        r.raise_for_status()
        self.token, self.token_id = r.json()["token"], r.json()["id"]
        self.http.headers["Authorization"] = f"token {self.token}"
        me = self.hub_api("GET", "/user")
        me.raise_for_status()
        if me.json()["name"] != self.name:
            raise RuntimeError(f"logged in as {me.json()['name']}, not {self.name}")

    def start_server(self, timeout: float) -> None:
        r = self.hub_api("POST", f"/users/{self.name}/server")
        if r.status_code not in (201, 202):
            raise RuntimeError(f"start server: {r.status_code} {r.text}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            srv = self.hub_api("GET", f"/users/{self.name}").json()["servers"].get("")
            if srv is None:  # the hub gave up on it (its log says why)
                raise RuntimeError(f"{self.name}'s server failed to start")
            if srv.get("ready"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{self.name}'s server not ready after {timeout} s")

    def stop_server(self, timeout: float = 120) -> None:
        r = self.hub_api("DELETE", f"/users/{self.name}/server")
        if r.status_code not in (202, 204):
            raise RuntimeError(f"stop server: {r.status_code} {r.text}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "" not in self.hub_api("GET", f"/users/{self.name}").json()["servers"]:
                return
            time.sleep(0.3)
        raise RuntimeError(f"{self.name}'s server did not stop in {timeout} s")

    def logout(self) -> int:
        """Revoke the token; returns the status the revoked token then gets from the hub (403)."""
        r = self.hub_api("DELETE", f"/users/{self.name}/tokens/{self.token_id}")
        r.raise_for_status()
        status = self.hub_api("GET", "/user").status_code
        self.http.headers.pop("Authorization", None)
        return status

    # files, as the student (through their own server)
    def list_folder(self) -> list[str]:
        r = self.server_api("GET", f"/contents/{FOLDER}")
        r.raise_for_status()
        return sorted(item["name"] for item in r.json()["content"])

    def read(self, path: str):
        r = self.server_api("GET", f"/contents/{path}", params={"content": 1})
        r.raise_for_status()
        return r.json()["content"]

    def write(self, path: str, content, kind: str = "file") -> None:
        model = ({"type": "file", "format": "text", "content": content} if kind == "file"
                 else {"type": "notebook", "format": "json", "content": content})
        self.server_api("PUT", f"/contents/{path}", json=model).raise_for_status()

    def run_notebook(self, path: str, nb: dict) -> dict:
        """Execute every code cell of ``nb`` in a kernel of their server, as JupyterLab would."""
        r = self.server_api("POST", "/sessions", json={
            "path": path, "name": Path(path).name, "type": "notebook",
            "kernel": {"name": "python3"}})
        r.raise_for_status()
        session = r.json()
        ws_url = (f"ws://127.0.0.1:{self.hub.port}/user/{self.name}/api/kernels/"
                  f"{session['kernel']['id']}/channels")
        client = KernelClient(ws_url, self.token, self.name, self.cell_timeout)
        cells = []
        try:
            client.kernel_info()
            for i, cell in enumerate(nb["cells"]):
                if cell["cell_type"] != "code" or not _src(cell).strip():
                    continue
                outputs, reply = client.execute(_src(cell))
                cell["outputs"] = outputs
                cell["execution_count"] = reply.get("execution_count")
                cells.append({"index": i, "status": reply["status"]})
        finally:
            client.close()
            self.server_api("DELETE", f"/sessions/{session['id']}")
        return {"cells": cells}


def _first_session(st: Student, solution: str, timeout: float) -> dict:
    rec: dict = {}
    t0 = time.monotonic()
    st.login()
    rec["login_s"] = time.monotonic() - t0
    st.start_server(timeout)
    rec["spawn_s"] = time.monotonic() - t0 - rec["login_s"]
    rec["folder"] = st.list_folder()
    st.write(NOTES, f"notes of {st.name}\n")
    path = f"{FOLDER}/{LECTURE}"
    nb = st.read(path)
    rec["copy_cells"] = [_src(c) for c in nb["cells"]]
    # the student solves exercise 1: their copy's stub cell gets the reference solution
    [idx] = [i for i, c in enumerate(nb["cells"])
             if c["cell_type"] == "code" and SOLVED in _src(c)]
    nb["cells"][idx]["source"] = solution
    t1 = time.monotonic()
    run = st.run_notebook(path, nb)
    rec["exec_s"] = time.monotonic() - t1
    rec["cell_status"] = run["cells"]
    st.write(path, nb, kind="notebook")    # save their work (with its outputs)
    rec["executed"] = nb
    st.stop_server()
    rec["token_after_logout"] = st.logout()
    rec["wall_s"] = time.monotonic() - t0
    return rec


def _second_session(st: Student, timeout: float) -> dict:
    rec: dict = {}
    t0 = time.monotonic()
    st.login()
    st.start_server(timeout)
    rec["spawn_s"] = time.monotonic() - t0
    rec["folder"] = st.list_folder()
    rec["notes"] = st.read(NOTES)
    rec["notebook"] = st.read(f"{FOLDER}/{LECTURE}")
    st.stop_server()
    rec["token_after_logout"] = st.logout()
    rec["wall_s"] = time.monotonic() - t0
    return rec


def _student(hub: Hub, name: str, other: str | None, password: str, solution: str,
             spawn_timeout: float, cell_timeout: float) -> dict:
    st = Student(hub, name, password, cell_timeout)
    out: dict = {"name": name}
    try:
        out["first"] = _first_session(st, solution, spawn_timeout)
    except Exception as exc:  # reported, the test fails on it
        out["error"] = f"first session: {type(exc).__name__}: {exc}"
        return out
    try:
        out["second"] = _second_session(st, spawn_timeout)
        # a student's token cannot even see another student
        st.login()
        if other is not None:
            out["other_user_status"] = st.hub_api("GET", f"/users/{other}").status_code
        st.logout()
    except Exception as exc:
        out["error"] = f"second session: {type(exc).__name__}: {exc}"
    return out


# ----------------------------------------------------------------------------- the whole class
def reference_solution(nb_path: Path = ROOT / "notebooks" / LECTURE) -> str:
    """The source of the reference notebook's cell that defines the solved exercise."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    [src] = [_src(c) for c in nb["cells"] if c["cell_type"] == "code" and SOLVED in _src(c)]
    return src


def run(n_students: int = 10, run_dir: Path | None = None, chp: Path = CHP,
        spawn_timeout: float = 900, cell_timeout: float = 900) -> dict:
    """Start a hub, run the class, stop the hub; returns everything measured (see module doc)."""
    own_dir = run_dir is None
    run_dir = Path(tempfile.mkdtemp(prefix="classroom-")) if own_dir else Path(run_dir)
    hub = Hub(run_dir, chp)
    names = [f"student{i:02d}" for i in range(1, n_students + 1)]
    result: dict = {"students": n_students, "cpus": os.cpu_count(),
                    "load_before": os.getloadavg(), "run_dir": str(run_dir)}
    t0 = time.monotonic()
    try:
        hub.start()
        result["hub_start_s"] = time.monotonic() - t0
        sampler = Sampler(hub.proc.pid)
        sampler.start()
        r = hub.api("POST", "/users", json={"usernames": names})
        if r.status_code != 201:
            raise RuntimeError(f"creating users: {r.status_code} {r.text}")
        solution = reference_solution()
        t_class = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(n_students) as pool:
            futures = [pool.submit(_student, hub, name,
                                   names[(i + 1) % n_students] if n_students > 1 else None,
                                   secrets.token_hex(8), solution, spawn_timeout, cell_timeout)
                       for i, name in enumerate(names)]
            students = [f.result() for f in futures]
        result["class_wall_s"] = time.monotonic() - t_class
        sampler.stop()
        sessions = sampler.by_user()
        for s in students:
            mine = sessions.get(s["name"], [])
            s["servers_seen"] = len(mine)
            if mine:
                first = mine[0]
                s["peak_rss_mb"] = first["peak_rss"] / MB
                s["peak_pss_mb"] = first["peak_pss"] / MB
                s["peak_uss_mb"] = first["peak_uss"] / MB
                s["cpu_s"] = first["cpu"]
                s["peak_procs"] = first["peak_procs"]
                s["cpu_s_all_sessions"] = sum(m["cpu"] for m in mine)
            if len(mine) > 1:  # the second login starts the server but no kernel
                s["server_only_peak_rss_mb"] = mine[1]["peak_rss"] / MB
                s["server_only_peak_pss_mb"] = mine[1]["peak_pss"] / MB
                s["server_start_stop_cpu_s"] = mine[1]["cpu"]
        result["students_detail"] = students
        result["hub"] = {"peak_rss_mb": sampler.hub_stats["peak_rss"] / MB,
                         "cpu_s": sampler.hub_stats["cpu"],
                         "proxy_peak_rss_mb": sampler.proxy_stats["peak_rss"] / MB,
                         "proxy_cpu_s": sampler.proxy_stats["cpu"]}
        result["class_cpu_s"] = (sum(s.get("cpu_s_all_sessions", 0.0) for s in students)
                                 + sampler.hub_stats["cpu"] + sampler.proxy_stats["cpu"])
        result["samples"] = sampler.samples
        result["homes"] = {n: sorted(str(p.relative_to(run_dir / "home" / n))
                                     for p in (run_dir / "home" / n).rglob("*")
                                     if p.is_file() and "/." not in "/" + str(
                                         p.relative_to(run_dir / "home" / n)))
                           for n in names if (run_dir / "home" / n).is_dir()}
    finally:
        hub.stop()
        result["total_wall_s"] = time.monotonic() - t0
        result["load_after"] = os.getloadavg()
        result["hub_log_tail"] = hub.log_tail()
        if own_dir:
            shutil.rmtree(run_dir, ignore_errors=True)
    return result


def table(result: dict) -> str:
    """The measured figures as a markdown table (one row per student, then the hub)."""
    nan = float("nan")
    rows = ["| student | peak RSS (MiB) | peak PSS (MiB) | peak USS (MiB) | CPU, 1st login (s) "
            "| CPU, both logins (s) | server start (s) | run lecture 01 (s) "
            "| login to logout (s) |", "|---|" + "---:|" * 8]
    for s in result["students_detail"]:
        f = s.get("first", {})
        rows.append(f"| {s['name']} | {s.get('peak_rss_mb', nan):.0f} "
                    f"| {s.get('peak_pss_mb', nan):.0f} | {s.get('peak_uss_mb', nan):.0f} "
                    f"| {s.get('cpu_s', nan):.1f} | {s.get('cpu_s_all_sessions', nan):.1f} "
                    f"| {f.get('spawn_s', nan):.0f} | {f.get('exec_s', nan):.0f} "
                    f"| {f.get('wall_s', nan):.0f} |")
    h = result["hub"]
    rows.append(f"| hub (+ proxy) | {h['peak_rss_mb']:.0f} (+{h['proxy_peak_rss_mb']:.0f}) | | "
                f"| | {h['cpu_s']:.1f} (+{h['proxy_cpu_s']:.1f}) | | | |")
    return "\n".join(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--students", type=int, default=10)
    ap.add_argument("--json", help="write the measurements to this file")
    args = ap.parse_args(argv)
    result = run(args.students)
    for s in result.get("students_detail", []):
        s.get("first", {}).pop("executed", None)
        s.get("first", {}).pop("copy_cells", None)
        s.get("second", {}).pop("notebook", None)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, default=str))
    print(table(result))
    print(f"class: {result.get('class_wall_s', float('nan')):.1f} s wall, "
          f"{result['class_cpu_s']:.0f} CPU-s (students' servers + hub + proxy) "
          f"on {result['cpus']} CPUs "
          f"(load {result['load_before'][0]:.1f} before)")
    errors = [s for s in result["students_detail"] if "error" in s]
    for s in errors:
        print(s["name"], s["error"])
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
