#pragma once
#include <boost/asio/io_context.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/finding.hpp"
#include "fuzz/generator.hpp"
#include "fuzz/lane.hpp"
#include "fuzz/target_process.hpp"

namespace pop3::fuzz {

struct CampaignOptions {
  std::uint64_t seed = 1;
  std::optional<std::uint64_t> cases;  // or run until `seconds`
  double seconds = 10;
  unsigned sessions = 8;               // lanes: some logged in, the rest before login
  unsigned logged_in_lanes = 1;        // more only when the server takes concurrent logins
  int minimize_attempts = 24;          // replays per finding
  GenContext gen;
};

struct CampaignStats {
  std::uint64_t cases = 0, passed = 0, skipped = 0, exchanges = 0;
  std::uint64_t sessions = 0, closed_by_server = 0, restarts = 0, unconfirmed_crashes = 0;
  // Cases meant for the TRANSACTION state, and those that reached it: a
  // campaign that never logged in fuzzed nothing there.
  std::uint64_t transaction_cases = 0, logged_in = 0, login_refusals = 0;
  std::string last_refusal;
  double seconds = 0;
};

struct CampaignResult {
  CampaignStats stats;
  std::vector<Finding> findings;  // one per signature, minimized, in the order found
  bool interrupted = false;
  std::optional<std::string> environment_error;
};

// The network fuzzing campaign against one server: numbered cases from the
// seed, spread over session lanes on one io_context (cases share a session
// while the server's state allows), three oracles, findings deduplicated by
// signature and minimized by replaying smaller cases on a fresh session.
class Campaign {
 public:
  using Progress = std::function<void(const CampaignStats&, std::size_t findings, const char* activity)>;
  Campaign(boost::asio::io_context& ioc, const LaneConfig& lane, CampaignOptions options, TargetProcess* process,
           const std::atomic<bool>& stop, Progress progress);
  ~Campaign();
  CampaignResult run();

 private:
  struct Gate;
  boost::asio::awaitable<void> lane_loop(unsigned lane);
  boost::asio::awaitable<void> handle(unsigned k, Lane& lane, const Case& c, const CaseResult& r, bool retried);
  boost::asio::awaitable<void> suspect(unsigned k, Lane& lane, const Case& c, const CaseResult& r, bool retried);
  // The target stopped answering after case c: a finding (or, for a process
  // that did not die again, an unconfirmed crash).
  void unreachable(const Case& c, const CaseResult& r);
  boost::asio::awaitable<void> confirm_crash(unsigned k, const Case& c, const CaseResult& r);
  // connect and greeting within the timeout
  boost::asio::awaitable<bool> alive();
  // the process restarted and greeting again, or false
  boost::asio::awaitable<bool> restart();
  boost::asio::awaitable<bool> reproduces(const Finding& f, const Case& candidate);
  boost::asio::awaitable<void> minimize(Finding& f);
  void record(Finding f, const Case& c, std::vector<unsigned long> marks);
  bool done() const;
  Duration exit_wait() const;

  boost::asio::io_context& ioc_;
  LaneConfig lane_config_;   // the lanes': paused while the target restarts
  LaneConfig probe_config_;  // confirmation and minimization replays: never paused
  CampaignOptions o_;
  TargetProcess* process_;
  const std::atomic<bool>& stop_;
  Progress progress_;
  CampaignResult result_;
  // Each lane's case on the wire: when the process dies, any of them may be the cause.
  struct InFlight {
    Case kase;
    std::vector<unsigned long> marks;
  };
  // Replays each suspect alone on a fresh process: the first that kills it
  // is the cause (its stderr added to err), or none.
  boost::asio::awaitable<std::optional<InFlight>> find_culprit(std::vector<InFlight> suspects, const std::string& how,
                                                                std::string& err);
  std::vector<std::optional<InFlight>> in_flight_;
  std::vector<std::string> known_bad_;  // phase:mutation of crash and hang findings: not sent again
  std::chrono::steady_clock::time_point started_;
  bool target_gone_ = false;
  bool recovering_ = false;
  std::unique_ptr<Gate> gate_;
  std::optional<std::string> environment_error_;
};

}  // namespace pop3::fuzz
