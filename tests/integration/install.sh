#!/usr/bin/env bash
# Installing: 'cmake --install' into an empty prefix and the .deb that CPack
# makes, each run from /tmp with no checkout around it: the binary finds its
# suites, catalog, fixtures and dictionary under <prefix>/share/pop3-harness,
# and the package declares what it needs, packages this Debian has.
set -uo pipefail
build=$(realpath "${1:?usage: install.sh BUILD_DIR}")
tmp=$(mktemp -d /tmp/pop3-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
verdict() {  # NAME STATUS
  if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; sed 's/^/     /' "$tmp/out" | tail -20; fi
}
works_from_tmp() {  # BINARY: the suite, list, lint, coverage, prop and fuzz from a folder without a checkout
  local bin=$1 work
  work=$(mktemp -d "$tmp/cwd.XXXX")
  (cd "$work" && "$bin" run --filter 'rfc1939/stat-*' --junit j.xml \
     && [ "$("$bin" list --format ids --filter 'tls/scan-*' 2>/dev/null | wc -l)" -gt 10 ] \
     && "$bin" lint && "$bin" coverage | tail -n 1 \
     && "$bin" prop --runs 5 --seed 1 --junit p.xml --out prop \
     && "$bin" fuzz --cases 200 --seed 1 --junit f.xml --out fuzz) >"$tmp/out" 2>&1
}

: > "$tmp/out"
cmake --install "$build" --prefix "$tmp/prefix" --strip >"$tmp/out" 2>&1 \
  && [ -x "$tmp/prefix/bin/pop3-harness" ] && [ -f "$tmp/prefix/share/pop3-harness/requirements/catalog.tsv" ] \
  && [ -d "$tmp/prefix/share/pop3-harness/scenarios/fixtures" ] && [ -f "$tmp/prefix/share/pop3-harness/fuzz/pop3.dict" ]
verdict "cmake --install: the binary, the suites with their fixtures, the catalog, the dictionary" $?
# The man page: every subcommand's help in it, and roff that man renders
# without a warning.
man_page_complete() {  # PAGE BINARY
  local sub
  for sub in $("$2" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1}'); do
    grep -q "^.SS \"pop3-harness $sub\"" "$1" || { echo "no section for $sub in $1"; return 1; }
  done
  grep -q '^.SS "pop3-harness report merge"' "$1" && grep -q -- '--strict-known' "$1" && grep -q '^.SH "EXIT STATUS"' "$1" \
    && LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$1" 2>"$tmp/man.err" | grep -q "pop3-harness report merge" && [ ! -s "$tmp/man.err" ] \
    || { echo "incomplete or warning:"; cat "$tmp/man.err"; return 1; }
}
man_page_complete "$tmp/prefix/share/man/man1/pop3-harness.1" "$tmp/prefix/bin/pop3-harness" >"$tmp/out" 2>&1
verdict "the man page: every subcommand's options, the exit codes; man renders it without a warning" $?
works_from_tmp "$tmp/prefix/bin/pop3-harness"
verdict "installed: run, list, lint, coverage, prop and fuzz work from a folder outside any checkout" $?

(cd "$build" && cpack -B "$tmp/pkg") >"$tmp/out" 2>&1
deb=$(ls "$tmp"/pkg/pop3-harness_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] && dpkg-deb -I "$deb" >"$tmp/out" 2>&1 && grep -q "Depends:.*libssl3" "$tmp/out" && grep -q "libre2" "$tmp/out"
verdict "cpack: a .deb that depends on the libraries the binary links" $?
# Each dependency is a package installed here (dpkg-query; no dpkg lock taken,
# so runs side by side do not meet).
deps_installed() {
  local dep name
  dpkg-deb -f "$deb" Depends | tr ',' '\n' | while read -r dep; do
    name=${dep%% *}
    [ -z "$name" ] && continue
    dpkg-query -W -f='${Status}\n' "$name" 2>/dev/null | grep -q "install ok installed" || { echo "missing: $dep"; exit 1; }
  done
}
deps_installed >"$tmp/out" 2>&1
verdict "the .deb's dependencies are Debian packages installed here" $?
dpkg-deb -x "$deb" "$tmp/root" >"$tmp/out" 2>&1 && [ -f "$tmp/root/usr/share/man/man1/pop3-harness.1" ] && works_from_tmp "$tmp/root/usr/bin/pop3-harness"
verdict "the .deb's files: the man page; the binary finds its data under usr/share/pop3-harness, from /tmp" $?

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
