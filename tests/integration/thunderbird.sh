#!/usr/bin/env bash
# The client suite against Mozilla Thunderbird (ci/clients/thunderbird):
# every scenario of scenarios/clients and scenarios/security, in the TLS mode
# each names (none, STLS, implicit TLS, and the TLS suite's stripping,
# injection, certificate and version scenarios). Thunderbird must fail
# exactly its known findings (ci/known/thunderbird.txt, each verified by
# hand), none more, none fewer (--known --strict-known).
# Not yet part of ./ci/test: the run takes about 7 minutes on 2 cores
# (Thunderbird starts once per scenario), over CI's budget. By hand:
#   apt-get install --no-install-recommends thunderbird libnss3-tools
#   tests/integration/thunderbird.sh build/pop3-harness
set -uo pipefail
bin=$(realpath "${1:?usage: thunderbird.sh path/to/pop3-harness}")
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/reports/out/clients
mkdir -p "$out"
if ! command -v thunderbird >/dev/null || ! command -v certutil >/dev/null; then
  echo "thunderbird.sh: needs thunderbird and certutil (apt-get install --no-install-recommends thunderbird libnss3-tools)"
  exit 2
fi
known=$root/ci/known/thunderbird.txt
"$bin" run "$root/scenarios/clients" "$root/scenarios/security" \
  --client-cmd "$root/ci/clients/thunderbird {host} {port} {user} {tls} {cafile} {outdir} {keep} {statedir}" \
  --client-saves lf --client-timeout 45 --known "$known" --strict-known \
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
