#include "model/faults.hpp"

#include <cctype>

namespace pop3 {
namespace {

constexpr FaultInfo kCatalog[] = {
    {Fault::stat_counts_deleted, "stat-counts-deleted", "rfc1939#5",
     "STAT counts messages marked as deleted"},
    {Fault::rset_keeps_deletions, "rset-keeps-deletions", "rfc1939#5", "RSET does not unmark deleted messages"},
    {Fault::unstable_uids, "unstable-uids", "rfc1939#7", "unique-ids change from one session to the next"},
    {Fault::positional_uids, "positional-uids", "rfc1939#7",
     "a message's unique-id is its position in the maildrop at login, so a deletion hands its id to the next"},
    {Fault::renumber_after_dele, "renumber-after-dele", "rfc1939#5",
     "DELE renumbers the messages after the deleted one"},
    {Fault::commit_on_drop, "commit-on-drop", "rfc1939#6",
     "deletions are committed when the connection drops without QUIT"},
    {Fault::list_size_lf, "list-size-lf", "rfc1939#5",
     "STAT and LIST sizes count LF line ends instead of CRLF"},
    {Fault::retr_deleted_ok, "retr-deleted-ok", "rfc1939#5", "RETR of a message marked as deleted succeeds"},
    {Fault::no_dot_stuffing, "no-dot-stuffing", "rfc1939#3",
     "multi-line bodies are sent without byte-stuffing lines that start with '.'"},
    {Fault::chunked_dot_stuffing, "chunked-dot-stuffing", "rfc1939#3",
     "dot-stuffing done per 16 KiB buffer: a line that starts exactly at a buffer boundary is not stuffed"},
    {Fault::ok_unknown_command, "ok-unknown-command", "rfc1939#3", "unknown commands are answered +OK"},
    {Fault::lowercase_status, "lowercase-status", "rfc1939#3", "status indicators are sent as +ok and -err"},
    {Fault::uid_too_long, "uid-too-long", "rfc1939#7", "unique-ids are 71 characters, one over the limit"},
    {Fault::uid_limits, "uid-limits", "-",
     "unique-ids are exactly 70 characters, drawn from all of 0x21-0x7E ('/', '\\', '.', quotes, ...)"},
    {Fault::phantom_message, "phantom-message", "rfc1939#5",
     "LIST and UIDL listings end with message 18446744073709551617 (2^64+1), which does not exist"},
    {Fault::listing_shows_deleted, "listing-shows-deleted", "rfc1939#5",
     "LIST and UIDL listings still list the messages marked as deleted"},
    {Fault::login_in_use, "login-in-use", "-", "every login is refused with -ERR [IN-USE] (RFC 2449 #8.1.2)"},
    {Fault::login_delay, "login-delay", "-", "every login is refused with -ERR [LOGIN-DELAY] (RFC 2449 #8.1.1)"},
    {Fault::login_sys_temp, "login-sys-temp", "-", "every login is refused with -ERR [SYS/TEMP] (RFC 3206)"},
    {Fault::login_delay_on_user, "login-delay-on-user", "rfc2449#8.1.1",
     "CAPA lists LOGIN-DELAY 900, and USER after any login is answered -ERR [LOGIN-DELAY] (a SHOULD NOT)"},
    {Fault::trailing_text, "trailing-text", "-",
     "text after the sizes in STAT and scan listings ('+OK 2 320 octets', '1 120 octets'; RFC 1939 #5 allows it)"},
    {Fault::bracket_text, "bracket-text", "-",
     "CAPA lacks RESP-CODES, and -ERR texts start with bracketed free text ('-ERR [no such message]')"},
    {Fault::no_capa, "no-capa", "-", "CAPA is an unknown command (an RFC 1939 server)"},
    {Fault::no_uidl_top, "no-uidl-top", "-", "UIDL and TOP are not offered (optional, RFC 1939 #7)"},
    {Fault::slow_auth_failure, "slow-auth-failure", "-", "a failed login is answered -ERR after 6 seconds"},
    {Fault::close_after_auth_failure, "close-after-auth-failure", "-",
     "after a failed login's -ERR the server closes the connection (RFC 1939 #4 allows it)"},
    {Fault::download_and_delete, "download-and-delete", "-",
     "QUIT also removes the messages retrieved with RETR (RFC 1939 #8), announced as EXPIRE 0 (RFC 2449 #6.7)"},
    {Fault::per_user_limits, "per-user-limits", "-",
     "CAPA announces LOGIN-DELAY 900 USER and EXPIRE 5 USER before login, LOGIN-DELAY 0 and EXPIRE NEVER after it "
     "(RFC 2449 #6.5, #6.7)"},
    {Fault::login_delay_enforced, "login-delay-enforced", "-",
     "CAPA lists LOGIN-DELAY 900, and a user who logged in less than 900 seconds ago is refused with "
     "-ERR [LOGIN-DELAY] (RFC 2449 #6.5)"},
    {Fault::unannounced_expiry, "unannounced-expiry", "rfc2449#6.7",
     "QUIT also removes the messages retrieved with RETR, and CAPA does not announce EXPIRE 0 (a SHOULD)"},
    {Fault::login_delay_unenforced, "login-delay-unenforced", "rfc2449#6.5",
     "CAPA lists LOGIN-DELAY 900, yet a user logs in again at once (a SHOULD)"},
    {Fault::limits_without_user_token, "limits-without-user-token", "rfc2449#6.5",
     "CAPA announces LOGIN-DELAY 900 and EXPIRE 5 before login, LOGIN-DELAY 0 and EXPIRE NEVER after it, "
     "without the USER token (a SHOULD)"},
    {Fault::limits_not_refined, "limits-not-refined", "rfc2449#6.5",
     "CAPA announces LOGIN-DELAY 900 USER and EXPIRE 5 USER after login too: no more accurate value (a SHOULD)"},
    {Fault::login_delay_understated, "login-delay-understated", "rfc2449#6.5",
     "CAPA announces LOGIN-DELAY 60 USER before login and LOGIN-DELAY 900 after it (not the largest value first)"},
    {Fault::expire_overstated, "expire-overstated", "rfc2449#6.7",
     "CAPA announces EXPIRE 30 USER before login and EXPIRE 5 after it (not the smallest value first)"},
    {Fault::capa_forgets_after_login, "capa-forgets-after-login", "rfc2449#5",
     "CAPA in the TRANSACTION state omits USER and SASL, which it announced before login"},
    {Fault::bad_resp_code, "bad-resp-code", "rfc2449#8",
     "CAPA lists RESP-CODES, yet -ERR texts start with bracketed free text ('-ERR [no such message]')"},
    {Fault::in_use_on_bad_password, "in-use-on-bad-password", "rfc2449#8.1.2",
     "a wrong password is refused with -ERR [IN-USE], which means the login succeeded"},
    {Fault::no_lock, "no-lock", "rfc1939#4",
     "a second session on a maildrop in use is let in, and its QUIT removes messages the first session still holds"},
    {Fault::fixed_apop_timestamp, "fixed-apop-timestamp", "rfc1939#7", "every greeting carries the same APOP timestamp"},
    {Fault::auth_after_login, "auth-after-login", "rfc5034#4", "AUTH is answered +OK in the TRANSACTION state"},
    {Fault::lenient_base64, "lenient-base64", "rfc5034#4",
     "characters outside the base64 alphabet in a SASL response are skipped instead of refused"},
    {Fault::lenient_plain, "lenient-plain", "rfc4616#2",
     "SASL PLAIN ignores the authzid, takes it for an empty authcid, and reads the password up to a NUL"},
    {Fault::plain_in_clear, "plain-in-clear", "rfc2595#6",
     "CAPA lists SASL PLAIN before TLS although STLS is offered"},
    {Fault::bad_capa_line, "bad-capa-line", "rfc2449#3",
     "CAPA lists 'X-HARNESS.FAULT  two-spaces': a '.' in the tag and an empty parameter"},
    {Fault::no_cram_md5, "no-cram-md5", "rfc5034#4",
     "SASL offers PLAIN alone, no mechanism that keeps the password off the wire (a SHOULD)"},
    {Fault::cram_md5_initial_response, "cram-md5-initial-response", "rfc5034#4",
     "AUTH CRAM-MD5 with an initial response ignores it and sends the challenge instead of -ERR"},
    {Fault::lenient_utf8, "lenient-utf8", "rfc6856#2",
     "UTF8 is accepted in the TRANSACTION state and with arguments"},
    {Fault::utf8_raw, "utf8-raw", "rfc6856#2.1",
     "a message with UTF-8 in its header is sent as is to a client that did not enable UTF-8 mode"},
    {Fault::utf8_code_misused, "utf8-code-misused", "rfc6856#5",
     "USER with a name outside ASCII, before UTF8, is answered -ERR [UTF8] (a code valid only for LIST, TOP and RETR)"},
    {Fault::lang_latin1, "lang-latin1", "rfc6856#3.2", "the LANG listing describes French as 'Fran\\xE7ais', in Latin-1"},
    {Fault::greeting_control_char, "greeting-control-char", "rfc2449#3",
     "the greeting holds a TAB ('+OK POP3<TAB>server ready'), outside the greeting's grammar"},
    {Fault::lenient_user_names, "lenient-user-names", "rfc6856#2.2",
     "USER drops the octets outside ASCII from the name, so 'name\\xFF' logs in as 'name'"},
    {Fault::bad_lang, "bad-lang", "rfc6856#3.2",
     "LANG lists a locale ('en_US.UTF-8 English'), answers '+OK language changed' without the tag, and accepts any language"},
    {Fault::auth_case_sensitive, "auth-case-sensitive", "rfc5034#5",
     "AUTH refuses a mechanism name that is not in upper case ('AUTH plain')"},
    {Fault::challenge_text, "challenge-text", "rfc5034#4",
     "the empty SASL challenge carries text ('+ go ahead') instead of '+ ' alone"},
    {Fault::close_on_error, "close-on-error", "rfc1939#3",
     "unknown commands and bad arguments are answered by closing the connection, without -ERR"},
    {Fault::capa_unterminated, "capa-unterminated", "rfc1939#3",
     "the CAPA listing never ends: no terminating '.' line, then silence"},
    {Fault::long_response, "long-response", "rfc2449#4", "the answer to NOOP is a 600-octet status line"},
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
    {Fault::serial_handshakes, "serial-handshakes", "rfc8314#3.1",
     "one implicit-TLS handshake at a time: a connection stuck mid-handshake holds up every other until it times out"},
    {Fault::no_close_notify, "no-close-notify", "rfc8314#3.4",
     "after QUIT inside TLS the server closes the TCP connection without a TLS close_notify (a SHOULD)"},
    {Fault::cleartext_denial_leaks, "cleartext-denial-leaks", "rfc8314#4.1",
     "no login before STLS (no USER in CAPA, no APOP), but PASS in the clear says when the password was right"},
    {Fault::request_client_cert, "request-client-cert", "rfc8314#4.2",
     "the TLS handshake asks the client for a certificate, which the server has no use for"},
    {Fault::cbc_only, "cbc-only", "rfc8314#4",
     "TLS 1.2 with CBC cipher suites only, none of RFC 7525's recommended AES-GCM ones (a SHOULD)"},
    {Fault::weak_rsa_cert, "weak-rsa-cert", "rfc9325#4.5", "the server's certificate has an RSA-1024 key, signed with SHA-1"},
    {Fault::static_rsa_first, "static-rsa-first", "rfc9325#4.1",
     "an RSA certificate, TLS 1.2 only, static RSA (AES128-SHA, CBC without encrypt_then_mac) preferred over ECDHE"},
    {Fault::dhe_1024, "dhe-1024", "rfc9325#4.5", "an RSA certificate, TLS 1.2 DHE suites first, with a 1024-bit prime"},
    {Fault::null_cipher, "null-cipher", "rfc9325#4.1", "TLS 1.2 with a NULL-encryption suite accepted"},
    {Fault::no_extended_master_secret, "no-extended-master-secret", "rfc9325#3.5",
     "the TLS 1.2 ServerHello never carries extended_master_secret (RFC 7627)"},
    {Fault::p384_only, "p384-only", "rfc9325#4.2.1", "key exchange on P-384 alone: neither secp256r1 nor x25519 (a SHOULD)"},
    {Fault::small_curve, "small-curve", "rfc9325#4.5", "secp192r1 offered for key exchange, before P-256"},
    {Fault::short_autologout, "short-autologout", "rfc1939#3", "the autologout timer is a tenth of --idle-timeout"},
    {Fault::autologout_not_reset, "autologout-not-reset", "rfc1939#3",
     "the autologout timer runs from the greeting: commands do not restart it (a SHOULD)"},
    {Fault::autologout_commits, "autologout-commits", "rfc1939#3",
     "when the autologout timer expires the session enters UPDATE: its deletions are committed"},
    {Fault::autologout_says_bye, "autologout-says-bye", "rfc1939#3",
     "the autologout sends -ERR before closing (a SHOULD: close without any response)"},
    {Fault::split_bytes, "split-bytes", "-", "every response is sent one octet per TCP segment"},
    {Fault::drip, "drip", "-", "every response trickles out in about 20 pieces, 10 ms apart"},
    {Fault::drop_mid_retr, "drop-mid-retr", "rfc1939#3",
     "the connection is closed half-way through a RETR or TOP response"},
    {Fault::stall_mid_retr, "stall-mid-retr", "rfc1939#3",
     "half a RETR or TOP response is sent, then nothing, with the connection left open"},
    {Fault::endless_line, "endless-line", "rfc2449#4", "the response to RETR or TOP is a status line that never ends"},
    {Fault::endless_body, "endless-body", "rfc1939#3", "the RETR or TOP body never ends and is never terminated"},
    {Fault::bare_lf, "bare-lf", "rfc1939#3", "every line the server sends ends with LF alone, the greeting too"},
    {Fault::cr_cr_lf, "cr-cr-lf", "rfc1939#3", "every line the server sends ends with CR CR LF, the greeting too"},
    {Fault::slow_greeting, "slow-greeting", "rfc1939#4", "the greeting comes after 60 seconds"},
    {Fault::long_line_crash, "long-line-crash", "rfc2449#4",
     "the server process aborts (SIGABRT) on a command line over 300 octets", true},
    {Fault::nul_stall, "nul-stall", "rfc1939#3",
     "a command line holding a NUL octet is never answered, and the session stalls", false},
    {Fault::top_negative_crash, "top-negative-crash", "rfc1939#7",
     "the server process aborts (SIGABRT) on TOP with a negative line count (TOP 1 -1)", true},
    {Fault::format_string_crash, "format-string-crash", "rfc1939#3",
     "the server process aborts (SIGABRT) on a command line holding \"%n\", as a printf of client text would", true},
    {Fault::prefix_password, "prefix-password", "rfc4616#2",
     "SASL PLAIN takes any prefix of the password, the empty one too (strncmp with the given length)", false},
    {Fault::user_path_normalized, "user-path-normalized", "rfc1939#7",
     "USER \"../NAME\" and \"./NAME\" log in as NAME, as a maildrop path built from the name would", false},
    {Fault::bare_cr_ends_line, "bare-cr-ends-line", "rfc1939#3",
     "a CR alone ends a command line too, so 'USER name<CR>QUIT' runs QUIT", false},
    {Fault::pipeline_first_only, "pipeline-first-only", "rfc2449#6.6",
     "of several commands that arrive in one read, only the first is answered; the rest are dropped", false},
    {Fault::short_command_lines, "short-command-lines", "rfc2449#4",
     "a command line over 128 octets is read as two commands: its first 128 octets, then the rest", false},
    {Fault::short_sasl_lines, "short-sasl-lines", "rfc5034#4",
     "a SASL response over 255 octets is refused as an overlong command, and the AUTH exchange stays open"},
    {Fault::crash_on, "crash-on=KEYWORD", "rfc1939#3",
     "the server process aborts (SIGABRT) on the first command with that keyword, e.g. crash-on=DELE", true},
};
static_assert(std::size(kCatalog) == static_cast<std::size_t>(Fault::count_), "every fault is in the catalog");

}  // namespace

std::span<const FaultInfo> fault_catalog() { return kCatalog; }

std::optional<Fault> parse_fault(std::string_view name) {
  for (const auto& f : kCatalog)
    if (f.name == name) return f.fault;
  return std::nullopt;
}

std::optional<FaultSpec> parse_fault_spec(std::string_view text) {
  if (text.starts_with("crash-on=")) {
    std::string keyword(text.substr(9));
    if (keyword.empty() || keyword.size() > 8) return std::nullopt;
    for (auto& c : keyword) {
      if (!std::isalpha(static_cast<unsigned char>(c))) return std::nullopt;
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return FaultSpec{Fault::crash_on, keyword};
  }
  auto f = parse_fault(text);
  if (!f || *f == Fault::crash_on) return std::nullopt;
  return FaultSpec{*f, {}};
}

const FaultInfo& info(Fault f) { return kCatalog[static_cast<std::size_t>(f)]; }

}  // namespace pop3
