#pragma once
#include <bitset>
#include <optional>
#include <span>
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
  renumber_after_dele,
  commit_on_drop,
  list_size_lf,
  retr_deleted_ok,
  no_dot_stuffing,
  ok_unknown_command,
  lowercase_status,
  uid_too_long,
  uid_limits,
  phantom_message,
  login_in_use,
  login_delay,
  login_sys_temp,
  // TLS (RFC 2595, RFC 8314).
  stls_injection,
  stls_in_transaction,
  stls_keeps_user,
  stls_after_tls,
  tls_1_0,
  expired_cert,
  stls_no_handshake,
  // The wire: legal but awkward delivery, or a broken connection.
  split_bytes,
  drip,
  drop_mid_retr,
  stall_mid_retr,
  endless_line,
  endless_body,
  // The process itself: crashes and hangs for the fuzzer to find. They abort
  // the whole process, so only `serve` takes them, never a scenario.
  long_line_crash,
  nul_stall,
  top_negative_crash,
  pipeline_first_only,
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

class FaultSet {
 public:
  void add(Fault f) { bits_.set(static_cast<std::size_t>(f)); }
  bool has(Fault f) const { return bits_.test(static_cast<std::size_t>(f)); }
  bool empty() const { return bits_.none(); }

 private:
  std::bitset<static_cast<std::size_t>(Fault::count_)> bits_;
};

}  // namespace pop3
