#!/usr/bin/env bash
# The HTML report in a real browser (Debian's Chromium, headless): the counts
# on the page are the JSON report's, every finding is on it with a working
# anchor, the filters (also given in the URL: #show=failed) hide what they
# should, a merged and a compared page render, and a hostile server's bytes
# stay text: no script runs but the page's own.
set -uo pipefail
bin=$(realpath "${1:?usage: html.sh path/to/pop3-harness}")
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
serve="" hostile=""
trap 'rm -rf "$tmp"; [ -n "$serve" ] && kill "$serve" 2>/dev/null; [ -n "$hostile" ] && kill "$hostile" 2>/dev/null' EXIT
passed=0 failed=0
verdict() {  # NAME STATUS
  if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; sed 's/^/     /' "$tmp/out" | tail -20; fi
}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then echo "FAIL no chromium (apt-get install chromium)"; exit 1; fi
dom() {  # FILE.html[#hash] -> the DOM after the page's script ran
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" --dump-dom "file://$1" 2>/dev/null
}
# The counts on the page (id count-COLUMN-KEY) against a JSON report's summary.
counts_match() {  # DOM JSON COLUMN
  /usr/bin/python3 - "$@" <<'PY'
import json, re, sys
dom, report, col = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), sys.argv[3]
page = {k: int(v) for k, v in re.findall(r'id="count-%s-([a-z_]+)">(\d+)<' % col, dom)}
want = report["summary"]
assert page and all(page[k] == want[k] for k in want), (page, want)
assert sum(page[k] for k in ("passed", "failed", "warning", "skipped", "error")) == len(report["scenarios"])
PY
}

# A server with a fault, one finding known: the run's page.
mkdir -p "$tmp/md"
POP3_PASS=p "$bin" serve --listen 127.0.0.1:0 --maildir "$tmp/md" --user u --fault stat-counts-deleted --fault ok-unknown-command \
  > "$tmp/serve.out" 2>&1 &
serve=$!
for _ in $(seq 100); do grep -q listening "$tmp/serve.out" && break; sleep 0.05; done
target=$(grep -o '127.0.0.1:[0-9]*' "$tmp/serve.out" | head -1)
printf '# STAT counts deleted messages (https://bugs.example/1)\nrfc1939/dele-marks\n' > "$tmp/known.txt"
POP3_PASS=p "$bin" run "$root/scenarios/rfc1939" --target "$target" --user u --maildir "$tmp/md" --known "$tmp/known.txt" \
  --junit "$tmp/r.xml" --report-json "$tmp/r.json" --html "$tmp/r.html" > "$tmp/out" 2>&1; rc=$?
dom "$tmp/r.html" > "$tmp/r.dom"
[ "$rc" = 1 ] && counts_match "$tmp/r.dom" "$tmp/r.json" 0 >>"$tmp/out" 2>&1
verdict "the page's counts are the JSON report's (exit $rc)" $?
/usr/bin/python3 - "$tmp/r.dom" "$tmp/r.json" >"$tmp/out" 2>&1 <<'PY'
import json, re, sys
dom, report = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))
# Every failed, warned or errored check is a finding on the page, and every link to one lands on it.
findings = sum(1 for s in report["scenarios"] for c in s["checks"] if c["outcome"] in ("failed", "warning", "error"))
anchors = set(re.findall(r'<div class="finding [a-z]+" id="([^"]+)"', dom))
assert len(anchors) == findings, (len(anchors), findings)
links = set(re.findall(r'href="#(c[0-9-]+)"', dom))
assert links and links <= anchors, links - anchors
assert 'id="req-1939-5-STAT-3"' in dom and "known deviation" in dom and "https://bugs.example/1" in dom
assert "unknown-command" in dom and len(re.findall(r"<script", dom)) == 1
PY
verdict "every finding is on the page, each requirement link lands on one" $?
dom "$tmp/r.html#show=failed" > "$tmp/f.dom"
/usr/bin/python3 - "$tmp/f.dom" >"$tmp/out" 2>&1 <<'PY'
import re, sys
dom = open(sys.argv[1]).read()
rows = re.findall(r'<(tr|section)([^>]*data-states="([^"]*)"[^>]*)>', dom)
shown = [s for _, attrs, s in rows if " hidden" not in attrs]
hidden = [s for _, attrs, s in rows if " hidden" in attrs]
assert shown and hidden and all("failed" in s.split() for s in shown), shown[:5]
assert all("failed" not in s.split() for s in hidden)
PY
verdict "#show=failed in the URL: only failed rows stay visible" $?

# Shards merged into one page; two reports compared side by side.
: > "$tmp/out"
for k in 1 2; do
  "$bin" run "$root/scenarios/rfc1939" --shard "$k/2" --junit "$tmp/s$k.xml" --report-json "$tmp/s$k.json" >>"$tmp/out" 2>&1
done
"$bin" report merge "$tmp/s1.json" "$tmp/s2.json" --junit "$tmp/m.xml" --report-json "$tmp/m.json" --html "$tmp/m.html" >>"$tmp/out" 2>&1
dom "$tmp/m.html" > "$tmp/m.dom"
counts_match "$tmp/m.dom" "$tmp/m.json" 0 >>"$tmp/out" 2>&1
verdict "merged shards: the page's counts are the merged JSON's" $?
"$bin" report merge --compare "$tmp/r.json" "$tmp/m.json" --html "$tmp/c.html" >>"$tmp/out" 2>&1; rc=$?
dom "$tmp/c.html" > "$tmp/c.dom"
[ "$rc" = 1 ] && counts_match "$tmp/c.dom" "$tmp/r.json" 0 >>"$tmp/out" 2>&1 && counts_match "$tmp/c.dom" "$tmp/m.json" 1 >>"$tmp/out" 2>&1
verdict "--compare: two columns, each with its report's counts (exit $rc, the worst)" $?

# A hostile server: its bytes are text on the page, never markup or script.
cat > "$tmp/hostile.py" <<'PY'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    c.sendall(b"+OK <script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">\xfe\r\n")
    f = c.makefile("rb")
    for line in f:
        if line.upper().startswith(b"QUIT"):
            c.sendall(b"+OK\r\n"); break
        c.sendall(b"-ERR </pre><b>bold</b>\xfe\r\n")
    c.close()
PY
/usr/bin/python3 "$tmp/hostile.py" > "$tmp/port" &
hostile=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
mkdir -p "$tmp/h"
printf 'scenario: <script>document.title="pwned"</script>\nrfc: rfc1939#3\nmailbox: any\n\nS: -ERR {*}\nC: NOOP\nS: -ERR {*}\n' \
  > "$tmp/h/hostile.pop3"
POP3_PASS=p "$bin" run "$tmp/h/hostile.pop3" --target "127.0.0.1:$(cat "$tmp/port")" --user u --junit "$tmp/h.xml" --html "$tmp/h.html" >"$tmp/out" 2>&1
dom "$tmp/h.html" > "$tmp/h.dom"
/usr/bin/python3 - "$tmp/h.dom" >>"$tmp/out" 2>&1 <<'PY'
import re, sys
dom = open(sys.argv[1]).read()
assert len(re.findall(r"<script", dom)) == 1, "a script element from the peer"
assert "<img" not in dom and "<b>bold" not in dom and "pwned</title>" not in dom
assert "&lt;script&gt;" in dom and "\\xFE" in dom
PY
verdict "a hostile server's bytes are escaped text (\\xFE shown, no markup, no script)" $?

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
