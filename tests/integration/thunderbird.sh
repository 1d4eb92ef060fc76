#!/usr/bin/env bash
# The client suite against Mozilla Thunderbird (ci/clients/thunderbird):
# every scenario of scenarios/clients and scenarios/security, in the TLS mode
# each names (none, STLS, implicit TLS, and the TLS suite's stripping,
# injection, certificate and version scenarios). Thunderbird must fail
# exactly its known findings (ci/known/thunderbird.txt, each verified by
# hand), none more, none fewer (--known --strict-known).
# One Thunderbird serves the whole run (ci/clients/thunderbird --serve), an
# account per scenario: its start (3 s) once, not per fetch.
#   apt-get install --no-install-recommends thunderbird
#   tests/integration/thunderbird.sh build/pop3-harness
set -uo pipefail
bin=$(realpath "${1:?usage: thunderbird.sh path/to/pop3-harness}")
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/reports/out/clients
mkdir -p "$out"
if ! command -v thunderbird >/dev/null; then
  echo "thunderbird.sh: needs thunderbird (apt-get install --no-install-recommends thunderbird)"
  exit 2
fi
tmp=$(mktemp -d)
"$root/ci/clients/thunderbird" --serve "$tmp/tb" 2>"$tmp/serve.err" &
serve=$!
trap 'kill $serve 2>/dev/null; wait $serve; rm -rf "$tmp"' EXIT
for _ in $(seq 1200); do  # ready once it writes its remote port; 2 minutes at most
  [ -s "$tmp/tb/MarionetteActivePort" ] && break
  kill -0 $serve 2>/dev/null || break
  sleep 0.1
done
if [ ! -s "$tmp/tb/MarionetteActivePort" ]; then
  echo "FAIL thunderbird did not start:"; sed 's/^/     /' "$tmp/serve.err"
  exit 1
fi
known=$root/ci/known/thunderbird.txt
THUNDERBIRD_RUNNING=$tmp/tb "$bin" run "$root/scenarios/clients" "$root/scenarios/security" \
  --client-cmd "$root/ci/clients/thunderbird {host} {port} {user} {tls} {cafile} {outdir} {keep} {statedir}" \
  --client-saves lf --client-timeout 30 --known "$known" --strict-known \
  --junit "$out/thunderbird.xml" > "$out/thunderbird.out" 2>&1
rc=$?
listed=$(grep -c '^[a-z]' "$known")
xfail=$(grep -c '] XFAIL ' "$out/thunderbird.out")
if [ $rc = 0 ] && [ "$xfail" = "$listed" ]; then
  echo "ok   thunderbird fails only its $listed known findings (exit $rc)"
  exit 0
fi
echo "FAIL thunderbird: exit $rc, $xfail of its $listed known findings"
grep -E '^\[ *[0-9]+/[0-9]+\] (FAIL|WARN|ERROR|XPASS)|^preflight' "$out/thunderbird.out" | sed 's/^/     /'
exit 1
