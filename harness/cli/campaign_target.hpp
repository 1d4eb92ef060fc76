#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <optional>
#include <string>

#include "cli/embedded_target.hpp"
#include "cli/run_options.hpp"
#include "client/account.hpp"
#include "client/target.hpp"
#include "scenario/fixture.hpp"

namespace pop3 {

// The one endpoint a campaign (prop, fuzz) drives, with its account: the
// built-in server (started here, owned by the caller), or --target.
struct CampaignTarget {
  Target target;
  Account account;
  std::unique_ptr<EmbeddedTarget> embedded;
};

// Reads the target, TLS and account options. command names the subcommand
// and reset_reason why it needs --maildir or --reset-cmd, for the messages.
// Returns why the options name no usable endpoint, or an empty string.
std::string campaign_target(const RunOptions& c, boost::asio::any_io_executor ex, const std::string& command,
                            const std::string& reset_reason, CampaignTarget& out);

// The folder of messages --fixture names (a fixture's name or a path), or
// nothing after saying on stderr why it is unusable.
std::optional<Fixture> campaign_fixture(const std::string& option);

}  // namespace pop3
