#pragma once
// New mail while the load runs: fixture messages, each with an
// X-Pop3-Harness-Load header numbering it (no two alike in a run), put into
// the account's maildir by the harness, or handed to --deliver's command.
// The account's model is told, so that the new unique-ids are expected.
#include <boost/asio/awaitable.hpp>
#include <cstddef>

#include "load/load_session.hpp"

namespace pop3::load {

// n messages into the account's maildir (which the harness writes).
void deliver_to_maildir(LoadContext& ctx, std::size_t account, std::size_t n);

// n messages by ctx.deliver_cmd, one run each (env POP3_USER,
// POP3_MESSAGE_FILE); a failure is counted, the first one kept to be shown.
boost::asio::awaitable<void> deliver_by_command(LoadContext& ctx, std::size_t account, std::size_t n);

}  // namespace pop3::load
