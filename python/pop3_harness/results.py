"""The results JSON of ``pop3-harness run|prop --report-json``, as objects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, List, Optional

FORMAT = "pop3-harness-results"
VERSIONS = (1,)


class ResultsFormatError(ValueError):
    """The file is not a results JSON this package can read."""


@dataclass
class Check:
    label: str
    file: str
    line: int
    severity: str
    rfc: str
    outcome: str
    message: str = ""
    expected: str = ""
    actual: str = ""
    transcript: str = ""
    seconds: float = 0.0

    @classmethod
    def from_json(cls, d: dict) -> "Check":
        return cls(**{k: d.get(k, cls.__dataclass_fields__[k].default) for k in cls.__dataclass_fields__})

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Scenario:
    id: str
    file: str
    name: str
    rfc: str
    severity: str
    group: str
    outcome: str
    reason: str = ""
    parse_error: bool = False
    environment_error: bool = False
    seconds: float = 0.0
    exchanges: int = 0
    fixture: str = ""
    # Listed in --known: {"state": "xfail"|"xpass"|"none", "reason", "link", "listed_at"}.
    known: Optional[dict] = None
    checks: List[Check] = field(default_factory=list)

    @classmethod
    def from_json(cls, d: dict) -> "Scenario":
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d and k != "checks"}
        return cls(checks=[Check.from_json(c) for c in d.get("checks", [])], **known)

    @property
    def failed_checks(self) -> List[Check]:
        return [c for c in self.checks if c.outcome in ("failed", "error")]

    @property
    def warnings(self) -> List[Check]:
        return [c for c in self.checks if c.outcome == "warning"]


@dataclass
class Results:
    """One invocation's outcome: exit code, structured results, console output."""

    exit_code: int
    command: str = ""
    harness: str = ""     # the pop3-harness version that wrote the results
    strict: bool = False  # --strict: SHOULD findings are "failed"
    # Before any scenario (run, prop, fuzz): can the target be tested at all?
    preflight: Optional[Scenario] = None
    properties: Dict[str, str] = field(default_factory=dict)
    scenarios: List[Scenario] = field(default_factory=list)
    summary: Dict[str, int] = field(default_factory=dict)
    interrupted: bool = False
    seconds: float = 0.0
    stdout: str = ""
    stderr: str = ""
    json_path: Optional[str] = None
    junit_xml: Optional[str] = None  # the JUnit report's text

    @classmethod
    def load(cls, path: str, exit_code: int, stdout: str = "", stderr: str = "") -> "Results":
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        if d.get("format") != FORMAT or d.get("version") not in VERSIONS:
            raise ResultsFormatError(f"{path}: not a {FORMAT} file of version {VERSIONS}: "
                                     f"{d.get('format')!r} {d.get('version')!r}")
        pre = d.get("preflight")
        return cls(exit_code=exit_code, command=d.get("command", ""), harness=d.get("harness", ""),
                   strict=d.get("strict", False), preflight=Scenario.from_json(pre) if pre else None,
                   properties=d.get("properties", {}),
                   scenarios=[Scenario.from_json(s) for s in d.get("scenarios", [])], summary=d.get("summary", {}),
                   interrupted=d.get("interrupted", False), seconds=d.get("seconds", 0.0), stdout=stdout,
                   stderr=stderr, json_path=path)

    # Exit codes of pop3-harness (the contract with CI).
    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    @property
    def conformance_failure(self) -> bool:
        return self.exit_code == 1

    @property
    def usage_error(self) -> bool:
        return self.exit_code == 2

    @property
    def environment_error(self) -> bool:
        return self.exit_code == 3

    @property
    def preflight_failed(self) -> bool:
        """The target could not be tested (an error) or broke the protocol at once (a failure): no scenario ran."""
        return self.preflight is not None and self.preflight.outcome in ("failed", "error")

    @property
    def seed(self) -> Optional[str]:
        return self.properties.get("seed")

    @property
    def checks(self) -> List[Check]:
        return [c for s in self.scenarios for c in s.checks]

    @property
    def findings(self) -> List[Check]:
        """Checks that did not pass: failures, errors and SHOULD warnings (prop: the counterexample, findings)."""
        return [c for c in self.checks if c.outcome in ("failed", "error", "warning")]

    def scenario(self, id_or_file: str) -> Scenario:
        for s in self.scenarios:
            if id_or_file in (s.id, s.file):
                return s
        raise KeyError(id_or_file)
