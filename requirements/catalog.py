"""The requirement catalog (catalog.tsv) and the RFC texts it quotes (rfc/).

Each row is one normative statement: a stable id, the RFC and section, who it
binds (server, client), its level (MUST, MUST NOT, SHOULD, SHOULD NOT, MAY),
whether it can be tested from the wire, the quoted text, and a note (what an
implicit rule derives from the quote, or why it cannot be tested).

A quote is the RFC's own words: compared with the RFC text after page
headers and footers are removed, hyphenated line breaks joined and white
space folded; " ... " marks an elision, each part found in order.
"""
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEVELS = {"MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY"}
BINDS = {"server", "client"}
TESTABLE = {"yes", "no", "partly"}
COLUMNS = ["id", "rfc", "section", "binds", "level", "testable", "quote", "note"]


def fold(text):
    return re.sub(r"\s+", " ", text).strip().lower()


def rfc_text(number):
    """The RFC's text, folded, without its page breaks."""
    raw = (HERE / "rfc" / f"rfc{number}.txt").read_text(encoding="latin-1")
    kept = [line for line in raw.replace("\f", "\n").splitlines()
            if not re.search(r"\[Page \d+\]\s*$", line) and not re.match(r"^RFC \d+ {2,}.* \d{4}\s*$", line)]
    joined = re.sub(r"(\w)-\n\s*(\w)", r"\1-\2", "\n".join(kept))
    return fold(joined)


def quote_found(text, quote):
    """Whether every part of the quote (split at ' ... ') is in the folded text, in order."""
    at = 0
    for part in (p.strip() for p in quote.split(" ... ")):
        if not part:
            continue
        found = text.find(fold(part), at)
        if found < 0:
            return False
        at = found + len(fold(part))
    return True


def load(path=HERE / "catalog.tsv"):
    """The rows: plain tab-separated text, one row per line, no quoting or escapes."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if line]
