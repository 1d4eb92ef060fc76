#!/usr/bin/python3
"""A small mail retriever on Python's poplib, as a real client for the
server-role suite: log in (STLS or implicit TLS when asked; USER/PASS, or
AUTH PLAIN when USER is refused and CAPA lists SASL PLAIN), list with UIDL,
RETR every message not seen before, save each as OUTDIR/<uid>.eml byte for
byte (CRLF), DELE it unless told to keep mail on the server, QUIT.

The unique-ids already fetched are remembered in STATEDIR/seen, so a message
left on the server is not fetched again (without UIDL, it falls back to LIST
and remembers nothing). A message the server refuses (-ERR)
is skipped and left on the server; the run then exits 1 after QUIT.

Usage: poplib_client.py HOST PORT USER TLS CAFILE OUTDIR KEEP STATEDIR
       (POP3_PASS: password; KEEP: yes or no)
"""
import base64
import binascii
import os
import poplib
import ssl
import sys


def login(box, user, password):
    """USER/PASS; when USER is refused and CAPA lists SASL PLAIN, AUTH PLAIN
    (RFC 5034), which poplib has no method for."""
    try:
        box.user(user)
    except poplib.error_proto:
        caps = {name.upper(): args for name, args in box.capa().items()}
        if "PLAIN" not in [m.upper() for m in caps.get("SASL", [])]:
            raise
        token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
        box._putcmd("AUTH PLAIN")
        reply, _ = box._getline()
        if reply.startswith(b"+ ") or reply == b"+":
            try:  # RFC 5034 #4: a challenge that is not base64 is cancelled
                base64.b64decode(reply[2:], validate=True)
                box._putcmd(token)
            except binascii.Error:
                box._putcmd("*")
            reply, _ = box._getline()
        if not reply.startswith(b"+OK"):
            raise poplib.error_proto(reply)
        return
    box.pass_(password)


def main():
    host, port, user, tls, cafile, outdir, keep, statedir = sys.argv[1:9]
    password = os.environ["POP3_PASS"]
    seen_file = os.path.join(statedir, "seen")
    seen = set(open(seen_file).read().split()) if os.path.exists(seen_file) else set()
    context = ssl.create_default_context(cafile=cafile) if tls != "none" else None
    if tls == "implicit":
        box = poplib.POP3_SSL(host, int(port), context=context, timeout=10)
    else:
        box = poplib.POP3(host, int(port), timeout=10)
        if tls == "stls":
            box.stls(context=context)
            # RFC 2595 #4: capabilities from before TLS are stale (poplib's
            # stls() does not ask again by itself).
            box.capa()
    login(box, user, password)
    try:
        _, listing, _ = box.uidl()
    except poplib.error_proto:
        # No UIDL (optional, RFC 1939 #7): message numbers, and no memory.
        _, listing, _ = box.list()
        listing = [entry.split()[0] + b" " for entry in listing]
    refused = 0
    for entry in listing:
        number, uid = entry.decode().split(" ", 1)
        if not number.isdigit() or int(number) == 0:
            # RFC 1939 #5: message numbers are positive; anything else names no message.
            print(f"poplib_client: skipped a listing entry numbered {number!r}", file=sys.stderr)
            continue
        if not uid:
            uid = f"message-{number}"
        elif uid in seen:
            continue
        try:
            _, lines, _ = box.retr(int(number))
        except poplib.error_proto as e:
            print(f"poplib_client: RETR {number}: {e}", file=sys.stderr)
            refused += 1
            continue
        # poplib strips CRLF and unstuffs; the message is its lines joined by CRLF.
        with open(os.path.join(outdir, uid.replace("/", "_") + ".eml"), "wb") as f:
            f.write(b"".join(line + b"\r\n" for line in lines))
        if not uid.startswith("message-"):
            with open(seen_file, "a") as f:
                f.write(uid + "\n")
        if keep != "yes":
            box.dele(int(number))
    box.quit()
    return 1 if refused else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (poplib.error_proto, OSError, ssl.SSLError) as e:
        print(f"poplib_client: {e}", file=sys.stderr)
        sys.exit(1)
