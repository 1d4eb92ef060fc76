#!/usr/bin/python3
"""Peak memory of the harness against hostile answers, next to its configured
limits and to a baseline measured in the same run (a one-scenario run against
a correct server). The servers are tests/integration/hostile_pop3.py; peak RSS
comes from the kernel (wait4). Not a test: it asserts nothing.

usage: bench/memory.py path/to/pop3-harness
"""
import os
import subprocess
import sys
import tempfile
import time

BIN = os.path.realpath(sys.argv[1])
ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
SERVER = os.path.join(ROOT, "tests", "integration", "hostile_pop3.py")
RFC1939 = os.path.join(ROOT, "scenarios", "rfc1939")
PASSWORD = "bench-pass"
RETRS = ["retr-basic", "retr-all-sizes-match-list", "retr-dot-lines-on-the-wire", "retr-edge-1"]

# what | server mode | harness arguments (after the subcommand) | accounts
ROWS = [
    ("baseline: stat-basic", "correct", ["run", "stat-basic"], 1),
    ("RETR: 1 GiB body", "big-body", ["run", "retr-basic"], 1),
    ("RETR: 60 MiB of empty lines", "empty-lines", ["run", "retr-basic"], 1),
    ("LIST: 5 million entries", "huge-listing", ["run", "list-all"], 1),
    ("CAPA: 1 million entries", "huge-capa", ["run", "capa-lists-capabilities"], 1),
    ("RETR: 1 GiB body, --jobs 4", "big-body", ["run"] + RETRS + ["--jobs", "4"], 4),
    ("fuzz 5 s: 60 MiB empty lines", "empty-lines", ["fuzz", "--seconds", "5", "--seed", "1"], 1),
    ("fuzz 5 s: 5 M entries", "huge-listing", ["fuzz", "--seconds", "5", "--seed", "1"], 1),
]


def measure(mode, args, accounts, work):
    users = ["bench"] if accounts == 1 else [f"bench{i}" for i in range(accounts)]
    maildir = os.path.join(work, "md")
    os.makedirs(maildir, exist_ok=True)
    env = dict(os.environ, POP3_PASS=PASSWORD)
    server = subprocess.Popen(["/usr/bin/python3", SERVER, mode, maildir, ",".join(users)],
                              stdout=subprocess.PIPE, env=env, text=True)
    port = int(server.stdout.readline().split()[1])
    try:
        cmd, rest = args[0], args[1:]
        if cmd == "run":
            rest = [os.path.join(RFC1939, a + ".pop3") if not a.startswith("-") and not a.isdigit() else a
                    for a in rest]
        target = ["--target", f"127.0.0.1:{port}", "--junit", os.path.join(work, "junit.xml")]
        if accounts == 1:
            target += ["--user", users[0], "--maildir", maildir]
        else:
            pool = os.path.join(work, "users")
            with open(pool, "w") as f:
                f.writelines(f"{u} {PASSWORD} maildir={os.path.join(maildir, u)}\n" for u in users)
            target += ["--users", pool]
        if cmd != "run":
            target += ["--out", os.path.join(work, "out")]
        started = time.monotonic()
        proc = subprocess.Popen([BIN, cmd] + rest + target, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        return os.waitstatus_to_exitcode(status), time.monotonic() - started, usage.ru_maxrss / 1024
    finally:
        server.terminate()
        server.wait()


def main():
    print("Peak RSS of the harness against hostile answers (limits: a body is held up to 16 MiB of text and")
    print("64 MiB with its per-line bookkeeping, then checked while it streams; one answer is read up to 4 GiB,")
    print("--max-response); baseline: the same binary, one small scenario, in this run:")
    print(f"{'case':34} {'exit':>4} {'wall s':>8} {'peak MiB':>9} {'over baseline':>14}")
    baseline = None
    for what, mode, args, accounts in ROWS:
        with tempfile.TemporaryDirectory() as work:
            code, seconds, rss = measure(mode, args, accounts, work)
        baseline = rss if baseline is None else baseline
        print(f"{what:34} {code:>4} {seconds:>8.1f} {rss:>9.1f} {rss - baseline:>+13.1f}", flush=True)


if __name__ == "__main__":
    main()
