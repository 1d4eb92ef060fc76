#pragma once
#include <boost/asio/awaitable.hpp>

#include "client/target.hpp"
#include "report/result.hpp"
#include "scenario/ast.hpp"
#include "scenario/fixture.hpp"

namespace pop3 {

// Plays one scenario against a target as a POP3 client. The mailbox must
// already hold the fixture, and the preflight must have passed (a failure to
// connect is then the server's). Never throws: every problem becomes a result.
boost::asio::awaitable<ScenarioResult> run_scenario(const Scenario& scenario, const Fixture& fixture,
                                                    const Target& target, const Account& account);

// The variables a scenario starts with: {user}, {pass}, {plain} (a SASL PLAIN
// initial response) and the fixture's numbers.
Variables initial_variables(const Account& account, const Fixture& fixture);

}  // namespace pop3
