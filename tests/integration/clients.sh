#!/usr/bin/env bash
# The server role end to end: the client suite against real clients (Python's
# poplib, curl, fetchmail), each failing exactly its known findings, and
# against broken clients, which it must fail.
# Writes reports/out/clients/{poplib,curl,fetchmail}.xml and table.md.
set -uo pipefail
bin=$(realpath "${1:?usage: clients.sh path/to/pop3-harness}")
root=$(cd "$(dirname "$0")/../.." && pwd)
xsd=$root/tests/data/jenkins-junit.xsd
out=$root/reports/out/clients
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
verdict() {  # NAME OK-CONDITION-EXIT-STATUS
  if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; sed 's/^/     /' "$tmp/out" | tail -40; fi
}
clients=$root/ci/clients
poplib="/usr/bin/python3 $clients/poplib_client.py {host} {port} {user} {tls} {cafile} {outdir} {keep} {statedir}"
# Each client: exactly its known findings fail (ci/known/NAME.txt): with
# --known and --strict-known the run passes (exit 0) only then, each finding
# reported as XFAIL, and a listed one that passes would fail it (XPASS).
known_only() {  # NAME COMMAND [run options...]
  local name=$1 cmd=$2; shift 2
  "$bin" run "$root/scenarios/clients" "$root/scenarios/security" --client-cmd "$cmd" --client-timeout 20 \
    --known "$root/ci/known/$name.txt" --strict-known --junit "$out/$name.xml" "$@" \
    >"$tmp/out" 2>&1
  local rc=$? listed
  listed=$(grep -c '^[a-z]' "$root/ci/known/$name.txt")
  [ "$rc" = 0 ] && [ "$(grep -c '] XFAIL ' "$tmp/out")" = "$listed" ]
  verdict "$name fails only its $listed known findings (exit $rc)" $?
}
known_only poplib "$poplib"
xmllint --noout --schema "$xsd" "$out/poplib.xml" 2>/dev/null
verdict "the poplib JUnit report validates against the Jenkins schema" $?
known_only curl "$clients/curl_client.sh {host} {port} {user} {tls} {cafile} {outdir}"
known_only fetchmail "$clients/fetchmail_client.sh {host} {port} {user} {tls} {cafile} {outdir} {keep} {statedir}" \
  --client-saves lf
"$root/ci/clients/table" poplib="$out/poplib.xml" curl="$out/curl.xml" fetchmail="$out/fetchmail.xml" > "$out/table.md"

# A client command that never connects is a setup mistake, said once (exit 3,
# no verdict); a client that saves what it receives without removing the
# byte-stuffing is caught.
"$bin" run "$root/scenarios/clients" --client-cmd true --junit "$tmp/never.xml" >"$tmp/out" 2>&1
rc=$?
grep -q "the client never connected to the server: it exited 0: check --client-cmd" "$tmp/out" && ! grep -q "<failure" "$tmp/never.xml"
verdict "a client command that never connects: said once, exit $rc, no verdict" $(( (rc == 3 ? 0 : 1) + $? ))
caught() {  # WHAT SCENARIO COMMAND FINDING [run options]: the run fails (exit 1) with FINDING
  "$bin" run "$root/scenarios/clients" --filter "clients/$2" --client-cmd "$3" --junit "$tmp/caught.xml" "${@:5}" \
    >"$tmp/out" 2>&1
  local rc=$?
  grep -q "$4" "$tmp/out"
  verdict "$1 fails $2 (exit $rc)" $(( (rc == 1 ? 0 : 1) + $? ))
}
cat > "$tmp/raw.py" <<'PY'
import os, socket, sys
host, port, user, outdir = sys.argv[1:5]
s = socket.create_connection((host, int(port)), timeout=10)
f = s.makefile("rb")
def cmd(line, multi=False):
    if line: s.sendall(line.encode() + b"\r\n")
    status = f.readline()
    lines = []
    while multi and status.startswith(b"+OK"):
        l = f.readline()
        if l == b".\r\n": break
        lines.append(l)
    return status, lines
cmd("")
cmd("USER " + user); cmd("PASS " + os.environ["POP3_PASS"])
count = int(cmd("STAT")[0].split()[1])
for n in range(1, count + 1):
    _, lines = cmd(f"RETR {n}", True)
    open(os.path.join(outdir, f"{n}.eml"), "wb").write(b"".join(lines))  # forgets to un-stuff
cmd("QUIT")
PY
caught "a client that does not un-stuff dot lines" retrieve-dot-lines \
  "/usr/bin/python3 $tmp/raw.py {host} {port} {user} {outdir}" "a saved file is not a complete fixture message"
# APOP against the RFC's own greeting: the digest must be checked against the
# timestamp the scripted greeting showed, so a right client gets in.
cat > "$tmp/apop.py" <<'PY'
import hashlib, os, re, socket, sys
host, port, user, outdir = sys.argv[1:5]
s = socket.create_connection((host, int(port)), timeout=10)
f = s.makefile("rb")
stamp = re.search(rb"<[^>]*>", f.readline()).group(0)
digest = hashlib.md5(stamp + os.environ["POP3_PASS"].encode()).hexdigest()
s.sendall(f"APOP {user} {digest}\r\n".encode())
if not f.readline().startswith(b"+OK"): sys.exit("APOP refused")
s.sendall(b"STAT\r\n")
for n in range(1, int(f.readline().split()[1]) + 1):
    s.sendall(f"RETR {n}\r\n".encode()); f.readline()
    lines = []
    while (l := f.readline()) != b".\r\n":
        lines.append(l[1:] if l.startswith(b".") else l)
    open(os.path.join(outdir, f"{n}.eml"), "wb").write(b"".join(lines))
s.sendall(b"QUIT\r\n"); f.readline()
PY
"$bin" run "$root/scenarios/clients" --filter 'clients/greeting-apop' \
  --client-cmd "/usr/bin/python3 $tmp/apop.py {host} {port} {user} {outdir}" --junit "$tmp/apop.xml" >"$tmp/out" 2>&1
rc=$?
verdict "an APOP client logs in with the timestamp of the scripted greeting (exit $rc)" "$rc"

# Clients with the TLS mistakes the TLS suite is for (NO STARTTLS classes):
# each mode of tls_broken.py must be caught by its scenario.
cat > "$tmp/tls_broken.py" <<'PY'
import os, socket, ssl, sys
mode, host, port, user, cafile = sys.argv[1:6]
s = socket.create_connection((host, int(port)), timeout=10)
buf = b""
def line():  # from what was read before, then from the socket: the bug under test
    global buf
    while b"\r\n" not in buf:
        more = s.recv(4096)
        if not more: sys.exit("closed")
        buf += more
    l, _, buf = buf.partition(b"\r\n")
    return l
line()
s.sendall(b"STLS\r\n")
if not line().startswith(b"+OK"):
    if mode != "strip": sys.exit("STLS refused")
    s.sendall(f"USER {user}\r\n".encode())  # carries on in the clear
    line(); sys.exit(0)
context = ssl.create_default_context(cafile=cafile)
if mode == "no-verify":
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
s = context.wrap_socket(s, server_hostname=host)
if mode != "keep-buffer": buf = b""
s.sendall(b"CAPA\r\n")
first = line()
if first.startswith(b"+OK"):
    while line() != b".": pass
s.sendall(f"USER {user}\r\n".encode()); line()
s.sendall(b"QUIT\r\n")
PY
tls_broken="/usr/bin/python3 $tmp/tls_broken.py"
caught "a client that keeps plaintext read with +OK to STLS" tls/inject-fake-response-same-segment \
  "$tls_broken keep-buffer {host} {port} {user} {cafile}" "took\|used plaintext sent before the handshake"
caught "a client that carries on in the clear when STLS is refused" tls/strip-stls-refused \
  "$tls_broken strip {host} {port} {user} {cafile}" "credentials in the clear"
caught "a client that does not verify the certificate" tls/cert-self-signed-stls \
  "$tls_broken no-verify {host} {port} {user} {cafile}" "the client sent what it must not"

# Clients that break the command-sequence rules every run is judged by
# (automatic checks): each mode of rude.py must be caught, with its finding.
cat > "$tmp/rude.py" <<'PY'
import base64, hashlib, os, socket, ssl, sys
mode, host, port, user, cafile = sys.argv[1:6]
password = os.environ["POP3_PASS"]
s = socket.create_connection((host, int(port)), timeout=10)
f = s.makefile("rb")
def cmd(line, end=b"\r\n"):
    s.sendall(line.encode() + end)
    return f.readline()
greeting = f.readline().decode("latin-1")
plain = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
if mode == "pass-after-refused-user":
    cmd("USER " + user); cmd("PASS " + password)
elif mode == "stat-after-refused-pass":
    cmd("USER " + user); cmd("PASS " + password); cmd("STAT")
elif mode == "dele-without-quit":
    cmd("USER " + user); cmd("PASS " + password); cmd("DELE 1")
    s.close(); sys.exit(0)
elif mode == "long-argument":
    cmd("USER " + "u" * 41)
elif mode == "plain-in-clear":
    cmd("AUTH PLAIN " + plain)
elif mode == "lf-only":
    s.sendall(b"CAPA\n")
    s.settimeout(1)
    try:
        f.readline()  # no answer comes: the line never ended
    except OSError:
        pass
    s.close(); sys.exit(1)
elif mode == "initial-response-without-sasl":
    cmd("CAPA")
    while f.readline() != b".\r\n": pass
    cmd("AUTH PLAIN " + plain)
elif mode == "answer-bad-challenge":
    cmd("AUTH PLAIN"); cmd(plain)
elif mode in ("empty-initial-response", "long-initial-response"):
    cmd("CAPA")
    while f.readline() != b".\r\n": pass
    long = base64.b64encode(f"\0{user}\0{'p' * 250}".encode()).decode()
    cmd("AUTH PLAIN " if mode == "empty-initial-response" else "AUTH PLAIN " + long)
elif mode == "apop-any-timestamp":  # no msg-id check (CVE-2007-1558)
    stamp = greeting[greeting.index("<"):greeting.index(">") + 1]
    cmd("APOP " + user + " " + hashlib.md5((stamp + password).encode()).hexdigest())
elif mode == "retr-every-listed":  # message numbers taken as they come
    cmd("USER " + user); cmd("PASS " + password); cmd("LIST")
    numbers = []
    while (line := f.readline()) != b".\r\n": numbers.append(line.split()[0].decode())
    for n in numbers:
        if cmd("RETR " + n).startswith(b"+OK"):
            while f.readline() != b".\r\n": pass
elif mode == "alloc-by-list-size":  # a buffer of the announced size
    cmd("USER " + user); cmd("PASS " + password); cmd("LIST")
    while (line := f.readline()) != b".\r\n":
        if int(line.split()[1]) > 2**32: os.abort()
elif mode == "abort-on-long-greeting":  # a fixed buffer for the timestamp
    if len(greeting) > 300: os.abort()
elif mode == "utf8-user":
    cmd("USER " + user + "\u00e9")
elif mode in ("stls-pipelined", "utf8-then-stls"):
    if mode == "utf8-then-stls": cmd("UTF8")
    reply = cmd("STLS\r\nCAPA" if mode == "stls-pipelined" else "STLS")
    if reply.startswith(b"+OK"):
        s = ssl.create_default_context(cafile=cafile).wrap_socket(s, server_hostname=host)
        f = s.makefile("rb")
cmd("QUIT")
PY
rude="/usr/bin/python3 $tmp/rude.py"
caught "a client that sends PASS after its USER was refused" user-refused \
  "$rude pass-after-refused-user {host} {port} {user} {cafile}" "PASS although the server refused its USER"
caught "a client that goes on with STAT after a refused PASS" pass-refused \
  "$rude stat-after-refused-pass {host} {port} {user} {cafile}" "after a refused login the client sent STAT"
caught "a client that marks a message with DELE and drops the connection" retrieve-basic \
  "$rude dele-without-quit {host} {port} {user} {cafile}" "then ended the session without QUIT"
caught "a client that sends a 41-character argument to a server it did not ask CAPA" retrieve-basic \
  "$rude long-argument {host} {port} {user} {cafile}" "an argument of 41 characters"
caught "a client that logs in with SASL PLAIN in the clear (--strict)" plain-without-tls \
  "$rude plain-in-clear {host} {port} {user} {cafile}" "the client sent what it must not" --strict
caught "a client that ends its commands with LF alone" retrieve-basic \
  "$rude lf-only {host} {port} {user} {cafile}" "LF alone, not CRLF"
caught "a client that sends an initial response when CAPA lists no SASL" capa-without-sasl \
  "$rude initial-response-without-sasl {host} {port} {user} {cafile}" "CAPA listed no SASL"
caught "a client that answers a challenge that is not base64" sasl-bad-challenge \
  "$rude answer-bad-challenge {host} {port} {user} {cafile}" "not base64 with something other than"
caught "a client that sends AUTH with an empty initial response instead of '='" retrieve-basic \
  "$rude empty-initial-response {host} {port} {user} {cafile}" "a zero-length one is sent as '='"
caught "a client that sends an initial response making AUTH over 255 octets" retrieve-basic \
  "$rude long-initial-response {host} {port} {user} {cafile}" "command over 255 octets"
caught "a client that sends a name outside ASCII to a server without UTF8 USER" retrieve-basic \
  "$rude utf8-user {host} {port} {user} {cafile}" "listed no UTF8 USER"
caught_security() {  # like caught, in scenarios/security
  "$bin" run "$root/scenarios/security" --filter "security/clients/$2" --client-cmd "$3" --junit "$tmp/caught.xml" \
    "${@:5}" >"$tmp/out" 2>&1
  local rc=$?
  grep -q "$4" "$tmp/out"
  verdict "$1 fails security/clients/$2 (exit $rc)" $(( (rc == 1 ? 0 : 1) + $? ))
}
caught_security "a client that sends APOP for a timestamp that is no msg-id (--strict)" apop-timestamp-not-msg-id \
  "$rude apop-any-timestamp {host} {port} {user} {cafile}" "the client sent what it must not" --strict
caught_security "a client that retrieves message -1 from a listing" list-negative-number \
  "$rude retr-every-listed {host} {port} {user} {cafile}" "the client sent what it must not"
caught_security "a client that allocates what LIST announces" list-size-huge \
  "$rude alloc-by-list-size {host} {port} {user} {cafile}" "killed by signal"
caught_security "a client that aborts on a long greeting" apop-timestamp-over-300-octets \
  "$rude abort-on-long-greeting {host} {port} {user} {cafile}" "killed by signal"
caught "a client that pipelines a command after STLS" tls/capa-after-stls \
  "$rude stls-pipelined {host} {port} {user} {cafile}" "sent more after STLS"
caught "a client that sends STLS after UTF8" tls/capa-after-stls \
  "$rude utf8-then-stls {host} {port} {user} {cafile}" "STLS after UTF8"

# Clients that connect where they must not: one that checks the chain but not
# the host name, one that accepts TLS 1.0 (implicit TLS, then USER).
cat > "$tmp/tls_lax.py" <<'PY'
import socket, ssl, sys
mode, host, port, user, tls, cafile = sys.argv[1:7]
s = socket.create_connection((host, int(port)), timeout=10)
if tls == "implicit":
    context = ssl.create_default_context(cafile=cafile)
    if mode == "no-hostname":
        context.check_hostname = False
    if mode == "legacy":
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    s = context.wrap_socket(s, server_hostname=host)
f = s.makefile("rb")
f.readline()
s.sendall(f"USER {user}\r\n".encode()); f.readline()
s.sendall(b"QUIT\r\n"); f.readline()
PY
tls_lax="/usr/bin/python3 $tmp/tls_lax.py"
caught "a client that does not match the host name" tls/name-wildcard-only \
  "$tls_lax no-hostname {host} {port} {user} {tls} {cafile}" "the client sent what it must not"
caught "a client that accepts TLS 1.0" tls/tls10-only \
  "$tls_lax legacy {host} {port} {user} {tls} {cafile}" "the client sent what it must not"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
