#pragma once
#include <boost/asio/awaitable.hpp>

#include "client/session_io.hpp"
#include "client/step_outcome.hpp"

namespace pop3 {

// 'expect: silence N': the server sends nothing and keeps the connection open
// for N milliseconds.
boost::asio::awaitable<StepOutcome> expect_silence(long millis, ClientSession& session);

// 'expect: autologout N' (RFC 1939 #3): the server closes the idle session
// within N milliseconds, sending nothing. A server still silent and open at
// the end (it MAY have no timer) ends the scenario with nothing to judge.
boost::asio::awaitable<StepOutcome> expect_autologout(long millis, ClientSession& session);

}  // namespace pop3
