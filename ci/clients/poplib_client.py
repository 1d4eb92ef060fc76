#!/usr/bin/python3
"""A small mail retriever on Python's poplib, as a real client for the
server-role suite: log in (STLS or implicit TLS when asked), list with UIDL,
RETR every message, save each as OUTDIR/<uid>.eml byte for byte (CRLF), QUIT.

Usage: poplib_client.py HOST PORT USER TLS CAFILE OUTDIR   (POP3_PASS: password)
"""
import os
import poplib
import ssl
import sys


def main():
    host, port, user, tls, cafile, outdir = sys.argv[1:7]
    password = os.environ["POP3_PASS"]
    context = ssl.create_default_context(cafile=cafile) if tls != "none" else None
    if tls == "implicit":
        box = poplib.POP3_SSL(host, int(port), context=context, timeout=10)
    else:
        box = poplib.POP3(host, int(port), timeout=10)
        if tls == "stls":
            box.stls(context=context)
    box.user(user)
    box.pass_(password)
    _, listing, _ = box.uidl()
    for entry in listing:
        number, uid = entry.decode().split(" ", 1)
        _, lines, _ = box.retr(int(number))
        # poplib strips CRLF and unstuffs; the message is its lines joined by CRLF.
        with open(os.path.join(outdir, uid.replace("/", "_") + ".eml"), "wb") as f:
            f.write(b"".join(line + b"\r\n" for line in lines))
    box.quit()


if __name__ == "__main__":
    try:
        main()
    except (poplib.error_proto, OSError, ssl.SSLError) as e:
        print(f"poplib_client: {e}", file=sys.stderr)
        sys.exit(1)
