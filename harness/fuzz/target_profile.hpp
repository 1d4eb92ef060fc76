#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <string>

#include "client/account.hpp"
#include "client/target.hpp"
#include "oracle/model.hpp"

namespace pop3::fuzz {

// What a campaign may assume about its target, read before the first case.
struct TargetProfile {
  bool apop = false;        // the greeting carries a timestamp
  bool pipelining = false;  // CAPA lists PIPELINING
  bool stls = false;        // CAPA lists STLS
  // A second session logs in while one is logged in: the server does not
  // lock the maildrop (RFC 1939 #4 asks for a lock only "as necessary"),
  // so logged-in cases can run on several sessions at once.
  bool concurrent_logins = false;
  // UIDL and TOP (optional, RFC 1939 #7): one answered -ERR and not in CAPA
  // is left out by this server.
  oracle::OptionalCommands optional;
};

// Greeting, CAPA, UIDL and TOP once, then two logins at once. Throws NetError or ProtocolError
// when the server cannot be reached (the caller may retry); returns why the
// server is unusable (its greeting is not +OK), or an empty string.
boost::asio::awaitable<std::string> read_target_profile(boost::asio::any_io_executor ex, const Target& target,
                                                       const Account& account, TargetProfile& out);

// Sessions of a campaign with this many that stay logged in: several only
// when the server allows it, and never all (the rest fuzz the AUTHORIZATION
// state), nor more than a server's per-user connection limit is likely to
// allow (Dovecot's mail_max_userip_connections is 10).
unsigned logged_in_lanes(unsigned sessions, const TargetProfile& profile);

}  // namespace pop3::fuzz
