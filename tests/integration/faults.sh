#!/usr/bin/env bash
# Each fault of `serve --fault` against the RFC 1939 suite or the TLS suite: a
# fault that breaks an RFC must fail the scenarios written to catch it (exit 1;
# the TLS suite runs --strict, so its SHOULD checks count); legal but awkward
# behaviour (one octet per segment, a slow drip, 70-character unique-ids full
# of punctuation) must not fail anything (exit 0). Proves the suites detect
# real server bugs.
set -uo pipefail
bin=$(realpath "${1:?usage: faults.sh path/to/pop3-harness}")
scenarios=$(cd "$(dirname "$0")/../../scenarios" && pwd)
tmp=$(mktemp -d)
serve=""
trap '[ -n "$serve" ] && kill "$serve" 2>/dev/null; rm -rf "$tmp"' EXIT
passed=0 failed=0

# stls-injection executes what was read together with STLS; whether a separate
# segment arrives before the server's read is a race, so injection-separate-segment
# is not required to catch it.
# fault | scenarios run (glob; rfc1939/ unless it names tls/) | scenarios that must fail ("-": none, exit 0)
table="
stat-counts-deleted  | *                   | dele-marks
rset-keeps-deletions | *                   | rset-undeletes rset-then-quit
unstable-uids        | *                   | uidl-stable-across-sessions uidl-stable-after-dele
renumber-after-dele  | *                   | numbers-stable-after-dele
commit-on-drop       | *                   | drop-commits-nothing
list-size-lf         | *                   | stat-basic list-one-size retr-all-sizes-match-list
retr-deleted-ok      | *                   | retr-deleted
no-dot-stuffing      | *                   | retr-dot-lines-on-the-wire top-dot-stuffed retr-edge-1
ok-unknown-command   | *                   | unknown-command-authorization unknown-command
lowercase-status     | *                   | status-indicators-upper-case
uid-too-long         | *                   | uidl-listing uidl-one
uid-limits           | *                   | -
phantom-message      | *                   | list-all list-matches-stat uidl-listing
login-in-use         | user-pass-login     | user-pass-login
login-delay          | user-pass-login     | user-pass-login
login-sys-temp       | user-pass-login     | user-pass-login
drop-mid-retr        | retr-basic          | retr-basic
stall-mid-retr       | retr-basic          | retr-basic
endless-line         | retr-basic          | retr-basic
endless-body         | retr-basic          | retr-basic
split-bytes          | *                   | -
drip                 | retr-edge-*         | -
uid-limits           | tls/*               | -
stls-injection       | tls/*               | injection-same-segment injection-partial-line injection-pipelined
stls-in-transaction  | tls/*               | stls-in-transaction
stls-keeps-user      | tls/*               | state-user-forgotten
stls-after-tls       | tls/*               | stls-advertised
tls-1.0              | tls/*               | implicit-tls10-refused implicit-tls11-refused stls-tls10-refused
expired-cert         | tls/*               | implicit-certificate stls-certificate
"
while IFS='|' read -r fault glob must; do
  fault=$(echo "$fault" | xargs); glob=$(echo "$glob" | xargs); must=$(echo "$must" | xargs)
  [ -z "$fault" ] && continue
  case "$glob" in tls/*) suite=tls; strict=--strict ;; *) suite=rfc1939; glob="rfc1939/$glob"; strict= ;; esac
  rm -rf "$tmp/md" "$tmp/out"
  POP3_PASS=p "$bin" serve --maildir "$tmp/md" --user u --fault "$fault" --write-cert "$tmp/ca.pem" \
    --tls-listen 127.0.0.1:0 >"$tmp/out" 2>&1 &
  serve=$!
  timeout 10 bash -c "until [ \$(grep -c '^listening' '$tmp/out') = 2 ]; do sleep 0.05; done"
  port=$(awk '/plain/{n=split($2,a,":"); print a[n]; exit}' "$tmp/out")
  tls_port=$(awk '/implicit-TLS/{n=split($2,a,":"); print a[n]; exit}' "$tmp/out")
  POP3_PASS=p "$bin" run "$scenarios/$suite" --filter "$glob" --target "127.0.0.1:$port" \
    --tls-target "127.0.0.1:$tls_port" --cafile "$tmp/ca.pem" --user u $strict \
    --maildir "$tmp/md" --timeout 1 --junit "$tmp/$fault.xml" >"$tmp/run.out" 2>&1
  rc=$?
  kill "$serve"; wait "$serve" 2>/dev/null; serve=""
  caught=$(sed -nE 's/^\[ *[0-9]+\/[0-9]+\] (FAIL|ERROR|WARN) +(rfc1939|tls)\/([^ ]+).*/\3/p' "$tmp/run.out" | tr '\n' ' ')
  ok=1
  if [ "$must" = "-" ]; then
    [ "$rc" = 0 ] || ok=0
  else
    [ "$rc" = 1 ] || ok=0
    for s in $must; do case " $caught " in *" $s "*) ;; *) ok=0 ;; esac; done
  fi
  if [ $ok = 1 ]; then
    passed=$((passed + 1))
    if [ "$must" = "-" ]; then echo "ok   $fault: legal, the $suite suite passes (exit 0)"
    else echo "ok   $fault: caught by $(echo "$caught" | wc -w) scenario(s), including $must"; fi
  else
    failed=$((failed + 1)); echo "FAIL $fault: exit $rc, failed: ${caught:-nothing}; expected ${must}"
    tail -n 20 "$tmp/run.out" | sed 's/^/     /'
  fi
done <<< "$table"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
