import os
import sys
from pathlib import Path

# The package under test from this checkout (also for pytester's
# subprocesses), and the binary next to it.
_python = str(Path(__file__).resolve().parents[1])
sys.path.insert(0, _python)
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (_python, os.environ.get("PYTHONPATH")) if p)
os.environ.setdefault("POP3_HARNESS", str(Path(__file__).resolve().parents[2] / "build" / "pop3-harness"))
pytest_plugins = ["pytester"]



import pytest


@pytest.fixture(scope="session")
def pop3_server_for_tests(tmp_path_factory):
    """A `pop3-harness serve` of our own (user 'pytest'), for tests that need
    a server outside pytester's runs: a wrong password, a refused login."""
    from pop3_harness.pytest_plugin import serve

    with serve(os.environ["POP3_HARNESS"], tmp_path_factory.mktemp("serve"), user="pytest", tls=False) as server:
        yield server
