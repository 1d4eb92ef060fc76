#!/usr/bin/python3
"""A POP3 server over a maildir that is correct except for one hostile
behaviour, for the harness's hardening tests (hostile_servers.py, bad_input.sh).

usage: hostile_pop3.py MODE MAILDIR USER[,USER...]   (the password in POP3_PASS)

With several users (for --jobs), each has the maildir MAILDIR/USER.

It prints "port N" once listening on 127.0.0.1 and serves until SIGTERM, one
thread per connection. The correct part: USER/PASS (one session at a time per
maildrop, [IN-USE] otherwise), STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP,
QUIT (deletions committed only by QUIT in TRANSACTION), CAPA. Every mode and
what it breaks is in MODES below.
"""
import base64
import hashlib
import os
import signal
import socket
import sys
import threading
import time

MIB = 1 << 20
DRIP = 0.2  # seconds between octets (or lines) of a drip: far slower than any deadline allows

MODES = {
    # no greeting / greeting
    "no-greeting": "accepts and never says a word",
    "close-after-greeting": "greets, then closes at once",
    "drip-greeting": "sends '+OK' then one octet every 0.2 s, never a CRLF",
    "data-before-greeting": "sends a line of its own before the greeting",
    "control-bytes": "ESC, BEL and NUL in the greeting and in every -ERR text",
    # status lines
    "endless-line": "answers STAT with a status line that never ends (no CRLF, 64 MiB)",
    "long-lines": "answers STAT with a 100 KB status line",
    "drip-status": "answers STAT one octet every 0.2 s, never a CRLF",
    "doubled": "sends every answer after the greeting twice",
    # bodies and listings
    "endless-body": "answers RETR with a body that never ends (until the client goes)",
    "big-body": "answers RETR 1 with a well-formed 1 GiB body",
    "empty-lines": "answers RETR 1 with 60 MiB of empty lines",
    "long-body-lines": "answers RETR 1 with lines of 100 KB",
    "drip-body": "answers RETR with one body line every 0.2 s, never the terminator",
    "huge-listing": "answers LIST with 5 million entries",
    "huge-capa": "answers CAPA with 1 million capabilities",
    "close-mid": "closes in the middle of a RETR answer",
    "rst-mid": "resets the connection (RST) in the middle of a RETR answer",
    # TLS
    "stls-garbage": "advertises STLS and answers it +OK followed by garbage instead of a handshake",
    "stls-stall": "advertises STLS, answers it +OK and then never speaks",
    # secrets and SASL
    "echo-password": "echoes the password back: whole (PASS), split over two segments (NOOP), long (CAPA)",
    "huge-sasl": "advertises SASL PLAIN and answers AUTH with a 341 KiB challenge (RFC 5034 #4 allows any length)",
}

lock = threading.Lock()
locked = set()


class Closed(Exception):
    pass


class Session:
    def __init__(self, conn, mode, maildir, user, password):
        self.conn, self.mode, self.maildir, self.user, self.password = conn, mode, maildir, user, password
        self.state, self.named, self.msgs, self.deleted = "auth", None, [], set()

    def send(self, data):
        self.conn.sendall(data)
        if self.mode == "doubled" and self.greeted:
            self.conn.sendall(data)

    def drip(self, data, forever=b""):
        for i in range(len(data)):
            self.conn.sendall(data[i:i + 1])
            time.sleep(DRIP)
        while forever:
            self.conn.sendall(forever)
            time.sleep(DRIP)

    def err(self, text):
        extra = b" \x1b]0;pwned\x07\x1b[2J\x00" if self.mode == "control-bytes" else b""
        self.send(b"-ERR " + text.encode() + extra + b"\r\n")

    def greet(self):
        self.greeted = False
        m = self.mode
        if m == "no-greeting":
            while self.conn.recv(4096):
                pass
            raise Closed
        if m == "drip-greeting":
            self.drip(b"+OK", forever=b".")
        if m == "data-before-greeting":
            self.conn.sendall(b"* hello before the greeting\r\n")
        text = b"+OK hostile \x1b]0;pwned\x07\x1b[2J\x00 ready" if m == "control-bytes" else b"+OK hostile ready"
        self.conn.sendall(text + b"\r\n")
        self.greeted = True
        if m == "close-after-greeting":
            raise Closed

    def load(self):
        names = []
        for sub in ("cur", "new"):
            d = os.path.join(self.maildir, sub)
            names += [os.path.join(d, n) for n in sorted(os.listdir(d))] if os.path.isdir(d) else []
        self.msgs = []
        for path in names:
            with open(path, "rb") as f:
                data = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            uid = hashlib.sha1(os.path.basename(path).split(":")[0].encode()).hexdigest()
            self.msgs.append((path, data, uid))

    def message(self, arg):
        try:
            n = int(arg)
        except (TypeError, ValueError):
            return None
        return n if 1 <= n <= len(self.msgs) and n not in self.deleted else None

    def body(self, data, lines=None):
        head, blank, rest = data.partition(b"\r\n\r\n")
        text = data
        if lines is not None and blank:
            text = head + blank + b"".join(l + b"\r\n" for l in rest.split(b"\r\n")[:-1][:lines])
        out = [(b"." + l if l.startswith(b".") else l) + b"\r\n" for l in text.split(b"\r\n")[:-1]]
        return b"".join(out) + b".\r\n"

    def retr(self, n):
        m = self.mode
        if m == "endless-body" or m == "drip-body":
            self.send(b"+OK\r\n")
            if m == "drip-body":
                self.drip(b"", forever=b"line\r\n")
            chunk = b"never terminated\r\n" * 4096
            while True:
                self.conn.sendall(chunk)
        if m in ("close-mid", "rst-mid"):
            self.send(b"+OK\r\nSubject: half a mess")
            if m == "rst-mid":
                self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            raise Closed
        if n == 1 and m in ("big-body", "empty-lines"):
            line, total = (b"x" * 1022 + b"\r\n", 1024 * MIB) if m == "big-body" else (b"\r\n", 60 * MIB)
            self.send(b"+OK %d octets\r\n" % total)
            chunk = line * (MIB // len(line))
            for _ in range(total // len(chunk)):
                self.conn.sendall(chunk)
            self.conn.sendall(b".\r\n")
            return
        data = self.msgs[n - 1][1]
        if m == "long-body-lines":
            data = data + (b"y" * 100000 + b"\r\n") * 3
        self.send(b"+OK %d octets\r\n" % len(data) + self.body(data))

    def capa(self):
        caps = [b"USER", b"UIDL", b"TOP"]
        if self.mode in ("stls-garbage", "stls-stall"):
            caps.append(b"STLS")
        if self.mode == "huge-sasl":
            caps.append(b"SASL PLAIN")
        if self.mode == "echo-password":
            caps.append(b"X-ECHO " + self.password.encode() * 40)
        self.send(b"+OK\r\n" + b"".join(c + b"\r\n" for c in caps))
        if self.mode == "huge-capa":
            chunk = b"".join(b"X-CAP-%07d\r\n" % i for i in range(1000))
            for _ in range(1000):
                self.conn.sendall(chunk)
        self.conn.sendall(b".\r\n")

    def stat(self):
        live = [m for i, m in enumerate(self.msgs, 1) if i not in self.deleted]
        line = b"+OK %d %d" % (len(live), sum(len(m[1]) for m in live))
        if self.mode == "endless-line":
            self.conn.sendall(line + b" ")
            for _ in range(64):
                self.conn.sendall(b"x" * MIB)
            raise Closed
        if self.mode == "drip-status":
            self.drip(line, forever=b"x")
        if self.mode == "long-lines":
            line += b" " + b"z" * 100000
        self.send(line + b"\r\n")

    def listing(self, arg, uidl):
        if arg is not None:
            n = self.message(arg)
            if n is None:
                return self.err("no such message")
            value = self.msgs[n - 1][2].encode() if uidl else b"%d" % len(self.msgs[n - 1][1])
            return self.send(b"+OK %d %s\r\n" % (n, value))
        if self.mode == "huge-listing" and not uidl:
            self.send(b"+OK 5000000 messages\r\n")
            chunk = b"".join(b"%d 100\r\n" % i for i in range(1, 10001))
            for _ in range(500):
                self.conn.sendall(chunk)
            self.conn.sendall(b".\r\n")
            return
        lines = [b"%d %s\r\n" % (i, m[2].encode() if uidl else b"%d" % len(m[1]))
                 for i, m in enumerate(self.msgs, 1) if i not in self.deleted]
        self.send(b"+OK\r\n" + b"".join(lines) + b".\r\n")

    def login(self, word, arg):
        if word == "USER":
            self.named = arg
            return self.send(b"+OK\r\n")
        if word == "AUTH" and self.mode == "huge-sasl":
            self.send(b"+ " + base64.b64encode(os.urandom(256 * 1024)) + b"\r\n")
            return
        if word != "PASS" or self.named is None:
            return self.err("USER first" if word == "PASS" else "not in this state")
        if self.named not in self.user or arg != self.password:
            self.named = None
            return self.err("[AUTH] wrong user or password")
        if len(self.user) > 1:
            self.maildir = os.path.join(self.maildir, self.named)
        with lock:
            if self.maildir in locked:
                return self.err("[IN-USE] maildrop locked")
            locked.add(self.maildir)
        self.state = "trans"
        self.load()
        echo = b" welcome, " + self.password.encode() if self.mode == "echo-password" else b""
        self.send(b"+OK" + echo + b"\r\n")

    def transaction(self, word, arg, args):
        if word == "STAT":
            return self.stat()
        if word in ("LIST", "UIDL"):
            return self.listing(arg, word == "UIDL")
        if word == "NOOP" and self.mode == "echo-password":
            half = len(self.password) // 2
            self.conn.sendall(b"+OK " + self.password[:half].encode())
            time.sleep(0.05)
            return self.conn.sendall(self.password[half:].encode() + b"\r\n")
        if word in ("NOOP", "RSET"):
            self.deleted = set() if word == "RSET" else self.deleted
            return self.send(b"+OK\r\n")
        n = self.message(arg)
        if word not in ("RETR", "TOP", "DELE") or n is None:
            return self.err("no such message" if word in ("RETR", "TOP", "DELE") else "unknown command")
        if word == "DELE":
            self.deleted.add(n)
            return self.send(b"+OK\r\n")
        if word == "RETR":
            return self.retr(n)
        try:
            lines = int(args[1])
        except (IndexError, ValueError):
            return self.err("TOP needs a line count")
        if lines < 0:
            return self.err("negative line count")
        self.send(b"+OK\r\n" + self.body(self.msgs[n - 1][1], lines))

    def command(self, line):
        words = line.decode("latin-1").split(" ")
        word, arg = words[0].upper(), (words[1] if len(words) > 1 else None)
        most = {"STAT": 0, "NOOP": 0, "RSET": 0, "QUIT": 0, "CAPA": 0, "LIST": 1, "UIDL": 1, "RETR": 1,
                "DELE": 1, "TOP": 2, "USER": 1, "PASS": 1}.get(word, 9)
        if len(line) > 253 or len(words) - 1 > most:
            return self.err("syntax")
        if word == "CAPA":
            return self.capa()
        if word == "QUIT":
            if self.state == "trans":
                for i in sorted(self.deleted):
                    os.unlink(self.msgs[i - 1][0])
            self.send(b"+OK bye\r\n")
            raise Closed
        if word == "STLS" and self.mode in ("stls-garbage", "stls-stall") and self.state == "auth":
            self.send(b"+OK begin TLS\r\n")
            if self.mode == "stls-garbage":
                self.conn.sendall(b"this is not a TLS record\r\n" + bytes(range(256)) * 16)
            while self.conn.recv(4096):
                pass
            raise Closed
        if self.state == "auth":
            return self.login(word, arg)
        return self.transaction(word, arg, words[1:])

    def run(self):
        try:
            self.greet()
            buf = b""
            while True:
                data = self.conn.recv(65536)
                if not data:
                    break
                buf += data
                while b"\r\n" in buf:
                    line, buf = buf.split(b"\r\n", 1)
                    self.command(line)
                if len(buf) > 4096:
                    buf = b""
                    self.err("line too long")
        except (Closed, OSError):
            pass
        finally:
            if self.state == "trans":
                with lock:
                    locked.discard(self.maildir)
            self.conn.close()


def main():
    mode, maildir, user = sys.argv[1:4]
    if mode not in MODES and mode != "correct":
        sys.exit(f"unknown mode {mode}; modes: correct, " + ", ".join(MODES))
    password = os.environ.get("POP3_PASS", "")
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print(f"port {srv.getsockname()[1]}", flush=True)
    while True:
        conn, _ = srv.accept()
        conn.settimeout(60)
        threading.Thread(target=Session(conn, mode, maildir, user.split(","), password).run, daemon=True).start()


if __name__ == "__main__":
    main()
