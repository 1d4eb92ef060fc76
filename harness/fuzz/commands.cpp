#include "fuzz/commands.hpp"

#include <cctype>

#include "codec/command_line.hpp"

namespace pop3::fuzz {

using oracle::Op;
using oracle::OpKind;

std::string join(const Command& c) {
  std::string s = c.keyword;
  for (const auto& a : c.args) s += " " + a;
  return s;
}

namespace {

// "+1" and "00001" may fairly be read as 1.
std::string as_number(std::string s) {
  if (s.starts_with("+")) s.erase(0, 1);
  while (s.size() > 1 && s[0] == '0') s.erase(0, 1);
  return s;
}

}  // namespace

Unit modelled(const Command& c) {
  Unit u;
  u.bytes = join(c) + kCrlf;
  u.op = c.op;
  u.secret = c.secret;
  u.multiline_if_ok = multiline_if_ok(c.keyword, c.args.size());
  return u;
}

Unit judged(const Command& c, Unit::Expect expect, std::string rule, std::string rfc) {
  Unit u;
  // Answered +OK, DELE and RSET change the marks even when the model cannot
  // predict the answer: the model follows the server there.
  if (c.op && (c.op->kind == OpKind::dele || c.op->kind == OpKind::rset)) {
    u.effect_if_ok = c.op;
    if (c.op->kind == OpKind::dele) u.effect_if_ok->number = c.args.empty() ? std::string() : as_number(c.args[0]);
  }
  u.bytes = join(c) + kCrlf;
  u.expect = expect;
  u.rule = std::move(rule);
  u.rfc = std::move(rfc);
  u.secret = c.secret;
  u.multiline_if_ok = multiline_if_ok(c.keyword, c.args.size());
  return u;
}

std::string CommandPicker::number() {
  std::size_t n = ctx_.messages;
  if (rng_.percent(80)) return std::to_string(1 + rng_.below(n));
  return std::to_string(n + 1);
}

Command CommandPicker::op(OpKind kind, std::optional<std::string> num, std::string lines) {
  Command c;
  c.keyword = oracle::keyword(kind);
  c.op = Op{kind, num, lines, true};
  if (num) {
    c.number_arg = 0;
    c.args.push_back(*num);
  }
  if (kind == OpKind::top) c.args.push_back(lines);
  return c;
}

Command CommandPicker::transaction() {
  switch (rng_.below(13)) {
    case 0: return op(OpKind::stat);
    case 1: return op(OpKind::list);
    case 2: return op(OpKind::list, number());
    case 3: return op(OpKind::uidl);
    case 4: return op(OpKind::uidl, number());
    case 5: return op(OpKind::retr, number());
    case 6: return op(OpKind::top, number(), std::to_string(rng_.below(4)));
    case 7: return op(OpKind::dele, number());
    case 8: return op(OpKind::rset);
    case 9: return op(OpKind::noop);
    case 10: {
      Command c;
      c.keyword = "CAPA";
      return c;
    }
    case 11: {
      Command c = op(OpKind::user);
      c.args = {ctx_.user};
      return c;
    }
    default: return unknown();
  }
}

Command CommandPicker::authorization() {
  switch (rng_.below(9)) {
    case 0:
    case 1: {
      Command c = op(OpKind::user);
      c.args = {ctx_.user};
      return c;
    }
    case 2: {
      // A wrong password after the right name: the one login-shaped prefix
      // the fuzzer sends (it never sends the real password in a case).
      Command c = op(OpKind::pass);
      c.op->good = false;
      c.args = {"wrong-" + std::to_string(rng_.below(1000))};
      c.secret = true;
      return c;
    }
    case 3: {
      Command c = op(OpKind::apop);
      c.op->good = false;
      c.args = {ctx_.user, std::string(32, "0123456789abcdef"[rng_.below(16)])};
      c.secret = true;
      return c;
    }
    case 4: {
      Command c;
      c.keyword = "AUTH";
      c.args = {"PLAIN"};
      return c;
    }
    case 5: {
      Command c;
      c.keyword = "CAPA";
      return c;
    }
    case 6: return op(OpKind::stat);  // wrong state
    case 7: return op(OpKind::retr, number());
    default: return unknown();
  }
}

Command CommandPicker::unknown() {
  static const std::vector<std::string> words = {"XYZZ", "RETRX", "RE", "LISTS", "HELO", "EHLO", "STARTTLS",
                                                 "LOGIN", "SELECT", "X"};
  Command c;
  c.keyword = rng_.pick(words);
  if (rng_.percent(50)) c.args.push_back("1");
  return c;
}

}  // namespace pop3::fuzz
