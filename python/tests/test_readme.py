"""Every scenario example in README.md parses and runs, as a user copying it would."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("POP3_HARNESS", str(ROOT / "build" / "pop3-harness"))


def scenario_examples():
    """The fenced blocks of README.md whose first step-like line is 'scenario:'."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```$", text, flags=re.M | re.S)
    found = []
    for block in blocks:
        lines = [l for l in block.splitlines() if l.strip() and not l.lstrip().startswith("#")]
        if lines and lines[0].startswith("scenario:"):
            found.append(block)
    return found


EXAMPLES = scenario_examples()


def test_the_readme_has_scenario_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_a_readme_scenario_example_parses_and_runs(index, tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    for folder in ("fixtures", "include"):
        shutil.copytree(ROOT / "scenarios" / folder, suite / folder)
    path = suite / f"example-{index}.pop3"
    path.write_text(EXAMPLES[index], encoding="utf-8")
    server_role = re.search(r"^role:\s*server", EXAMPLES[index], flags=re.M) is not None
    args = [BINARY, "run", str(path), "--junit", str(tmp_path / "junit.xml")]
    if server_role:
        # Python's poplib as the client: the scenario parses and runs; its verdict is the client's.
        client = (f"/usr/bin/python3 {ROOT}/ci/clients/poplib_client.py {{host}} {{port}} {{user}} {{tls}} {{cafile}} "
                  "{outdir} {keep} {statedir}")
        args += ["--client-cmd", client, "--client-timeout", "20"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert "error:" not in done.stderr, done.stderr
    if server_role:
        assert done.returncode in (0, 1), done.stdout + done.stderr
    else:
        # Client-role examples pass against the built-in reference server.
        assert done.returncode == 0, done.stdout + done.stderr
