#include "prop/case_runner.hpp"

#include "codec/command_line.hpp"
#include "util/md5_hex.hpp"

namespace pop3::prop {

using Answer = Expectation::Answer;

namespace {

bool multiline_if_ok(const Op& op) {
  return op.kind == OpKind::retr || op.kind == OpKind::top ||
         ((op.kind == OpKind::list || op.kind == OpKind::uidl) && !op.number);
}

std::string timestamp_of(const std::string& greeting) {
  auto lt = greeting.find('<');
  auto gt = greeting.find('>', lt == std::string::npos ? 0 : lt);
  if (lt == std::string::npos || gt == std::string::npos) return {};
  return greeting.substr(lt, gt - lt + 1);
}

}  // namespace

CaseRunner::CaseRunner(Server& target, Credentials credentials, Server* reference,
                       std::optional<Credentials> reference_credentials) {
  lanes_.push_back(Lane{&target, credentials, nullptr, {}, {}, false, false, {}});
  if (reference) lanes_.push_back(Lane{reference, reference_credentials.value_or(credentials), nullptr, {}, {}, false, false, {}});
}

Finding CaseRunner::problem(const Lane& lane, const Expectation& e, const std::string& what, const Exchange& x) const {
  Finding f;
  f.rfc = e.rfc.empty() ? "rfc1939#3" : e.rfc;
  f.requirements = requirement_ids(Builtin::answers_each_command);
  f.message = what + (x.detail.empty() ? "" : ": " + x.detail);
  f.expected = e.answer == Answer::err ? "-ERR ..." : "+OK ...";
  f.actual = x.failure == Exchange::Failure::timeout ? "no answer" : "the connection closed";
  if (x.failure == Exchange::Failure::protocol) f.actual = x.detail;
  f.transcript = lane.link ? lane.link->recent() : std::string{};
  return f;
}

void CaseRunner::observe(Finding f) {
  for (const auto& o : observations_)
    if (o.finding.message == f.message) return;
  observations_.push_back({std::move(f), trace_});
}

std::optional<Finding> CaseRunner::connect(Lane& lane) {
  lane.link = lane.server->connect();
  lane.last_was_err = false;
  Expectation greeting;
  greeting.rfc = "rfc1939#4";
  greeting.rule = "the greeting is a positive response";
  Exchange x = lane.link->greeting();
  if (!x.response) return problem(lane, greeting, "no greeting", x);
  if (!x.response->parsed || x.response->parsed->status != Status::ok) {
    Finding f{Severity::must, "rfc1939#4", "the greeting is not +OK", "+OK ...", x.response->status_line,
              lane.link->recent(), false, requirement_ids(Builtin::greeting)};
    return f;
  }
  lane.timestamp = timestamp_of(x.response->status_line);
  lane.apop = !lane.timestamp.empty();
  return std::nullopt;
}

std::optional<Finding> CaseRunner::begin() {
  trace_.clear();
  for (auto& lane : lanes_) {
    lane.link.reset();
    lane.uids = UidBook{};
    lane.server->reset();
  }
  for (auto& lane : lanes_)
    if (auto f = connect(lane)) return f;
  return std::nullopt;
}

void CaseRunner::end() {
  for (auto& lane : lanes_) lane.link.reset();
}

std::optional<Finding> CaseRunner::step(const Op& op, const Model& before) {
  Expectation e = before.expect(op);
  trace_.push_back(TraceItem{TraceItem::Kind::op, op, e, false, Model::Pending::none, {}});
  for (std::size_t i = 0; i < lanes_.size(); ++i) {
    lanes_[i].observed.clear();
    if (auto f = play(lanes_[i], op, e, before, i == 0)) {
      if (i == 0) return f;
      f->severity = Severity::should;
      f->difference = true;
      f->reference_broke = true;
      f->message = "the reference server fails this step itself: " + f->message;
      return f;
    }
  }
  if (lanes_.size() == 2 && lanes_[0].observed != lanes_[1].observed) {
    // Both lanes are within the model here (play() checked them), so going
    // on past an ignored difference leaves neither server astray.
    if (ignored_.count(difference_key(op.kind))) {
      ++differences_ignored_;
      return std::nullopt;
    }
    Finding f;
    f.severity = Severity::should;
    f.difference = true;
    f.rfc = e.rfc;
    f.message = show(op) + ": the target and the reference server answer differently (free text ignored)";
    f.expected = "reference: " + lanes_[1].observed;
    f.actual = "target: " + lanes_[0].observed;
    f.transcript = lanes_[0].link ? lanes_[0].link->recent() : "";
    return f;
  }
  return std::nullopt;
}

// [IN-USE] to a login the model expects to succeed: the server has not yet
// let go of a session this campaign dropped (the last case's, or a drop's),
// which RFC 2449 #8.1.2 allows. The login is made again after a pause, as the
// scenario runner does, for up to about 3 s.
Exchange CaseRunner::retry_in_use(Lane& lane, const Op& op, const Expectation& e, const std::string& line, Exchange x) {
  auto in_use = [](const Exchange& x) { return x.response && x.response->parsed && x.response->parsed->code == "IN-USE"; };
  if ((op.kind != OpKind::pass && op.kind != OpKind::apop) || e.answer != Answer::ok) return x;
  for (int attempt = 0; attempt < 5 && in_use(x); ++attempt) {
    lane.link->pause(std::chrono::milliseconds(100 << attempt));
    if (op.kind == OpKind::pass) {
      Op user{OpKind::user, {}, {}, true};
      lane.link->request(command_line(user, lane.credentials.user, lane.credentials.pass, ""), show(user), false);
      ++commands_;
    }
    x = lane.link->request(line, show(op), multiline_if_ok(op));
    ++commands_;
  }
  return x;
}

std::optional<Finding> CaseRunner::play(Lane& lane, const Op& op, const Expectation& e, const Model& before,
                                        bool primary) {
  Model after = before;
  after.apply(op);
  if (op.kind == OpKind::drop) {
    lane.link.reset();
    lane.observed = "dropped";
    return connect(lane);
  }
  if (op.kind == OpKind::second_session) return second_session(lane, e, before, primary);

  std::string digest = lane.timestamp.empty() ? std::string("0") : md5_hex(lane.timestamp + lane.credentials.pass);
  std::string line = command_line(op, lane.credentials.user, lane.credentials.pass, digest);
  ++commands_;
  Exchange x = lane.link->request(line, show(op), multiline_if_ok(op));
  x = retry_in_use(lane, op, e, line, std::move(x));
  bool after_err = lane.last_was_err;
  auto is_err = [](const Exchange& x) { return x.response && x.response->parsed && x.response->parsed->status == Status::err; };
  // Some servers end the session after too many bad commands (Dovecot
  // before login: three), with a last -ERR line that may arrive as the
  // answer to the next command. That is their right after -ERR; the case
  // goes on from a new connection in the model's state.
  bool goodbye = after_err && ((!x.response && x.failure == Exchange::Failure::closed) ||
                               (is_err(x) && e.answer == Answer::ok && lane.link->closes()));
  if (goodbye) {
    if (primary)
      observe({Severity::info, "rfc1939#3", "the server closes the connection after some -ERR answers", "", "",
               lane.link->recent(), false, {}});
    TraceItem item{TraceItem::Kind::resync, {}, {}, before.in_transaction(), before.pending(), before.marked_numbers()};
    if (primary) trace_.insert(trace_.end() - 1, item);
    if (auto f = resync(lane, before, primary)) return f;
    x = lane.link->request(line, show(op), multiline_if_ok(op));
  }
  if (!x.response) {
    std::string what = x.failure == Exchange::Failure::closed    ? "the server closed the connection instead of answering"
                       : x.failure == Exchange::Failure::timeout ? "the server did not answer"
                                                                 : "the answer breaks the protocol";
    return problem(lane, e, what + " " + show(op), x);
  }
  const Response& r = *x.response;
  lane.last_was_err = r.parsed && r.parsed->status == Status::err;
  if (auto f = judge(e, r, after, lane.uids)) {
    f->message = show(op) + ": " + f->message;
    f->transcript = lane.link->recent();
    return f;
  }
  lane.observed = observation(e, r, lane.uids);
  bool ok = r.parsed && r.parsed->status == Status::ok;
  if (e.closes) {
    if (!lane.link->closes())
      return Finding{Severity::must, "rfc1939#6", "QUIT: the server answered but left the connection open",
                     "the connection closed", "still open", lane.link->recent(), false,
                     requirement_ids(Builtin::prop_update)};
    return connect(lane);
  }
  if ((ok && e.resync_on_ok) || (!ok && e.answer == Answer::either && e.resync_on_err)) {
    // The server took a choice the RFC allows and the model does not follow.
    if (primary)
      trace_.push_back(TraceItem{TraceItem::Kind::resync, {}, {}, after.in_transaction(), after.pending(),
                                 after.marked_numbers()});
    return resync(lane, after, primary);
  }
  return std::nullopt;
}

std::optional<Finding> CaseRunner::resync(Lane& lane, const Model& state, bool) {
  lane.link.reset();
  if (auto f = connect(lane)) return f;
  auto send = [&](const Op& op, bool must_ok) -> std::optional<Finding> {
    std::string digest = lane.timestamp.empty() ? std::string("0") : md5_hex(lane.timestamp + lane.credentials.pass);
    Exchange x = lane.link->request(command_line(op, lane.credentials.user, lane.credentials.pass, digest), show(op),
                                    multiline_if_ok(op));
    ++commands_;
    Expectation e;
    e.rfc = "rfc1939#7";
    e.rule = "restoring the session after a reconnect";
    if (!x.response) return problem(lane, e, "while restoring the session, " + show(op) + " got no answer", x);
    bool ok = x.response->parsed && x.response->parsed->status == Status::ok;
    if (must_ok && !ok)
      return Finding{Severity::must, "rfc1939#7", "while restoring the session: " + show(op) + " refused",
                     "+OK ...", x.response->status_line, lane.link->recent(), false,
                     requirement_ids(Builtin::prop_authorization)};
    return std::nullopt;
  };
  if ((state.in_transaction() && logins_.user) || state.pending() == Model::Pending::good_user)
    if (auto f = send(Op{OpKind::user, {}, {}, true}, true)) return f;
  if (state.pending() == Model::Pending::bad_user)
    if (auto f = send(Op{OpKind::user, {}, {}, false}, false)) return f;
  if (!state.in_transaction()) return std::nullopt;
  if (!logins_.user) {
    // A server that takes APOP and not USER/PASS for this account.
    if (auto f = send(Op{OpKind::apop, {}, {}, true}, true)) return f;
  } else if (auto f = send(Op{OpKind::pass, {}, {}, true}, true)) {
    return f;
  }
  // A download-and-delete server removes at QUIT what this session
  // retrieved: retrieved again, before the marks (RETR of a marked one fails).
  if (state.download_and_delete())
    for (auto n : state.retrieved_numbers())
      if (auto f = send(Op{OpKind::retr, std::to_string(n), {}, true}, true)) return f;
  for (auto n : state.marked_numbers())
    if (auto f = send(Op{OpKind::dele, std::to_string(n), {}, true}, true)) return f;
  return std::nullopt;
}

std::optional<Finding> CaseRunner::second_session(Lane& lane, const Expectation& e, const Model& before, bool primary) {
  if (!before.in_transaction()) {
    lane.observed = "not logged in";
    return std::nullopt;
  }
  Lane other{lane.server, lane.credentials, nullptr, {}, {}, false, false, {}};
  if (auto f = connect(other)) return f;
  Exchange pass;
  if (logins_.user) {
    Exchange user = other.link->request("USER " + lane.credentials.user, "USER {user}", false);
    pass = user.response ? other.link->request("PASS " + lane.credentials.pass, "PASS {pass}", false) : user;
    commands_ += 2;
  } else {
    std::string digest = md5_hex(other.timestamp + lane.credentials.pass);
    pass = other.link->request("APOP " + lane.credentials.user + " " + digest, "APOP {user} {apop}", false);
    ++commands_;
  }
  if (!pass.response) {
    lane.observed = "second login: no answer";
    return problem(other, e, "a second session's login got no answer", pass);
  }
  if (!pass.response->parsed || pass.response->parsed->status != Status::ok) {
    lane.observed = "second login refused";
    return std::nullopt;
  }
  lane.observed = "second login accepted";
  if (primary)
    observe({Severity::should, "rfc1939#4",
             "no exclusive-access lock: a second session logged in while the first held the maildrop",
             "-ERR ([IN-USE], RFC 2449 #8)", pass.response->status_line, other.link->recent(), false, {}});
  Exchange stat = other.link->request("STAT", "STAT", false);
  ++commands_;
  if (!stat.response) return problem(other, e, "STAT in the second session got no answer", stat);
  Expectation committed = e;
  committed.answer = Answer::ok;
  committed.rule = "a second session sees the maildrop as committed, without the first session's marks";
  if (auto f = judge(committed, *stat.response, before, other.uids)) {
    f->message = "STAT in a second session: " + f->message;
    f->transcript = other.link->recent();
    return f;
  }
  lane.observed += ", " + observation(committed, *stat.response, other.uids);
  return std::nullopt;
}

}  // namespace pop3::prop
