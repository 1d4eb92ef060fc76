#!/usr/bin/env bash
# An MDA for the client wrappers: stores stdin as a new file in DIR, moved
# into place only once complete.
# Usage: save_stdin.sh DIR
set -euo pipefail
tmp=$(mktemp "$1/.incoming.XXXXXX")
cat > "$tmp"
mv "$tmp" "$(mktemp -u "$1/msg.XXXXXXXX").eml"
