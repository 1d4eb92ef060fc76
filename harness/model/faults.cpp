#include "model/faults.hpp"

namespace pop3 {
namespace {

constexpr FaultInfo kCatalog[] = {
    {Fault::stat_counts_deleted, "stat-counts-deleted", "rfc1939#5",
     "STAT counts messages marked as deleted"},
    {Fault::rset_keeps_deletions, "rset-keeps-deletions", "rfc1939#5", "RSET does not unmark deleted messages"},
    {Fault::unstable_uids, "unstable-uids", "rfc1939#7", "unique-ids change from one session to the next"},
    {Fault::renumber_after_dele, "renumber-after-dele", "rfc1939#5",
     "DELE renumbers the messages after the deleted one"},
    {Fault::commit_on_drop, "commit-on-drop", "rfc1939#6",
     "deletions are committed when the connection drops without QUIT"},
    {Fault::list_size_lf, "list-size-lf", "rfc1939#5",
     "STAT and LIST sizes count LF line ends instead of CRLF"},
    {Fault::retr_deleted_ok, "retr-deleted-ok", "rfc1939#5", "RETR of a message marked as deleted succeeds"},
    {Fault::no_dot_stuffing, "no-dot-stuffing", "rfc1939#3",
     "multi-line bodies are sent without byte-stuffing lines that start with '.'"},
    {Fault::ok_unknown_command, "ok-unknown-command", "rfc1939#3", "unknown commands are answered +OK"},
    {Fault::lowercase_status, "lowercase-status", "rfc1939#3", "status indicators are sent as +ok and -err"},
    {Fault::uid_too_long, "uid-too-long", "rfc1939#7", "unique-ids are 71 characters, one over the limit"},
    {Fault::uid_limits, "uid-limits", "-",
     "unique-ids are exactly 70 characters, drawn from all of 0x21-0x7E ('/', '\\', '.', quotes, ...)"},
    {Fault::phantom_message, "phantom-message", "rfc1939#5",
     "LIST and UIDL listings end with message 18446744073709551617 (2^64+1), which does not exist"},
    {Fault::login_in_use, "login-in-use", "-", "every login is refused with -ERR [IN-USE] (RFC 2449 #8.1.2)"},
    {Fault::login_delay, "login-delay", "-", "every login is refused with -ERR [LOGIN-DELAY] (RFC 2449 #8.1.1)"},
    {Fault::login_sys_temp, "login-sys-temp", "-", "every login is refused with -ERR [SYS/TEMP] (RFC 3206)"},
    {Fault::stls_injection, "stls-injection", "rfc2595#4",
     "plaintext pipelined after STLS is kept and executed inside TLS (STARTTLS command injection)"},
    {Fault::stls_in_transaction, "stls-in-transaction", "rfc2595#4", "STLS is accepted in the TRANSACTION state"},
    {Fault::stls_keeps_user, "stls-keeps-user", "rfc2595#4",
     "a USER name given before STLS is still valid inside TLS"},
    {Fault::stls_after_tls, "stls-after-tls", "rfc2449#5", "CAPA still lists STLS once TLS is active"},
    {Fault::tls_1_0, "tls-1.0", "rfc8314#4.1", "TLS 1.0 and 1.1 are accepted"},
    {Fault::expired_cert, "expired-cert", "rfc8314#4.4", "the server's certificate expired yesterday"},
    {Fault::stls_no_handshake, "stls-no-handshake", "rfc2595#4",
     "STLS is answered +OK, then the server never starts the TLS handshake"},
    {Fault::split_bytes, "split-bytes", "-", "every response is sent one octet per TCP segment"},
    {Fault::drip, "drip", "-", "every response trickles out in about 20 pieces, 10 ms apart"},
    {Fault::drop_mid_retr, "drop-mid-retr", "rfc1939#3",
     "the connection is closed half-way through a RETR or TOP response"},
    {Fault::stall_mid_retr, "stall-mid-retr", "rfc1939#3",
     "half a RETR or TOP response is sent, then nothing, with the connection left open"},
    {Fault::endless_line, "endless-line", "rfc2449#4", "the response to RETR or TOP is a status line that never ends"},
    {Fault::endless_body, "endless-body", "rfc1939#3", "the RETR or TOP body never ends and is never terminated"},
    {Fault::long_line_crash, "long-line-crash", "rfc2449#4",
     "the server process aborts (SIGABRT) on a command line over 300 octets", true},
    {Fault::nul_stall, "nul-stall", "rfc1939#3",
     "a command line holding a NUL octet is never answered, and the session stalls", false},
    {Fault::top_negative_crash, "top-negative-crash", "rfc1939#7",
     "the server process aborts (SIGABRT) on TOP with a negative line count (TOP 1 -1)", true},
    {Fault::pipeline_first_only, "pipeline-first-only", "rfc2449#6.6",
     "of several commands that arrive in one read, only the first is answered; the rest are dropped", false},
};
static_assert(std::size(kCatalog) == static_cast<std::size_t>(Fault::count_), "every fault is in the catalog");

}  // namespace

std::span<const FaultInfo> fault_catalog() { return kCatalog; }

std::optional<Fault> parse_fault(std::string_view name) {
  for (const auto& f : kCatalog)
    if (f.name == name) return f.fault;
  return std::nullopt;
}

const FaultInfo& info(Fault f) { return kCatalog[static_cast<std::size_t>(f)]; }

}  // namespace pop3
