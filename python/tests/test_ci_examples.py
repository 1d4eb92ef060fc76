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
                sub = words[1:3] if words[1] == "report" else words[1:2]
                text = help_text(*sub)
                for w in words[1 + len(sub):]:
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


def test_github_runs_every_step_after_the_build_even_when_one_failed():
    doc = yaml.safe_load((ROOT / "ci" / "examples" / "github-actions.yml").read_text())
    for name, job in doc["jobs"].items():
        steps = job["steps"]
        build = next(i for i, s in enumerate(steps) if "ci/build" in s.get("run", ""))
        for step in steps[build + 1:]:
            assert step.get("if") in ("success() || failure()", "always()"), f"{name}: {step.get('name')}"


def test_gitlab_runs_every_command_and_fails_the_job_at_the_end():
    doc = yaml.safe_load((ROOT / "ci" / "examples" / "gitlab-ci.yml").read_text())
    for name, job in ((k, v) for k, v in doc.items() if isinstance(v, dict) and "script" in v):
        script = [l for l in job["script"] if not l.startswith("#")]
        assert script[0] == "status=0" and script[-1] == "exit $status", name
        for line in script[1:-1]:
            assert line.endswith("|| status=$?"), f"{name}: {line}"


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_the_examples_shard_the_suites_merge_them_and_verify_tls_with_a_ca_file(name):
    text = (ROOT / "ci" / "examples" / name).read_text()
    assert "--shard" in text and "report merge" in text and "--cafile" in text
    assert "--insecure" not in text
    if name == "gitlab-ci.yml":
        doc = yaml.safe_load(text)
        assert doc["pop3-conformance"]["parallel"] == 4
    else:
        assert yaml.safe_load(text)["jobs"]["pop3"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]


def test_clusterfuzzlite_example_builds_and_runs_with_one_sanitizer_per_job():
    doc = yaml.safe_load((ROOT / "ci" / "examples" / "github-clusterfuzzlite.yml").read_text())
    assert (ROOT / ".clusterfuzzlite" / "build.sh").stat().st_mode & 0o111
    assert "language: c++" in (ROOT / ".clusterfuzzlite" / "project.yaml").read_text()
    steps = doc["jobs"]["fuzz"]["steps"]
    uses = [s["uses"].split("@")[0] for s in steps]
    assert uses == ["google/clusterfuzzlite/actions/build_fuzzers", "google/clusterfuzzlite/actions/run_fuzzers"]
    assert all(s["with"]["sanitizer"] == "${{ matrix.sanitizer }}" for s in steps)
    assert ".clusterfuzzlite/**" in doc[True]["pull_request"]["paths"]  # YAML 1.1 reads `on` as True
