"""Installed without PyPI, the plugin loads through its pytest11 entry point."""

import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def test_pip_install_from_the_checkout_registers_the_plugin(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    venv = tmp_path / "venv"
    # Debian's pytest and pip come from apt: a venv that sees them, and an
    # install that downloads nothing.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-index", str(source)],
                   check=True)
    project = tmp_path / "project"
    project.mkdir()
    (project / "check.pop3").write_text("scenario: greeting\nrfc: rfc1939#4\n\nS: +OK {*}\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    listed = subprocess.run([python, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider"], cwd=project, env=env,
                            capture_output=True, text=True)
    assert "check.pop3::check" in listed.stdout, listed.stdout + listed.stderr
    plugins = subprocess.run([python, "-c", "import importlib.metadata as m; "
                              "print([e.value for e in m.entry_points(group='pytest11')])"],
                             env=env, capture_output=True, text=True)
    assert "pop3_harness.pytest_plugin" in plugins.stdout

    # From a checkout, with the package installed: the checkout's binary is
    # found (no POP3_HARNESS, nothing on PATH), and '-p' as documented for
    # PYTHONPATH use does not register the plugin twice.
    checkout = PACKAGE.parent
    ran = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pop3_harness.pytest_plugin",
                          "scenarios/rfc1939/stat-basic.pop3"], cwd=checkout,
                         env=dict(env, PYTHONPATH=str(PACKAGE)), capture_output=True, text=True)
    assert "1 passed" in ran.stdout, ran.stdout + ran.stderr
    assert "already registered" not in ran.stdout + ran.stderr
    # The installed plugin alone, run from the checkout: its binary is found there.
    ran = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "scenarios/rfc1939/stat-basic.pop3"],
                         cwd=checkout, env=env, capture_output=True, text=True)
    assert "1 passed" in ran.stdout, ran.stdout + ran.stderr
