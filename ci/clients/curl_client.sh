#!/usr/bin/env bash
# curl as a client of the server-role suite: list the maildrop (pop3:// with
# no message number sends LIST), then fetch each message with its own curl
# run (pop3://HOST:PORT/N sends RETR N) and save it as OUTDIR/N.eml.
# curl has no mail-retriever state (no UIDL memory, no DELE), so this is the
# plain way a script uses it. A message is written to a temporary name and
# moved into place only when curl succeeded, so a failed transfer leaves no
# partial file; a failed message does not stop the others, and the run ends
# with the first failure's exit status.
#
# Usage: curl_client.sh HOST PORT USER TLS CAFILE OUTDIR   (POP3_PASS: password)
set -uo pipefail
host=$1 port=$2 user=$3 tls=$4 cafile=$5 outdir=$6
scheme=pop3
# A stall of 5 s below 1 byte/s aborts: curl has no read timeout of its own.
opts=(--silent --show-error --connect-timeout 5 --speed-limit 1 --speed-time 5)
case $tls in
  stls) opts+=(--ssl-reqd --cacert "$cafile") ;;
  implicit) scheme=pop3s opts+=(--cacert "$cafile") ;;
esac
# The credentials go through a config on stdin, never the command line.
fetch() { printf 'user = "%s:%s"\n' "$user" "$POP3_PASS" | curl -K - "${opts[@]}" "$@"; }
partial=$(mktemp) || exit
trap 'rm -f "$partial"' EXIT
listing=$(fetch "$scheme://$host:$port/") || exit
status=0
while read -r number _; do
  number=${number%$'\r'}
  # RFC 1939 #5: message numbers are positive; anything else names no message.
  [[ $number =~ ^[1-9][0-9]*$ ]] || continue
  if fetch "$scheme://$host:$port/$number" -o "$partial"; then
    mv "$partial" "$outdir/$number.eml"
  else
    rc=$?; [ $status = 0 ] && status=$rc
  fi
done <<<"$listing"
exit $status
