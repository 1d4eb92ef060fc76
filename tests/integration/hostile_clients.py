#!/usr/bin/python3
"""The reference server against hostile clients: random bytes (seeded, the
seed printed), an endless line, a client that never reads, one that never
speaks, one that drips octets without ever finishing a command, more
connections than --max-sessions, junk instead of a TLS
handshake, junk after STLS. After each attack the server must still be
alive and serve a normal session; at the end it must stop cleanly on
SIGTERM. Run it with the sanitizer build, so a memory error is a failure.

Usage: hostile_clients.py path/to/pop3-harness [SEED]
"""
import os
import random
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1]
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else random.SystemRandom().randrange(1 << 31)
IDLE = 1.0       # serve --idle-timeout
MAX = 40         # serve --max-sessions
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)


def start_server(work):
    maildir = os.path.join(work, "md")
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub))
    with open(os.path.join(maildir, "new", "1000000001.M1P0.x"), "wb") as f:
        f.write(b"Subject: one\r\n\r\n.dot\r\nbody\r\n")
    env = dict(os.environ, POP3_PASS="secret")
    proc = subprocess.Popen([BIN, "serve", "--maildir", maildir, "--user", "alice", "--write-cert",
                             os.path.join(work, "cert.pem"), "--tls-listen", "127.0.0.1:0",
                             "--idle-timeout", str(IDLE), "--max-sessions", str(MAX)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    ports = []
    deadline = time.monotonic() + 20
    while len(ports) < 2 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("listening "):
            ports.append(int(line.split()[1].rsplit(":", 1)[1]))
    if len(ports) < 2:
        raise SystemExit("serve did not start")
    return proc, ports[0], ports[1], os.path.join(work, "cert.pem")


def connect(port, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_until_closed(s, limit=1 << 20, timeout=5):
    """Everything the server sends until it closes, bounded in size and time."""
    data = b""
    s.settimeout(timeout)
    deadline = time.monotonic() + timeout
    try:
        while len(data) < limit and time.monotonic() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return data


def normal_session(port, busy=None):
    """A well-behaved session; True when every answer is right. busy is set
    when the server greets with -ERR [SYS/TEMP]: its sessions are all taken."""
    try:
        s = connect(port)
        f = s.makefile("rb")
        greeting = f.readline()
        if busy is not None:
            busy.append(greeting.startswith(b"-ERR [SYS/TEMP]"))
        ok = greeting.startswith(b"+OK")
        for cmd, want in ((b"USER alice", b"+OK"), (b"PASS secret", b"+OK"), (b"STAT", b"+OK 1 "),
                          (b"QUIT", b"+OK")):
            s.sendall(cmd + b"\r\n")
            ok = ok and f.readline().startswith(want)
        s.close()
        return ok
    except OSError:
        return False


def still_serving(proc, port, after, within=10.0):
    """The server is alive and serves a normal session. Connections the test
    just closed give their slots back only once the server has seen them
    close: while it answers [SYS/TEMP] it is asked again, up to a deadline."""
    deadline = time.monotonic() + within
    wait = 0.005
    while True:
        alive = proc.poll() is None
        busy = []
        served = alive and normal_session(port, busy)
        if served or not alive or not any(busy) or time.monotonic() + wait > deadline:
            break
        time.sleep(wait)
        wait = min(wait * 2, 0.5)
    check(f"after {after}: the server is alive and serves a normal session",
          served, "process exited" if not alive else "the normal session failed" + (" (still busy)" if any(busy) else ""))


def send_junk(s, rng):
    """Random bytes; the server may already have closed, which is its right."""
    try:
        s.sendall(random_junk(rng))
    except OSError:
        pass
    read_until_closed(s, timeout=IDLE + 3)
    s.close()


def random_junk(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096)))
    if kind == 1:  # commands with random arguments, pipelined
        words = [b"USER", b"PASS", b"STAT", b"LIST", b"RETR", b"DELE", b"TOP", b"UIDL", b"NOOP", b"RSET",
                 b"CAPA", b"STLS", b"AUTH", b"APOP", b"QUIT", b"XYZZ"]
        return b"".join(rng.choice(words) + b" " + str(rng.randrange(-2, 1 << 40)).encode() + rng.choice(
            [b"\r\n", b"\n", b"\r", b"\0\r\n"]) for _ in range(rng.randrange(1, 200)))
    if kind == 2:
        return b"\0" * rng.randrange(1, 70000)
    if kind == 3:
        return b"\n" * rng.randrange(1, 5000)
    if kind == 4:  # AUTH exchanges with junk base64
        return b"AUTH PLAIN\r\n" + bytes(rng.randrange(33, 127) for _ in range(rng.randrange(1, 3000))) + b"\r\n"
    return b"USER alice\r\nPASS secret\r\n" + b"RETR 1\r\nTOP 1 99999999999999999999\r\nDELE 1\r\nRSET\r\n" * rng.randrange(1, 50)


def main():
    print(f"hostile_clients: seed {SEED} (rerun with: hostile_clients.py BIN {SEED})", flush=True)
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as work:
        proc, port, tls_port, cafile = start_server(work)
        try:
            # More connections than --max-sessions: the extra ones are refused, not queued forever.
            # First, while no other session can still be winding down and hold a slot.
            held = [connect(port) for _ in range(MAX + 10)]
            greetings = []
            for s in held:
                s.settimeout(5)
                try:
                    greetings.append(s.recv(512))
                except OSError:
                    greetings.append(b"")
            ok = sum(g.startswith(b"+OK") for g in greetings)
            refused = sum(g.startswith(b"-ERR [SYS/TEMP]") for g in greetings)
            for s in held:
                s.close()
            check(f"{MAX + 10} connections at once with --max-sessions {MAX}: {MAX} served, 10 refused",
                  ok == MAX and refused == 10, f"{ok} served, {refused} refused")
            still_serving(proc, port, "too many connections")

            # Random bytes, 60 connections, each read until the server closes or goes quiet.
            bad_status = 0
            for _ in range(60):
                s = connect(port)
                try:
                    s.sendall(random_junk(rng))
                    s.shutdown(socket.SHUT_WR)  # silence is tested on its own below
                except OSError:
                    pass
                reply = read_until_closed(s, timeout=IDLE + 3)
                s.close()
                first = reply.split(b"\r\n", 1)[0]
                if reply and not first.startswith(b"+OK"):
                    bad_status += 1
            check("random bytes on 60 connections: each greeted with +OK", bad_status == 0, f"{bad_status} not")
            still_serving(proc, port, "random bytes")

            # A line that never ends: -ERR, not a growing buffer; then the next command works.
            s = connect(port)
            s.recv(512)
            s.sendall(b"A" * (4 << 20) + b"\r\nNOOP\r\n")
            reply = read_until_closed(s, timeout=IDLE + 3)
            s.close()
            lines = [l for l in reply.split(b"\r\n") if l]
            check("a 4 MiB line is answered with -ERR and the session goes on",
                  bool(lines) and lines[0].startswith(b"-ERR") and len(lines) >= 2, repr(reply[:200]))
            still_serving(proc, port, "an endless line")

            # Never speaks: closed at the idle timeout.
            s = connect(port)
            started = time.monotonic()
            data = read_until_closed(s, timeout=IDLE + 5)
            waited = time.monotonic() - started
            s.close()
            check(f"a silent client is closed after the idle timeout ({IDLE} s)",
                  data.startswith(b"+OK") and waited < IDLE + 4, f"after {waited:.1f} s")

            # Drips one octet at a time, never a whole command: bytes are not
            # activity, so it is closed at the idle timeout too (slowloris).
            s = connect(port)
            s.recv(512)
            started = time.monotonic()
            closed = False
            while not closed and time.monotonic() - started < IDLE + 5:
                try:
                    s.sendall(b"N")
                    s.settimeout(IDLE / 4)
                    closed = s.recv(512) == b""
                except socket.timeout:
                    pass
                except OSError:
                    closed = True
            waited = time.monotonic() - started
            s.close()
            check(f"a client dripping octets without a command is closed at the idle timeout ({IDLE} s)",
                  closed and waited < IDLE + 4, f"closed={closed} after {waited:.1f} s")

            # A command every half idle timeout keeps the session open past it.
            s = connect(port)
            f = s.makefile("rb")
            f.readline()
            answers = []
            for _ in range(5):
                s.sendall(b"NOOP\r\n")
                s.settimeout(IDLE + 3)
                try:
                    answers.append(f.readline())
                except OSError:
                    answers.append(b"")
                time.sleep(IDLE / 2)  # the pace of the client under test, not a wait for an event
            s.close()
            check(f"a client with a command every {IDLE / 2} s is served past the idle timeout",
                  all(a.startswith(b"-ERR") or a.startswith(b"+OK") for a in answers), repr(answers))

            # Never reads: 20000 pipelined RETRs, responses left unread, then gone.
            s = connect(port)
            try:
                s.settimeout(5)
                s.sendall(b"USER alice\r\nPASS secret\r\n" + b"RETR 1\r\n" * 20000)
                s.recv(1)  # the server is answering; the rest is never read
            except OSError:
                pass
            s.close()
            still_serving(proc, port, "a client that never reads")

            # Junk instead of a TLS handshake, and junk after STLS.
            for _ in range(10):
                send_junk(connect(tls_port), rng)
                s = connect(port)
                f = s.makefile("rb")
                f.readline()
                s.sendall(b"STLS\r\n")
                f.readline()
                send_junk(s, rng)
            context = ssl.create_default_context(cafile=cafile)
            with context.wrap_socket(connect(tls_port), server_hostname="localhost") as t:
                greeting = t.recv(512)
            check("after junk handshakes: implicit TLS still works", greeting.startswith(b"+OK"), repr(greeting))
            still_serving(proc, port, "junk TLS handshakes")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = "hung"
            rest = proc.stdout.read()
        check("SIGTERM stops the server cleanly (exit 0)", code == 0, f"exit {code}: {rest[-2000:]}")
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed (seed {SEED})")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
