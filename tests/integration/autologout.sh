#!/usr/bin/env bash
# The opt-in slow autologout scenarios (RFC 1939 #3), with every wait scaled
# by POP3_HARNESS_TIME_SCALE=0.01 against a reference server whose timer is
# scaled alike (--idle-timeout 8: 13 minutes and 20 s at full scale):
# - skipped, with the reason, without --slow;
# - the correct server passes them all (--strict: SHOULD findings count);
# - each autologout fault of serve is caught by the scenario written for it.
# The five servers run side by side: the scenarios mostly wait.
set -uo pipefail
bin=$(realpath "${1:?usage: autologout.sh path/to/pop3-harness}")
scenarios=$(cd "$(dirname "$0")/../../scenarios" && pwd)
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
passed=0 failed=0

# fault | exit | must fail ("-": none)
table="
none                 | 0 | -
short-autologout     | 1 | autologout-keeps-idle-session
autologout-not-reset | 1 | autologout-reset-by-a-command
autologout-commits   | 1 | autologout-commits-nothing
autologout-says-bye  | 1 | autologout-commits-nothing
"
start() {  # start FAULT: a server, then the scenarios against it, in the background
  local fault=$1 dir="$tmp/$1" opts=()
  mkdir -p "$dir"
  [ "$fault" != none ] && opts=(--fault "$fault")
  POP3_PASS=p "$bin" serve --maildir "$dir/md" --user u --listen 127.0.0.1:0 --idle-timeout 8 "${opts[@]}" >"$dir/serve" 2>&1 &
  pids+=($!)
  timeout 10 bash -c "until grep -q '^listening' '$dir/serve'; do sleep 0.05; done"
  local port; port=$(awk '/listening/{n=split($2,a,":"); print a[n]; exit}' "$dir/serve")
  ( POP3_HARNESS_TIME_SCALE=0.01 POP3_PASS=p "$bin" run "$scenarios/rfc1939" --filter 'rfc1939/autologout-*' --slow \
      --strict --target "127.0.0.1:$port" --user u --maildir "$dir/md" --timeout 5 --junit "$dir/junit.xml" \
      >"$dir/run.out" 2>&1; echo $? >"$dir/rc" ) &
  pids+=($!)
}
while IFS='|' read -r fault want must; do
  fault=$(echo "$fault" | xargs); [ -z "$fault" ] && continue
  start "$fault"
done <<<"$table"
for ((i = 1; i < ${#pids[@]}; i += 2)); do wait "${pids[$i]}" 2>/dev/null; done

while IFS='|' read -r fault want must; do
  fault=$(echo "$fault" | xargs); want=$(echo "$want" | xargs); must=$(echo "$must" | xargs)
  [ -z "$fault" ] && continue
  dir="$tmp/$fault"; rc=$(cat "$dir/rc" 2>/dev/null || echo none)
  caught=$(sed -nE 's/^\[ *[0-9]+\/[0-9]+\] (FAIL|ERROR|WARN) +rfc1939\/([^ ]+).*/\2/p' "$dir/run.out" | tr '\n' ' ')
  ok=1
  [ "$rc" = "$want" ] || ok=0
  if [ "$must" != "-" ]; then case " $caught " in *" $must "*) ;; *) ok=0 ;; esac
  elif [ -n "$caught" ]; then ok=0; fi
  xmllint --noout --schema "$(dirname "$0")/../data/jenkins-junit.xsd" "$dir/junit.xml" 2>/dev/null || ok=0
  if [ $ok = 1 ]; then
    passed=$((passed + 1))
    [ "$want" = 0 ] && echo "ok   the correct server passes the autologout scenarios (exit 0)" ||
      echo "ok   $fault: caught by $must (exit $rc)"
  else
    failed=$((failed + 1)); echo "FAIL $fault: exit $rc (want $want), failed: ${caught:-nothing}; expected $must"
    sed 's/^/     /' "$dir/run.out" | head -30
  fi
done <<<"$table"

# Without --slow they are skipped, saying how to run them.
POP3_PASS=p "$bin" run "$scenarios/rfc1939" --filter 'rfc1939/autologout-*' --user u --maildir "$tmp/none/md" \
  >"$tmp/skip.out" 2>&1
if [ "$(grep -c 'run with --slow' "$tmp/skip.out")" = 3 ]; then
  passed=$((passed + 1)); echo "ok   without --slow the three are skipped: $(grep -m1 -o 'slow ([^)]*): run with --slow' "$tmp/skip.out")"
else
  failed=$((failed + 1)); echo "FAIL without --slow:"; sed 's/^/     /' "$tmp/skip.out" | head -20
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
