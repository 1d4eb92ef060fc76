#pragma once
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "client/account.hpp"
#include "client/session_io.hpp"
#include "client/step_outcome.hpp"
#include "client/target.hpp"
#include "report/redact.hpp"

namespace pop3 {

// 'probe:' steps: short exchanges whose result depends on the server's
// policy, reported as findings rather than matched line by line.
//   plaintext-login   which logins the server takes before TLS; a login it
//                     accepts without advertising USER or SASL fails (RFC 2595 #2.3)
//   invalid-commands N  how many invalid commands it answers before closing
//   http-request      what it makes of an HTTP request (cross-protocol attacks)
boost::asio::awaitable<StepOutcome> run_probe(const std::vector<std::string>& words, ClientSession& session,
                                              const Target& target, const Account& account, const Redactor& redactor);

}  // namespace pop3
