#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/run_options.hpp"
#include "client/account.hpp"
#include "client/preflight.hpp"
#include "client/target.hpp"
#include "report/known.hpp"
#include "report/result.hpp"

namespace pop3 {

// Mistakes in the options that no run can recover from, found before anything
// runs: a --user with no password from any source, a report path that cannot
// be written. Returns what to say (exit 2), or nothing.
std::optional<std::string> usage_mistake(const RunOptions& o);

// The client-role target of run, prop and fuzz, read from the options
// (timeouts, TLS mode and trust); host and port are the caller's.
Target target_from_options(const RunOptions& o);

// A server's two endpoints, as far as the options name them: plaintext/STLS
// and implicit TLS (RFC 8314).
using Endpoint = std::pair<std::string, std::string>;
struct Endpoints {
  std::optional<Endpoint> plain, implicit;
  // What the plaintext endpoint offers before TLS ('connect: plain'
  // scenarios), or why it cannot be tested.
  std::optional<Capabilities> plain_caps;
  std::string plain_error;

  // base, at host_port, in plaintext.
  static Target at(const Target& base, const Endpoint& host_port);
  // Points target (and caps, when known) at the endpoint a scenario's
  // 'connect:' names; or why it cannot run.
  std::optional<std::string> place(const std::string& connect, const Target& base, Target& target,
                                   const Capabilities*& caps) const;
};

// The endpoints of an external --target (and --tls-target) in the TLS mode
// given. Throws std::invalid_argument for a malformed or contradictory one.
Endpoints external_endpoints(const RunOptions& o);

// The accounts to test an external target with: --users FILE, or --user;
// at most --jobs of them (said on stderr when fewer). Empty when none is given.
std::vector<Account> external_accounts(const RunOptions& o);

// The preflight as the report's first result (id "preflight"): a passed
// check with what it found, or the one failure (a FAIL for a protocol
// violation, an ERROR for the rest) with the transcript.
ScenarioResult preflight_result(const Preflight& p, const std::string& against);

// The --known file, read and parsed; an entry that matches none of the
// scenarios under the paths (whatever --filter says) and no requirement id of
// the catalog is said on stderr, as it is most likely a typo. Throws std::invalid_argument when it cannot be read.
KnownList read_known(const RunOptions& o, const std::vector<std::string>& paths);

// Whether the verdict ends the run with a FAIL (1) or an ERROR (3).
int preflight_exit_code(const Preflight& p);

}  // namespace pop3
