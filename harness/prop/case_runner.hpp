#pragma once
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "prop/vocabulary.hpp"
#include "prop/link.hpp"
#include "prop/trace.hpp"

namespace pop3::prop {

struct Credentials {
  std::string user, pass;
};

// A finding that does not fail the case (a SHOULD, or an INFO), with the
// steps that led to it.
struct Observation {
  Finding finding;
  std::vector<TraceItem> trace;
};

// Plays one test case's steps against a server (and, in differential mode,
// a reference server), checking every response against the model. Free of
// I/O itself: the Links do it.
class CaseRunner {
 public:
  CaseRunner(Server& target, Credentials credentials, Server* reference = nullptr,
             std::optional<Credentials> reference_credentials = std::nullopt);

  // Resets the maildrop(s) and connects; a bad greeting is a finding.
  std::optional<Finding> begin();
  // One step; returns a MUST failure, or a difference from the reference.
  std::optional<Finding> step(const Op& op, const Model& before);
  void end();

  const std::vector<TraceItem>& trace() const { return trace_; }
  std::vector<Observation>& observations() { return observations_; }
  std::size_t commands() const { return commands_; }
  // Whether the target's greeting offered APOP (known after the first begin()).
  bool apop_offered() const { return lanes_.front().apop; }
  // Which logins the target takes for the account (the preflight found out).
  void set_logins(Logins logins) { logins_ = logins; }
  const Logins& logins() const { return logins_; }
  // Whether QUIT also removes the messages retrieved with RETR (policy_probe.hpp).
  void set_download_and_delete(bool on) { download_and_delete_ = on; }
  bool download_and_delete() const { return download_and_delete_; }
  // Which of RFC 1939 #7's optional commands the server(s) implement.
  void set_optional_commands(OptionalCommands c) { optional_ = c; }
  const OptionalCommands& optional_commands() const { return optional_; }
  // Differential mode: answers that differ at these commands (keywords, e.g.
  // TOP) are not findings, so that a campaign goes on to other differences.
  void ignore_differences_at(std::set<std::string> keywords) { ignored_ = std::move(keywords); }
  std::size_t differences_ignored() const { return differences_ignored_; }
  bool differential() const { return lanes_.size() == 2; }
  // In differential mode: whether every server agrees on offering APOP.
  bool apop_consistent() const {
    for (const auto& lane : lanes_)
      if (lane.apop != lanes_.front().apop) return false;
    return true;
  }

 private:
  struct Lane {
    Server* server;
    Credentials credentials;
    std::unique_ptr<Link> link;
    UidBook uids;
    std::string timestamp;  // the greeting's APOP timestamp
    bool apop = false;
    bool last_was_err = false;  // the last answer on this link was -ERR
    std::string observed;       // differential: what this lane saw of the step
  };

  std::optional<Finding> connect(Lane& lane);
  std::optional<Finding> play(Lane& lane, const Op& op, const Expectation& e, const Model& before, bool primary);
  Exchange retry_in_use(Lane& lane, const Op& op, const Expectation& e, const std::string& line, Exchange x);
  std::optional<Finding> second_session(Lane& lane, const Expectation& e, const Model& before, bool primary);
  std::optional<Finding> resync(Lane& lane, const Model& state, bool primary);
  Finding problem(const Lane& lane, const Expectation& e, const std::string& what, const Exchange& x) const;
  void observe(Finding f);

  std::vector<Lane> lanes_;
  std::vector<TraceItem> trace_;
  std::set<std::string> ignored_;
  std::size_t differences_ignored_ = 0;
  std::vector<Observation> observations_;
  std::size_t commands_ = 0;
  Logins logins_;
  bool download_and_delete_ = false;
  OptionalCommands optional_;
};

}  // namespace pop3::prop
