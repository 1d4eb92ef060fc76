#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/account.hpp"
#include "client/session_io.hpp"
#include "client/target.hpp"
#include "fuzz/finding.hpp"
#include "fuzz/verdict.hpp"
#include "oracle/judge.hpp"
#include "oracle/model.hpp"
#include "report/redact.hpp"

namespace pop3::fuzz {

struct LaneConfig {
  Target target;
  Account account;
  std::shared_ptr<const std::vector<std::string>> messages;  // the fixture
  bool apop = false;
  // How the logged-in lanes log in: the method the preflight found ("user",
  // "apop" or "plain").
  std::string login_method = "user";
  // The server lets a second session log in while one is (no maildrop lock).
  bool concurrent_logins = false;
  // RFC 1939 #7's optional commands the server implements; the others are
  // expected to be refused.
  oracle::OptionalCommands optional;
  // While it says so, no new connection is opened (the target is being
  // restarted, and a case must not reach the fresh process unasked).
  std::function<bool()> paused;
};

struct CaseResult {
  enum class Kind {
    passed,
    finding,  // a hang or a protocol violation, judged here
    suspect,  // the server went away without an answer: the campaign asks whether it crashed
              // (a finding set here is recorded when it did not: closing mid-answer)
    lost,     // the server ended the session after answering (its right): nothing judged
  };
  Kind kind = Kind::passed;
  std::optional<Finding> finding;
  std::string detail;
  // lost at the login that reaches the TRANSACTION state: refused (in_use:
  // with [IN-USE], a lock the server has not let go of yet).
  bool login_refused = false, in_use = false;
  bool logged_in = false;  // the case ran in the TRANSACTION state
  std::size_t exchanges = 0;
  std::vector<unsigned long> marks;  // what the session had marked when the case began
};

// One POP3 session the fuzzer drives: it reaches the case's phase (greeting,
// STLS, login), sends the case as its delivery says, and judges every answer.
// Consecutive cases share the session while the server's state allows.
class Lane {
 public:
  Lane(boost::asio::any_io_executor ex, const LaneConfig& config);

  // marks: DELE these first (a minimized case replays the marks it ran with).
  boost::asio::awaitable<CaseResult> run(const Case& c, const std::vector<unsigned long>& marks = {});
  // Ends the session cleanly: RSET (nothing is committed), then QUIT.
  boost::asio::awaitable<void> finish();
  void drop();
  std::vector<unsigned long> marked() const { return model_.in_transaction() ? model_.marked_numbers() : std::vector<unsigned long>{}; }
  std::size_t sessions_opened() const { return opened_; }

 private:
  boost::asio::awaitable<CaseResult> run_shared(const Case& c, const std::vector<unsigned long>& marks);
  boost::asio::awaitable<std::optional<CaseResult>> ensure(Phase phase, const std::vector<unsigned long>& marks);
  boost::asio::awaitable<std::optional<CaseResult>> open(Phase phase, const std::vector<unsigned long>& marks);
  // Until the server closes the session drop() left half-open, or the timeout.
  boost::asio::awaitable<void> released();
  boost::asio::awaitable<CaseResult> run_closing(const Case& c, const std::vector<unsigned long>& marks);
  boost::asio::awaitable<CaseResult> run_alone(const Case& c, const std::vector<unsigned long>& marks);
  std::optional<CaseResult> held_back(const Case& c);
  CaseResult judge(const Unit& u, const Response& r);
  // How long the answer to this unit may take: a login's (PASS, APOP, AUTH
  // and its SASL lines) up to --login-timeout, as servers may delay a failed
  // login on purpose; any other, the read timeout.
  Duration answer_deadline(const Unit* u) const;
  CaseResult violation(const Violation& v, const std::string& keyword, std::string transcript) const;
  boost::asio::awaitable<bool> goodbye(const Response& r, const CaseResult& verdict);
  CaseResult failure(const Case& c, const Unit* u, const std::exception& e);
  std::string recent() const;

  boost::asio::any_io_executor ex_;
  const LaneConfig& config_;
  Redactor redactor_;
  std::unique_ptr<ClientSession> session_;
  std::unique_ptr<ClientSession> releasing_;  // see drop()
  std::optional<Phase> phase_;
  oracle::Model model_;
  oracle::UidBook uids_;
  std::size_t opened_ = 0;
  std::vector<unsigned long> start_marks_;
};

}  // namespace pop3::fuzz
