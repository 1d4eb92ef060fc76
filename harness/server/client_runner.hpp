#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "client/preflight.hpp"
#include "report/result.hpp"
#include "scenario/ast.hpp"
#include "scenario/fixture.hpp"

namespace pop3 {

struct ClientCommand {
  // A shell command template: {host} {port} {user} {pass} {tls} {cafile}
  // {outdir} {keep} {statedir}.
  std::string command;
  bool saves_lf = false;  // --client-saves lf: compare with line ends as LF
  std::chrono::milliseconds limit{30000};
};

// Plays one server-role scenario: a scripted server on an ephemeral loopback
// port, the client command run against it under the time limit (once per
// run, deliveries[k] added to the maildrop before run k+1), then the
// verdicts. work is a scratch folder for the maildir, {outdir}, {statedir}
// and {cafile}. Never throws: every problem becomes a result.
boost::asio::awaitable<ScenarioResult> run_client_scenario(const Scenario& scenario, const Fixture& fixture,
                                                           const std::vector<std::vector<std::string>>& deliveries,
                                                           const ClientCommand& client,
                                                           const std::filesystem::path& work);

// The client role's preflight: the client command, run once against a
// correct scripted server with one message, must at least connect. One that
// never does (a wrong path, a typo in the template) is said once, not as
// every check of every scenario: an 'unreachable' verdict with its output.
boost::asio::awaitable<Preflight> client_preflight(const ClientCommand& client, const std::filesystem::path& work);

// {name} placeholders replaced; an unknown one is left as written.
std::string expand_client_command(const std::string& command, const std::map<std::string, std::string>& values);

}  // namespace pop3
