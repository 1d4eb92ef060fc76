#include "oracle/model.hpp"

#include <cctype>

namespace pop3::oracle {

using Answer = Expectation::Answer;
using Data = Expectation::Data;

namespace {

Expectation answer(Answer a, std::string rfc, std::string rule) {
  Expectation e;
  e.answer = a;
  e.rfc = std::move(rfc);
  e.rule = std::move(rule);
  return e;
}

bool is_lines_arg(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

Model::Model(std::shared_ptr<const std::vector<std::string>> messages, bool apop_offered, bool apop_testable,
             Logins logins, bool download_and_delete, OptionalCommands optional)
    : messages_(std::move(messages)), removed_(messages_->size(), false), apop_(apop_offered),
      apop_testable_(apop_testable), logins_(logins), download_and_delete_(download_and_delete),
      optional_(optional) {}

std::vector<unsigned long> Model::marked_numbers() const {
  std::vector<unsigned long> out;
  for (std::size_t i = 0; i < marked_.size(); ++i)
    if (marked_[i]) out.push_back(i + 1);
  return out;
}

std::vector<unsigned long> Model::retrieved_numbers() const {
  std::vector<unsigned long> out;
  for (std::size_t i = 0; i < retrieved_.size(); ++i)
    if (retrieved_[i]) out.push_back(i + 1);
  return out;
}

std::size_t Model::committed_count() const {
  std::size_t n = 0;
  for (bool r : removed_) n += !r;
  return n;
}

std::size_t Model::committed_octets() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < removed_.size(); ++i)
    if (!removed_[i]) n += (*messages_)[i].size();
  return n;
}

std::vector<Expectation::Entry> Model::undeleted() const {
  std::vector<Expectation::Entry> out;
  for (std::size_t i = 0; i < numbering_.size(); ++i)
    if (!marked_[i]) out.push_back({i + 1, numbering_[i], content(numbering_[i]).size()});
  return out;
}

std::optional<Expectation::Entry> Model::resolve(const std::optional<std::string>& number, std::string& why) const {
  const std::string& s = number.value_or("");
  bool digits = !s.empty();
  for (char c : s) digits &= std::isdigit(static_cast<unsigned char>(c)) != 0;
  if (!digits) {
    why = "'" + s + "' is not a message number";
    return std::nullopt;
  }
  if (s.size() > 9 || std::stoul(s) == 0 || std::stoul(s) > numbering_.size()) {
    why = "there is no message " + s + " (the maildrop has " + std::to_string(numbering_.size()) + ")";
    return std::nullopt;
  }
  unsigned long n = std::stoul(s);
  if (marked_[n - 1]) {
    why = "message " + s + " is marked as deleted";
    return std::nullopt;
  }
  return Expectation::Entry{n, numbering_[n - 1], content(numbering_[n - 1]).size()};
}

Expectation Model::expect(const Op& op) const {
  Expectation e = op.kind == OpKind::drop ? answer(Answer::ok, "rfc1939#6", "an abrupt disconnect")
                  : transaction_          ? transaction_answer(op)
                                          : authorization_answer(op);
  e.check = check_of(op);
  return e;
}

// Which declared check of the model judges the answer to this command now.
Builtin Model::check_of(const Op& op) const {
  bool login = op.kind == OpKind::user || op.kind == OpKind::pass || op.kind == OpKind::apop;
  if (op.kind == OpKind::drop || op.kind == OpKind::quit || op.kind == OpKind::second_session) return Builtin::prop_update;
  if (transaction_) return login ? Builtin::prop_state : Builtin::prop_maildrop;
  return login ? Builtin::prop_authorization : Builtin::prop_state;
}

Expectation Model::authorization_answer(const Op& op) const {
  switch (op.kind) {
    case OpKind::user: {
      if (pending_ == Pending::none)
        return op.good ? answer(Answer::ok, "rfc1939#7", "USER with the account's name")
                       : answer(Answer::either, "rfc1939#7", "USER with an unknown name: +OK or -ERR");
      // RFC 1939 does not say whether a second USER replaces the first.
      Expectation e = answer(Answer::either, "rfc1939#7", "USER after another USER");
      e.resync_on_err = true;
      return e;
    }
    case OpKind::pass:
      if (pending_ == Pending::good_user)
        return op.good ? answer(Answer::ok, "rfc1939#7", "PASS with the right password after USER")
                       : answer(Answer::err, "rfc1939#7", "PASS with a wrong password");
      if (pending_ == Pending::bad_user) return answer(Answer::err, "rfc1939#7", "PASS after USER with an unknown name");
      if ((pass_failed_ || user_overtaken_) && op.good) {
        Expectation e = answer(Answer::either, "rfc1939#7",
                               user_overtaken_ ? "PASS after USER and then another login command"
                                               : "PASS after a refused PASS, without a new USER");
        e.resync_on_ok = true;
        return e;
      }
      return answer(Answer::err, "rfc1939#7", "PASS without USER");
    case OpKind::apop:
      if (!apop_) return answer(Answer::err, "rfc1939#7", "APOP when the greeting offers no timestamp");
      return op.good ? answer(Answer::ok, "rfc1939#7", "APOP with the right digest")
                     : answer(Answer::err, "rfc1939#7", "APOP with a wrong digest");
    case OpKind::quit: {
      Expectation e = answer(Answer::ok, "rfc1939#6", "QUIT in the AUTHORIZATION state");
      e.closes = true;
      return e;
    }
    case OpKind::second_session: return answer(Answer::ok, "rfc1939#4", "a second session");
    default:
      return answer(Answer::err, "rfc1939#4",
                    std::string(keyword(op.kind)) + " is valid only in the TRANSACTION state");
  }
}

Expectation Model::transaction_answer(const Op& op) const {
  switch (op.kind) {
    case OpKind::user:
    case OpKind::pass:
    case OpKind::apop:
      return answer(Answer::err, "rfc1939#7", std::string(keyword(op.kind)) + " is valid only in the AUTHORIZATION state");
    case OpKind::stat: {
      Expectation e = answer(Answer::ok, "rfc1939#5", "STAT counts the messages not marked as deleted, and their octets");
      e.data = Data::stat;
      for (const auto& entry : undeleted()) {
        ++e.count;
        e.octets += content(entry.message).size();
      }
      return e;
    }
    case OpKind::list: return listing_answer(op);
    case OpKind::uidl:
      if (!optional_.uidl) return answer(Answer::err, "rfc1939#7", "UIDL, which this server leaves out (optional)");
      return listing_answer(op);
    case OpKind::top:
      if (!optional_.top) return answer(Answer::err, "rfc1939#7", "TOP, which this server leaves out (optional)");
      return message_answer(op);
    case OpKind::retr:
    case OpKind::dele: return message_answer(op);
    case OpKind::rset: return answer(Answer::ok, "rfc1939#5", "RSET unmarks every message");
    case OpKind::noop: return answer(Answer::ok, "rfc1939#5", "NOOP");
    case OpKind::quit: {
      Expectation e = answer(Answer::ok, "rfc1939#6",
                             download_and_delete_
                                 ? "QUIT removes the marked messages, and those retrieved with RETR (the server's "
                                   "download-and-delete policy, RFC 1939 #8), and ends the session"
                                 : "QUIT removes the marked messages and ends the session");
      e.closes = true;
      return e;
    }
    case OpKind::second_session: {
      // While this session holds the maildrop, a second login should be
      // refused; one let in must see the maildrop as committed.
      Expectation e = answer(Answer::err, "rfc1939#4", "a second session while the maildrop is locked");
      e.data = Data::stat;
      e.count = committed_count();
      e.octets = committed_octets();
      return e;
    }
    case OpKind::drop: break;
  }
  return answer(Answer::ok, "rfc1939#6", "");
}

Expectation Model::listing_answer(const Op& op) const {
  bool uidl = op.kind == OpKind::uidl;
  const char* rfc = uidl ? "rfc1939#7" : "rfc1939#5";
  if (!op.number) {
    Expectation e = answer(Answer::ok, rfc,
                           uidl ? "UIDL lists every message not marked as deleted, ids stable across sessions"
                                : "LIST lists every message not marked as deleted with its exact size");
    e.data = uidl ? Data::uid_listing : Data::scan_listing;
    e.entries = undeleted();
    return e;
  }
  std::string why;
  auto entry = resolve(op.number, why);
  if (!entry) return answer(Answer::err, rfc, std::string(keyword(op.kind)) + ": " + why);
  Expectation e = answer(Answer::ok, rfc,
                         uidl ? "UIDL n: the message's unique-id, stable across sessions" : "LIST n: the message's exact size");
  e.data = uidl ? Data::unique_id : Data::scan;
  e.entries = {*entry};
  return e;
}

Expectation Model::message_answer(const Op& op) const {
  bool top = op.kind == OpKind::top;
  const char* rfc = top ? "rfc1939#7" : "rfc1939#5";
  std::string why;
  auto entry = resolve(op.number, why);
  if (!entry) return answer(Answer::err, rfc, std::string(keyword(op.kind)) + ": " + why);
  if (top && !is_lines_arg(op.lines))
    return answer(Answer::err, rfc, "TOP: '" + op.lines + "' is not a non-negative number of lines");
  if (op.kind == OpKind::dele) return answer(Answer::ok, rfc, "DELE marks the message as deleted");
  Expectation e = answer(Answer::ok, rfc,
                         top ? "TOP n k: the headers, the blank line and k body lines of that message"
                             : "RETR n: that message, byte for byte");
  e.data = top ? Data::top : Data::message;
  e.entries = {*entry};
  if (top) e.lines = std::stoul(op.lines);
  return e;
}

void Model::end_session(bool commit) {
  if (commit)
    for (std::size_t i = 0; i < numbering_.size(); ++i)
      if (marked_[i] || (download_and_delete_ && retrieved_[i])) removed_[numbering_[i]] = true;
  transaction_ = false;
  pending_ = Pending::none;
  pass_failed_ = user_overtaken_ = false;
  numbering_.clear();
  marked_.clear();
  retrieved_.clear();
}

void Model::apply(const Op& op) {
  switch (op.kind) {
    case OpKind::quit: end_session(transaction_); return;
    case OpKind::drop: end_session(false); return;
    case OpKind::second_session: return;
    default: break;
  }
  if (!transaction_) {
    bool login = false;
    switch (op.kind) {
      case OpKind::user:
        pending_ = op.good ? Pending::good_user : Pending::bad_user;
        pass_failed_ = user_overtaken_ = false;
        return;
      case OpKind::pass:
        login = pending_ == Pending::good_user && op.good;
        pass_failed_ = pending_ != Pending::none && !login;
        pending_ = Pending::none;
        break;
      case OpKind::apop:
        login = apop_ && op.good;
        // Once another login command came between USER and PASS, RFC 1939
        // leaves PASS's answer open until the next USER: a second refused
        // APOP does not make it a plain "PASS without USER" again.
        if (!login && pending_ != Pending::none) {
          user_overtaken_ = true;
          pending_ = Pending::none;
        }
        break;
      default: return;
    }
    if (!login) return;
    transaction_ = true;
    pass_failed_ = user_overtaken_ = false;
    pending_ = Pending::none;
    for (std::size_t i = 0; i < removed_.size(); ++i)
      if (!removed_[i]) numbering_.push_back(i);
    marked_.assign(numbering_.size(), false);
    retrieved_.assign(numbering_.size(), false);
    return;
  }
  std::string why;
  if (op.kind == OpKind::dele) {
    if (auto entry = resolve(op.number, why)) marked_[entry->number - 1] = true;
  } else if (op.kind == OpKind::retr) {
    if (auto entry = resolve(op.number, why)) retrieved_[entry->number - 1] = true;
  } else if (op.kind == OpKind::rset) {
    marked_.assign(marked_.size(), false);
  }
}

}  // namespace pop3::oracle
