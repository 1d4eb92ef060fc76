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
