#!/usr/bin/env bash
# A run spread over machines: --shard K/N partitions the suite (every
# scenario in exactly one shard), 'report merge' puts the shards' JSON
# reports back together (the same scenarios and outcomes as one unsharded
# run, a JUnit report that validates, the exit code the whole run would
# have), and refuses inputs that do not belong together. prop and fuzz
# campaigns shard by seed.
set -uo pipefail
bin=$(realpath "${1:?usage: shards.sh path/to/pop3-harness}")
root=$(cd "$(dirname "$0")/../.." && pwd)
xsd=$root/tests/data/jenkins-junit.xsd
tmp=$(mktemp -d)
serve=""
trap 'rm -rf "$tmp"; [ -n "$serve" ] && kill "$serve" 2>/dev/null' EXIT
passed=0 failed=0
verdict() {  # NAME STATUS
  if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; sed 's/^/     /' "$tmp/out" | tail -20; fi
}
summary() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sorted((s["id"], s["outcome"]) for s in d["scenarios"]))' "$1"; }

# Every scenario in exactly one of 3 shards, sizes within one.
: > "$tmp/out"
for k in 1 2 3; do "$bin" list --format ids --shard "$k/3" > "$tmp/ids$k" 2>>"$tmp/out"; done
"$bin" list --format ids > "$tmp/all" 2>>"$tmp/out"
sort "$tmp/ids1" "$tmp/ids2" "$tmp/ids3" | diff - <(sort "$tmp/all") >>"$tmp/out" \
  && [ "$(wc -l < "$tmp/ids1")" -le $(( $(wc -l < "$tmp/ids3") + 1 )) ] \
  && [ "$(wc -l < "$tmp/ids3")" -le $(( $(wc -l < "$tmp/ids1") + 1 )) ]
verdict "--shard K/3: a partition of the suite, shards within one of each other" $?

# Shards of the suite against the built-in server, merged, equal one run.
: > "$tmp/out"
for k in 1 2 3; do
  "$bin" run "$root/scenarios/rfc1939" --shard "$k/3" --junit "$tmp/s$k.xml" --report-json "$tmp/s$k.json" >>"$tmp/out" 2>&1
done
"$bin" run "$root/scenarios/rfc1939" --junit "$tmp/all.xml" --report-json "$tmp/all.json" >>"$tmp/out" 2>&1
"$bin" report merge "$tmp/s1.json" "$tmp/s2.json" "$tmp/s3.json" --junit "$tmp/m.xml" --report-json "$tmp/m.json" \
  >>"$tmp/out" 2>&1; rc=$?
[ "$rc" = 0 ] && [ "$(summary "$tmp/m.json")" = "$(summary "$tmp/all.json")" ] \
  && xmllint --noout --schema "$xsd" "$tmp/m.xml" 2>>"$tmp/out"
verdict "three shards merged: the scenarios and outcomes of one run, JUnit valid (exit $rc)" $?

# A failure in one shard fails the merge (exit 1), shown in the merged JUnit.
mkdir -p "$tmp/md"
POP3_PASS=p "$bin" serve --listen 127.0.0.1:0 --maildir "$tmp/md" --user u --fault stat-counts-deleted \
  > "$tmp/serve.out" 2>&1 &
serve=$!
for _ in $(seq 100); do grep -q listening "$tmp/serve.out" && break; sleep 0.05; done
target=$(grep -o '127.0.0.1:[0-9]*' "$tmp/serve.out" | head -1)
: > "$tmp/out"
for k in 1 2; do
  POP3_PASS=p "$bin" run "$root/scenarios/rfc1939" --filter 'rfc1939/dele-*' --shard "$k/2" --target "$target" \
    --user u --maildir "$tmp/md" --junit "$tmp/f$k.xml" --report-json "$tmp/f$k.json" >>"$tmp/out" 2>&1
done
"$bin" report merge "$tmp/f1.json" "$tmp/f2.json" --junit "$tmp/fm.xml" >>"$tmp/out" 2>&1; rc=$?
[ "$rc" = 1 ] && grep -q '<failure' "$tmp/fm.xml" && xmllint --noout --schema "$xsd" "$tmp/fm.xml" 2>>"$tmp/out"
verdict "a shard's failure fails the merge (exit $rc) and is a <failure> in it" $?

# prop and fuzz spread over machines: each shard its share of the budget from
# a seed of its own (printed), which replays the shard alone; merged, a fault
# found by any shard fails the whole.
seed_of() { sed -n 's/^\(prop\|fuzz\): seed \([0-9]*\) (shard.*/\2/p' "$1" | head -1; }
: > "$tmp/out"
for k in 1 2; do
  "$bin" prop --seed 5 --runs 21 --shard "$k/2" --out "$tmp/p$k" --junit "$tmp/p$k.xml" --report-json "$tmp/p$k.json" \
    > "$tmp/p$k.out" 2>&1
  cat "$tmp/p$k.out" >> "$tmp/out"
done
s1=$(seed_of "$tmp/p1.out"); s2=$(seed_of "$tmp/p2.out")
"$bin" prop --seed "$s2" --runs 10 --out "$tmp/p2again" --junit "$tmp/p2again.xml" > "$tmp/p2again.out" 2>&1
"$bin" report merge "$tmp/p1.json" "$tmp/p2.json" --junit "$tmp/pm.xml" --report-json "$tmp/pm.json" >>"$tmp/out" 2>&1; rc=$?
[ "$rc" = 0 ] && [ -n "$s1" ] && [ -n "$s2" ] && [ "$s1" != "$s2" ] \
  && grep -q "^11 cases (11 passed)" "$tmp/p1.out" && grep -q "^10 cases (10 passed)" "$tmp/p2.out" \
  && [ "$(grep -o '[0-9]* commands in' "$tmp/p2again.out")" = "$(grep -o '[0-9]* commands in' "$tmp/p2.out")" ] \
  && grep -q '"shard": "1/2 | 2/2"' "$tmp/pm.json" && grep -q '"campaign-seed": "5"' "$tmp/pm.json"
verdict "prop --shard K/2: 11 + 10 of 21 cases, a seed each, the shard replays alone, merged (exit $rc)" $?
: > "$tmp/out"
for k in 1 2 3; do
  "$bin" fuzz --seed 5 --cases 301 --shard "$k/3" --out "$tmp/z$k" --junit "$tmp/z$k.xml" --report-json "$tmp/z$k.json" \
    >> "$tmp/out" 2>&1
done
"$bin" report merge "$tmp"/z[123].json --junit "$tmp/zm.xml" >>"$tmp/out" 2>&1; rc=$?
[ "$rc" = 0 ] && [ "$(grep -c '^fuzz: seed [0-9]* (shard [123]/3 of the campaign with --seed 5; replay with --seed [0-9]* --cases 10[01])' "$tmp/out")" = 3 ] \
  && [ "$(grep -o '^fuzz: seed [0-9]*' "$tmp/out" | sort -u | wc -l)" = 3 ] && xmllint --noout --schema "$xsd" "$tmp/zm.xml" 2>>"$tmp/out"
verdict "fuzz --shard K/3: 301 cases dealt 101/100/100, a seed each, merged (exit $rc)" $?
: > "$tmp/out"
for k in 1 2; do
  POP3_PASS=p "$bin" prop --target "$target" --user u --maildir "$tmp/md" --seed 5 --runs 200 --shard "$k/2" \
    --out "$tmp/pf$k" --junit "$tmp/pf$k.xml" --report-json "$tmp/pf$k.json" >> "$tmp/out" 2>&1
done
"$bin" report merge "$tmp/pf1.json" "$tmp/pf2.json" --junit "$tmp/pfm.xml" >>"$tmp/out" 2>&1; rc=$?
[ "$rc" = 1 ] && grep -q '<failure' "$tmp/pfm.xml"
verdict "prop shards against a faulty server: the fault fails the merge (exit $rc)" $?
"$bin" prop --runs 1 --shard 1/2 --junit "$tmp/x.xml" --out "$tmp/x" >"$tmp/out" 2>&1; rc=$?
[ "$rc" = 2 ] && grep -q "runs 1 cannot be split into 2 shards" "$tmp/out"
verdict "prop --runs fewer than the shards: a usage error (exit $rc)" $?

# Inputs that do not belong together: said, exit 2.
sed 's/"corpus.version": "[^"]*"/"corpus.version": "1999.1.1"/' "$tmp/s2.json" > "$tmp/old.json"
"$bin" report merge "$tmp/s1.json" "$tmp/old.json" --junit "$tmp/x.xml" >"$tmp/out" 2>&1; rc=$?
[ "$rc" = 2 ] && grep -q "old.json was run with scenario corpus '1999.1.1'" "$tmp/out"
verdict "shards of different corpus versions are refused (exit $rc)" $?
echo '{"hello": 1}' > "$tmp/other.json"
"$bin" report merge "$tmp/s1.json" "$tmp/other.json" --junit "$tmp/x.xml" >"$tmp/out" 2>&1; rc=$?
[ "$rc" = 2 ] && grep -q "other.json: not a pop3-harness results file" "$tmp/out"
verdict "a file that is not a results report is refused (exit $rc)" $?

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
