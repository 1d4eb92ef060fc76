#pragma once
#include <boost/asio/awaitable.hpp>

#include "client/session_io.hpp"
#include "client/step_outcome.hpp"
#include "client/target.hpp"
#include "scenario/ast.hpp"
#include "scenario/pattern.hpp"

namespace pop3 {

// 'tls:' steps: a handshake on the current connection (RFC 2595 STLS upgrade,
// or the first bytes of an RFC 8314 implicit-TLS connection), and checks of
// what it showed. Sets tls.* variables for later 'info:' and 'check:' steps.
boost::asio::awaitable<StepOutcome> run_tls_step(const TlsAction& action, ClientSession& session, const Target& target,
                                                 Variables& vars);

}  // namespace pop3
