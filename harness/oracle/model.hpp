#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "requirements/builtin_checks.hpp"
#include "oracle/op.hpp"

namespace pop3::oracle {

// What a conformant server must answer to one step.
struct Expectation {
  enum class Answer { ok, err, either };
  // What the answer must carry besides its status.
  enum class Data { none, stat, scan, scan_listing, unique_id, uid_listing, message, top };
  struct Entry {
    unsigned long number;  // the message number in this session
    std::size_t message;   // which fixture message (0-based)
    std::size_t octets;    // its size with CRLF line ends (RFC 1939 #5)
  };
  Answer answer = Answer::ok;
  Data data = Data::none;
  std::size_t count = 0, octets = 0;  // stat
  std::vector<Entry> entries;         // scan, unique_id, message, top: one; listings: every message
  std::size_t lines = 0;              // top
  bool closes = false;                // QUIT: the server then closes the connection
  // The RFC leaves the server a choice the model does not follow: when the
  // server takes it, the harness reconnects to bring the server back in line.
  bool resync_on_ok = false, resync_on_err = false;
  std::string rfc;  // where the rule is, e.g. "rfc1939#5"
  std::string rule; // the rule in words, for reports
  Builtin check = Builtin::prop_maildrop;  // which of the model's declared checks, for the requirement ids
};

// The maildrop as a conformant server must present it, across sessions: the
// fixture's messages, those removed by an earlier QUIT, and the current
// session's state and deletion marks. Pure: the property test's model.
// Which logins the server takes for the account: RFC 1939 #13 advises against
// offering both USER/PASS and APOP, and a server may refuse either (the
// preflight finds out). A case never logs in by a method the server refuses.
struct Logins {
  bool user = true;
  bool apop = true;  // when the greeting offers a timestamp
};

// RFC 1939 #7's optional commands: the ones the server implements (found
// out before a campaign); the others are not generated, as a server may
// leave them out.
struct OptionalCommands {
  bool uidl = true;
  bool top = true;
};

class Model {
 public:
  // apop_testable: false when servers compared in differential mode
  // disagree on offering APOP, so that no case uses it.
  // download_and_delete: the server removes the messages retrieved with RETR
  // at QUIT too, a site policy RFC 1939 #8 allows (announced as EXPIRE 0,
  // RFC 2449 #6.7); the campaign finds out before the first case.
  Model(std::shared_ptr<const std::vector<std::string>> messages, bool apop_offered, bool apop_testable = true,
        Logins logins = {}, bool download_and_delete = false, OptionalCommands optional = {});

  Expectation expect(const Op& op) const;
  void apply(const Op& op);

  bool in_transaction() const { return transaction_; }
  enum class Pending { none, good_user, bad_user };
  Pending pending() const { return pending_; }
  bool apop_offered() const { return apop_; }
  bool apop_testable() const { return apop_testable_; }
  const Logins& logins() const { return logins_; }
  bool download_and_delete() const { return download_and_delete_; }
  const OptionalCommands& optional() const { return optional_; }
  // Message numbers of this session, deleted ones included (zero before login).
  std::size_t numbered() const { return numbering_.size(); }
  bool marked(unsigned long number) const { return marked_[number - 1]; }
  std::vector<unsigned long> marked_numbers() const;
  std::vector<unsigned long> retrieved_numbers() const;  // RETR'd this session
  // The maildrop as committed, as a second session sees it.
  std::size_t committed_count() const;
  std::size_t committed_octets() const;
  const std::string& content(std::size_t message) const { return (*messages_)[message]; }
  std::size_t fixture_size() const { return messages_->size(); }

 private:
  // The session's message for a number argument, unless it names none (or a deleted one).
  std::optional<Expectation::Entry> resolve(const std::optional<std::string>& number, std::string& why) const;
  Expectation transaction_answer(const Op& op) const;
  Expectation listing_answer(const Op& op) const;  // LIST and UIDL, with or without a number
  Expectation message_answer(const Op& op) const;  // RETR, TOP and DELE
  Expectation authorization_answer(const Op& op) const;
  Builtin check_of(const Op& op) const;
  std::vector<Expectation::Entry> undeleted() const;
  void end_session(bool commit);

  std::shared_ptr<const std::vector<std::string>> messages_;
  std::vector<bool> removed_;  // committed by an earlier QUIT
  bool apop_ = false;
  bool apop_testable_ = true;
  bool transaction_ = false;
  Pending pending_ = Pending::none;
  bool pass_failed_ = false;  // the last PASS was refused (RFC 1939 is silent on what USER it leaves)
  // USER, then another login command (APOP): RFC 1939 does not say whether
  // the USER still stands for a PASS that follows.
  bool user_overtaken_ = false;
  Logins logins_;
  bool download_and_delete_ = false;
  OptionalCommands optional_;
  std::vector<std::size_t> numbering_;  // message number - 1 -> fixture message
  std::vector<bool> marked_;
  std::vector<bool> retrieved_;  // RETR answered this session (download-and-delete removes them at QUIT)
};

}  // namespace pop3::oracle
