#!/usr/bin/python3
"""SIGINT, SIGTERM and SIGHUP in every subcommand while sessions are logged in
or a read is blocked on a dripping server. Run it with the sanitizer build:
a use-after-free or a leak at shutdown is a failure. Each interrupted command
must:

- exit 3 (serve: 0) within a few seconds of the signal, not at a deadline;
- leave a JUnit report the schema accepts, and no temporary file beside it;
- print no sanitizer report.

Every wait is for an event (a line of output, a port), bounded by a deadline.

Usage: interrupts.py path/to/pop3-harness
"""
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time

BIN = os.path.realpath(sys.argv[1])
HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.join(HERE, "..", "..")
SCHEMA = os.path.join(ROOT, "tests", "data", "jenkins-junit.xsd")
STOP_WITHIN = 5.0  # seconds from the signal to the exit; every deadline involved is longer
SANITIZER = (b"AddressSanitizer", b"LeakSanitizer", b"runtime error:")

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + name + ("" if ok or not detail else f": {detail}"), flush=True)
    return ok


class Child:
    """A command whose output is read as it comes, so a test can wait for a line."""

    def __init__(self, args, cwd, env=None):
        self.proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.output = b""
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stdout, selectors.EVENT_READ)

    def wait_for(self, pattern, deadline=60.0):
        end = time.monotonic() + deadline
        while not re.search(pattern, self.output):
            left = end - time.monotonic()
            if left <= 0 or not self._read(left):
                return False
        return True

    def _read(self, timeout):
        if not self.sel.select(timeout):
            return True
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        self.output += chunk
        return bool(chunk)

    def stop(self, sig):
        """Sends sig; returns (exit code or None, seconds to exit)."""
        sent = time.monotonic()
        self.proc.send_signal(sig)
        end = sent + STOP_WITHIN
        while self.proc.poll() is None and time.monotonic() < end:
            self._read(0.05)
        code = self.proc.poll()
        took = time.monotonic() - sent
        if code is None:
            self.proc.kill()
            self.proc.wait()
        while self._read(0) and self.sel.select(0):
            pass
        self.output += self.proc.stdout.read() or b""
        return code, took


def report_ok(label, junit):
    if not os.path.exists(junit):
        return check(f"{label}: JUnit written", False, junit)
    valid = subprocess.run(["xmllint", "--noout", "--schema", SCHEMA, junit], capture_output=True)
    check(f"{label}: JUnit valid", valid.returncode == 0, valid.stderr.decode()[-800:])
    left = [n for n in os.listdir(os.path.dirname(junit)) if n.startswith(".") or n.endswith(".tmp") or ".tmp" in n]
    check(f"{label}: no temporary file left", not left, ", ".join(left))


def interrupt(label, args, ready, sig, work, want=3):
    out = os.path.join(work, "out")
    os.makedirs(out, exist_ok=True)
    junit = os.path.join(out, "junit.xml")
    child = Child([BIN] + args + ["--junit", junit], cwd=ROOT, env=dict(os.environ, POP3_PASS="secret-pw"))
    if not check(f"{label}: reached '{ready}'", child.wait_for(ready.encode()), child.output[-1500:].decode("utf-8", "replace")):
        child.stop(signal.SIGKILL)
        return
    code, took = child.stop(sig)
    check(f"{label}: {signal.Signals(sig).name} -> exit {code} in {took:.1f} s", code == want,
          f"want exit {want} within {STOP_WITHIN} s; output: {child.output[-1500:].decode('utf-8', 'replace')}")
    check(f"{label}: no sanitizer report", not any(s in child.output for s in SANITIZER),
          child.output[-3000:].decode("utf-8", "replace"))
    report_ok(label, junit)


def start_hostile(mode, work):
    maildir = os.path.join(work, "md")
    os.makedirs(maildir, exist_ok=True)
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "hostile_pop3.py"), mode, maildir, "u"],
                            stdout=subprocess.PIPE, env=dict(os.environ, POP3_PASS="secret-pw"))
    line = proc.stdout.readline().decode()
    return proc, maildir, int(line.split()[1])


def logged_in_session(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    f = s.makefile("rwb")
    f.readline()
    for line in (b"USER alice\r\n", b"PASS secret-pw\r\n"):
        f.write(line)
        f.flush()
        f.readline()
    return s, f


def serve_with_sessions(work):
    maildir = os.path.join(work, "md")
    child = Child([BIN, "serve", "--listen", "127.0.0.1:0", "--maildir", maildir, "--user", "alice",
                   "--pass", "secret-pw"], cwd=ROOT)
    if not check("serve: listening", child.wait_for(rb"listening 127\.0\.0\.1:(\d+)", 30)):
        child.stop(signal.SIGKILL)
        return
    port = int(re.search(rb"listening 127\.0\.0\.1:(\d+)", child.output).group(1))
    # One logged in (the maildrop's lock), three more waiting in AUTHORIZATION.
    held = [logged_in_session(port)]
    for _ in range(3):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.recv(512)
        held.append((s, None))
    code, took = child.stop(signal.SIGTERM)
    check(f"serve with 4 sessions, one logged in: SIGTERM -> exit {code} in {took:.1f} s", code == 0,
          child.output[-1500:].decode("utf-8", "replace"))
    check("serve: no sanitizer report", not any(s in child.output for s in SANITIZER),
          child.output[-3000:].decode("utf-8", "replace"))
    for s, _ in held:
        s.close()


def main():
    suite = os.path.join("scenarios", "rfc1939")
    with tempfile.TemporaryDirectory() as root:
        def work(name):
            path = os.path.join(root, name)
            os.makedirs(path)
            return path

        # The built-in server runs in the same io_context: sessions logged in on both sides.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            interrupt("run --jobs 4, built-in server", ["run", suite, "--jobs", "4"], "preflight PASS", sig,
                      work(f"run-{sig}"))
        interrupt("prop, built-in server", ["prop", "--runs", "1000000", "--seed", "1", "--out", os.path.join(root, "p")],
                  "prop: seed", signal.SIGINT, work("prop"))
        interrupt("fuzz --sessions 4, built-in server",
                  ["fuzz", "--seconds", "600", "--seed", "1", "--sessions", "4", "--out", os.path.join(root, "f")],
                  "fuzz: seed", signal.SIGINT, work("fuzz"))
        interrupt("load --clients 8, built-in server",
                  ["load", "--duration", "600", "--clients", "8", "--profile", "mixed", "--seed", "1"],
                  "sessions", signal.SIGINT, work("load"))
        # Every session thinking for ten minutes before its next command.
        thinking = work("think")
        with open(os.path.join(thinking, "profile.txt"), "w") as f:
            f.write("think = 600000\n")
        interrupt("load with a 10-minute think time", ["load", "--duration", "600", "--clients", "4", "--profile",
                                                       os.path.join(thinking, "profile.txt"), "--seed", "1"],
                  "load against", signal.SIGINT, thinking)
        interrupt("run --client-cmd (a client that never connects)",
                  ["run", "scenarios/clients", "--client-cmd", "sleep 600", "--client-timeout", "600"],
                  "pop3-harness", signal.SIGINT, work("client"))
        # A read blocked on a server dripping a body that never ends.
        for cmd, extra, ready in (("run", [os.path.join(suite, "retr-basic.pop3"), "--timeout", "600"], "preflight PASS"),
                                  ("prop", ["--runs", "1000", "--seed", "1", "--timeout", "600"], "prop: seed"),
                                  ("fuzz", ["--seconds", "600", "--seed", "1", "--timeout", "600"], "fuzz: seed"),
                                  ("load", ["--duration", "600", "--profile", "download", "--timeout", "600"],
                                   "load against")):
            w = work(f"drip-{cmd}")
            proc, maildir, port = start_hostile("drip-body", w)
            try:
                interrupt(f"{cmd} against a dripping server", [cmd] + extra + [
                    "--target", f"127.0.0.1:{port}", "--user", "u", "--maildir", maildir,
                    "--login-timeout", "600"] + (["--out", os.path.join(w, "f")] if cmd in ("prop", "fuzz") else []),
                    ready, signal.SIGINT, w)
            finally:
                proc.kill()
                proc.wait()
        serve_with_sessions(work("serve"))
    failed = len(results) - sum(results)
    print(f"interrupts: {sum(results)} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
