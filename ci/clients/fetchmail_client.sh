#!/usr/bin/env bash
# fetchmail as a client of the server-role suite: one poll of the account,
# every message handed to an MDA that stores it as one file in OUTDIR.
# fetchmail delivers with LF line ends (run the suite with --client-saves lf);
# "set invisible" keeps it from adding its Received: header, so what is
# saved is the message as the server sent it. With KEEP=yes it leaves the mail
# on the server and remembers unique-ids ("uidl") in STATEDIR/fetchids,
# otherwise it deletes what it retrieved. fetchmail checks the certificate
# against the name it polls, never an IP address, and the harness's
# certificate names localhost: so 127.0.0.1 is polled as "localhost".
#
# Usage: fetchmail_client.sh HOST PORT USER TLS CAFILE OUTDIR KEEP STATEDIR   (POP3_PASS: password)
set -uo pipefail
host=$1 port=$2 user=$3 tls=$4 cafile=$5 outdir=$6 keep=$7 statedir=$8
home=$(mktemp -d) || exit
trap 'rm -rf "$home"' EXIT
mda=$(dirname "$(realpath "$0")")/save_stdin.sh
case $tls in
  none) security="sslproto ''" ;;  # no opportunistic STLS
  stls) security="sslproto 'TLS1.2+' sslcertck sslcertfile '$cafile'" ;;
  implicit) security="ssl sslproto 'TLS1.2+' sslcertck sslcertfile '$cafile'" ;;
esac
[ "$keep" = yes ] && retention="keep" uidl="uidl" || retention="nokeep" uidl=""
[ "$host" = 127.0.0.1 ] && host=localhost
umask 077
cat > "$home/fetchmailrc" <<RC
set invisible
set no bouncemail
poll $host service $port protocol POP3 $uidl timeout 10
  user "$user" there with password "$POP3_PASS" is "$(id -un)" here
  $security
  $retention
  mda "$mda '$outdir'"
RC
# As root, fetchmail locks /var/run/fetchmail.pid: two runs on one machine
# (two CI checkouts at once) would refuse each other.
HOME=$home fetchmail --nosyslog --nodetach --pidfile "$home/fetchmail.pid" -f "$home/fetchmailrc" -i "$statedir/fetchids"
rc=$?
# 1 is fetchmail's "no new mail": a success when nothing was new.
[ $rc = 1 ] && exit 0
exit $rc
