#!/usr/bin/env bash
# The property campaign against the reference server: each model fault of
# `serve --fault` must be found by the default campaign (100 cases), shrunk
# to a few steps, and written as a scenario that `run` replays: failing
# against the faulty server, passing against a correct one. The correct
# server passes several seeds; differential mode sees a faulty server differ.
set -uo pipefail
bin=$(realpath "${1:?usage: prop.sh path/to/pop3-harness}")
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

# Starts `serve` with the given fault ("-" for none) on a free port; sets $port.
start() {
  local name=$1 fault=$2 args=()
  [ "$fault" != - ] && args=(--fault "$fault")
  POP3_PASS=p "$bin" serve --maildir "$tmp/$name.md" --user u "${args[@]}" --listen 127.0.0.1:0 >"$tmp/$name.serve" 2>&1 &
  pids+=($!)
  timeout 10 bash -c "until grep -q '^listening' '$tmp/$name.serve'; do sleep 0.05; done"
  port=$(awk '/plain/{n=split($2,a,":"); print a[n]; exit}' "$tmp/$name.serve")
}

start good -
good_port=$port
for seed in 1 2 3; do
  POP3_PASS=p "$bin" prop --target "127.0.0.1:$good_port" --user u --maildir "$tmp/good.md" --seed $seed \
    --out "$tmp/good-out" --junit "$tmp/good-$seed.xml" >"$tmp/good-$seed.out" 2>&1
  rc=$?
  if [ $rc = 0 ]; then ok "correct server, seed $seed: $(grep -o '^[0-9]* cases[^:]*' "$tmp/good-$seed.out")"
  else bad "correct server, seed $seed: exit $rc"; sed 's/^/     /' "$tmp/good-$seed.out" | head -30; fi
done

# fault | most steps in the shrunk case (login counts as 1-2)
table="
stat-counts-deleted  4
rset-keeps-deletions 5
unstable-uids        7
renumber-after-dele  5
commit-on-drop       7
list-size-lf         3
retr-deleted-ok      4
"
while read -r fault most; do
  [ -z "$fault" ] && continue
  start "$fault" "$fault"
  out="$tmp/out-$fault"
  POP3_PASS=p "$bin" prop --target "127.0.0.1:$port" --user u --maildir "$tmp/$fault.md" --seed 1 \
    --out "$out" --junit "$tmp/$fault.xml" >"$tmp/$fault.out" 2>&1
  rc=$?
  scenario=$(ls "$out"/must-*.pop3 2>/dev/null | head -1)
  if [ $rc != 1 ] || [ -z "$scenario" ]; then
    bad "$fault: exit $rc (want 1), scenario '${scenario}'"; sed 's/^/     /' "$tmp/$fault.out" | head -20; continue
  fi
  steps=$(grep -cE '^(C: |drop:)' "$scenario")
  POP3_PASS=p "$bin" run "$scenario" --target "127.0.0.1:$port" --user u --maildir "$tmp/$fault.md" \
    --junit "$tmp/$fault-replay.xml" >"$tmp/$fault-replay.out" 2>&1
  replay_bad=$?
  POP3_PASS=p "$bin" run "$scenario" --target "127.0.0.1:$good_port" --user u --maildir "$tmp/good.md" \
    --junit "$tmp/$fault-good.xml" >"$tmp/$fault-good.out" 2>&1
  replay_good=$?
  if [ "$steps" -le "$most" ] && [ $replay_bad = 1 ] && [ $replay_good = 0 ] && grep -q 'fails again' "$tmp/$fault.out"; then
    ok "$fault: found, shrunk to $steps steps; run replays it: fails on the fault (1), passes on a correct server (0)"
  else
    bad "$fault: $steps steps (at most $most), replay on the fault: exit $replay_bad (want 1), on a correct server: exit $replay_good (want 0)"
    sed 's/^/     /' "$scenario"; sed 's/^/     /' "$tmp/$fault-good.out" | tail -15
  fi
done <<<"$table"

# Differential mode: a faulty server against a correct reference differs
# (a SHOULD finding: exit 0, or 1 with --strict); two correct servers do not.
start diff rset-keeps-deletions
POP3_PASS=p "$bin" prop --target "127.0.0.1:$port" --user u --maildir "$tmp/diff.md" --seed 4 --strict \
  --reference "127.0.0.1:$good_port" --reference-maildir "$tmp/good.md" --out "$tmp/diff-out" \
  --junit "$tmp/diff.xml" >"$tmp/diff.out" 2>&1
rc=$?
if grep -q '^DIFFERENCE\|^FAIL' "$tmp/diff.out" && [ $rc = 1 ]; then ok "differential: the faulty server differs from the reference (exit 1 with --strict)"
else bad "differential: exit $rc"; sed 's/^/     /' "$tmp/diff.out" | head -20; fi
start good2 -
POP3_PASS=p "$bin" prop --target "127.0.0.1:$port" --user u --maildir "$tmp/good2.md" --seed 4 --strict \
  --reference "127.0.0.1:$good_port" --reference-maildir "$tmp/good.md" --out "$tmp/diff2-out" \
  --junit "$tmp/diff2.xml" >"$tmp/diff2.out" 2>&1
rc=$?
if [ $rc = 0 ]; then ok "differential: two correct servers never differ (exit 0 with --strict)"
else bad "differential between two correct servers: exit $rc"; sed 's/^/     /' "$tmp/diff2.out" | head -20; fi

# Every difference within the budget: a server without a maildrop lock
# differs at the second session; that difference is reported once (shrunk,
# written) and set aside, and the campaign goes on to the end of its budget.
# Set aside by the user (--ignore-difference), it is no finding.
start nolock no-lock
POP3_PASS=p "$bin" prop --target "127.0.0.1:$port" --user u --maildir "$tmp/nolock.md" --seed 4 \
  --reference "127.0.0.1:$good_port" --reference-maildir "$tmp/good.md" --out "$tmp/nolock-out" \
  --junit "$tmp/nolock.xml" --report-json "$tmp/nolock.json" >"$tmp/nolock.out" 2>&1
rc=$?
if [ $rc = 0 ] && [ "$(grep -c '^DIFFERENCE' "$tmp/nolock.out")" = 1 ] && [ -f "$tmp/nolock-out/difference-second-session-seed-4.pop3" ] \
   && grep -q '^no MUST failure' "$tmp/nolock.out" && ! grep -q '"differences-ignored": "0"' "$tmp/nolock.json"; then
  ok "differential: the one difference reported once and set aside, the campaign ran to its end"
else bad "differential without a lock: exit $rc"; sed 's/^/     /' "$tmp/nolock.out" | head -20; fi
POP3_PASS=p "$bin" prop --target "127.0.0.1:$port" --user u --maildir "$tmp/nolock.md" --seed 4 \
  --reference "127.0.0.1:$good_port" --reference-maildir "$tmp/good.md" --out "$tmp/nolock2-out" \
  --ignore-difference second-session --junit "$tmp/nolock2.xml" >"$tmp/nolock2.out" 2>&1
rc=$?
if [ $rc = 0 ] && ! grep -q '^DIFFERENCE' "$tmp/nolock2.out"; then ok "differential: --ignore-difference second-session sets it aside"
else bad "--ignore-difference: exit $rc"; sed 's/^/     /' "$tmp/nolock2.out" | head -20; fi

# RFC 1939 #7 makes UIDL and TOP optional: a server without them passes,
# neither is generated.
start nouidl no-uidl-top
POP3_PASS=p "$bin" prop --target "127.0.0.1:$port" --user u --maildir "$tmp/nouidl.md" --seed 1 --strict \
  --out "$tmp/nouidl-out" --junit "$tmp/nouidl.xml" >"$tmp/nouidl.out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^UIDL TOP: answered -ERR and not announced in CAPA' "$tmp/nouidl.out"; then
  ok "no UIDL, no TOP (optional): passes, neither generated (exit 0 with --strict)"
else bad "no-uidl-top: exit $rc"; sed 's/^/     /' "$tmp/nouidl.out" | head -20; fi

# Download-and-delete (RFC 1939 #8) is a legal site policy: the model
# follows it, announced as EXPIRE 0 (no finding) or not (a SHOULD of RFC 2449
# #6.7: exit 0, and 1 with --strict). 300 cases make RETR then QUIT certain.
# The reports agree with the exit code: under --strict the SHOULD finding is a
# <failure> in JUnit and "failed" in the results JSON.
for fault in download-and-delete unannounced-expiry; do
  start "$fault" "$fault"
  for strict in "" --strict; do
    POP3_PASS=p "$bin" prop --target "127.0.0.1:$port" --user u --maildir "$tmp/$fault.md" --seed 1 --runs 300 \
      $strict --out "$tmp/$fault-out" --junit "$tmp/$fault$strict.xml" --report-json "$tmp/$fault$strict.json" \
      >"$tmp/$fault$strict.out" 2>&1
    rc=$?
    want=0; [ "$fault$strict" = unannounced-expiry--strict ] && want=1
    warn=0; grep -q '^WARN rfc2449#6.7 download-and-delete' "$tmp/$fault$strict.out" && warn=1
    want_warn=0; [ "$fault" = unannounced-expiry ] && want_warn=1
    failures=$(grep -c '<failure' "$tmp/$fault$strict.xml"); json_failed=$(grep -Ec '"outcome": *"failed"' "$tmp/$fault$strict.json")
    agree=0; { [ $want = 1 ] && [ "$failures" -gt 0 ] && [ "$json_failed" -gt 0 ]; } || { [ $want = 0 ] && [ "$failures" = 0 ] && [ "$json_failed" = 0 ]; } && agree=1
    if [ $rc = $want ] && [ $warn = $want_warn ] && [ $agree = 1 ] && grep -q 'download-and-delete: QUIT removes' "$tmp/$fault$strict.out" \
      && ! grep -q '^FAIL' "$tmp/$fault$strict.out" \
      && xmllint --noout --schema "$(dirname "$0")/../data/jenkins-junit.xsd" "$tmp/$fault$strict.xml" 2>/dev/null; then
      ok "$fault ${strict:-(default)}: the model follows the policy; exit $rc$([ $warn = 1 ] && echo ', WARN rfc2449#6.7'), $failures <failure> in JUnit, $json_failed failed in JSON"
    else
      bad "$fault $strict: exit $rc (want $want), warning $warn (want $want_warn), $failures <failure> in JUnit and $json_failed failed in JSON (want them only with exit 1)"; sed 's/^/     /' "$tmp/$fault$strict.out" | head -30
    fi
  done
done

# Exit codes: an unreachable target is an environment error (3), a missing
# reset option a usage error (2); both still name the problem.
POP3_PASS=p "$bin" prop --target 127.0.0.1:1 --user u --maildir "$tmp/none.md" --junit "$tmp/unreachable.xml" \
  --out "$tmp/unreachable" >"$tmp/unreachable.out" 2>&1
rc=$?
if [ $rc = 3 ] && grep -q 'Connection refused' "$tmp/unreachable.out" && grep -q '<error' "$tmp/unreachable.xml"; then
  ok "unreachable target: exit 3, the reason on the console and in JUnit"
else bad "unreachable target: exit $rc"; cat "$tmp/unreachable.out"; fi
POP3_PASS=p "$bin" prop --target "127.0.0.1:$good_port" --user u >"$tmp/usage.out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q -- '--maildir' "$tmp/usage.out"; then ok "no way to reset the mailbox: exit 2, says what to give"
else bad "usage: exit $rc"; cat "$tmp/usage.out"; fi

echo "prop.sh: $passed passed, $failed failed"
[ $failed = 0 ]
