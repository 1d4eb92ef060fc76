#include "fuzz/target_profile.hpp"

#include <algorithm>

#include "client/session_io.hpp"

namespace pop3::fuzz {

namespace {

bool ok(const Response& r) { return r.parsed && r.parsed->status == Status::ok; }

boost::asio::awaitable<bool> log_in(ClientSession& s, const Target& target, const Account& account) {
  Response user = co_await s.request("USER " + account.user, "USER " + account.user, false, target.read_timeout);
  if (!ok(user)) co_return false;
  Response pass = co_await s.request("PASS " + account.pass, "PASS ****", false, target.read_timeout);
  co_return ok(pass);
}

// UIDL and TOP, optional (RFC 1939 #7): one answered -ERR and not in CAPA is
// left out by this server.
boost::asio::awaitable<void> read_optional_commands(boost::asio::any_io_executor ex, const Target& target,
                                                    const Account& account, const Capabilities& caps,
                                                    oracle::OptionalCommands& out) {
  ClientSession s(ex);
  co_await s.open(target);
  Response g = co_await s.greeting(target.read_timeout);
  bool in = false;
  if (ok(g)) in = co_await log_in(s, target, account);
  if (!in) co_return;
  Response uidl = co_await s.request("UIDL", "UIDL", true, target.read_timeout);
  out.uidl = ok(uidl) || caps.has("UIDL");
  // TOP needs a message to name; with none it cannot tell, and stays in.
  Response stat = co_await s.request("STAT", "STAT", false, target.read_timeout);
  if (ok(stat) && !stat.parsed->text.starts_with("0")) {
    Response top = co_await s.request("TOP 1 0", "TOP 1 0", true, target.read_timeout);
    out.top = ok(top) || caps.has("TOP");
  }
  co_await s.request("QUIT", "QUIT", false, target.read_timeout);
  s.drop();
}

}  // namespace

boost::asio::awaitable<std::string> read_target_profile(boost::asio::any_io_executor ex, const Target& target,
                                                       const Account& account, TargetProfile& out) {
  ClientSession first(ex);
  co_await first.open(target);
  Response g = co_await first.greeting(target.read_timeout);
  if (!ok(g)) co_return "the server's greeting is not +OK: " + g.status_line;
  out.apop = !first.greeting_timestamp().empty();
  Response capa = co_await first.request("CAPA", "CAPA", true, target.read_timeout);
  Capabilities caps;
  if (ok(capa)) {
    caps.read_capa(capa.body);
    out.pipelining = caps.has("PIPELINING");
    out.stls = caps.has("STLS");
  }
  // Nothing is deleted, so both QUITs commit nothing.
  out.concurrent_logins = false;
  if (co_await log_in(first, target, account)) {
    ClientSession second(ex);
    co_await second.open(target);
    Response g2 = co_await second.greeting(target.read_timeout);
    // GCC 12 miscompiles co_await in a short-circuit operand: plain statements.
    if (ok(g2)) out.concurrent_logins = co_await log_in(second, target, account);
    co_await second.request("QUIT", "QUIT", false, target.read_timeout);
    second.drop();
  }
  co_await first.request("QUIT", "QUIT", false, target.read_timeout);
  first.drop();
  // On a session of its own: whatever goes wrong in these answers (a line
  // too long, a stall) is the campaign's to find and report, not a reason
  // to call the target unusable; what is known by then stands.
  try {
    co_await read_optional_commands(ex, target, account, caps, out.optional);
  } catch (const std::exception&) {
  }
  co_return std::string();
}

unsigned logged_in_lanes(unsigned sessions, const TargetProfile& profile) {
  if (!profile.concurrent_logins || sessions < 2) return 1;
  return std::clamp(sessions / 2, 1u, 4u);
}

}  // namespace pop3::fuzz
