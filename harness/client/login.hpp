#pragma once
#include <boost/asio/awaitable.hpp>
#include <string>

#include "client/account.hpp"
#include "client/session_io.hpp"
#include "client/target.hpp"

namespace pop3 {

// The end of one login attempt: the answer that ended it, and whether it
// ended at its first command (USER, APOP or AUTH) rather than at PASS or a
// SASL response.
struct LoginAnswer {
  Response response;
  bool at_first_step = true;
  bool ok() const { return response.parsed && response.parsed->status == Status::ok; }
};

// Logs in by method: "user" (USER then PASS), "apop" (the digest of the
// greeting's timestamp) or "plain" (AUTH PLAIN with an initial response, or
// after the server's empty challenge, RFC 5034 #4). Secrets never reach the
// transcript. Throws what the session throws.
boost::asio::awaitable<LoginAnswer> log_in(ClientSession& s, const std::string& method, const Account& account,
                                           Duration timeout);

// Whether the server takes this login for the account, on a connection of
// its own (greeting, the login, QUIT). False for anything that goes wrong.
boost::asio::awaitable<bool> login_works(const Target& target, const Account& account, const std::string& method);

// "USER/PASS", "AUTH PLAIN" or "APOP", for messages.
const char* login_label(const std::string& method);

}  // namespace pop3
