#pragma once
#include <bitset>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pop3 {

// Deliberate deviations the reference server can be told to make (serve
// --fault NAME, or "fault: NAME" in a server-role scenario). They prove that
// the client-role suites catch real server bugs, and give clients hostile
// servers to survive.
enum class Fault {
  // The session model: wrong answers.
  stat_counts_deleted,
  rset_keeps_deletions,
  unstable_uids,
  positional_uids,
  body_cache_by_number,
  mbox_from_quoting,
  renumber_after_dele,
  commit_on_drop,
  list_size_lf,
  retr_deleted_ok,
  no_dot_stuffing,
  chunked_dot_stuffing,
  ok_unknown_command,
  lowercase_status,
  uid_too_long,
  uid_limits,
  phantom_message,
  listing_shows_deleted,
  login_in_use,
  login_delay,
  login_sys_temp,
  login_delay_on_user,
  // Legal answers the RFCs allow, which a client (and the harness) must take.
  trailing_text,
  bracket_text,
  auth_code_variant,
  no_capa,
  no_uidl_top,
  slow_auth_failure,
  close_after_auth_failure,
  download_and_delete,
  per_user_limits,
  login_delay_enforced,
  // A SHOULD broken: the harness warns, and fails only with --strict.
  unannounced_expiry,
  login_delay_unenforced,
  limits_without_user_token,
  limits_not_refined,
  // Protocol violations: RFC 2449 (CAPA, response codes), RFC 5034 (AUTH),
  // then every class the harness's verdicts distinguish.
  login_delay_understated,
  expire_overstated,
  capa_forgets_after_login,
  bad_resp_code,
  in_use_on_bad_password,
  auth_code_missing,
  sys_on_bad_password,
  no_lock,
  fixed_apop_timestamp,
  auth_after_login,
  lenient_base64,
  lenient_plain,
  plain_in_clear,
  bad_capa_line,
  no_cram_md5,
  cram_md5_initial_response,
  lenient_utf8,
  utf8_raw,
  utf8_code_misused,
  lang_latin1,
  greeting_control_char,
  lenient_user_names,
  bad_lang,
  auth_case_sensitive,
  challenge_text,
  close_on_error,
  capa_unterminated,
  long_response,
  // TLS (RFC 2595, RFC 8314).
  stls_injection,
  stls_in_transaction,
  stls_keeps_user,
  stls_after_tls,
  tls_1_0,
  expired_cert,
  stls_no_handshake,
  serial_handshakes,
  no_close_notify,
  cleartext_denial_leaks,
  request_client_cert,
  cbc_only,
  weak_rsa_cert,
  static_rsa_first,
  dhe_1024,
  null_cipher,
  no_extended_master_secret,
  p384_only,
  small_curve,
  // Autologout (RFC 1939 #3), for the opt-in slow scenarios.
  short_autologout,
  autologout_not_reset,
  autologout_commits,
  autologout_says_bye,
  // The wire: legal but awkward delivery, or a broken connection.
  split_bytes,
  drip,
  drop_mid_retr,
  stall_mid_retr,
  endless_line,
  endless_body,
  bare_lf,
  cr_cr_lf,
  slow_greeting,
  // The process itself: crashes and hangs for the fuzzer to find. They abort
  // the whole process, so only `serve` takes them, never a scenario.
  long_line_crash,
  nul_stall,
  top_negative_crash,
  format_string_crash,
  prefix_password,
  user_path_normalized,
  bare_cr_ends_line,
  pipeline_first_only,
  short_command_lines,
  short_sasl_lines,
  crash_on,  // crash-on=KEYWORD
  count_
};

struct FaultInfo {
  Fault fault;
  std::string_view name;
  std::string_view rfc;          // what it breaks, or "-" for legal behaviour
  std::string_view description;
  bool aborts = false;  // kills the process (SIGABRT): not for the in-process server
};

std::span<const FaultInfo> fault_catalog();
std::optional<Fault> parse_fault(std::string_view name);
const FaultInfo& info(Fault f);

// A fault as written: "NAME", or "crash-on=KEYWORD" (its argument).
struct FaultSpec {
  Fault fault;
  std::string argument;
};
std::optional<FaultSpec> parse_fault_spec(std::string_view text);

class FaultSet {
 public:
  void add(Fault f) { bits_.set(static_cast<std::size_t>(f)); }
  void add(const FaultSpec& f) {
    add(f.fault);
    if (f.fault == Fault::crash_on) crash_keyword_ = f.argument;
  }
  bool has(Fault f) const { return bits_.test(static_cast<std::size_t>(f)); }
  bool empty() const { return bits_.none(); }
  // crash-on=KEYWORD: the command that makes the process abort.
  const std::string& crash_keyword() const { return crash_keyword_; }

 private:
  std::bitset<static_cast<std::size_t>(Fault::count_)> bits_;
  std::string crash_keyword_;
};

}  // namespace pop3
