#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/scenario_discovery.hpp"
#include "client/target.hpp"

namespace pop3 {

struct RunOptions {
  std::vector<std::string> paths;
  std::string target;  // HOST:PORT; empty: the built-in reference server
  std::string tls = "none";
  std::string tls_target;  // HOST:PORT of the implicit-TLS endpoint, beside a plaintext --target
  std::string user, pass;
  std::string cafile;
  bool insecure = false;
  std::string maildir, reset_cmd, users_file;
  std::string junit = "reports/out/junit.xml";
  std::string report_json;  // the results as JSON (format "pop3-harness-results"), for tools
  std::string html;         // the HTML report: one self-contained page
  unsigned jobs = 1;
  Selection selection;  // --filter, --exclude
  std::optional<std::uint64_t> seed;
  double timeout_seconds = 5;
  // Answers to PASS, APOP and AUTH may be delayed on purpose after a failed
  // login: waited for this long, and reported at INFO.
  double login_timeout_seconds = 30;
  std::uint64_t max_response = std::uint64_t{4} << 30;  // octets of one answer read at most
  bool strict = false;  // SHOULD findings fail the run too
  bool slow = false;    // run the scenarios marked 'slow:' (minutes of waiting each)
  std::string known;    // --known FILE: the target's known deviations (report/known.hpp)
  bool strict_known = false;  // a known deviation that passed fails the run
  bool color = false;
  // The server role: test a client instead of a server.
  std::string client_cmd;            // template: {host} {port} {user} {pass} {tls} {cafile} {outdir}
  std::string client_saves = "exact";  // or "lf": the client stores LF line ends
  double client_timeout_seconds = 30;
};

// Exit codes (the contract with CI): 0 every MUST check passed, 1 a
// conformance failure, 2 usage or scenario-parse error, 3 harness or
// environment error.
enum ExitCode { kPassed = 0, kConformance = 1, kUsage = 2, kEnvironment = 3 };

int run_command(const RunOptions& options);

}  // namespace pop3
