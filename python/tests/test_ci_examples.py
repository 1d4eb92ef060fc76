"""ci/examples: they parse as YAML, and every command they name exists with
the options they give it (pop3-harness subcommands, ci/ scripts, the
plugin's --pop3-* options)."""

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ["POP3_HARNESS"]


def commands(path):
    doc = yaml.safe_load(path.read_text())
    lines = []
    if "jobs" in doc:  # GitHub Actions
        for job in doc["jobs"].values():
            for step in job["steps"]:
                if "run" in step:
                    lines += step["run"].replace("\\\n", " ").splitlines()
                else:
                    assert "uses" in step, step
    else:  # GitLab CI
        for job in (v for v in doc.values() if isinstance(v, dict) and "script" in v):
            lines += job.get("before_script", []) + job["script"]
            assert job["artifacts"]["reports"]["junit"]
            assert job["artifacts"]["when"] == "always"
    return [l.strip() for l in lines if l.strip() and not l.strip().startswith("#")]


def help_text(*sub):
    return subprocess.run([BINARY, *sub, "--help"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_every_command_in_the_example_exists(name):
    lines = commands(ROOT / "ci" / "examples" / name)
    harness_calls = 0
    for line in lines:
        for part in re.split(r"&&|;", line):
            words = shlex.split(part)
            while words and "=" in words[0] and not words[0].startswith("-"):
                words = words[1:]  # VAR=value prefixes
            if not words:
                continue
            if words[0].endswith("pop3-harness"):
                harness_calls += 1
                sub = words[1]
                text = help_text(sub)
                for w in words[2:]:
                    if w.startswith("--"):
                        assert w.split("=")[0] in text, f"{name}: pop3-harness {sub} has no {w}"
            elif words[0].startswith("ci/"):
                script = ROOT / words[0]
                assert script.is_file() and os.access(script, os.X_OK), f"{name}: no executable {words[0]}"
            elif "pytest" in words:
                plugin = (ROOT / "python" / "pop3_harness" / "pytest_plugin.py").read_text()
                for w in words:
                    if w.startswith("--pop3-"):
                        assert f'"{w}"' in plugin, f"{name}: the plugin has no {w}"
    assert harness_calls >= 2, f"{name} runs pop3-harness {harness_calls} time(s)"


def test_github_publishes_reports_even_when_the_gate_fails():
    doc = yaml.safe_load((ROOT / "ci" / "examples" / "github-actions.yml").read_text())
    steps = doc["jobs"]["pop3"]["steps"]
    publish = [s for s in steps if "uses" in s and ("junit" in s["uses"] or "upload-artifact" in s["uses"])]
    assert publish and all(s.get("if") == "always()" for s in publish)
