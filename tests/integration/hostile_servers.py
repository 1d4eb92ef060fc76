#!/usr/bin/python3
"""run, prop and fuzz against hostile_pop3.py in each of its modes. Every
invocation is checked for what a tool pointed at hostile servers owes its
user, whatever the server does:

- the exit code the verdicts define, exactly (1: the server broke a requirement;
  0 where what it does is legal or not reached; 3 only for the user's
  mistake, never for the server's own behaviour);
- an end within the deadlines (a bound far above them: a hang is a failure);
- a JUnit report that the schema accepts, and a JSON report that parses;
- the password nowhere: not in the console, the reports or any file written;
- no raw control byte of the server's (ESC, BEL, NUL) on the console or in a report;
- no sanitizer report; peak RSS (printed) under a ceiling far below what
  a body held twice would take.

Usage: hostile_servers.py path/to/pop3-harness [MODE...]
"""
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

BIN = os.path.realpath(sys.argv[1])
ONLY = set(sys.argv[2:])
HERE = os.path.dirname(os.path.realpath(__file__))
SCENARIOS = os.path.join(HERE, "..", "..", "scenarios")
SCHEMA = os.path.join(HERE, "..", "data", "jenkins-junit.xsd")
PASSWORD = "Hun\\ter2-Qx9"  # a backslash: escaped forms must be redacted too
END_WITHIN = 150            # seconds; every deadline involved is --timeout 1 or 2
RSS_CEILING = 900 << 20     # under ASan; a 1 GiB body held would be far above it
RAW = (b"\x1b", b"\x07", b"\x00")

# The scenarios each mode is run with: the ones that reach what it breaks.
BASIC = ["greeting-positive", "capa-lists-capabilities", "stat-basic", "list-all", "uidl-listing",
         "retr-basic", "noop"]
# mode | scenarios | exit of run, prop, fuzz (None: not run) | --tls.
# 0 where what the server does is legal, or never reached by that command.
CASES = [
    ("no-greeting", BASIC, (1, 1, 1), "none"),
    ("close-after-greeting", BASIC, (1, 1, 1), "none"),
    ("drip-greeting", BASIC, (1, 1, 1), "none"),
    ("data-before-greeting", BASIC, (1, None, None), "none"),
    ("control-bytes", BASIC + ["unknown-command"], (0, 0, 0), "none"),  # -ERR text is free (RFC 1939 #3)
    ("endless-line", BASIC, (1, 1, 1), "none"),
    ("long-lines", BASIC, (1, None, None), "none"),
    ("drip-status", BASIC, (1, 1, 1), "none"),
    ("doubled", BASIC, (1, 1, 1), "none"),
    ("endless-body", ["retr-basic"], (1, None, None), "none"),
    ("big-body", ["retr-basic"], (1, None, None), "none"),
    ("empty-lines", ["retr-basic"], (1, None, None), "none"),
    ("long-body-lines", ["retr-basic"], (1, None, None), "none"),
    ("drip-body", ["retr-basic", "top-2"], (1, 1, 1), "none"),
    ("huge-listing", ["list-all", "list-matches-stat"], (1, 1, 1), "none"),
    ("huge-capa", BASIC, (0, 0, 0), "none"),  # RFC 2449 #5 bounds no CAPA listing
    ("close-mid", ["retr-basic"], (1, 1, 1), "none"),
    ("rst-mid", ["retr-basic"], (1, 1, 1), "none"),
    ("stls-garbage", ["stat-basic"], (1, None, None), "stls"),
    ("stls-stall", ["stat-basic"], (1, None, None), "stls"),
    ("correct", ["stat-basic"], (3, None, None), "implicit"),  # plaintext port given as TLS: the user's mistake
    ("echo-password", BASIC + ["user-pass-login"], (0, 0, 0), "none"),  # legal; the report must not show it
    # sasl-plain: a challenge after PLAIN's initial response (RFC 4616 has one message) fails;
    # sasl-cancel passes with the 341 KiB challenge read whole.
    ("huge-sasl", ["sasl-plain", "sasl-cancel"], (1, None, None), "none"),
]

# The most the harness reads of one answer is 4 GiB by default; the endless
# body is cut at a smaller --max-response, the same code path in less time.
EXTRA = {"endless-body": ["--max-response", "64MiB"]}
REPORT_CEILING = 8 << 20  # octets of console output, and of JUnit

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)
    return ok


def start_server(mode, maildir):
    env = dict(os.environ, POP3_PASS=PASSWORD)
    proc = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "hostile_pop3.py"), mode, maildir, "alice"],
                            stdout=subprocess.PIPE, env=env, text=True)
    line = proc.stdout.readline()  # "port N", or nothing when it could not start
    if not line.startswith("port "):
        proc.kill()
        raise SystemExit(f"hostile_pop3.py {mode} did not start")
    return proc, int(line.split()[1])


def harness(args, work):
    """Runs the harness; returns (exit code or None when it did not end, seconds, peak RSS, output)."""
    out_path = os.path.join(work, "console.txt")
    started = time.monotonic()
    with open(out_path, "wb") as out:
        proc = subprocess.Popen([BIN] + args, stdout=out, stderr=subprocess.STDOUT,
                                env=dict(os.environ, POP3_PASS=PASSWORD), start_new_session=True)
        deadline = started + END_WITHIN
        status = rusage = None
        while status is None and time.monotonic() < deadline:
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, rusage = st, ru
            else:
                time.sleep(0.05)  # polling a child's exit; the bound is the deadline above
        if status is None:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, rusage = os.wait4(proc.pid, 0)
            code = None
        else:
            code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
    with open(out_path, "rb") as f:
        output = f.read()
    return code, time.monotonic() - started, rusage.ru_maxrss * 1024, output


def files_under(path):
    for root, _, names in os.walk(path):
        for n in names:
            yield os.path.join(root, n)


def judge(label, work, code, seconds, rss, output, want):
    junit, report = os.path.join(work, "junit.xml"), os.path.join(work, "results.json")
    shown = f"exit {code}, {seconds:.1f} s, peak RSS {rss >> 20} MiB"
    ok = check(f"{label}: {shown}", code == want,
               f"want exit {want}; last output: {output[-1500:].decode('utf-8', 'replace')}")
    if b"AddressSanitizer" in output or b"runtime error:" in output or b"LeakSanitizer" in output:
        check(f"{label}: no sanitizer report", False, output[-3000:].decode("utf-8", "replace"))
    if rss > RSS_CEILING:
        check(f"{label}: peak RSS under {RSS_CEILING >> 20} MiB", False, f"{rss >> 20} MiB")
    sizes = {"the console": len(output), "JUnit": os.path.getsize(junit) if os.path.exists(junit) else 0}
    big = [f"{what} {n >> 10} KiB" for what, n in sizes.items() if n > REPORT_CEILING]
    if big:
        check(f"{label}: output under {REPORT_CEILING >> 20} MiB", False, ", ".join(big))
    valid = os.path.exists(junit) and subprocess.run(
        ["xmllint", "--noout", "--schema", SCHEMA, junit], capture_output=True).returncode == 0
    if not valid:
        check(f"{label}: a JUnit report the schema accepts", False, junit)
    try:
        with open(report, "rb") as f:
            json.load(f)
    except (OSError, ValueError) as e:
        check(f"{label}: a JSON report that parses", False, str(e))
    leaks = [p for p in files_under(work) if PASSWORD.encode() in open(p, "rb").read()]
    leaks += ["the console"] if PASSWORD.encode() in output else []
    if leaks:
        check(f"{label}: the password in no output", False, ", ".join(leaks))
    raw = [what for what, data in (("the console", output), ("JUnit", open(junit, "rb").read() if valid else b""))
           if any(c in data for c in RAW)]
    if raw:
        check(f"{label}: no raw control byte of the server's", False, ", ".join(raw))
    return ok


def common(port, work, tls):
    return ["--target", f"127.0.0.1:{port}", "--user", "alice", "--maildir", os.path.join(work, "md"),
            "--tls", tls, "--insecure", "--junit", os.path.join(work, "out", "junit.xml"),
            "--report-json", os.path.join(work, "out", "results.json")]


def run_case(mode, scenarios, exits, tls, root):
    files = [os.path.join(SCENARIOS, "rfc1939", s + ".pop3") for s in scenarios]
    commands = [("run", ["run"] + files + ["--timeout", "2"]),
                ("prop", ["prop", "--runs", "20", "--seed", "1", "--timeout", "1",
                          "--login-timeout", "2", "--out", None]),
                ("fuzz", ["fuzz", "--seconds", "3", "--seed", "1", "--sessions", "2", "--timeout", "1",
                          "--login-timeout", "2", "--minimize-attempts", "2", "--out", None])]
    for (name, args), want in zip(commands, exits):
        if want is None:
            continue
        work = os.path.join(root, name)
        os.makedirs(os.path.join(work, "out"))
        args = [os.path.join(work, "out", "findings") if a is None else a for a in args]
        # A server of its own for each: a hostile session still dripping
        # into a closed connection would hold the maildrop's lock.
        proc, port = start_server(mode, os.path.join(work, "md"))
        try:
            code, seconds, rss, output = harness(args + common(port, work, tls) + EXTRA.get(mode, []),
                                                 os.path.join(work, "out"))
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        label = f"{mode}{'' if tls == 'none' else ' --tls ' + tls}: {name}"
        judge(label, os.path.join(work, "out"), code, seconds, rss, output, want)


def main():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with tempfile.TemporaryDirectory() as root:
        for mode, scenarios, exits, tls in CASES:
            if ONLY and mode not in ONLY:
                continue
            run_case(mode, scenarios, exits, tls, os.path.join(root, mode))
    failed = len(results) - sum(results)
    print(f"hostile_servers: {sum(results)} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
