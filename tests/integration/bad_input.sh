#!/usr/bin/env bash
# The harness's own failure paths: each must give a clear error, the right exit
# code, a JUnit report that validates, and go on with the next scenario.
set -uo pipefail
bin=$(realpath "${1:?usage: bad_input.sh path/to/pop3-harness}")
here=$(cd "$(dirname "$0")" && pwd)
xsd=$here/../data/jenkins-junit.xsd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "${hostile:-}" ] && kill "$hostile" 2>/dev/null' EXIT
passed=0 failed=0
expect() {  # expect NAME WANT_EXIT GREP_PATTERN -- command...
  local name=$1 want=$2 pattern=$3; shift 4
  "$@" >"$tmp/out" 2>&1; local got=$?
  if [ "$got" = "$want" ] && grep -q -- "$pattern" "$tmp/out"; then
    passed=$((passed + 1)); echo "ok   $name (exit $got)"
  else
    failed=$((failed + 1)); echo "FAIL $name: exit $got (want $want), output:"; sed 's/^/     /' "$tmp/out" | head -20
  fi
}
mkdir -p "$tmp/suite/fixtures/basic" "$tmp/suite/s"
printf 'Subject: x\r\n\r\nbody\r\n' > "$tmp/suite/fixtures/basic/01.eml"
printf 'scenario: broken\nrfc: rfc1939#5\n\nC: STAT\nS: +OK {count\n' > "$tmp/suite/s/a-broken.pop3"
printf 'scenario: fine\nrfc: rfc1939#5\n\nS: +OK {*}\nC: QUIT\nS: +OK {*}\n' > "$tmp/suite/s/b-fine.pop3"
printf 'scenario: retr\nrfc: rfc1939#5\n\nS: +OK {*}\nC: USER u\nS: +OK {*}\nC: RETR 1\nS: +OK {*}\nbody: fixture\n' > "$tmp/suite/s/c-retr.pop3"

expect "parse error: file:line:col and caret, exit 2, run goes on" 2 "a-broken.pop3:5:8: error: unterminated" -- \
  "$bin" run "$tmp/suite/s/a-broken.pop3" "$tmp/suite/s/b-fine.pop3" --junit "$tmp/p.xml"
grep -q '  \^' "$tmp/out" && grep -q "PASS  b-fine" "$tmp/out" && xmllint --noout --schema "$xsd" "$tmp/p.xml" 2>/dev/null \
  && { passed=$((passed + 1)); echo "ok   parse error report has a caret, the next scenario ran, JUnit valid"; } \
  || { failed=$((failed + 1)); echo "FAIL parse error report"; }
expect "unreachable target: exit 3" 3 "Connection refused" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --target 127.0.0.1:1 --user u --pass p --junit "$tmp/u.xml"
expect "usage error: exit 2" 2 "target" -- "$bin" run --target nonsense --user u --pass p
expect "missing path: exit 2" 2 "no such file" -- "$bin" run /nonexistent
POP3_PASS=sekrit-value "$bin" run "$tmp/suite/s/b-fine.pop3" --target 127.0.0.1:1 --user u --junit "$tmp/r.xml" >/dev/null 2>&1
! grep -q sekrit-value "$tmp/r.xml" && { passed=$((passed + 1)); echo "ok   the password never reaches the report"; } \
  || { failed=$((failed + 1)); echo "FAIL password leaked into the report"; }

for mode in endless-body close-mid endless-line; do
  coproc HOSTILE { /usr/bin/python3 "$here/hostile_server.py" "$mode"; }
  hostile=$HOSTILE_PID
  read -r port <&"${HOSTILE[0]}"
  expect "hostile server ($mode): protocol error, exit 1, next scenario runs" 1 "ERROR c-retr" -- \
    "$bin" run "$tmp/suite/s/c-retr.pop3" "$tmp/suite/s/b-fine.pop3" --target "127.0.0.1:$port" --user u --pass p \
    --timeout 1 --junit "$tmp/h-$mode.xml"
  grep -q "PASS  b-fine" "$tmp/out" && xmllint --noout --schema "$xsd" "$tmp/h-$mode.xml" 2>/dev/null \
    && { passed=$((passed + 1)); echo "ok   after $mode the next scenario passed and JUnit is valid"; } \
    || { failed=$((failed + 1)); echo "FAIL after $mode"; sed 's/^/     /' "$tmp/out" | head; }
  kill "$hostile" 2>/dev/null; wait "$hostile" 2>/dev/null; hostile=""
done
# Failed TLS: implicit TLS against a plaintext port, and an STLS certificate
# the client does not trust. Both are environment errors (exit 3) for every
# scenario, with a report.
POP3_PASS=p "$bin" serve --maildir "$tmp/serve-md" --user u --write-cert "$tmp/serve-cert.pem" >"$tmp/serve.out" 2>&1 &
serve=$!
timeout 10 bash -c "until grep -q '^listening' '$tmp/serve.out'; do sleep 0.05; done"
sport=$(awk '/^listening/{n=split($2,a,":"); print a[n]; exit}' "$tmp/serve.out")
expect "TLS handshake with a plaintext server: exit 3" 3 "TLS handshake failed" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --target "localhost:$sport" --tls implicit --insecure --user u --pass p \
  --junit "$tmp/tls1.xml"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -keyout "$tmp/other-key.pem" -out "$tmp/other-cert.pem" 2>/dev/null
expect "STLS with an untrusted certificate: exit 3" 3 "certificate verify failed" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --target "localhost:$sport" --tls stls --user u --pass p \
  --cafile "$tmp/other-cert.pem" --junit "$tmp/tls2.xml"
expect "a --cafile that holds no certificate: exit 3 and a report" 3 "harness setup failed" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --target "localhost:$sport" --tls stls --user u --pass p \
  --cafile "$xsd" --junit "$tmp/tls4.xml"
grep -q 'harness setup failed' "$tmp/tls4.xml" \
  && { passed=$((passed + 1)); echo "ok   the setup failure is in the JUnit report"; } \
  || { failed=$((failed + 1)); echo "FAIL setup failure missing from the report"; }
grep -q '<error type="environment"' "$tmp/tls2.xml" && xmllint --noout --schema "$xsd" "$tmp/tls2.xml" 2>/dev/null \
  && { passed=$((passed + 1)); echo "ok   a failed TLS setup is a JUnit error and the report validates"; } \
  || { failed=$((failed + 1)); echo "FAIL TLS setup report"; }
expect "STLS with the server's own certificate: exit 0" 0 "PASS  b-fine" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --target "localhost:$sport" --tls stls --user u --pass p \
  --cafile "$tmp/serve-cert.pem" --junit "$tmp/tls3.xml"
kill "$serve"; wait "$serve" 2>/dev/null

# SIGINT in the middle of a scenario: the run stops at once, exits 3, and the
# JUnit report holds what finished plus the interrupted and unrun scenarios.
printf 'scenario: slow\nrfc: rfc1939#3\n\nS: +OK {*}\nexpect: silence 60000ms\n' > "$tmp/suite/s/d-slow.pop3"
"$bin" run "$tmp/suite/s/b-fine.pop3" "$tmp/suite/s/d-slow.pop3" "$tmp/suite/s/c-retr.pop3" \
  --junit "$tmp/int.xml" >"$tmp/int.out" 2>&1 &
run=$!
# Wait for the first scenario to finish (bounded), then interrupt the second.
timeout 20 bash -c "until grep -q 'PASS  b-fine' '$tmp/int.out'; do sleep 0.05; done"
kill -INT "$run"
timeout 10 tail --pid="$run" -f /dev/null; stopped=$?
wait "$run"; got=$?
if [ "$stopped" = 0 ] && [ "$got" = 3 ] && xmllint --noout --schema "$xsd" "$tmp/int.xml" 2>/dev/null \
   && grep -q 'name="b-fine L' "$tmp/int.xml" && [ "$(grep -c 'interrupted (SIGINT or SIGTERM) before it finished' "$tmp/int.xml")" = 2 ] \
   && [ "$(grep -c '<testsuite ' "$tmp/int.xml")" = 3 ]; then
  passed=$((passed + 1)); echo "ok   SIGINT mid-run: exit 3 at once, JUnit valid with finished and unrun scenarios"
else
  failed=$((failed + 1)); echo "FAIL SIGINT: stopped=$stopped exit=$got"; sed 's/^/     /' "$tmp/int.out" | head
  sed 's/^/     /' "$tmp/int.xml" | head -40
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
