#!/usr/bin/env bash
# Each fault of `serve --fault` against the RFC 1939 suite or the TLS suite:
# - a fault that breaks an RFC must give exit 1 with a FAIL naming it, in the
#   scenarios written to catch it or, when the violation is so basic that
#   nothing else can be judged, once in the preflight (the TLS suite runs
#   --strict, so its SHOULD checks count);
# - legal but awkward behaviour (one octet per segment, a slow drip,
#   70-character unique-ids, text after sizes, bracketed free text, no CAPA,
#   no UIDL/TOP, a slow or closing answer to a failed login, download-and-delete
#   announced or not: RFC 1939 #8 allows it) must pass: exit 0;
# - a server that refuses every login is not a verdict: exit 3, said once.
# Proves the verdicts follow the RFCs in both directions.
set -uo pipefail
bin=$(realpath "${1:?usage: faults.sh path/to/pop3-harness}")
scenarios=$(cd "$(dirname "$0")/../../scenarios" && pwd)
tmp=$(mktemp -d)
serve=""
trap '[ -n "$serve" ] && kill "$serve" 2>/dev/null; rm -rf "$tmp"' EXIT
passed=0 failed=0

# stls-injection executes what was read together with STLS; whether a separate
# segment arrives before the server's read is a race, so injection-separate-segment
# is not required to catch it. split-bytes and drip deliver 1 MiB at about
# 100 KiB/s: a whole response's deadline is --timeout plus 10 s per MiB, the
# fault's own pace, so the margin is all in --timeout: 15, since a machine busy
# with other work (two CI runs side by side) slows the delivery further.
# split-bytes leaves out the four 1 MiB messages of the chunk-boundary
# scenario (a chunk boundary means nothing when every octet is a segment).
# Its pace is the CPU's, not a timer's: a write and a read per octet on both
# ends, so retr-edge-7's 1 MiB takes 15 s on an idle 2-core machine and
# over 25 s beside other work (two CI runs, each in two lanes): --timeout 60.
# fault | scenarios (glob, then !NAME to leave out; rfc1939/ unless tls/) | exit | must fail ("-": none; "preflight": the preflight) | output must have | timeout
table="
stat-counts-deleted      | *                | 1 | dele-marks                                          | -                          | 1
rset-keeps-deletions     | *                | 1 | rset-undeletes rset-then-quit                       | -                          | 1
unstable-uids            | *                | 1 | uidl-stable-across-sessions uidl-stable-after-dele  | -                          | 1
renumber-after-dele      | *                | 1 | numbers-stable-after-dele                           | -                          | 1
commit-on-drop           | *                | 1 | drop-commits-nothing                                | -                          | 1
list-size-lf             | *                | 1 | stat-basic list-one-size retr-all-sizes-match-list utf8-sizes-match-retr | -                          | 1
retr-deleted-ok          | *                | 1 | retr-deleted top-deleted                            | -                          | 1
listing-shows-deleted    | *                | 1 | list-deleted uidl-omits-deleted                     | -                          | 1
chunked-dot-stuffing     | retr-dot-lines-at-chunk-boundaries | 1 | retr-dot-lines-at-chunk-boundaries | -                   | 1
no-dot-stuffing          | *                | 1 | retr-dot-lines-on-the-wire top-dot-stuffed retr-edge-1 | -                       | 1
capa-forgets-after-login | *                | 1 | capa-keeps-user-after-login capa-keeps-sasl-after-login auth-keeps-sasl-after-auth | - | 1
bad-resp-code            | *                | 1 | resp-codes-well-formed                              | -                          | 1
in-use-on-bad-password   | *                | 1 | in-use-only-after-login                             | -                          | 1
auth-code-missing        | *                | 1 | auth-code-on-wrong-password auth-code-on-wrong-apop auth-code-on-wrong-sasl | - | 1
sys-on-bad-password      | *                | 1 | wrong-password-not-sys                              | -                          | 1
fixed-apop-timestamp     | *                | 1 | apop-timestamp-differs                              | -                          | 1
auth-after-login         | *                | 1 | auth-after-login                                    | -                          | 1
lenient-base64           | *                | 1 | auth-bad-base64                                     | -                          | 1
auth-case-sensitive      | *                | 1 | auth-mechanism-lower-case                           | -                          | 1
lenient-plain            | *                | 1 | sasl-plain-as-postmaster sasl-plain-authzid-soft-hyphen sasl-plain-empty-authcid sasl-plain-nul-in-password | - | 1
cram-md5-initial-response | *               | 1 | auth-initial-response-to-server-first-mechanism     | -                          | 1
bad-capa-line            | *                | 1 | capa-lines-well-formed                              | -                          | 1
positional-uids          | *                | 1 | uidl-stable-after-dele uidl-not-reused-after-dele   | -                          | 1
short-command-lines      | *                | 1 | command-of-255-octets                               | -                          | 1
short-sasl-lines         | *                | 1 | sasl-plain-fields-of-255-octets                     | -                          | 1
crash-on=RSET            | minimal-command-set | 1 | minimal-command-set                              | -                          | 1
no-cram-md5              | *                | 0 | sasl-offers-a-mechanism-without-plaintext-password  | -                          | 1
lenient-utf8             | *                | 1 | utf8-only-before-login utf8-takes-no-argument       | -                          | 1
utf8-raw                 | *                | 1 | utf8-message-needs-utf8-mode                        | -                          | 1
lenient-user-names       | *                | 1 | utf8-user-name-invalid utf8-user-name-prohibited    | -                          | 1
bad-lang                 | *                | 1 | lang-listing lang-select lang-unknown-refused       | -                          | 1
no-lock                  | *                | 1 | maildrop-locked-against-second-session              | -                          | 1
login-delay-on-user      | login-delay-not-on-user | 0 | login-delay-not-on-user                      | -                          | 1
login-delay-unenforced   | *                | 0 | login-delay-enforced                                | -                          | 1
limits-without-user-token | *               | 0 | capa-login-delay-user-token capa-expire-user-token login-delay-enforced | - | 1
limits-not-refined       | *                | 0 | capa-login-delay-refined-after-login capa-expire-refined-after-login | -  | 1
login-delay-understated  | *                | 1 | capa-login-delay-largest-first                      | -                          | 1
expire-overstated        | *                | 1 | capa-expire-smallest-first                          | -                          | 1
utf8-code-misused        | *                | 1 | utf8-code-only-where-valid                          | -                          | 1
lang-latin1              | *                | 1 | lang-text-utf8                                      | -                          | 1
greeting-control-char    | *                | 1 | greeting-grammar                                    | -                          | 1
challenge-text           | *                | 1 | auth-empty-challenge                                | -                          | 1
ok-unknown-command       | *                | 1 | unknown-command-authorization unknown-command last-is-refused-or-implemented | -                          | 1
lowercase-status         | *                | 1 | preflight                                           | not a status line          | 1
uid-too-long             | *                | 1 | uidl-listing uidl-one                               | -                          | 1
phantom-message          | *                | 1 | list-all list-matches-stat uidl-listing             | -                          | 1
drop-mid-retr            | retr-basic       | 1 | retr-basic                                          | in the middle of its answer | 1
stall-mid-retr           | retr-basic       | 1 | retr-basic                                          | was not terminated         | 1
endless-line             | retr-basic       | 1 | retr-basic                                          | exceeds 512 octets         | 1
endless-body             | retr-basic       | 1 | retr-basic                                          | answer to RETR 1          | 1
bare-lf                  | *                | 1 | preflight                                           | bare LF                    | 1
cr-cr-lf                 | *                | 1 | preflight                                           | bare CR                    | 1
close-on-error           | *                | 1 | unknown-command-authorization unknown-command retr-non-numeric | closed the connection instead of answering | 1
capa-unterminated        | *                | 1 | preflight                                           | not terminated             | 1
long-response            | *                | 1 | noop                                                | exceeds 512 octets         | 1
slow-greeting            | *                | 1 | preflight                                           | greeting                   | 1
crash-on=DELE            | *                | 1 | auth-state-dele-1                                   | stopped accepting connections after DELE 1 | 1
login-in-use             | *                | 3 | -                                                   | [IN-USE]                   | 1
login-delay              | *                | 3 | -                                                   | [LOGIN-DELAY]              | 1
login-sys-temp           | *                | 3 | -                                                   | [SYS/TEMP]                 | 1
login-delay-enforced     | *                | 3 | -                                                   | enforces its LOGIN-DELAY   | 1
uid-limits               | *                | 0 | -                                                   | -                          | 1
trailing-text            | *                | 0 | -                                                   | -                          | 1
bracket-text             | *                | 0 | -                                                   | -                          | 1
auth-code-variant        | *                | 0 | -                                                   | -                          | 1
no-capa                  | *                | 0 | -                                                   | -                          | 1
no-uidl-top              | *                | 0 | -                                                   | -                          | 1
slow-auth-failure        | *                | 0 | -                                                   | answered PASS *** after 6  | 1
close-after-auth-failure | *                | 0 | -                                                   | RFC 1939 #4 allows it      | 1
download-and-delete      | *                | 0 | -                                                   | -                          | 1
per-user-limits          | *                | 0 | -                                                   | -                          | 1
unannounced-expiry       | *                | 0 | -                                                   | -                          | 1
split-bytes              | * !retr-dot-lines-at-chunk-boundaries | 0 | -                                                   | -                          | 60
drip                     | retr-edge-*      | 0 | -                                                   | -                          | 15
uid-limits               | tls/*            | 0 | -                                                   | -                          | 1
stls-injection           | tls/*            | 1 | injection-same-segment injection-partial-line injection-pipelined | -            | 1
stls-in-transaction      | tls/*            | 1 | stls-in-transaction                                 | -                          | 1
stls-keeps-user          | tls/*            | 1 | state-user-forgotten                                | -                          | 1
stls-after-tls           | tls/*            | 1 | stls-advertised                                     | -                          | 1
tls-1.0                  | tls/*            | 1 | implicit-tls10-refused implicit-tls11-refused stls-tls10-refused | -             | 1
expired-cert             | tls/*            | 1 | implicit-certificate stls-certificate               | -                          | 1
plain-in-clear           | tls/*            | 1 | plain-not-advertised-in-clear                       | -                          | 1
long-line-crash          | security/user-*  | 1 | user-overlong-argument                              | -                          | 1
long-line-crash          | security/xtnd-*  | 1 | xtnd-overlong                                       | -                          | 1
long-line-crash          | security/pass-overlong-argument | 1 | pass-overlong-argument               | -                          | 1
long-line-crash          | security/apop-*  | 1 | apop-overlong-arguments                             | -                          | 1
nul-stall                | security/nul-*   | 1 | nul-in-command                                      | -                          | 1
top-negative-crash       | security/uidl-*  | 1 | uidl-negative-argument                              | -                          | 1
format-string-crash      | security/pass-format-string | 1 | pass-format-string                       | -                          | 1
lenient-user-names       | security/user-invalid-utf8 | 1 | user-invalid-utf8                         | -                          | 1
crash-on=AUTH            | security/sasl-empty-response | 1 | sasl-empty-response                     | -                          | 1
crash-on=AUTH            | security/sasl-cancel-loop | 1 | sasl-cancel-loop                           | -                          | 1
crash-on=AUTH            | security/sasl-oversized-response | 1 | sasl-oversized-response             | -                          | 1
pipeline-first-only      | security/pipelined-* | 1 | pipelined-noop-flood                          | -                          | 1
crash-on=AUTH            | security/auth-mechanism-overlong | 1 | auth-mechanism-overlong             | -                          | 1
crash-on=APOP            | security/apop-malformed-digest | 1 | apop-malformed-digest                 | -                          | 1
bare-cr-ends-line        | security/bare-cr-* | 1 | bare-cr-not-a-line-end                            | -                          | 1
serial-handshakes        | security/tls-*   | 1 | tls-partial-handshakes                              | -                          | 1
prefix-password          | security/sasl-plain-empty-password | 1 | sasl-plain-empty-password         | -                          | 1
user-path-normalized     | security/user-path-traversal | 1 | user-path-traversal                     | -                          | 1
crash-on=LIST            | security/overlong-* | 1 | overlong-arguments-after-login                   | -                          | 1
no-close-notify          | tls/*            | 1 | implicit-close-notify                               | -                          | 1
request-client-cert      | tls/*            | 1 | implicit-no-client-certificate                      | -                          | 1
cbc-only                 | tls/*            | 1 | implicit-recommended-ciphers scan-tls13             | -                          | 1
weak-rsa-cert            | tls/*            | 1 | implicit-certificate-strength                       | ecdsa-with-SHA1            | 1
static-rsa-first         | tls/*            | 1 | scan-static-rsa scan-forward-secrecy scan-cbc scan-prefer-recommended | -        | 1
dhe-1024                 | tls/*            | 1 | scan-dh-size scan-dhe                               | 1024 bits                  | 1
null-cipher              | tls/*            | 1 | scan-null                                           | TLS_ECDHE_ECDSA_WITH_NULL_SHA | 1
no-extended-master-secret | tls/*           | 1 | scan-extended-master-secret                         | -                          | 1
p384-only                | tls/*            | 1 | scan-curves-recommended                             | -                          | 1
small-curve              | tls/*            | 1 | scan-curves                                         | secp192r1                  | 1
cleartext-denial-leaks   | tls/*            | 1 | cleartext-denial-reveals-nothing                    | -                          | 1
"
while IFS='|' read -r fault glob want must pattern timeout; do
  fault=$(echo "$fault" | xargs); want=$(echo "$want" | xargs)
  # "GLOB !NAME...": the scenarios GLOB names but those NAMEs.
  read -r glob excluded <<<"$glob"
  must=$(echo "$must" | xargs); pattern=$(echo "$pattern" | sed 's/^ *//; s/ *$//'); timeout=$(echo "$timeout" | xargs)
  [ -z "$fault" ] && continue
  case "$glob" in tls/*) suite=tls; strict=--strict ;; security/*) suite=security; strict= ;;
    *) suite=rfc1939; glob="rfc1939/$glob"; strict= ;; esac
  rm -rf "$tmp/md" "$tmp/out"
  # The RFC 1939 suite runs in plaintext against a server without TLS: one
  # that offers STLS keeps PLAIN to itself until TLS is active (RFC 2595 #6).
  if [ $suite = tls ] || [[ $glob == security/tls-* ]]; then
    tls_opts=(--write-cert "$tmp/ca.pem" --tls-listen 127.0.0.1:0); listening=2
  else tls_opts=(); listening=1; fi
  POP3_PASS=p "$bin" serve --maildir "$tmp/md" --user u --fault "$fault" "${tls_opts[@]}" >"$tmp/out" 2>&1 &
  serve=$!
  timeout 10 bash -c "until [ \"\$(grep -c '^listening' '$tmp/out' 2>/dev/null)\" = $listening ]; do sleep 0.05; done"
  port=$(awk '/plain/{n=split($2,a,":"); print a[n]; exit}' "$tmp/out")
  tls_port=$(awk '/implicit-TLS/{n=split($2,a,":"); print a[n]; exit}' "$tmp/out")
  tls_args=()
  [ ${#tls_opts[@]} -gt 0 ] && tls_args=(--tls-target "127.0.0.1:$tls_port" --cafile "$tmp/ca.pem")
  # A fault that must be caught runs the scenarios that must catch it: what
  # else fails adds nothing to the verdict. A legal one runs the whole suite,
  # which must pass.
  what=("$scenarios/$suite" --filter "$glob")
  for x in $excluded; do what+=(--exclude "$suite/${x#!}"); done
  if [ "$want" = 1 ] && [ "$must" != - ] && [ "$must" != preflight ]; then
    what=()
    for s in $must; do what+=("$scenarios/$suite/$s.pop3"); done
  fi
  POP3_PASS=p "$bin" run "${what[@]}" --target "127.0.0.1:$port" \
    "${tls_args[@]}" --user u $strict \
    --maildir "$tmp/md" --timeout "$timeout" --junit "$tmp/$fault.xml" >"$tmp/run.out" 2>&1
  rc=$?
  kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null; serve=""
  caught=$(sed -nE 's/^\[ *[0-9]+\/[0-9]+\] (FAIL|ERROR|WARN) +(rfc1939|tls|security)\/([^ ]+).*/\3/p; s/^preflight FAIL.*/preflight/p' \
    "$tmp/run.out" | tr '\n' ' ')
  ok=1
  [ "$rc" = "$want" ] || ok=0
  if [ "$must" != "-" ]; then
    for s in $must; do case " $caught " in *" $s "*) ;; *) ok=0 ;; esac; done
  elif [ "$want" = 0 ] && [ -n "$caught" ]; then
    ok=0
  fi
  [ "$pattern" = "-" ] || grep -qF -- "$pattern" "$tmp/run.out" || ok=0
  xmllint --noout --schema "$(dirname "$0")/../data/jenkins-junit.xsd" "$tmp/$fault.xml" 2>/dev/null || ok=0
  if [ $ok = 1 ]; then
    passed=$((passed + 1))
    case "$want" in
      0) echo "ok   $fault: legal, the $suite suite passes (exit 0)" ;;
      3) echo "ok   $fault: not a verdict, said once (exit 3) with $pattern" ;;
      *) echo "ok   $fault: caught by $must" ;;
    esac
  else
    failed=$((failed + 1)); echo "FAIL $fault: exit $rc (want $want), failed: ${caught:-nothing}; expected ${must}, output with '${pattern}'"
    sed 's/^/     /' "$tmp/run.out" | grep -v "PASS " | head -40
  fi
done <<<"$table"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
