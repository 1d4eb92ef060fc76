#include "oracle/op.hpp"

namespace pop3::oracle {

namespace {
// Wrong credentials the account cannot have.
constexpr const char* kWrongUser = "no-such-user-pop3-harness";
constexpr const char* kWrongPass = "wrong-password-pop3-harness";
constexpr const char* kWrongDigest = "0123456789abcdef0123456789abcdef";
}  // namespace

const char* keyword(OpKind kind) {
  switch (kind) {
    case OpKind::user: return "USER";
    case OpKind::pass: return "PASS";
    case OpKind::apop: return "APOP";
    case OpKind::stat: return "STAT";
    case OpKind::list: return "LIST";
    case OpKind::uidl: return "UIDL";
    case OpKind::retr: return "RETR";
    case OpKind::top: return "TOP";
    case OpKind::dele: return "DELE";
    case OpKind::rset: return "RSET";
    case OpKind::noop: return "NOOP";
    case OpKind::quit: return "QUIT";
    case OpKind::drop: return "(drop)";
    case OpKind::second_session: return "(second session)";
  }
  return "?";
}

std::string difference_key(OpKind kind) {
  if (kind == OpKind::second_session) return "SECOND-SESSION";
  if (kind == OpKind::drop) return "DROP";
  return keyword(kind);
}

std::string command_line(const Op& op, const std::string& user, const std::string& pass,
                         const std::string& apop_digest) {
  std::string line = keyword(op.kind);
  switch (op.kind) {
    case OpKind::user: return line + " " + (op.good ? user : kWrongUser);
    case OpKind::pass: return line + " " + (op.good ? pass : kWrongPass);
    case OpKind::apop: return line + " " + user + " " + (op.good ? apop_digest : kWrongDigest);
    case OpKind::top: return line + " " + op.number.value_or("1") + " " + op.lines;
    default:
      if (op.number) line += " " + *op.number;
      return line;
  }
}

std::string show(const Op& op) {
  switch (op.kind) {
    case OpKind::user: return op.good ? "USER {user}" : std::string("USER ") + kWrongUser;
    case OpKind::pass: return op.good ? "PASS {pass}" : std::string("PASS ") + kWrongPass;
    case OpKind::apop: return op.good ? "APOP {user} {apop}" : std::string("APOP {user} ") + kWrongDigest;
    default: return command_line(op, "", "", "");
  }
}

}  // namespace pop3::oracle
