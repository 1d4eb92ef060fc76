"""The requirement catalog (requirements/catalog.tsv) quotes the RFCs
faithfully: every row's quote is the RFC's own words, found in the stored
RFC text, and every row is well formed."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "requirements"))
import catalog  # noqa: E402

ROWS = catalog.load()
ID = re.compile(r"^(\d{4})-(\d+(?:\.\d+)*)-[A-Z0-9]+-\d+$")


def test_the_catalog_has_rows_and_unique_ids():
    assert len(ROWS) >= 100
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_a_row_is_well_formed_and_quotes_its_rfc(row):
    assert list(row) == catalog.COLUMNS
    m = ID.match(row["id"])
    assert m, "id NNNN-SECTION-TOPIC-N"
    assert row["rfc"] == "rfc" + m.group(1) and row["section"] == m.group(2)
    assert row["level"] in catalog.LEVELS
    assert row["binds"] in catalog.BINDS
    assert row["testable"] in catalog.TESTABLE
    if row["testable"] == "no":
        assert row["note"], "say why it cannot be tested"
    text = catalog.rfc_text(m.group(1))
    assert catalog.quote_found(text, row["quote"]), f"not in RFC {m.group(1)}: {row['quote']}"


KEYWORD = re.compile(r"\b(MUST NOT|SHOULD NOT|SHALL NOT|MUST|SHOULD|SHALL|REQUIRED|RECOMMENDED|MAY|OPTIONAL)\b")
SAME = {"SHALL": "MUST", "REQUIRED": "MUST", "SHALL NOT": "MUST NOT", "RECOMMENDED": "SHOULD", "OPTIONAL": "MAY"}


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_a_quoted_keyword_in_capitals_gives_the_level(row):
    # "Never softer, never stricter": a quoted MUST NOT is a MUST NOT. A
    # level the quote's keywords do not give (a client's duty derived from a
    # server's MAY) says why in its note.
    keywords = {SAME.get(k, k) for k in KEYWORD.findall(row["quote"])}
    if keywords and row["level"] not in keywords:
        assert row["note"], f"level {row['level']} but the quote says {sorted(keywords)}"


def test_a_quote_that_is_not_the_rfcs_words_is_refused():
    text = catalog.rfc_text("1939")
    assert catalog.quote_found(text, "Servers MUST send the \"+OK\" and \"-ERR\" in upper case.")
    assert not catalog.quote_found(text, "Servers SHOULD send the \"+OK\" and \"-ERR\" in upper case.")
    # The parts of an elided quote must come in the RFC's order.
    assert catalog.quote_found(text, "STAT Arguments: none ... may only be given in the TRANSACTION state")
    assert not catalog.quote_found(text, "may only be given in the UPDATE state ... STAT Arguments: none")


def test_page_breaks_and_hyphenated_line_ends_do_not_hide_a_quote():
    text = catalog.rfc_text("1939")
    # "exclusive-" ends a line of RFC 1939 #4; "shared ... secret" spans a page break in #7.
    assert "exclusive-access lock on the maildrop" in text
    assert "followed by a shared secret." in text


def harness():
    import os
    return os.environ["POP3_HARNESS"]


def test_coverage_counts_the_project_checks_and_ends_with_the_summary_line():
    import subprocess
    out = subprocess.run([harness(), "coverage"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    last = out.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"servers: \d+/\d+ testable MUST\+SHOULD covered \(\d+%\); clients: \d+/\d+ covered \(\d+%\)",
                        last), last


def test_coverage_refuses_a_scenario_citing_an_id_the_catalog_lacks(tmp_path):
    import subprocess
    (tmp_path / "typo.pop3").write_text(
        "scenario: a typo in an id\nrfc: rfc1939#5\nseverity: MUST\nrequirements: 1939-5-DELE-99\n\n"
        "S: +OK {*}\nC: QUIT\nS: +OK {*}\n")
    out = subprocess.run([harness(), "coverage", str(tmp_path), "--catalog", str(ROOT / "requirements/catalog.tsv")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2, out
    assert "1939-5-DELE-99" in out.stderr and "typo.pop3" in out.stderr, out.stderr
    assert out.stderr.count("1939-5-DELE-99") == out.stderr.count("typo.pop3:") == 1, out.stderr
