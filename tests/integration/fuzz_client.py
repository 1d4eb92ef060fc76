"""A small POP3 client for the client fuzzer's own test: with 'careful' it
is the correct client (timeouts, line limits, nothing saved unless whole);
each other mode plants one bug the fuzzer must find.

usage: fuzz_client.py MODE HOST PORT USER OUTDIR   (the password in POP3_PASS)
modes: careful, crash-on-long-greeting, hang-on-bad-stat, no-unstuff
"""
import os
import signal
import socket
import sys

mode, host, port, user, outdir = sys.argv[1:6]
sock = socket.create_connection((host, int(port)), timeout=2)
stream = sock.makefile("rb")


def line():
    got = stream.readline(70000)
    if not got.endswith(b"\r\n"):
        sys.exit("no complete line")
    return got[:-2]


def command(text, multi=False):
    sock.sendall(text.encode() + b"\r\n")
    status = line()
    if not status.startswith(b"+OK"):
        sys.exit(f"{text.split()[0]} refused")
    body = []
    while multi:
        got = line()
        if got == b".":
            return status, body
        body.append(got[1:] if got.startswith(b".") and mode != "no-unstuff" else got)
    return status, body


greeting = line()
if mode == "crash-on-long-greeting" and len(greeting) > 510:
    os.kill(os.getpid(), signal.SIGSEGV)
if not greeting.startswith(b"+OK"):
    sys.exit("greeting refused")
command("USER " + user)
command("PASS " + os.environ["POP3_PASS"])
status, _ = command("STAT")
words = status.split()
try:
    count = int(words[1])
except (IndexError, ValueError):
    if mode == "hang-on-bad-stat":
        while True:
            signal.pause()
    sys.exit("STAT has no message count")
if not 0 <= count <= 1000:
    sys.exit("STAT count out of range")
for n in range(1, count + 1):
    _, body = command(f"RETR {n}", True)
    with open(os.path.join(outdir, f"{n}.eml"), "wb") as out:
        out.write(b"".join(l + b"\r\n" for l in body))
command("QUIT")
