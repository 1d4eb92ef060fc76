#!/usr/bin/env bash
# The TLS scan through STLS (the reference TLS suite exercises it over
# implicit TLS): against `serve` listening plain+STLS only,
# - with --tls stls the scan scenarios pass --strict, the two whose condition
#   does not hold (no DHE, no RSA certificate) skipped, the listing printed;
# - a NULL-encryption suite (fault null-cipher) is caught through STLS too;
# - without a TLS endpoint every scan scenario is skipped, saying what to give.
set -uo pipefail
bin=$(realpath "${1:?usage: tls_scan.sh path/to/pop3-harness}")
scenarios=$(cd "$(dirname "$0")/../../scenarios" && pwd)
tmp=$(mktemp -d)
serve=""
trap '[ -n "$serve" ] && kill "$serve" 2>/dev/null; rm -rf "$tmp"' EXIT
passed=0 failed=0
check() {  # check NAME CONDITION-RESULT OUTPUT-FILE
  if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "ok   $1"
  else failed=$((failed + 1)); echo "FAIL $1"; grep -v " PASS " "$3" | sed 's/^/     /' | head -30; fi
}
start() {  # start [serve options...]: a plain+STLS server with a generated certificate
  [ -n "$serve" ] && kill "$serve" 2>/dev/null && wait "$serve" 2>/dev/null
  rm -rf "$tmp/md"
  POP3_PASS=p "$bin" serve --maildir "$tmp/md" --user u --write-cert "$tmp/ca.pem" --listen 127.0.0.1:0 "$@" \
    >"$tmp/serve" 2>&1 &
  serve=$!
  timeout 10 bash -c "until grep -q '^listening' '$tmp/serve'; do sleep 0.05; done"
  port=$(awk '/listening/{n=split($2,a,":"); print a[n]; exit}' "$tmp/serve")
}
scan() {  # scan OUT [run options...]
  local out=$1; shift
  POP3_PASS=p "$bin" run "$scenarios/tls" --filter 'tls/scan-*' --target "127.0.0.1:$port" --cafile "$tmp/ca.pem" \
    --user u --maildir "$tmp/md" --timeout 5 --junit "$tmp/junit.xml" "$@" >"$out" 2>&1
}

start
scan "$tmp/stls.out" --tls stls --strict; rc=$?
ok=1
[ $rc = 0 ] || ok=0
grep -q "TLS 1.2: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" "$tmp/stls.out" || ok=0
[ "$(grep -cE '^\[ *[0-9]+/21\] SKIP' "$tmp/stls.out")" = 2 ] || ok=0
xmllint --noout --schema "$(dirname "$0")/../data/jenkins-junit.xsd" "$tmp/junit.xml" 2>/dev/null || ok=0
check "through STLS the scan passes --strict (exit $rc), listing the suites; 2 skipped with their reason" $((1 - ok)) "$tmp/stls.out"

scan "$tmp/none.out"; rc=$?
[ $rc = 0 ] && [ "$(grep -cE '^\[ *[0-9]+/21\] SKIP' "$tmp/none.out")" = 21 ] &&
  grep -q 'needs a TLS endpoint: give --tls stls, --tls implicit or --tls-target' "$tmp/none.out"
check "without a TLS endpoint the 21 scan scenarios are skipped, saying what to give (exit $rc)" $? "$tmp/none.out"

start --fault null-cipher
scan "$tmp/null.out" --tls stls; rc=$?
[ $rc = 1 ] && grep -qE '^\[ *[0-9]+/21\] FAIL +tls/scan-null' "$tmp/null.out" &&
  grep -q "TLS_ECDHE_ECDSA_WITH_NULL_SHA" "$tmp/null.out"
check "null-cipher is caught through STLS by scan-null (exit $rc)" $? "$tmp/null.out"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
