// The lane's oracles: each answer judged against the model, and each way a
// case can end without one (a hang, a cut, a close) turned into a finding or
// a suspicion the campaign settles.
#include "codec/command_line.hpp"
#include "fuzz/generator.hpp"
#include "fuzz/lane.hpp"
#include "fuzz/verdict.hpp"
#include "net/transcript.hpp"

namespace pop3::fuzz {

CaseResult Lane::violation(const Violation& v, const std::string& keyword, std::string transcript) const {
  Finding f;
  f.oracle = Oracle::violation;
  f.rfc = v.rfc;
  f.requirements = v.requirements;
  f.message = v.rule;
  f.expected = v.expected;
  f.actual = redactor_.apply(v.actual);
  f.signature = "violation:" + v.key + ":" + keyword;
  f.transcript = std::move(transcript);
  CaseResult out;
  out.kind = CaseResult::Kind::finding;
  out.finding = std::move(f);
  return out;
}

CaseResult Lane::judge(const Unit& u, const Response& r) {
  if (auto v = judge_response(u, r, model_, uids_))
    return violation(*v, line_keyword(u.bytes.substr(0, u.bytes.find_first_of("\r\n"))), recent());
  bool ok = r.parsed && r.parsed->status == Status::ok;
  if (u.op) model_.apply(*u.op);
  else if (ok && u.effect_if_ok && model_.in_transaction()) model_.apply(*u.effect_if_ok);
  return {};
}

Duration Lane::answer_deadline(const Unit* u) const {
  if (!u) return config_.target.read_timeout;
  std::string k = line_keyword(std::string_view(u->bytes).substr(0, u->bytes.find_first_of("\r\n")));
  bool login = u->continuation || k == "PASS" || k == "APOP" || k == "AUTH";
  return login ? std::max(config_.target.read_timeout, config_.target.login_timeout) : config_.target.read_timeout;
}

CaseResult Lane::failure(const Case& c, const Unit* u, const std::exception& e) {
  CaseResult r;
  std::string what = redactor_.apply(e.what());
  std::string transcript = recent();
  auto finding = [&](Oracle o, std::string rfc, std::string message, std::string key,
                     Builtin check = Builtin::answers_each_command) {
    Finding f;
    f.oracle = o;
    f.rfc = std::move(rfc);
    f.requirements = requirement_ids(check);
    f.message = std::move(message);
    f.expected = "a complete answer within " + std::to_string(answer_deadline(u).count()) + " ms";
    f.actual = what;
    f.signature = std::string(to_string(o)) + ":" + key;
    f.transcript = transcript;
    r.kind = CaseResult::Kind::finding;
    r.finding = std::move(f);
  };
  std::string shown = u ? redactor_.command(u->bytes) : std::string();
  if (auto* p = dynamic_cast<const ProtocolError*>(&e)) {
    using K = ProtocolError::Kind;
    switch (p->kind) {
      case K::timeout:
        finding(Oracle::hang, "rfc1939#3", "the server never answered " + escape_bytes(shown, 80) + " (" + c.mutation + ")",
                features(c));
        break;
      case K::unterminated:
        finding(Oracle::violation, "rfc1939#3", "a multi-line response ends with a line holding only '.'",
                "unterminated-body:" + line_keyword(c.keyword), Builtin::line_ends);
        break;
      case K::violation: finding(Oracle::violation, p->rfc, what, "framing:" + line_keyword(c.keyword), p->check); break;
      case K::closed_mid:
        // Crashed mid-answer, or cut its own answer short: the campaign
        // checks which; the finding stands when the server is still up.
        finding(Oracle::violation, "rfc1939#3", "the server closed the connection in the middle of its answer to " +
                                                    escape_bytes(shown, 80) + " (" + c.mutation + ")",
                "closed-mid:" + line_keyword(c.keyword));
        r.finding->expected = "the whole answer, ended as RFC 1939 #3 says";
        r.kind = CaseResult::Kind::suspect;
        r.detail = what;
        break;
      case K::closed:
      case K::limit:
        // Gone without an answer (the campaign asks whether it crashed), or an answer beyond the harness's bounds.
        r.kind = CaseResult::Kind::suspect;
        r.detail = what;
        break;
    }
  } else if (auto* n = dynamic_cast<const NetError*>(&e); n && n->kind() == NetError::Kind::timeout) {
    finding(Oracle::hang, "rfc1939#3", "the server stopped reading: a write of the case timed out (" + c.mutation + ")",
            features(c));
  } else {
    r.kind = CaseResult::Kind::suspect;
    r.detail = what;
  }
  drop();
  return r;
}

}  // namespace pop3::fuzz
