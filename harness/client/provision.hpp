#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <string>

#include "client/account.hpp"
#include "scenario/fixture.hpp"

namespace pop3 {

// Puts the fixture in the account's maildrop: rewrites --maildir, runs
// --reset-cmd (with POP3_FIXTURE_DIR and POP3_USER), or both. Returns why it
// failed, or an empty string.
boost::asio::awaitable<std::string> provision(boost::asio::any_io_executor ex, const Account& account,
                                              const Fixture& fixture);

}  // namespace pop3
