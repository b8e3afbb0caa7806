"""The packaging files agree with each other and with the README's promises."""

import os
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values()
                                      for r in extra]
    pins = {}
    for req in reqs:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;]+)", req.strip())
        assert m, f"pyproject.toml requirement {req!r} is not pinned with =="
        pins[m.group(1).lower()] = m.group(2)
    return pins


def _environment_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.fullmatch(r"\s*-\s+([A-Za-z0-9_.-]+)==(\S+)\s*", line)
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_environment_yml_and_pyproject_name_the_same_pinned_packages():
    assert _pyproject_pins() == _environment_pins()


def test_environment_has_test_tools_and_python_311():
    text = (ROOT / "environment.yml").read_text()
    assert "python=3.11" in text
    assert {"pytest", "nbval", "torch", "jupyterlab", "ipympl"} <= set(_environment_pins())


def test_torch_is_pinned_to_the_cpu_build_version_everywhere():
    assert _pyproject_pins()["torch"] == "2.13.0"
    make = (ROOT / "Makefile").read_text()
    assert 'install $(TORCH_INDEX) "torch==2.13.0"' in make
    # on Linux the CPU-only build comes from PyTorch's CPU wheel index (the default index
    # resolves the pin to the multi-GB CUDA build); elsewhere the default index is used
    assert re.search(r"ifeq \(\$\(shell uname -s\),Linux\)\nTORCH_INDEX := --extra-index-url "
                     r"\$\(TORCH_CPU_INDEX\)", make)
    assert "TORCH_CPU_INDEX ?= https://download.pytorch.org/whl/cpu" in make


def test_make_lab_as_root_and_with_lab_args():
    import shutil
    import subprocess

    import pytest

    if shutil.which("make") is None:
        pytest.skip("no make")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    dry = subprocess.run(["make", "--no-print-directory", "-n", "-o", ".venv/.base-installed", "lab",
                          "LAB_ARGS=--port 8899 --no-browser"], cwd=ROOT, capture_output=True,
                         text=True, env=env)
    [line] = [ln for ln in dry.stdout.splitlines() if "jupyter lab" in ln]
    assert line.startswith(".venv/bin/python -m jupyter lab") and "--port 8899 --no-browser" in line
    assert ("--allow-root" in line) == (subprocess.run(["id", "-u"], capture_output=True,
                                                       text=True).stdout.strip() == "0")
    assert "notebooks/" not in line, "JupyterLab opens at the course root (notebooks/ and student/)"


def test_no_torchvision_or_torchaudio():
    text = (ROOT / "pyproject.toml").read_text() + (ROOT / "environment.yml").read_text()
    assert "torchvision" not in text and "torchaudio" not in text


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    commands = [l.strip() for l in ci.splitlines() if l.strip() and not l.startswith("#")]
    assert commands[-1] == "make test" and "set -euo pipefail" in commands


def test_notebooks_use_the_plain_python3_kernel():
    import json
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        spec = json.loads(path.read_text())["metadata"].get("kernelspec", {})
        assert spec.get("name") == "python3", f"{path.name} kernelspec is {spec!r}"


def test_make_test_fast_path_does_not_reinstall():
    """Once `make test` has installed .venv, the install targets are up to date (no pip run)."""
    import shutil
    import subprocess

    import pytest

    stamp = ROOT / ".venv" / ".test-installed"
    if not stamp.exists() or shutil.which("make") is None:
        pytest.skip("tests not started through `make test`")
    dry = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    assert "pip" not in dry.stdout and "venv" not in dry.stdout.replace(".venv/bin/python", "")


def test_binder_environment_is_environment_yml_without_the_local_install():
    """repo2docker builds binder/environment.yml before it copies the repository, so that file
    cannot `pip install -e .`; binder/postBuild installs the course afterwards."""
    def lines(path):
        return [ln for ln in (ROOT / path).read_text().splitlines()
                if ln.strip() and not ln.lstrip().startswith("#")]

    root, binder = lines("environment.yml"), lines("binder/environment.yml")
    assert [ln for ln in root if ln.strip() != "- -e ."] == binder
    assert "- -e ." in [ln.strip() for ln in root], "conda users get the course from environment.yml"
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post and os.access(ROOT / "binder" / "postBuild", os.X_OK)
