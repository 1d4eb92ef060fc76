#!/usr/bin/env bash
# The harness's own failure paths and the user's setup mistakes. Each must
# give the exit code the README promises, say what is wrong once (and how to
# fix it), write a JUnit report that validates, and never turn a mistake of
# the user's into a verdict on the server (no <failure> element).
set -uo pipefail
bin=$(realpath "${1:?usage: bad_input.sh path/to/pop3-harness}")
here=$(cd "$(dirname "$0")" && pwd)
xsd=$here/../data/jenkins-junit.xsd
tmp=$(mktemp -d)
serve=""
trap 'rm -rf "$tmp"; [ -n "${hostile:-}" ] && kill "$hostile" 2>/dev/null; [ -n "$serve" ] && kill "$serve" 2>/dev/null' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; sed 's/^/     /' "$tmp/out" | head -${2:-20}; }
expect() {  # expect NAME WANT_EXIT GREP_PATTERN -- command...
  local name=$1 want=$2 pattern=$3; shift 4
  "$@" >"$tmp/out" 2>&1; local got=$?
  if [ "$got" = "$want" ] && grep -q -- "$pattern" "$tmp/out"; then pass "$name (exit $got)"
  else fail "$name: exit $got (want $want), no '$pattern' in the output:"; fi
}
no_verdict() {  # no_verdict NAME REPORT: valid JUnit without a <failure>
  if xmllint --noout --schema "$xsd" "$2" 2>/dev/null && ! grep -q '<failure' "$2"; then pass "$1: no verdict in the report"
  else fail "$1: the report has a <failure> or is invalid"; fi
}
mkdir -p "$tmp/suite/fixtures/basic" "$tmp/suite/s" "$tmp/md"
printf 'Subject: x\r\n\r\nbody\r\n' > "$tmp/suite/fixtures/basic/01.eml"
printf 'scenario: broken\nrfc: rfc1939#5\n\nC: STAT\nS: +OK {count\n' > "$tmp/suite/s/a-broken.pop3"
printf 'scenario: fine\nrfc: rfc1939#5\nmailbox: any\n\nS: +OK {*}\nC: QUIT\nS: +OK {*}\n' > "$tmp/suite/s/b-fine.pop3"
printf 'scenario: retr\nrfc: rfc1939#5\n\nS: +OK {*}\nlogin:\nC: STAT\nS: +OK {*}\nC: RETR 1\nS: +OK {*}\nbody: fixture\nC: QUIT\nS: +OK {*}\n' > "$tmp/suite/s/c-retr.pop3"

# Scenario mistakes: compiler-style errors (file:line:col, the line, a caret), exit 2.
expect "parse error: file:line:col and caret, exit 2, the run goes on" 2 "a-broken.pop3:5:8: error: unterminated" -- \
  "$bin" run "$tmp/suite/s/a-broken.pop3" "$tmp/suite/s/b-fine.pop3" --junit "$tmp/p.xml"
grep -q '  \^' "$tmp/out" && grep -q "PASS  b-fine" "$tmp/out" && xmllint --noout --schema "$xsd" "$tmp/p.xml" 2>/dev/null \
  && pass "parse error report has a caret, the next scenario ran, JUnit valid" || fail "parse error report"
mkdir -p "$tmp/typo"
printf 'scenario: typo\nrfc: rfc1939#5\n\nS: +OK {*}\nC: STAT\nS: +OK {count} {*}\ncheck: cuont == 1\n' > "$tmp/typo/v.pop3"
expect "a typo in a check: variable is a parse error with a did-you-mean" 2 "unknown variable 'cuont' (did you mean 'count'?)" -- \
  "$bin" run "$tmp/typo/v.pop3" --junit "$tmp/typo.xml"
printf 'scenario: typo\nrfc: rfc1939#5\nrequires: UIDLL\n\nS: +OK {*}\n' > "$tmp/typo/r.pop3"
expect "a typo in requires: is a parse error, not a silent skip" 2 "did you mean 'UIDL'" -- \
  "$bin" run "$tmp/typo/r.pop3" --junit "$tmp/typo.xml"
printf 'scenario: typo\nrfc: rfc1939#5\n\nS: +OK {*}\nbdy: listing\n' > "$tmp/typo/s.pop3"
expect "an unknown step is a parse error with a did-you-mean" 2 "did you mean 'body:'" -- \
  "$bin" run "$tmp/typo/s.pop3" --junit "$tmp/typo.xml"
printf 'scenario: comments   # a comment\nrfc: rfc1939#5  # another\nmailbox: any\n\nS: +OK {*}   # the greeting\nC: NOOP     # before login\nS: -ERR {*}  # refused\n' > "$tmp/typo/c.pop3"
expect "inline # comments after headers and steps" 0 "PASS  c" -- "$bin" run "$tmp/typo/c.pop3" --junit "$tmp/typo.xml"

# Option mistakes: exit 2 before anything runs.
expect "usage error: exit 2" 2 "target" -- "$bin" run --target nonsense --user u --pass p
expect "missing path: exit 2" 2 "no such file" -- "$bin" run /nonexistent
expect "run --client-cmd with --tls (a client's scenarios name their TLS mode): refused, exit 2" 2 "excludes" -- \
  "$bin" run --client-cmd true --tls stls
env -u POP3_PASS "$bin" run "$tmp/suite/s/b-fine.pop3" --target 127.0.0.1:1 --user u --junit "$tmp/np.xml" >"$tmp/out" 2>&1
[ $? = 2 ] && grep -q "has no password" "$tmp/out" && [ ! -e "$tmp/np.xml" ] \
  && pass "--user with no password: exit 2, nothing run" || fail "--user with no password"
expect "an unwritable --junit path: exit 2 before anything runs" 2 "cannot write" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --junit /proc/no-such-dir/junit.xml

# The target cannot be tested: exit 3, said once, no verdict.
expect "unreachable target: exit 3, said once" 3 "nothing answers at 127.0.0.1:1" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --target 127.0.0.1:1 --user u --pass p --junit "$tmp/u.xml"
[ "$(grep -c "nothing answers" "$tmp/out")" -le 3 ] && pass "unreachable target: said once, not per scenario" \
  || fail "unreachable target said more than once"
no_verdict "unreachable target" "$tmp/u.xml"
POP3_PASS=sekrit-value "$bin" run "$tmp/suite/s/b-fine.pop3" --target 127.0.0.1:1 --user u --junit "$tmp/r.xml" >/dev/null 2>&1
! grep -q sekrit-value "$tmp/r.xml" && pass "the password never reaches the report" || fail "password leaked into the report"

POP3_PASS=p "$bin" serve --maildir "$tmp/serve-md" --user u --write-cert "$tmp/serve-cert.pem" \
  --tls-listen 127.0.0.1:0 >"$tmp/serve.out" 2>&1 &
serve=$!
timeout 10 bash -c "until [ \$(grep -c '^listening' '$tmp/serve.out') = 2 ]; do sleep 0.05; done"
sport=$(awk '/plain/{n=split($2,a,":"); print a[n]; exit}' "$tmp/serve.out")
tport=$(awk '/implicit-TLS/{n=split($2,a,":"); print a[n]; exit}' "$tmp/serve.out")
expect "a wrong password: exit 3, naming the account and quoting the answer" 3 \
  "login as u (USER/PASS) refused: -ERR \[AUTH\] invalid user name or password: check --user, --pass or POP3_PASS" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" "$tmp/suite/s/c-retr.pop3" --target "127.0.0.1:$sport" \
  --user u --pass wrong --maildir "$tmp/serve-md" --junit "$tmp/wrong.xml"
no_verdict "a wrong password" "$tmp/wrong.xml"
expect "prop with a wrong password: exit 3, said once, no counterexample" 3 \
  "login as u (USER/PASS) refused" -- \
  "$bin" prop --target "127.0.0.1:$sport" --user u --pass wrong --maildir "$tmp/serve-md" --out "$tmp/prop-out" \
  --runs 5 --junit "$tmp/wrong-prop.xml"
no_verdict "prop with a wrong password" "$tmp/wrong-prop.xml"
[ -z "$(ls "$tmp/prop-out" 2>/dev/null)" ] && pass "prop with a wrong password wrote no counterexample" \
  || fail "prop with a wrong password wrote a counterexample"
expect "fuzz with a wrong password: exit 3, nothing fuzzed (not 'no finding')" 3 "nothing fuzzed" -- \
  "$bin" fuzz --target "127.0.0.1:$sport" --user u --pass wrong --maildir "$tmp/serve-md" --cases 50 \
  --out "$tmp/fuzz-out" --junit "$tmp/wrong-fuzz.xml"
no_verdict "fuzz with a wrong password" "$tmp/wrong-fuzz.xml"
expect "no --maildir or --reset-cmd: the scenarios that need a known mailbox are skipped, and said so" 0 \
  "1 of 2 scenarios need their fixture in the mailbox and are skipped" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" "$tmp/suite/s/c-retr.pop3" --target "127.0.0.1:$sport" --user u --pass p \
  --junit "$tmp/nomd.xml"
grep -q "PASS  b-fine" "$tmp/out" && grep -q "give --maildir DIR or --reset-cmd CMD" "$tmp/nomd.xml" \
  && pass "without --maildir the mailbox-independent scenario ran, the other is skipped with the reason" \
  || fail "without --maildir"
expect "--tls implicit on a plaintext port: exit 3 with the fix" 3 "this port speaks plaintext POP3" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --target "localhost:$sport" --tls implicit --insecure --user u --pass p \
  --junit "$tmp/tls1.xml"
no_verdict "the wrong TLS mode" "$tmp/tls1.xml"
# Said after a moment of silence, not after the whole greeting deadline
# (60 s here; the outer bound of 30 s is that difference, far from any race).
expect "--tls none on an implicit-TLS port: exit 3 with the fix, long before the greeting deadline" 3 "use --tls implicit" -- \
  timeout 30 "$bin" run "$tmp/suite/s/b-fine.pop3" --target "localhost:$tport" --user u --pass p --timeout 60 \
  --junit "$tmp/tls5.xml"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -keyout "$tmp/other-key.pem" -out "$tmp/other-cert.pem" 2>/dev/null
expect "STLS with a certificate that does not verify: a FAIL naming its issuer and the fix (exit 1)" 1 \
  "is issued by /CN=pop3-harness test CA, which --cafile $tmp/other-cert.pem does not contain: give the issuing CA" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --target "localhost:$sport" --tls stls --user u --pass p \
  --cafile "$tmp/other-cert.pem" --junit "$tmp/tls2.xml"
grep -q '<failure' "$tmp/tls2.xml" && xmllint --noout --schema "$xsd" "$tmp/tls2.xml" 2>/dev/null \
  && pass "the certificate's failure is one <failure> and the report validates" || fail "certificate report"
expect "a --cafile that holds no certificate: exit 3 and a report" 3 "harness setup failed" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --target "localhost:$sport" --tls stls --user u --pass p \
  --cafile "$xsd" --junit "$tmp/tls4.xml"
grep -q 'harness setup failed' "$tmp/tls4.xml" && pass "the setup failure is in the JUnit report" \
  || fail "setup failure missing from the report"
grep -q "jenkins-junit.xsd: not a PEM certificate" "$tmp/out" && pass "the --cafile that is not PEM is named, with the fix" \
  || fail "a --cafile that is not PEM: not named"
expect "serve on a busy port names the address, no Boost internals (exit 3)" 3 "localhost:$sport is already in use\|127.0.0.1:$sport is already in use" -- \
  "$bin" serve --listen "127.0.0.1:$sport" --maildir "$tmp/busy" --user u --pass p
! grep -q "reactive_socket_service" "$tmp/out" && pass "serve on a busy port: no source locations" || fail "Boost's text leaked"
expect "STLS with the server's own certificate: exit 0" 0 "PASS  b-fine" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --target "localhost:$sport" --tls stls --user u --pass p \
  --cafile "$tmp/serve-cert.pem" --junit "$tmp/tls3.xml"
kill "$serve"; wait "$serve" 2>/dev/null; serve=""

# The server breaks the protocol: a FAIL (exit 1) naming it, and the next scenario still runs.
for mode in endless-body:"was not terminated" close-mid:"in the middle of its answer" endless-line:"exceeds 512 octets"; do
  what=${mode#*:}; mode=${mode%%:*}
  coproc HOSTILE { POP3_PASS=p exec /usr/bin/python3 "$here/hostile_pop3.py" "$mode" "$tmp/md" u; }
  hostile=$HOSTILE_PID
  read -r _ port <&"${HOSTILE[0]}"  # "port N"
  expect "hostile server ($mode): a FAIL naming it, exit 1" 1 "$what" -- \
    "$bin" run "$tmp/suite/s/c-retr.pop3" "$tmp/suite/s/b-fine.pop3" --target "127.0.0.1:$port" --user u --pass p \
    --maildir "$tmp/md" --timeout 1 --junit "$tmp/h-$mode.xml"
  grep -q "FAIL  c-retr" "$tmp/out" && grep -q "PASS  b-fine" "$tmp/out" && xmllint --noout --schema "$xsd" "$tmp/h-$mode.xml" 2>/dev/null \
    && pass "after $mode the next scenario passed and JUnit is valid" || fail "after $mode"
  kill "$hostile" 2>/dev/null; wait "$hostile" 2>/dev/null; hostile=""
done

# list and lint: nothing runs; lint reports every broken file at once.
mkdir -p "$tmp/lint"
cp "$tmp/suite/s/a-broken.pop3" "$tmp/suite/s/b-fine.pop3" "$tmp/lint/"
printf 'scenario: typo\nrfc: rfc1939#5\nseverity: MUSTT\n\nS: +OK {*}\nC: STAT\nS: +OK {count} {*}\ncheck: cuont == 1\nC: RETR 1\nS: +OK {*}\nbody: fixtur\n' > "$tmp/lint/c-typo.pop3"
expect "lint: every error of every broken file reported, exit 2" 2 "3 scenario files checked: 4 errors" -- "$bin" lint "$tmp/lint"
grep -q "a-broken.pop3:5:8: error" "$tmp/out" && grep -q "c-typo.pop3:3:11: error" "$tmp/out" \
  && grep -q "c-typo.pop3:8:8: error: unknown variable 'cuont'" "$tmp/out" && grep -q "c-typo.pop3:11:.*: error" "$tmp/out" \
  && pass "lint names every error of both broken files with file:line:col" || fail "lint diagnostics"
expect "lint: a sound suite, exit 0" 0 "checked: no errors" -- "$bin" lint "$(dirname "$bin")/../scenarios/rfc1939"
expect "list --exclude: ids only, the excluded left out" 0 "^rfc1939/stat-basic$" -- \
  "$bin" list --format ids --filter 'rfc1939/stat-*' --exclude '*-empty' --exclude '*-extra-*'
[ "$(grep -c '^rfc1939/' "$tmp/out")" = 1 ] && pass "list: one id left" || fail "list --exclude"
"$bin" list --format json --filter 'rfc1939/dele-marks' >"$tmp/list.json" 2>"$tmp/out"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["id"]=="rfc1939/dele-marks" and d[0]["requirements"], d' \
  "$tmp/list.json" 2>>"$tmp/out" && pass "list --format json: the id and its requirements" || fail "list json"
expect "run from another folder finds the checkout's scenarios" 0 "PASS  rfc1939/stat-basic" -- \
  bash -c "cd '$tmp' && '$bin' run --filter rfc1939/stat-basic --junit '$tmp/elsewhere.xml'"
expect "run --exclude everything: said, exit 2" 2 "no scenario files found matching --filter/--exclude" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --exclude '*' --junit "$tmp/x.xml"
expect "--known with no such file: exit 2" 2 "known" -- "$bin" run "$tmp/suite/s/b-fine.pop3" --known "$tmp/nope.txt"
printf 'b-fine  listed on purpose\nno-such-id\n' > "$tmp/known.txt"
expect "--known: an XPASS is reported, a typo warned about, exit 0" 0 "XPASS b-fine" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --known "$tmp/known.txt" --junit "$tmp/k.xml"
grep -q "known.txt:2: warning: 'no-such-id' matches no scenario under the paths given and no requirement id" "$tmp/out" && pass "--known: the typo named by line" \
  || fail "--known typo warning"
expect "--strict-known: an XPASS fails the run" 1 "XPASS b-fine" -- \
  "$bin" run "$tmp/suite/s/b-fine.pop3" --known "$tmp/known.txt" --strict-known --junit "$tmp/k.xml"
# A requirement id names the checks that verify it, in any scenario (a
# deviation that shows everywhere is one line); the checks on every response count.
mkdir -p "$tmp/req"
printf 'scenario: wrong\nrfc: rfc1939#3\nrequirements: 1939-3-ERR-1\nmailbox: any\n\nS: +OK {*}\nC: NOSUCHCOMMAND\nS: +OK {*}\n' > "$tmp/req/e-wrong.pop3"
printf '# the server refuses it, the scenario is wrong on purpose\n1939-3-ERR-*\n1939-3-RESP-2  every line ends with CRLF here\n' > "$tmp/req.txt"
expect "--known by requirement id: the failing check is XFAIL, exit 0" 0 "XFAIL e-wrong" -- \
  "$bin" run "$tmp/req/e-wrong.pop3" --known "$tmp/req.txt" --junit "$tmp/r.xml"
grep -q "XPASS 1939-3-RESP-2  every check verifying it passed" "$tmp/out" && ! grep -q "warning" "$tmp/out" \
  && xmllint --noout --schema "$xsd" "$tmp/r.xml" 2>/dev/null && pass "--known by requirement id: an id whose checks all passed is one XPASS, no typo warning" \
  || fail "--known requirement XPASS"
expect "--known by requirement id with --strict-known: that XPASS fails the run" 1 "XPASS 1939-3-RESP-2" -- \
  "$bin" run "$tmp/req/e-wrong.pop3" --known "$tmp/req.txt" --strict-known --junit "$tmp/r.xml"

# SIGINT in the middle of a scenario: the run stops at once, exits 3, and the
# JUnit report holds what finished plus the interrupted and unrun scenarios.
printf 'scenario: slow\nrfc: rfc1939#3\nmailbox: any\n\nS: +OK {*}\nexpect: silence 60000ms\n' > "$tmp/suite/s/d-slow.pop3"
"$bin" run "$tmp/suite/s/b-fine.pop3" "$tmp/suite/s/d-slow.pop3" "$tmp/suite/s/c-retr.pop3" \
  --junit "$tmp/int.xml" >"$tmp/int.out" 2>&1 &
run=$!
# Wait for the first scenario to finish (bounded), then interrupt the second.
timeout 20 bash -c "until grep -q 'PASS  b-fine' '$tmp/int.out'; do sleep 0.05; done"
kill -INT "$run"
timeout 10 tail --pid="$run" -f /dev/null; stopped=$?
wait "$run"; got=$?
if [ "$stopped" = 0 ] && [ "$got" = 3 ] && xmllint --noout --schema "$xsd" "$tmp/int.xml" 2>/dev/null \
   && grep -q 'name="b-fine: S: +OK {\*}"' "$tmp/int.xml" \
   && [ "$(grep -c 'interrupted (SIGINT or SIGTERM) before it finished' "$tmp/int.xml")" = 2 ] \
   && [ "$(grep -c '<testsuite ' "$tmp/int.xml")" = 4 ]; then
  pass "SIGINT mid-run: exit 3 at once, JUnit valid with finished and unrun scenarios"
else
  cp "$tmp/int.out" "$tmp/out"; fail "SIGINT: stopped=$stopped exit=$got"; sed 's/^/     /' "$tmp/int.xml" | head -40
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
