#!/usr/bin/env bash
# Never stricter than the RFCs: against each legal deviation of `serve --fault`
# (the faults its help marks '-': behaviour the RFCs allow and a client must
# cope with, such as no UIDL and TOP, download-and-delete, a delayed failed
# login, one octet per segment), neither the property campaign nor the
# network fuzzer gives a FAIL. Where the deviation refuses every login, the
# harness cannot test and says so (exit 3, the refused login named).
set -uo pipefail
bin=$(realpath "${1:?usage: legal.sh path/to/pop3-harness}")
tmp=$(mktemp -d)
serve=""
trap '[ -n "$serve" ] && kill "$serve" 2>/dev/null; rm -rf "$tmp"' EXIT
passed=0 failed=0

judge() {  # NAME EXIT OUTPUT
  if [ "$2" = 0 ] || { [ "$2" = 3 ] && grep -q "refused" "$3"; }; then
    passed=$((passed + 1)); echo "ok   $1: exit $2"
  else
    failed=$((failed + 1)); echo "FAIL $1: exit $2"; grep -E '^(FAIL|preflight)|expected|actual' "$3" | head -8 | sed 's/^/     /'
  fi
}

faults=$("$bin" serve --fault help 2>&1 | awk '$2 == "-" {print $1}')
[ -n "$faults" ] || { echo "FAIL no legal fault listed by serve --fault help"; exit 1; }
for fault in $faults; do
  rm -rf "$tmp/md" && mkdir -p "$tmp/md"
  POP3_PASS=p "$bin" serve --listen 127.0.0.1:0 --maildir "$tmp/md" --user u --fault "$fault" >"$tmp/serve.out" 2>&1 &
  serve=$!
  timeout 10 bash -c "until grep -q '^listening' '$tmp/serve.out'; do sleep 0.05; done"
  port=$(awk '/plain/{n=split($2,a,":"); print a[n]; exit}' "$tmp/serve.out")
  POP3_PASS=p timeout 300 "$bin" prop --target "127.0.0.1:$port" --user u --maildir "$tmp/md" --seed 1 --runs 20 \
    --out "$tmp/prop" --junit "$tmp/prop.xml" >"$tmp/prop.out" 2>&1
  judge "$fault: prop" $? "$tmp/prop.out"
  POP3_PASS=p timeout 300 "$bin" fuzz --target "127.0.0.1:$port" --user u --maildir "$tmp/md" --seed 1 --cases 200 \
    --out "$tmp/fuzz" --junit "$tmp/fuzz.xml" >"$tmp/fuzz.out" 2>&1
  judge "$fault: fuzz" $? "$tmp/fuzz.out"
  kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null; serve=""
done
echo "legal.sh: $passed passed, $failed failed"
[ "$failed" = 0 ]
