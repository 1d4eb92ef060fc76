#!/usr/bin/env bash
# The load mode against `serve`: the correct server breaks no invariant (exit
# 0), each fault that shows only under concurrency or across sessions is
# found and named (exit 1), a legal close after a refused login is no finding,
# a stalled answer is one, and the user's mistakes are said once (exit 2 or 3).
# Every run is bounded by --sessions, not by time, so the same seeds give the
# same load on any machine.
set -uo pipefail
bin=$(realpath "${1:?usage: load.sh path/to/pop3-harness}")
xsd=$(cd "$(dirname "$0")/../data" && pwd)/jenkins-junit.xsd
tmp=$(mktemp -d)
serve=""
trap '[ -n "$serve" ] && kill "$serve" 2>/dev/null; rm -rf "$tmp"' EXIT
passed=0 failed=0
verdict() {  # NAME OK(0/1)
  if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "ok   $1"
  else failed=$((failed + 1)); echo "FAIL $1"; grep -E '^(FAIL|errors|server policy|pop3-harness)|sessions in' "$tmp/out" | head -12 | sed 's/^/     /'; fi
}
start_serve() {  # FAULT (or -) [serve options...]
  local fault=$1; shift
  rm -rf "$tmp/md" "$tmp/md2" && mkdir -p "$tmp/md" "$tmp/md2"
  local f=(); [ "$fault" != - ] && f=(--fault "$fault")
  POP3_PASS=p "$bin" serve --listen 127.0.0.1:0 --maildir "$tmp/md" --user u "${f[@]}" "$@" >"$tmp/serve.out" 2>&1 &
  serve=$!
  timeout 10 bash -c "until grep -q '^listening' '$tmp/serve.out'; do sleep 0.05; done"
  port=$(awk '/plain/{n=split($2,a,":"); print a[n]; exit}' "$tmp/serve.out")
}
stop_serve() { kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null; serve=""; }
load() {  # [load options...] -> $rc, output in $tmp/out
  POP3_PASS=p timeout 120 "$bin" load --target "127.0.0.1:$port" --junit "$tmp/load.xml" "$@" >"$tmp/out" 2>&1
  rc=$?
}

# The correct server, two accounts shared by four clients: nothing broken,
# a valid JUnit report with one testcase per invariant, statistics as JSON.
printf 'u p maildir=%s\nv p maildir=%s\n' "$tmp/md" "$tmp/md2" > "$tmp/users.txt"
start_serve - --users "$tmp/users.txt"
load --users "$tmp/users.txt" --profile mixed --sessions 400 --clients 4 --seed 1 --stats-json "$tmp/stats.json" \
  --report-json "$tmp/load.json"
tests=$(grep -o '<testcase ' "$tmp/load.xml" | wc -l)
[ $rc = 0 ] && xmllint --noout --schema "$xsd" "$tmp/load.xml" 2>/dev/null && ! grep -q '<failure' "$tmp/load.xml" \
  && [ "$tests" -ge 13 ] && grep -q "messages delivered while sessions ran" "$tmp/out" \
  && /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["latency"]["RETR"]["count"] > 0 and d["sessions"] == 400, d' "$tmp/stats.json" \
  && /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/load.json"
verdict "correct server, mixed profile: no invariant broken (exit $rc), $tests testcases, stats JSON" $?
load --users "$tmp/users.txt" --profile download --rate 200 --duration 1 --clients 8 --seed 2
[ $rc = 0 ] && grep -q "sessions in" "$tmp/out"
verdict "correct server, download profile at a fixed rate (open loop): exit $rc" $?
stop_serve

# Faults: each found, by the invariant it breaks. One client makes a run
# depend on its seed alone; the lock needs sessions side by side.
for row in "no-lock maildrop-locked 4" "commit-on-drop dropped-session-commits-nothing 1" \
  "unstable-uids unique-ids-stable 1" "renumber-after-dele numbers-stable 1" "list-size-lf sizes-agree 1" \
  "positional-uids deletion-committed 1"; do
  set -- $row
  start_serve "$1"
  load --user u --maildir "$tmp/md" --profile mixed --sessions 400 --clients "$3" --seed 1 --html "$tmp/load.html"
  [ $rc = 1 ] && grep -qE "^FAIL  $2 " "$tmp/out" && grep -q "<failure" "$tmp/load.xml" \
    && grep -q "load/$2" "$tmp/load.html"
  verdict "fault $1: found as $2 (exit $rc)" $?
  stop_serve
done

# Shards: two processes load one server, each its half of the accounts (one
# logging in with APOP), and report merge joins the verdicts and adds up the
# statistics: every session counted once, the histograms merged.
printf 'u p maildir=%s\nv p login=apop maildir=%s\n' "$tmp/md" "$tmp/md2" > "$tmp/users-apop.txt"
start_serve - --users "$tmp/users.txt"
ok=0
for k in 1 2; do
  load --users "$tmp/users-apop.txt" --shard $k/2 --profile mixed --sessions 150 --clients 2 --seed 4 \
    --report-json "$tmp/r$k.json" --stats-json "$tmp/s$k.json"
  [ $rc = 0 ] && grep -q "1 accounts.*shard $k/2" "$tmp/out" || ok=1
done
grep -q "login= of --users" "$tmp/out" || ok=1
"$bin" report merge "$tmp/r1.json" "$tmp/r2.json" "$tmp/s1.json" "$tmp/s2.json" --stats-json "$tmp/all.json" \
  --junit "$tmp/merged.xml" >"$tmp/out" 2>&1
rc=$?
[ $ok = 0 ] && [ $rc = 0 ] && grep -q "^300 sessions" "$tmp/out" && xmllint --noout --schema "$xsd" "$tmp/merged.xml" 2>/dev/null \
  && /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["sessions"] == 300 and d["latency"]["APOP"]["count"] > 0 and d["latency"]["USER"]["count"] > 0, d' "$tmp/all.json"
verdict "two shards (USER/PASS and APOP) merged: exit $rc, 300 sessions, histograms joined" $?
stop_serve
start_serve no-lock --users "$tmp/users.txt"
for k in 1 2; do
  load --users "$tmp/users-apop.txt" --shard $k/2 --profile mixed --sessions 300 --clients 4 --seed 1 \
    --report-json "$tmp/r$k.json" --stats-json "$tmp/s$k.json"
done
"$bin" report merge "$tmp/s1.json" "$tmp/s2.json" >"$tmp/out" 2>&1
rc=$?
"$bin" report merge "$tmp/r1.json" "$tmp/r2.json" --junit "$tmp/merged.xml" >/dev/null 2>&1
rc2=$?
[ $rc = 1 ] && [ $rc2 = 1 ] && grep -qE "^FAIL  maildrop-locked " "$tmp/out" && grep -q "<failure" "$tmp/merged.xml"
verdict "fault no-lock under shards (APOP for one): the merged statistics and results fail (exit $rc, $rc2)" $?
stop_serve
start_serve - --no-apop
load --user u --login apop --sessions 5
[ $rc = 3 ] && grep -q "does not take APOP" "$tmp/out"
verdict "--login apop against a server without APOP: exit $rc, said before any load" $?
load --user u --shard 3/2 --sessions 5
[ $rc = 2 ] && grep -q "K/N" "$tmp/out"
verdict "--shard 3/2: exit $rc" $?
load --user u --shard 2/2 --sessions 5
[ $rc = 2 ] && grep -q "no account" "$tmp/out"
verdict "--shard 2/2 of one account: exit $rc" $?
stop_serve

# Content: a server that serves RETR from a cache keyed by message number
# hands out another message's body under a unique-id (three messages of one
# size, so only the content tells); one that lets mbox quoting out changes a
# body ('From ' lines become '>From ', sizes counted to match).
mkdir -p "$tmp/same-size" "$tmp/from-line"
for i in 1 2 3; do printf 'Subject: message %s\r\n\r\nbody of message number %s\r\n' $i $i > "$tmp/same-size/0$i.eml"; done
printf 'Subject: quoted\r\n\r\nhello\r\nFrom here on, a line mbox quotes\r\n' > "$tmp/from-line/01.eml"
printf 'Subject: plain\r\n\r\nnothing to quote\r\n' > "$tmp/from-line/02.eml"
for row in "body-cache-by-number content-stable same-size" "mbox-from-quoting bodies-delivered from-line"; do
  set -- $row
  start_serve "$1"
  load --user u --maildir "$tmp/md" --fixture "$tmp/$3" --profile mixed --sessions 300 --clients 1 --seed 1
  [ $rc = 1 ] && grep -qE "^FAIL  $2 " "$tmp/out" && grep -q "<failure" "$tmp/load.xml"
  verdict "fault $1: found as $2 (exit $rc)" $?
  stop_serve
done
start_serve -
load --user u --maildir "$tmp/md" --fixture "$tmp/from-line" --profile mixed --sessions 300 --clients 1 --seed 1
[ $rc = 0 ]
verdict "the correct server with a 'From ' line and re-retrievals: exit $rc" $?
printf 'Subject: lf\n\nbare LF\n' > "$tmp/from-line/03.eml"
load --user u --maildir "$tmp/md" --fixture "$tmp/from-line" --sessions 3
[ $rc = 2 ] && [ "$(grep -c 'bare LF' "$tmp/out")" = 1 ]
verdict "a fixture with bare LF: exit $rc, said once" $?
stop_serve

# --deliver: mail delivered by a command (here into serve's maildir/new, as
# an LDA would) to an account whose maildir the harness does not write: it
# starts empty, fills up while sessions read and delete, nothing is broken,
# and the body check is said not judged rather than passed. A command that
# cannot deliver is said once, before any load.
start_serve -
deliver='n=$(basename "$POP3_MESSAGE_FILE"); mkdir -p "$MD/tmp" "$MD/new" && cp "$POP3_MESSAGE_FILE" "$MD/tmp/$n" && mv "$MD/tmp/$n" "$MD/new/9$n"'
MD="$tmp/md" POP3_PASS=p timeout 120 "$bin" load --target "127.0.0.1:$port" --user u --deliver "$deliver" \
  --profile mixed --sessions 200 --clients 2 --seed 5 --junit "$tmp/load.xml" >"$tmp/out" 2>&1
rc=$?
delivered=$(sed -nE 's/^([0-9]+) messages delivered.*/\1/p' "$tmp/out")
[ $rc = 0 ] && [ "${delivered:-0}" -gt 0 ] && grep -qE "^SKIP  bodies-delivered +not judged" "$tmp/out" \
  && grep -q 'skipped="1"' "$tmp/load.xml"
verdict "--deliver by command: exit $rc, ${delivered:-no} messages delivered while sessions ran" $?
load --user u --deliver 'echo "cannot reach the LDA" >&2; exit 75' --sessions 5
[ $rc = 3 ] && [ "$(grep -c 'cannot reach the LDA' "$tmp/out")" = 1 ] && grep -q "exit 75" "$tmp/out"
verdict "--deliver that fails: exit $rc, its output said once" $?
stop_serve

# A profile file: every message retrieved, half the sessions delete what
# they retrieved, one in ten dropped, a think time before each command; the
# correct server breaks nothing, and the lock fault is still found. A typo
# in the file is named by file and line.
printf '# a client that keeps nothing\nretrieve = all\ndelete = 0.5\ndelete-what = retrieved\ndrop = 0.1\nthink = 0-3\n' \
  > "$tmp/profile.txt"
start_serve - --users "$tmp/users.txt"
load --users "$tmp/users.txt" --profile "$tmp/profile.txt" --sessions 200 --clients 4 --seed 6
[ $rc = 0 ] && grep -q "profile $tmp/profile.txt" "$tmp/out" && grep -q "DELE" "$tmp/out"
verdict "a profile file against the correct server: exit $rc" $?
printf 'retrieve = all\ndelet = 0.5\n' > "$tmp/typo.txt"
load --users "$tmp/users.txt" --profile "$tmp/typo.txt" --sessions 5
[ $rc = 2 ] && grep -q "typo.txt:2: unknown key 'delet'" "$tmp/out"
verdict "a typo in a profile file: exit $rc, named by file and line" $?
stop_serve
start_serve no-lock
load --user u --maildir "$tmp/md" --profile "$tmp/profile.txt" --sessions 400 --clients 4 --seed 1
[ $rc = 1 ] && grep -qE "^FAIL  (maildrop-locked|listed-retrievable) " "$tmp/out"
verdict "fault no-lock under a profile file: found (exit $rc)" $?
stop_serve

# Legal: a server that closes after a refused login (RFC 1939 #4), here the
# [IN-USE] of four clients on one account.
start_serve close-after-auth-failure
load --user u --maildir "$tmp/md" --profile mixed --sessions 200 --clients 4 --seed 1
[ $rc = 0 ] && grep -q "closed-after-err\|in-use" "$tmp/out"
verdict "a close after a refused login is no finding (exit $rc)" $?
stop_serve
# A stalled answer: every RETR stops half-way; the whole-response deadline ends it.
start_serve stall-mid-retr
load --user u --maildir "$tmp/md" --sessions 3 --clients 1 --timeout 1 --seed 1
[ $rc = 1 ] && grep -qE "^FAIL  answers-each-command " "$tmp/out"
verdict "a stalled RETR: answers-each-command, within the deadline (exit $rc)" $?
stop_serve

# The user's mistakes, said once, before any verdict.
start_serve -
POP3_PASS=wrong timeout 60 "$bin" load --target "127.0.0.1:$port" --user u --sessions 5 --junit "$tmp/bad.xml" >"$tmp/out" 2>&1
rc=$?
[ $rc = 3 ] && [ "$(grep -c 'refused' "$tmp/out")" -ge 1 ] && ! grep -q '<failure' "$tmp/bad.xml"
verdict "a wrong password: exit $rc, said once, no verdict" $?
stop_serve
"$bin" load --target 127.0.0.1:1 --user-pattern load --users-count 2 --pass p --sessions 1 >"$tmp/out" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "{n}" "$tmp/out"
verdict "--user-pattern without {n}: exit $rc" $?
"$bin" load --target 127.0.0.1:1 --user u --pass p --sessions 1 --junit "$tmp/x.xml" >"$tmp/out" 2>&1
rc=$?
[ $rc = 3 ]
verdict "nothing listening: exit $rc" $?

# The built-in server, no options: a first look in one command.
"$bin" load --sessions 100 --clients 4 --profile mixed --seed 3 --junit "$tmp/e.xml" >"$tmp/out" 2>&1
rc=$?
[ $rc = 0 ]
verdict "the built-in server: exit $rc" $?

echo "load.sh: $passed passed, $failed failed"
[ "$failed" = 0 ]
