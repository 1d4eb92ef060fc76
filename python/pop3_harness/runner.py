"""Runs the pop3-harness binary and reads its results JSON."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from .results import Results


class HarnessNotFound(RuntimeError):
    """No pop3-harness binary where it was looked for."""


def _checkouts() -> List[str]:
    """build/pop3-harness of the checkout this package lives in
    (<checkout>/python), then of the checkout around the current folder."""
    found = [str(Path(__file__).resolve().parents[2] / "build" / "pop3-harness")]
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "scenarios" / "VERSION").is_file():
            found.append(str(folder / "build" / "pop3-harness"))
            break
    return found


def find_binary(explicit: Optional[str] = None) -> str:
    """The binary: explicit (--pop3-harness), $POP3_HARNESS, pop3-harness on
    PATH, the install prefix (<prefix>/bin), then a checkout's build/."""
    candidates = [explicit, os.environ.get("POP3_HARNESS"), shutil.which("pop3-harness"),
                  str(Path(sys.prefix) / "bin" / "pop3-harness"), "/usr/local/bin/pop3-harness", *_checkouts()]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    tried = ", ".join(c for c in candidates if c) or "nothing"
    raise HarnessNotFound(f"pop3-harness binary not found (tried {tried}); build it (ci/build build) "
                          f"or give --pop3-harness PATH or POP3_HARNESS")


@dataclass(frozen=True)
class Harness:
    """A pop3-harness binary bound to a target (or the built-in server when
    target is None). Each call runs the binary once and returns Results."""

    binary: str
    target: Optional[str] = None
    tls: str = "none"
    user: Optional[str] = None
    password: Optional[str] = None
    cafile: Optional[str] = None
    maildir: Optional[str] = None
    reset_cmd: Optional[str] = None
    timeout: Optional[float] = None  # seconds per connect, read and write
    tls_target: Optional[str] = None  # the implicit-TLS endpoint beside a plaintext/STLS target
    insecure: bool = False  # do not verify the server's certificate
    env: Dict[str, str] = field(default_factory=dict)

    def against(self, server) -> "Harness":
        """The same binary bound to a server (e.g. the pop3_server fixture)."""
        return replace(self, target=server.target, tls=getattr(server, "tls", "none") or "none", user=server.user,
                       password=server.password, cafile=getattr(server, "cafile", None),
                       maildir=getattr(server, "maildir", None), reset_cmd=getattr(server, "reset_cmd", None))

    def _target_args(self) -> List[str]:
        args: List[str] = []
        if self.target:
            args += ["--target", self.target]
        if self.tls and self.tls != "none":
            args += ["--tls", self.tls]
        for flag, value in (("--user", self.user), ("--cafile", self.cafile), ("--maildir", self.maildir),
                            ("--reset-cmd", self.reset_cmd)):
            if value:
                args += [flag, value]
        if self.timeout:
            args += ["--timeout", str(self.timeout)]
        if self.tls_target:
            args += ["--tls-target", self.tls_target]
        if self.insecure:
            args.append("--insecure")
        return args

    @staticmethod
    def _client_args(client_cmd: str, client_saves: Optional[str], client_timeout: Optional[float]) -> List[str]:
        args = ["--client-cmd", client_cmd]
        if client_saves:
            args += ["--client-saves", client_saves]
        if client_timeout is not None:
            args += ["--client-timeout", str(client_timeout)]
        return args

    def run(self, *paths: str, filter: Optional[str] = None, seed: Optional[int] = None, strict: bool = False,
            jobs: Optional[int] = None, client_cmd: Optional[str] = None, client_saves: Optional[str] = None,
            client_timeout: Optional[float] = None, known: Optional[str] = None, strict_known: bool = False,
            extra: Sequence[str] = (), time_limit: float = 600) -> Results:
        """Plays scenario files or folders (``pop3-harness run``) against the
        target; with ``client_cmd``, server-role scenarios (e.g.
        ``scenarios/clients``) against the client that command runs (a
        template with {host} {port} {user} {outdir}...), and no target."""
        where = self._client_args(client_cmd, client_saves, client_timeout) if client_cmd else self._target_args()
        args = ["run", *[str(p) for p in paths], *where]
        if filter:
            args += ["--filter", filter]
        if seed is not None:
            args += ["--seed", str(seed)]
        if strict:
            args.append("--strict")
        if jobs:
            args += ["--jobs", str(jobs)]
        if known:
            args += ["--known", str(known)]
        if strict_known:
            args.append("--strict-known")
        return self._invoke(args + list(extra), time_limit)

    def prop(self, runs: int = 100, seed: Optional[int] = None, max_commands: int = 30,
             fixture: Optional[str] = None, out: Optional[str] = None, reference: Optional[str] = None,
             reference_maildir: Optional[str] = None, reference_reset_cmd: Optional[str] = None,
             strict: bool = False, extra: Sequence[str] = (), time_limit: float = 3600) -> Results:
        """A property campaign (``pop3-harness prop``): random command
        sequences checked against the maildrop model, a failure shrunk to a
        scenario file (in ``out``, named in the first check's message)."""
        args = ["prop", *self._target_args(), "--runs", str(runs), "--max-commands", str(max_commands)]
        for flag, value in (("--seed", seed), ("--fixture", fixture), ("--out", out), ("--reference", reference),
                            ("--reference-maildir", reference_maildir),
                            ("--reference-reset-cmd", reference_reset_cmd)):
            if value is not None:
                args += [flag, str(value)]
        if strict:
            args.append("--strict")
        return self._invoke(args + list(extra), time_limit)

    def fuzz(self, seconds: Optional[float] = None, cases: Optional[int] = None, seed: Optional[int] = None,
             sessions: Optional[int] = None, target_cmd: Optional[str] = None, out: Optional[str] = None,
             fixture: Optional[str] = None, dictionary: Optional[str] = None,
             minimize_attempts: Optional[int] = None, client_cmd: Optional[str] = None,
             client_saves: Optional[str] = None, client_timeout: Optional[float] = None,
             jobs: Optional[int] = None, extra: Sequence[str] = (),
             time_limit: Optional[float] = None) -> Results:
        """A network fuzzing campaign (``pop3-harness fuzz``): ``cases``
        cases, or ``seconds`` of them (the binary's default is 10 s), from the
        seed. Each finding (crash, hang, protocol violation) is a failed check
        in ``results.findings``, minimized and saved as a scenario file in
        ``out`` that ``run`` replays. With ``target_cmd`` the harness starts
        the server itself and restarts it after a crash, recording its exit
        signal and stderr. With ``client_cmd`` it fuzzes a client instead:
        the harness is a hostile server and runs the command once per case
        (``jobs`` at once), with no target."""
        if seconds is not None and cases is not None:
            raise ValueError("fuzz: give seconds or cases, not both")
        if client_cmd and target_cmd:
            raise ValueError("fuzz: client_cmd fuzzes a client, target_cmd starts a server: give one")
        where = self._client_args(client_cmd, client_saves, client_timeout) if client_cmd else self._target_args()
        args = ["fuzz", *where]
        for flag, value in (("--seconds", seconds), ("--cases", cases), ("--seed", seed), ("--sessions", sessions),
                            ("--target-cmd", target_cmd), ("--out", out), ("--fixture", fixture),
                            ("--dict", dictionary), ("--minimize-attempts", minimize_attempts), ("--jobs", jobs)):
            if value is not None:
                args += [flag, str(value)]
        if time_limit is None:
            # The campaign, then minimizing each finding: well past the budget.
            time_limit = 600 + (3 * seconds if seconds else 0)
        return self._invoke(args + list(extra), time_limit)

    def _invoke(self, args: List[str], time_limit: float) -> Results:
        # The reports are read, then their folder removed: nothing is left behind.
        with tempfile.TemporaryDirectory(prefix="pop3-harness-py-") as work:
            json_path = os.path.join(work, "results.json")
            junit_path = os.path.join(work, "junit.xml")
            argv = [self.binary, *args, "--report-json", json_path, "--junit", junit_path]
            env = dict(os.environ, **self.env)
            if self.password is not None:
                env["POP3_PASS"] = self.password  # never on the command line
            env["NO_COLOR"] = "1"
            done = subprocess.run(argv, env=env, capture_output=True, text=True, errors="replace",
                                  timeout=time_limit)
            if os.path.exists(json_path):
                results = Results.load(json_path, done.returncode, done.stdout, done.stderr)
            else:
                # Usage errors stop before any report.
                results = Results(exit_code=done.returncode, stdout=done.stdout, stderr=done.stderr)
            if os.path.exists(junit_path):
                with open(junit_path, encoding="utf-8") as f:
                    results.junit_xml = f.read()
        return results

