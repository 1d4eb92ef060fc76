// LOGIN-DELAY and EXPIRE (RFC 2449 #6.5, #6.7): what CAPA announces before
// and after login, and the login delay enforced.
#include "model/session.hpp"

namespace pop3 {
namespace {

// One announcement: the capability lines before login and after it. A
// value that may differ per user is the bound over all users before login
// (the largest delay, the smallest retention), with the USER token, and the
// user's own value after it.
struct Announced {
  Fault fault;
  const char* before;
  const char* after;
};

constexpr Announced kAnnounced[] = {
    {Fault::download_and_delete, "EXPIRE 0", "EXPIRE 0"},
    {Fault::login_delay_on_user, "LOGIN-DELAY 900", "LOGIN-DELAY 900"},
    {Fault::login_delay_enforced, "LOGIN-DELAY 900", "LOGIN-DELAY 900"},
    {Fault::login_delay_unenforced, "LOGIN-DELAY 900", "LOGIN-DELAY 900"},
    {Fault::per_user_limits, "LOGIN-DELAY 900 USER\r\nEXPIRE 5 USER", "LOGIN-DELAY 0\r\nEXPIRE NEVER"},
    {Fault::limits_without_user_token, "LOGIN-DELAY 900\r\nEXPIRE 5", "LOGIN-DELAY 0\r\nEXPIRE NEVER"},
    {Fault::limits_not_refined, "LOGIN-DELAY 900 USER\r\nEXPIRE 5 USER", "LOGIN-DELAY 900 USER\r\nEXPIRE 5 USER"},
    {Fault::login_delay_understated, "LOGIN-DELAY 60 USER", "LOGIN-DELAY 900"},
    {Fault::expire_overstated, "EXPIRE 30 USER", "EXPIRE 5"},
};

}  // namespace

std::string Session::limit_capabilities() const {
  std::string lines;
  for (const auto& a : kAnnounced)
    if (config_.faults.has(a.fault))
      lines += std::string(state_ == SessionState::authorization ? a.before : a.after) + "\r\n";
  return lines;
}

// "Servers which advertise LOGIN-DELAY SHOULD enforce it": the reference
// server does so only under login-delay-enforced, so that the suites may log
// in as often as they need.
bool Session::login_delayed(const std::string& user) const {
  return config_.faults.has(Fault::login_delay_enforced) && store_.logged_in_within(user, 900);
}

}  // namespace pop3
