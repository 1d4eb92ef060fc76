"""pytest plugin: every ``*.pop3`` scenario file is a test item.

Load it with ``-p pop3_harness.pytest_plugin`` (``python/`` on PYTHONPATH),
or install the package (a ``pytest11`` entry point). The selected scenario
files run in one ``pop3-harness run`` (one target probe, one built-in
server), and each item reports its own result from the results JSON.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from .results import Results, Scenario
from .runner import Harness, HarnessNotFound, find_binary

SEVERITIES = ("must", "should", "may", "info")
# RFCs the corpus cites; others are registered as they are met.
KNOWN_RFCS = ("rfc1939", "rfc2449", "rfc2595", "rfc3207", "rfc5034", "rfc6856", "rfc8314", "rfc4616")


class Pop3ShouldWarning(UserWarning):
    """A SHOULD (or MAY) finding: reported, never failing the test."""


def pytest_addoption(parser):
    g = parser.getgroup("pop3", "pop3-harness: POP3 scenario files as tests")
    g.addoption("--pop3-target", help="HOST:PORT of the server under test (default: the built-in reference server)")
    g.addoption("--pop3-tls", default="none", choices=("none", "stls", "implicit"), help="TLS mode")
    g.addoption("--pop3-user", help="account user name")
    g.addoption("--pop3-pass", help="account password (prefer POP3_PASS in the environment)")
    g.addoption("--pop3-tls-target",
                help="HOST:PORT of the same server's implicit-TLS endpoint, for 'connect: implicit' scenarios")
    g.addoption("--pop3-cafile", help="CA certificates to verify the server with")
    g.addoption("--pop3-insecure", action="store_true", help="do not verify the server's certificate")
    g.addoption("--pop3-shard", metavar="K/N",
                help="only shard K of N of the collected scenarios (the partition of run --shard)")
    g.addoption("--pop3-maildir", help="the account's maildir, rewritten with each scenario's fixture")
    g.addoption("--pop3-reset-cmd", help="shell command that resets the mailbox instead")
    g.addoption("--pop3-timeout", type=float, help="seconds per connect, read and write")
    g.addoption("--pop3-strict", action="store_true", help="SHOULD findings fail their tests too")
    g.addoption("--pop3-known", help="known deviations of the target (run --known): found again they are xfail")
    g.addoption("--pop3-strict-known", action="store_true",
                help="a known deviation that passed fails its test (strict xfail)")
    g.addoption("--pop3-harness", help="the pop3-harness binary (default: $POP3_HARNESS, PATH, ./build)")
    g.addoption("--pop3-client-cmd",
                help="the client under test: server-role scenarios run it (a template with {host} {port} {user} "
                     "{outdir}...); without it they are skipped")
    g.addoption("--pop3-client-saves", choices=("exact", "lf"), help="lf when the client stores LF line ends")
    g.addoption("--pop3-client-timeout", type=float, help="seconds the client may run per scenario")


def pytest_configure(config):
    for s in SEVERITIES:
        config.addinivalue_line("markers", f"{s}: a pop3 scenario of severity {s.upper()}")
    for r in KNOWN_RFCS:
        config.addinivalue_line("markers", f"{r}: a pop3 scenario citing {r.upper()}")
    config.addinivalue_line("markers", "rfc(section): the RFC section a pop3 scenario checks, e.g. rfc1939#5")
    config.addinivalue_line("markers", "pop3: a pop3-harness scenario file")


_HARNESS_KEY = pytest.StashKey[Harness]()
_BATCHES_KEY = pytest.StashKey[dict]()


def _harness(config) -> Harness:
    cached = config.stash.get(_HARNESS_KEY, None)
    if cached is None:
        o = config.getoption
        password = o("--pop3-pass") or os.environ.get("POP3_PASS")
        cached = Harness(binary=find_binary(o("--pop3-harness")), target=o("--pop3-target"), tls=o("--pop3-tls"),
                         user=o("--pop3-user"), password=password, cafile=o("--pop3-cafile"),
                         maildir=o("--pop3-maildir"), reset_cmd=o("--pop3-reset-cmd"), timeout=o("--pop3-timeout"),
                         tls_target=o("--pop3-tls-target"), insecure=o("--pop3-insecure"))
        config.stash[_HARNESS_KEY] = cached
    return cached


def pytest_collection_modifyitems(session, config, items):
    """--pop3-shard K/N: the scenario files of shard K, as the binary's
    'list --shard' partitions them (the same on every machine)."""
    shard = config.getoption("--pop3-shard")
    if not shard:
        return
    files = [str(i.path.resolve()) for i in items if isinstance(i, Pop3Item)]
    if not files:
        return
    done = subprocess.run([_harness(config).binary, "list", "--format", "json", "--shard", shard, *files],
                          capture_output=True, text=True, errors="replace")
    # Exit 2 with a list: some files do not parse; they are listed in their
    # shard, and their item fails there with the diagnostic.
    try:
        listed = json.loads(done.stdout) if done.returncode in (0, 2) else None
    except ValueError:
        listed = None
    if listed is None:
        raise pytest.UsageError(f"--pop3-shard {shard}: {done.stderr.strip()}")
    mine = {os.path.abspath(s["file"]) for s in listed}
    keep, drop = [], []
    for i in items:
        (keep if not isinstance(i, Pop3Item) or str(i.path.resolve()) in mine else drop).append(i)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep


# --- collection ---------------------------------------------------------

_HEADER = re.compile(r"^([a-z]+):\s*(.*?)\s*$")


def read_header(path: Path) -> Dict[str, str]:
    """The scenario's header lines (name, rfc, severity, role, ...), up to the first blank line."""
    header: Dict[str, str] = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip():
                if header:
                    break
                continue
            if line.startswith("#"):
                continue
            m = _HEADER.match(line)
            if not m:
                break
            header.setdefault(m.group(1), m.group(2))
    return header


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".pop3" and not {"include", "fixtures"} & set(file_path.parts[:-1]):
        return Pop3File.from_parent(parent, path=file_path)
    return None


class Pop3File(pytest.File):
    def collect(self):
        header = read_header(self.path)
        item = Pop3Item.from_parent(self, name=self.path.stem, header=header)
        item.add_marker("pop3")
        severity = header.get("severity", "MUST").lower()
        if severity in SEVERITIES:
            item.add_marker(severity)
        rfc = header.get("rfc", "")
        if rfc:
            item.add_marker(pytest.mark.rfc(rfc))
            number = rfc.split("#")[0].lower()
            if re.fullmatch(r"rfc\d+", number):
                if number not in KNOWN_RFCS:
                    self.config.addinivalue_line("markers", f"{number}: a pop3 scenario citing {number.upper()}")
                item.add_marker(number)
        yield item


class Pop3Failure(Exception):
    def __init__(self, scenario: Scenario):
        super().__init__(scenario.id)
        self.scenario = scenario


class Pop3Error(Exception):
    """The scenario could not be judged: a parse error or an unusable target."""


class Pop3Item(pytest.Item):
    def __init__(self, *, header: Dict[str, str], **kw):
        super().__init__(**kw)
        self.header = header
        self.user_properties.append(("rfc", header.get("rfc", "")))
        self.user_properties.append(("severity", header.get("severity", "MUST")))

    def setup(self):
        # The preflight's verdict before any scenario: said once, by the first
        # item to meet it; the others did not run.
        server_role = self.header.get("role") == "server"
        if server_role and not self.config.getoption("--pop3-client-cmd"):
            pytest.skip("a server-role scenario tests a client: give --pop3-client-cmd")
        batch = _batch(self.session, server_role)
        results = batch.results_for(self)
        scenario = batch.scenario_for(self)
        if scenario is not None and scenario.known and scenario.known.get("state") in ("xfail", "xpass"):
            # A known deviation: its failure is expected (xfail), and its
            # passing is XPASS (a failure with --pop3-strict-known).
            k = scenario.known
            self.add_marker(pytest.mark.xfail(reason=f"known deviation ({k.get('listed_at')}): {k.get('reason')}",
                                              strict=self.config.getoption("--pop3-strict-known"),
                                              raises=Pop3Failure))
        if not results.preflight_failed:
            return
        message = results.preflight.checks[0].message if results.preflight.checks else results.preflight.reason
        if not batch.claim_preflight(self):
            pytest.skip(f"not run: {message}")
        if results.preflight.outcome == "error":
            raise Pop3Error(f"the target cannot be tested: {message}")

    def runtest(self):
        server_role = self.header.get("role") == "server"
        batch = _batch(self.session, server_role)
        results = batch.results_for(self)
        if results.preflight_failed:
            raise Pop3Failure(results.preflight)  # a protocol violation before any scenario
        scenario = batch.scenario_for(self)
        if scenario is None:
            if results.usage_error or results.exit_code not in (0, 1):
                raise Pop3Error(_console_error(results))
            raise Pop3Error(f"no result for {self.path} in the harness's report")
        self.user_properties.append(("outcome", scenario.outcome))
        if results.seed:
            self.user_properties.append(("seed", results.seed))
        if scenario.parse_error:
            raise Pop3Error(scenario.reason.rstrip())
        if scenario.environment_error:
            raise Pop3Error("environment error: " + scenario.reason)
        if scenario.outcome == "skipped":
            pytest.skip(scenario.reason or "skipped")
        if scenario.outcome in ("failed", "error") or (scenario.known or {}).get("state") == "xfail":
            raise Pop3Failure(scenario)  # a known SHOULD finding is an expected failure too
        for c in scenario.warnings:
            warnings.warn(Pop3ShouldWarning(f"{self.path.name}:{c.line} [{c.severity.upper()} {c.rfc}] "
                                            f"{c.label}: {c.message}"))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, Pop3Failure):
            return format_failure(excinfo.value.scenario)
        if isinstance(excinfo.value, (Pop3Error, HarnessNotFound)):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.header.get('scenario', self.name)} [{self.header.get('rfc', '')}]"


def format_failure(s: Scenario) -> str:
    lines = [f"{s.name}  ({s.severity.upper()}, {s.rfc})"]
    for c in s.failed_checks:
        lines.append("")
        lines.append(f"{c.where}: {c.label}   [{c.severity.upper()} {c.rfc}]")
        if c.message:
            lines.append(f"  {c.message}")
        if c.expected or c.actual:
            lines.append(f"  expected: {c.expected}")
            lines.append(f"  actual:   {c.actual}")
        if c.transcript:
            lines.append("  transcript:")
            lines.extend("    " + t for t in c.transcript.rstrip("\n").split("\n"))
    if not s.failed_checks and s.reason:
        lines.append(s.reason)
    return "\n".join(lines)


def _console_error(results: Results) -> str:
    text = (results.stderr or results.stdout).strip()
    return f"pop3-harness exited {results.exit_code}: {text}"


# --- one harness run for every selected scenario ------------------------

class _Batch:
    """The selected scenarios of one role, run together: client-role ones
    against the target, server-role ones against --pop3-client-cmd."""

    def __init__(self, session, server_role: bool):
        self.server_role = server_role
        self.items = [i for i in session.items
                      if isinstance(i, Pop3Item) and (i.header.get("role") == "server") == server_role]
        self.results: Optional[Results] = None
        self.by_file: Dict[str, Scenario] = {}
        self.preflight_reported_by = None

    def run(self, config):
        paths = [str(i.path.resolve()) for i in self.items]
        o = config.getoption
        known = {"known": o("--pop3-known"), "strict_known": o("--pop3-strict-known")}
        if self.server_role:
            self.results = _harness(config).run(*paths, client_cmd=o("--pop3-client-cmd"),
                                                client_saves=o("--pop3-client-saves"),
                                                client_timeout=o("--pop3-client-timeout"), **known)
        else:
            self.results = _harness(config).run(*paths, strict=o("--pop3-strict"), **known)
        for s in self.results.scenarios:
            self.by_file[os.path.abspath(s.file)] = s

    def claim_preflight(self, item) -> bool:
        """Whether this item is the one to report the preflight's verdict."""
        if self.preflight_reported_by is None:
            self.preflight_reported_by = item
        return self.preflight_reported_by is item

    def results_for(self, item) -> Results:
        if self.results is None:
            self.run(item.config)
        return self.results

    def scenario_for(self, item) -> Optional[Scenario]:
        return self.by_file.get(str(item.path.resolve()))


    def known_passed(self) -> List[Scenario]:
        """The --pop3-known requirement ids whose every check passed: an XPASS
        of the run as a whole, no scenario file's."""
        if self.results is None:
            return []
        files = {str(i.path.resolve()) for i in self.items}
        return [s for s in self.results.scenarios
                if (s.known or {}).get("state") == "xpass" and os.path.abspath(s.file) not in files]


def pytest_sessionfinish(session, exitstatus):
    """A known requirement id that passed is said; with --pop3-strict-known it
    fails the session, as an XPASS of a scenario fails its test."""
    batches = session.stash.get(_BATCHES_KEY, None) or {}
    passed = [s for b in batches.values() for s in b.known_passed()]
    if not passed:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    for s in passed:
        line = (f"XPASS {s.id}: every check verifying it passed; listed as a known deviation "
                f"({s.known.get('listed_at')}): remove it from the list")
        if reporter is not None:
            reporter.write_line(line)
    if session.config.getoption("--pop3-strict-known") and session.exitstatus == 0:
        session.exitstatus = 1


def _batch(session, server_role: bool) -> _Batch:
    batches = session.stash.get(_BATCHES_KEY, None)
    if batches is None:
        batches = session.stash[_BATCHES_KEY] = {}
    if server_role not in batches:
        batches[server_role] = _Batch(session, server_role)
    return batches[server_role]


# --- fixtures -------------------------------------------------------------

@dataclass
class ServerInfo:
    """A POP3 server the tests may use: host:port and an account."""

    target: str
    user: str
    password: str
    maildir: Optional[str] = None
    reset_cmd: Optional[str] = None
    tls: str = "none"
    cafile: Optional[str] = None
    implicit_target: Optional[str] = None


@pytest.fixture(scope="session")
def pop3_server(request, tmp_path_factory):
    """The configured target (--pop3-target), or the built-in reference
    server started for the session (plaintext+STLS, and implicit TLS)."""
    o = request.config.getoption
    if o("--pop3-target"):
        yield ServerInfo(target=o("--pop3-target"), user=o("--pop3-user") or "",
                         password=o("--pop3-pass") or os.environ.get("POP3_PASS", ""),
                         maildir=o("--pop3-maildir"), reset_cmd=o("--pop3-reset-cmd"), tls=o("--pop3-tls"),
                         cafile=o("--pop3-cafile"))
        return
    binary = _harness(request.config).binary
    with serve(binary, tmp_path_factory.mktemp("pop3-server"), user="pytest") as server:
        yield server


@contextlib.contextmanager
def serve(binary: str, work: Path, user: str, tls: bool = True):
    """A `pop3-harness serve` on loopback ports (plaintext+STLS, and implicit
    TLS when tls) with a fresh password; stopped (SIGTERM) on leaving."""
    password = "pw-" + os.urandom(6).hex()
    args = [binary, "serve", "--listen", "127.0.0.1:0", "--maildir", str(work / "maildir"), "--user", user]
    if tls:
        args += ["--tls-listen", "127.0.0.1:0", "--write-cert", str(work / "ca.pem")]
    proc = subprocess.Popen(args, env=dict(os.environ, POP3_PASS=password), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        endpoints = _wait_listening(proc, work / "serve.log", timeout=10, wanted=2 if tls else 1)
        yield ServerInfo(target=endpoints.get("plain+STLS") or endpoints["plain"], user=user, password=password,
                         maildir=str(work / "maildir"), cafile=str(work / "ca.pem") if tls else None,
                         implicit_target=endpoints.get("implicit-TLS"))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_listening(proc, log_path: Path, timeout: float, wanted: int = 2) -> Dict[str, str]:
    """Reads serve's 'listening HOST:PORT KIND' lines as they come, until the
    wanted endpoints are known or the deadline passes; the rest of its output
    goes to log_path from a thread, so the pipe never fills."""
    deadline = time.monotonic() + timeout
    found: Dict[str, str] = {}
    seen: List[str] = []
    fd = proc.stdout.fileno()
    buffer = b""
    while len(found) < wanted:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise RuntimeError(f"pop3-harness serve did not listen within {timeout} s: {seen}")
        chunk = os.read(fd, 4096)
        if not chunk:
            proc.wait()
            raise RuntimeError(f"pop3-harness serve exited {proc.returncode}: {seen}")
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            text = line.decode(errors="replace")
            seen.append(text)
            parts = text.split()
            if len(parts) >= 3 and parts[0] == "listening":
                found[parts[2]] = parts[1]

    def drain():
        with open(log_path, "ab") as log:
            log.write(buffer)
            for chunk in iter(lambda: os.read(fd, 4096), b""):
                log.write(chunk)

    threading.Thread(target=drain, daemon=True).start()
    return found


@pytest.fixture(scope="session")
def pop3_harness(request) -> Harness:
    """The harness bound to the configured target (or the built-in server);
    .run(paths), .prop(...), .fuzz(...) return Results; .against(pop3_server) rebinds it."""
    try:
        return _harness(request.config)
    except HarnessNotFound as e:
        pytest.fail(str(e), pytrace=False)
