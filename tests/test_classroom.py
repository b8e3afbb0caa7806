"""A class on JupyterHub (issue 14, section 3): simulated students on a real hub.

One module-scoped run of deploy/jupyterhub/loadtest.py (see its docstring): a JupyterHub on
127.0.0.1 with the course's one-server config (deploy/jupyterhub/jupyterhub_config.py), the npm
``configurable-http-proxy``, a dummy authenticator and local-process servers; CLASSROOM_STUDENTS
students (default 10) log in through the hub's API at once, get their student copies, run
lecture 01 (with exercise 1 solved) through the kernel API of their own server, save, stop, log
out, then log in again and find their work. The tests below check what came back; the figures
(memory, CPU seconds, wall times) are written to build/classroom/loadtest.{md,json} and printed
with ``make classroom-test``. No timing is asserted.

Needs ``configurable-http-proxy`` (``make classroom-proxy``, from npm): installed here when npm
exists; without npm the module skips, unless REQUIRE_BROWSER=1 or CI=true (then it fails).
"""
import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("classroom_loadtest",
                                               ROOT / "deploy" / "jupyterhub" / "loadtest.py")
loadtest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(loadtest)

N_STUDENTS = int(os.environ.get("CLASSROOM_STUDENTS", "10"))
REFERENCE = json.loads((ROOT / "notebooks" / loadtest.LECTURE).read_text(encoding="utf-8"))
COURSE = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BEGIN, STUB = "# BEGIN SOLUTION", "raise NotImplementedError"
CHECK = re.compile(r"\.check\((\w+)\)")


def _src(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _text(cell) -> str:
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream")


def _required() -> bool:
    return os.environ.get("REQUIRE_BROWSER") == "1" or os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="module")
def proxy() -> Path:
    """configurable-http-proxy from npm (make classroom-proxy), or skip/fail without npm."""
    if not loadtest.CHP.exists():
        missing = [tool for tool in ("npm", "node", "make") if shutil.which(tool) is None]
        if missing:
            msg = (f"the classroom load test needs configurable-http-proxy from npm, and "
                   f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing "
                   f"(install Node.js + npm, then "
                   f"`make classroom-proxy`)")
            if _required():
                pytest.fail(msg + " [REQUIRE_BROWSER=1 or CI=true: not skipped]")
            pytest.skip(msg)
        subprocess.run(["make", "--no-print-directory", "classroom-proxy"], cwd=ROOT, check=True)
    return loadtest.CHP


@pytest.fixture(scope="module")
def classroom(proxy, tmp_path_factory):
    result = loadtest.run(N_STUDENTS, run_dir=tmp_path_factory.mktemp("classroom"), chp=proxy)
    out = ROOT / "build" / "classroom"
    out.mkdir(parents=True, exist_ok=True)
    slim = json.loads(json.dumps(result, default=str))
    for s in slim.get("students_detail", []):
        s.get("first", {}).pop("executed", None)
        s.get("first", {}).pop("copy_cells", None)
        s.get("second", {}).pop("notebook", None)
    (out / "loadtest.json").write_text(json.dumps(slim, indent=1))
    if "students_detail" in result:
        summary = (f"{N_STUDENTS} students, {result['cpus']} CPUs, load "
                   f"{result['load_before'][0]:.1f} before; class {result['class_wall_s']:.0f} s "
                   f"wall, whole test {result['total_wall_s']:.0f} s; the class used "
                   f"{result['class_cpu_s']:.0f} CPU-s (students' servers + hub + proxy)")
        alone = [s for s in result["students_detail"] if "server_only_peak_rss_mb" in s]
        if alone:
            summary += (f"\nserver alone (second login, no kernel): peak RSS "
                        f"{max(s['server_only_peak_rss_mb'] for s in alone):.0f} MiB, PSS "
                        f"{max(s['server_only_peak_pss_mb'] for s in alone):.0f} MiB, start + "
                        f"stop {max(s['server_start_stop_cpu_s'] for s in alone):.1f} CPU-s")
        (out / "loadtest.md").write_text(loadtest.table(result) + "\n\n" + summary + "\n")
        print("\n" + loadtest.table(result) + "\n" + summary)
    return result


@pytest.fixture(scope="module")
def students(classroom):
    detail = classroom.get("students_detail")
    assert detail, f"the class did not run; hub log:\n{classroom.get('hub_log_tail')}"
    return detail


def test_every_student_got_through_both_sessions(students, classroom):
    assert [s["name"] for s in students] == [f"student{i:02d}" for i in range(1, N_STUDENTS + 1)]
    failed = {s["name"]: s["error"] for s in students if "error" in s}
    assert not failed, f"{failed}\nhub log:\n{classroom['hub_log_tail']}"
    # two logins, two separate server processes (stopped in between), each seen by the sampler
    assert all(s["servers_seen"] == 2 for s in students), [s["servers_seen"] for s in students]


def test_login_and_logout_go_through_the_hub_api(students):
    for s in students:
        # after logout the revoked token is refused by the hub
        assert s["first"]["token_after_logout"] == 403
        assert s["second"]["token_after_logout"] == 403
        # a student's token does not even see another student
        if N_STUDENTS > 1:
            assert s["other_user_status"] == 404, s["other_user_status"]


def test_each_student_gets_their_own_student_copies(students, classroom):
    n_solutions = sum(_src(c).count(BEGIN) for c in REFERENCE["cells"])
    assert n_solutions >= 2
    for s in students:
        assert s["first"]["folder"] == COURSE, s["first"]["folder"]
        copy = "\n".join(s["first"]["copy_cells"])
        assert BEGIN not in copy, "a solution reached a student's copy"
        assert copy.count(STUB) == n_solutions, "every exercise becomes a stub"
        # the copies are files in that student's own home
        home = set(classroom["homes"][s["name"]])
        assert {f"{loadtest.FOLDER}/{name}" for name in COURSE} <= home


def test_lecture_01_prints_what_the_student_copy_should(students):
    """The exact expectation for a student copy of lecture 01 with exercise 1 solved:

    - every code cell runs (execute_reply "ok") and none has an error output;
    - the check of the solved exercise prints the reference notebook's own verdict
      ("✅ predict: all N hidden cases pass."), each other check prints
      "⏳ <its exercise>: not implemented yet ..." (the expected state of an unsolved exercise;
      no ❌ anywhere);
    - every other cell whose printed result the course checks (NBVAL_CHECK_OUTPUT) prints what
      the reference notebook stored.
    """
    ref_code = {c["id"]: c for c in REFERENCE["cells"]
                if c["cell_type"] == "code" and _src(c).strip()}
    for s in students:
        nb = s["first"]["executed"]
        code = [c for c in nb["cells"] if c["cell_type"] == "code" and _src(c).strip()]
        assert len(s["first"]["cell_status"]) == len(code)
        assert {c["status"] for c in s["first"]["cell_status"]} == {"ok"}
        errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
        assert not errors, f"{s['name']}: {errors[0]['ename']}: {errors[0]['evalue']}"
        everything = "".join(_text(c) for c in code)
        assert "❌" not in everything
        checks = 0
        for cell in code:
            ref = ref_code[cell["id"]]  # student copies keep the cell ids
            m = CHECK.search(_src(ref))
            if m:
                checks += 1
                verdict = _text(ref)  # "✅ <name>: all N hidden cases pass." in the reference
                name = verdict.split(":")[0].removeprefix("✅ ")
                if name == loadtest.SOLVED.removeprefix("def ").rstrip("("):
                    assert _text(cell) == verdict, (s["name"], _text(cell))
                else:
                    assert _text(cell).startswith(f"⏳ {name}: not implemented yet"), \
                        (s["name"], _text(cell))
            elif "NBVAL_CHECK_OUTPUT" in _src(ref):
                assert _text(cell).split() == _text(ref).split(), (s["name"], _src(ref)[:80])
        assert checks == sum(bool(CHECK.search(_src(c))) for c in ref_code.values()) >= 2


def test_work_survives_logout_and_a_second_login(students, classroom):
    solution = loadtest.reference_solution()
    for s in students:
        second = s["second"]
        assert second["notes"] == f"notes of {s['name']}\n", "the student's own file is lost"
        assert second["folder"] == COURSE
        # the start hook ran again at the second login and kept the edited notebook
        saved = second["notebook"]
        [cell] = [c for c in saved["cells"] if loadtest.SOLVED in _src(c)]
        assert _src(cell) == solution, "the student's solution was overwritten"
        assert "✅" in "".join(_text(c) for c in saved["cells"]), "the saved outputs are lost"
        assert f"{loadtest.NOTES}" in classroom["homes"][s["name"]]


def test_resources_were_measured_for_every_student(students, classroom):
    for s in students:
        # the sampler saw the server and its kernel (at least two processes) at work
        assert s["peak_procs"] >= 2, s
        assert 0 < s["peak_uss_mb"] <= s["peak_pss_mb"] <= s["peak_rss_mb"]
        assert s["cpu_s"] > 0 and s["cpu_s_all_sessions"] >= s["cpu_s"]
    assert classroom["hub"]["cpu_s"] > 0 and classroom["hub"]["proxy_peak_rss_mb"] > 0
