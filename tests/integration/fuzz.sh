#!/usr/bin/env bash
# The network fuzzer against the reference server: within a budget of 3000
# cases per fault (seed 1), whatever the machine's speed, it finds each crash and hang fault of
# `serve --fault` (started and restarted through --target-cmd), writes a
# reproducer that fails again under `run`, and records the crash's signal and
# stderr; against the correct server it finds nothing (exit 0). As the server
# for a client (--client-cmd), it finds a crash, a hang and wrong saved data
# planted in tests/integration/fuzz_client.py, and nothing in its careful mode,
# and leaves none of the clients running.
set -uo pipefail
bin=$(realpath "${1:?usage: fuzz.sh path/to/pop3-harness}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A port free right now for each --target-cmd server (it restarts on the same
# one): two runs on one machine must not meet each other's server.
free_port() {
  if [ -n "${FUZZ_PORT:-}" ]; then echo "$FUZZ_PORT"; return; fi
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

# fault | oracle | what the finding must show
table="
long-line-crash     | crash | SIGABRT
top-negative-crash  | crash | SIGABRT
nul-stall           | hang  | hang:nul
pipeline-first-only | hang  | hang:burst
"
while IFS='|' read -r fault oracle evidence; do
  fault=$(echo "$fault" | xargs); oracle=$(echo "$oracle" | xargs); evidence=$(echo "$evidence" | xargs)
  [ -z "$fault" ] && continue
  out="$tmp/$fault"
  port=$(free_port)
  POP3_PASS=p "$bin" fuzz --target "127.0.0.1:$port" --user u --maildir "$tmp/md-$fault" \
    --target-cmd "$bin serve --listen 127.0.0.1:$port --user u --maildir $tmp/md-$fault --fault $fault" \
    --cases 3000 --seed 1 --out "$out" --junit "$out.xml" >"$out.log" 2>&1
  rc=$?
  repro=$(ls "$out"/fuzz-*-"$oracle"-*.pop3 2>/dev/null | head -n 1)
  if [ "$rc" = 1 ] && [ -n "$repro" ] && grep -q -- "$evidence" "$out.log" &&
     grep -q "replay: fails again under run" "$out.log" && grep -q "<failure" "$out.xml"; then
    ok "$fault: $oracle found ($(grep -c '^FAIL' "$out.log") finding(s)), reproducer $(basename "$repro") fails again under run"
  else
    bad "$fault: exit $rc, reproducer '${repro:-none}', evidence '$evidence' $(grep -q -- "$evidence" "$out.log" && echo seen || echo missing)"
    tail -n 25 "$out.log" | sed 's/^/     /'
  fi
done <<< "$table"

# The correct server: two seeds, in-process and as a --target-cmd process.
# It locks the maildrop, so one session at a time fuzzes logged in.
for seed in 1 2; do
  if "$bin" fuzz --seconds 4 --seed "$seed" --out "$tmp/clean-$seed" --junit "$tmp/clean-$seed.xml" >"$tmp/clean-$seed.log" 2>&1 &&
     grep -q "(1 logged in: the server takes one login at a time)" "$tmp/clean-$seed.log"; then
    ok "the correct reference server: no finding (seed $seed, $(grep -oE '^[0-9]+ cases' "$tmp/clean-$seed.log"), $(grep -oE '[0-9]+ closed by the server' "$tmp/clean-$seed.log"))"
  else
    bad "the correct reference server, seed $seed: exit $?"; tail -n 25 "$tmp/clean-$seed.log" | sed 's/^/     /'
  fi
done
port=$(free_port)
if POP3_PASS=p "$bin" fuzz --target "127.0.0.1:$port" --user u --maildir "$tmp/md-clean" \
    --target-cmd "$bin serve --listen 127.0.0.1:$port --user u --maildir $tmp/md-clean" --tls none \
    --cases 3000 --seed 3 --out "$tmp/clean-cmd" --junit "$tmp/clean-cmd.xml" >"$tmp/clean-cmd.log" 2>&1; then
  ok "the correct server as --target-cmd: 3000 cases, no finding, $(grep -oE '[0-9]+ restarts' "$tmp/clean-cmd.log")"
else
  bad "the correct server as --target-cmd: exit $?"; tail -n 25 "$tmp/clean-cmd.log" | sed 's/^/     /'
fi

# Fuzzing clients (--client-cmd): the careful client of fuzz_client.py gives
# no finding in 300 cases; each planted bug is found within them, with
# reproducers that all fail again under run.
client="/usr/bin/python3 $(dirname "$0")/fuzz_client.py"
# mode | exit | what the finding must show
table="
careful                | 0 | no finding
crash-on-long-greeting | 1 | killed by signal 11
hang-on-bad-stat       | 1 | still running at the time limit
no-unstuff             | 1 | not a complete fixture message
"
while IFS='|' read -r mode want evidence; do
  mode=$(echo "$mode" | xargs); want=$(echo "$want" | xargs); evidence=$(echo "$evidence" | xargs)
  [ -z "$mode" ] && continue
  out="$tmp/client-$mode"
  # TMPDIR: the clients' {outdir} is under $tmp, which tells this run's clients from another's.
  TMPDIR="$tmp" "$bin" fuzz --client-cmd "$client $mode {host} {port} {user} {outdir}" --client-timeout 2 --cases 300 \
    --seed 1 --out "$out" --junit "$out.xml" >"$out.log" 2>&1
  rc=$?
  if [ "$rc" = "$want" ] && grep -q -- "$evidence" "$out.log" &&
     { [ "$want" = 0 ] || { grep -q "replay: fails again under run" "$out.log" &&
                            ! grep -q "^  replay: the reproducer" "$out.log"; }; }; then
    ok "client $mode: exit $rc, $evidence ($(grep -c '^FAIL' "$out.log") finding(s), $(grep -oE '[0-9.]+ cases/s' "$out.log" | tail -n 1))"
  else
    bad "client $mode: exit $rc (want $want), evidence '$evidence' $(grep -q -- "$evidence" "$out.log" && echo seen || echo missing)"
    tail -n 25 "$out.log" | sed 's/^/     /'
  fi
done <<< "$table"
# A hung client is killed at its time limit with everything it started (the
# shell does not exec it): none may outlive the campaigns.
# This run's clients only: their {outdir} is under $tmp (TMPDIR above).
if pgrep -f "fuzz_client.py .*$tmp" >/dev/null; then
  bad "clients left running after the campaigns: $(pgrep -af "fuzz_client.py .*$tmp" | head -n 3)"
else
  ok "no client left running after the campaigns"
fi

# Exit codes: unreachable target 3, usage 2.
"$bin" fuzz --target 127.0.0.1:1 --user u --pass p --maildir "$tmp/md-x" --seconds 1 --timeout 0.5 \
  --out "$tmp/x" --junit "$tmp/x.xml" >/dev/null 2>&1
rc=$?; [ "$rc" = 3 ] && ok "unreachable target: exit 3" || bad "unreachable target: exit $rc (want 3)"
"$bin" fuzz --target-cmd true --seconds 1 >/dev/null 2>&1
rc=$?; [ "$rc" = 2 ] && ok "--target-cmd without --target: exit 2" || bad "--target-cmd without --target: exit $rc (want 2)"
"$bin" fuzz --client-cmd true --target 127.0.0.1:1 --seconds 1 >/dev/null 2>&1
rc=$?; [ "$rc" = 2 ] && ok "--client-cmd with --target: exit 2" || bad "--client-cmd with --target: exit $rc (want 2)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
