#pragma once
#include <boost/asio/io_context.hpp>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/client_cases.hpp"
#include "fuzz/finding.hpp"
#include "scenario/fixture.hpp"
#include "server/client_runner.hpp"

namespace pop3::fuzz {

struct ClientCampaignOptions {
  std::uint64_t seed = 1;
  std::optional<std::uint64_t> cases;  // or run until `seconds`
  double seconds = 10;
  unsigned jobs = 2;                   // clients running at once
  int minimize_attempts = 8;           // replays per finding
  ClientCommand client;
  Fixture fixture;                     // the maildrop of cases that do not bring their own
  std::filesystem::path work;          // scratch folders, one per job
};

struct ClientFinding {
  Oracle oracle = Oracle::violation;
  std::string signature;  // oracle, the check that failed, the family of the case
  std::string check;      // the failed check's label
  std::string rfc, message, expected, actual, transcript;
  ClientCase kase;        // minimized once reported
  std::size_t original_octets = 0;
  int attempts = 0;
  std::string file;       // the reproducer scenario
};

struct ClientCampaignStats {
  std::uint64_t cases = 0, passed = 0, skipped = 0;
  double seconds = 0;
};

struct ClientCampaignResult {
  ClientCampaignStats stats;
  std::vector<ClientFinding> findings;  // one per signature, in the order found
  bool interrupted = false;
  std::optional<std::string> environment_error;
};

// Whether a check of a client run is a finding: failed, or a hang (graded SHOULD).
bool is_client_finding(const CheckResult& check);
// The judgement of one client run: the first failed check, as a finding.
std::optional<ClientFinding> client_finding(const ClientCase& c, const ScenarioResult& r);

// The smaller cases a finding is replayed as, most shrinking first: each
// "{repeat:N:" with N halved, then the maildrop with one message fewer.
std::vector<ClientCase> smaller_client_cases(const ClientCase& c);

// Runs one case: its scenario text parsed, its maildrop, the client once.
boost::asio::awaitable<ScenarioResult> run_client_case(const ClientCase& c, const Fixture& base,
                                                       const ClientCommand& client,
                                                       const std::filesystem::path& work);

// Fuzzing a client: numbered cases from the seed, each a scripted server the
// client command runs against, `jobs` at a time; the oracles are the server
// role's checks (a hang past the limit, death by a signal or a sanitizer
// report, wrong saved data, malformed commands). A family of cases that made
// the client hang is not run again; findings are minimized by halving their
// repeated runs of octets and dropping hostile messages.
class ClientCampaign {
 public:
  using Progress = std::function<void(const ClientCampaignStats&, std::size_t findings, const char* activity)>;
  ClientCampaign(boost::asio::io_context& ioc, ClientCampaignOptions options, const std::atomic<bool>& stop,
                 Progress progress);
  ClientCampaignResult run();

 private:
  boost::asio::awaitable<void> job(unsigned k);
  boost::asio::awaitable<void> minimize(ClientFinding& f, const std::filesystem::path& work);
  bool done() const;

  boost::asio::io_context& ioc_;
  ClientCampaignOptions o_;
  const std::atomic<bool>& stop_;
  Progress progress_;
  ClientCampaignResult result_;
  std::uint64_t next_ = 0;
  std::vector<std::string> known_hangs_;  // families
  std::chrono::steady_clock::time_point started_;
};

}  // namespace pop3::fuzz
