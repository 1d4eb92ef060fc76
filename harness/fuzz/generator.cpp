#include "fuzz/generator.hpp"

#include "fuzz/commands.hpp"

#include "codec/command_line.hpp"

#include <algorithm>
#include <cctype>

namespace pop3::fuzz {

using oracle::Op;
using oracle::OpKind;

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

const char* to_string(Delivery d) {
  switch (d) {
    case Delivery::whole: return "whole";
    case Delivery::bytewise: return "bytewise";
    case Delivery::burst: return "burst";
    case Delivery::closing: return "closing";
    case Delivery::half_close: return "half-close";
  }
  return "?";
}

const char* to_string(Phase p) { return p == Phase::authorization ? "authorization" : "transaction"; }

namespace {

Unit with_check(Unit u, Builtin check) {
  u.check = check;
  return u;
}

class Generator {
 public:
  Generator(std::uint64_t seed, std::uint64_t index, const GenContext& ctx) : rng_(seed ^ (index * 0xd1b54a32d192ed03ull)), ctx_(ctx) {
    rng_.next();
  }

  Case make(Phase phase) {
    Case c;
    c.phase = phase;
    Command base = phase == Phase::transaction ? pick_.transaction() : pick_.authorization();
    c.keyword = base.keyword;
    mutate(c, base);
    return c;
  }

 private:
  // The unit for a command whose keyword or arguments were changed: judged
  // by the model when it still names a command the model knows.
  Unit remodel(Command c) {
    if (!c.op) return judged(c, Unit::Expect::any, "", "");
    return modelled(c);
  }

  void mutate(Case& out, Command c) {
    // Pipelining and one-octet writes carry valid commands; everything else
    // changes the command itself.
    unsigned roll = static_cast<unsigned>(rng_.below(100));
    if (roll < 24 && deliver(out, c, roll)) return;
    if (c.keyword == "AUTH") {
      auth(out, c);
      return;
    }
    // Weights: hostile framing (NUL, bare CR or LF, megabyte lines) needs a
    // session of its own, so it is drawn less often than what shares one.
    static const std::vector<int> kinds = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9, 9, 10, 10};
    if (change(out, c, rng_.pick(kinds))) return;
    out.mutation = "none";
    out.units.push_back(finish(c));
  }

  // A valid command, delivered in a hostile way; false when none applies.
  bool deliver(Case& out, const Command& c, unsigned roll) {
    if (roll < 10) {
      out.mutation = "none";
    } else if (roll < 16 && ctx_.pipelining) {
      out.delivery = Delivery::burst;
      out.mutation = "burst";
      std::size_t n = 2 + rng_.below(4);
      out.units.push_back(finish(c));
      for (std::size_t i = 1; i < n; ++i)
        out.units.push_back(finish(out.phase == Phase::transaction ? pick_.transaction() : pick_.authorization()));
      // AUTH waits for its challenge: not pipelined.
      std::erase_if(out.units, [](const Unit& u) { return u.continuation; });
      if (out.units.size() < 2) out.units.push_back(finish(pick_.op(OpKind::noop)));
      return true;
    } else if (roll < 21) {
      out.delivery = Delivery::bytewise;
      out.mutation = "bytewise";
    } else if (!ctx_.tls) {
      out.delivery = Delivery::half_close;
      out.mutation = "half-close";
    } else {
      return false;
    }
    out.units.push_back(finish(c));
    return true;
  }

  // The command itself changed, by kind; false when the kind does not apply to it.
  bool change(Case& out, Command& c, int kind) {
    switch (kind) {
      case 0: keyword_case(out, c); return true;
      case 1:
      case 2: numbers(out, c); return true;
      case 3: return missing_arg(out, c);
      case 4: extra_arg(out, c); return true;
      case 5: long_arg(out, c); return true;
      case 6: eight_bit(out, c); return true;
      case 7: nul(out, c); return true;
      case 8: bare_line_end(out, c); return true;
      case 9: return dictionary(out, c);
      default: unknown_keyword(out); return true;
    }
  }

  // Keywords are case-insensitive (RFC 1939 #3).
  void keyword_case(Case& out, Command c) {
    out.mutation = "keyword-case";
    for (auto& ch : c.keyword)
      if (rng_.percent(60)) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.units.push_back(finish(c));
  }

  bool missing_arg(Case& out, Command c) {
    if (c.args.empty()) return false;
    out.mutation = "missing-arg";
    c.args.pop_back();
    if (c.op && (c.op->kind == OpKind::list || c.op->kind == OpKind::uidl)) {
      c.op->number.reset();
      out.units.push_back(modelled(c));
      return true;
    }
    // USER may be answered +OK whatever the name (RFC 1939 #7), an empty
    // PASS is a wrong password: only a missing message number is judged.
    bool numbered = c.op && (c.op->kind == OpKind::retr || c.op->kind == OpKind::top || c.op->kind == OpKind::dele);
    out.units.push_back(numbered ? with_check(judged(c, Unit::Expect::err, c.keyword + " without its required argument", "rfc1939#5"),
                                            Builtin::fuzz_missing_argument)
                                 : judged(c, Unit::Expect::any, "", ""));
    return true;
  }

  void extra_arg(Case& out, Command c) {
    out.mutation = "extra-arg";
    bool listing = c.op && (c.op->kind == OpKind::list || c.op->kind == OpKind::uidl) && c.args.empty();
    c.args.push_back(rng_.percent(50) ? "1" : "x");
    if (listing) {
      // "LIST 1": now it names a message.
      c.op->number = c.args.back();
      out.units.push_back(modelled(c));
      return;
    }
    out.units.push_back(judged(c, Unit::Expect::any, "", ""));
  }

  void long_arg(Case& out, Command c) {
    std::size_t len = rng_.pick(std::vector<std::size_t>{255, 256, 255, 256, 65536, 1048576});
    out.mutation = "long-arg:" + std::to_string(len);
    std::string arg(len, c.number_arg == 0 ? '1' : 'A');
    if (c.args.empty()) c.args.push_back(arg);
    else c.args[c.args.size() == 2 && c.number_arg == 0 && rng_.percent(50) ? 1 : 0] = arg;
    if (len > 1000) {
      out.delivery = Delivery::closing;
      out.units.push_back(judged(c, Unit::Expect::any, "", ""));
      return;
    }
    bool number_only = c.op && c.op->number && c.args.size() == (c.op->kind == OpKind::top ? 2u : 1u);
    if (number_only && c.op->kind != OpKind::top) {
      c.op->number = c.args[0];
      out.units.push_back(modelled(c));
      return;
    }
    out.units.push_back(judged(c, Unit::Expect::any, "", ""));
  }

  void eight_bit(Case& out, Command c) {
    out.mutation = "8bit";
    std::string junk;
    for (std::size_t i = 0, n = 1 + rng_.below(8); i < n; ++i) junk += static_cast<char>(0x80 + rng_.below(128));
    if (c.op && c.op->number && c.op->kind != OpKind::top) {
      c.args[0] = junk;
      c.op->number = junk;
      out.units.push_back(modelled(c));
      return;
    }
    c.args.push_back(junk);
    out.units.push_back(judged(c, Unit::Expect::any, "", ""));
  }

  void nul(Case& out, const Command& c) {
    out.mutation = "nul";
    std::string line = join(c);
    line.insert(rng_.below(line.size() + 1), 1, '\0');
    closing(out, line + kCrlf);
  }

  void bare_line_end(Case& out, const Command& c) {
    bool lf = rng_.percent(50);
    out.mutation = lf ? "bare-lf" : "bare-cr";
    std::string line = join(c), sep = lf ? "\n" : "\r";
    if (rng_.percent(50)) closing(out, line + sep);
    else closing(out, line + sep + join(pick_.transaction()) + kCrlf);
  }

  bool dictionary(Case& out, Command c) {
    if (ctx_.dictionary.empty()) return false;
    out.mutation = "dictionary";
    std::string token = rng_.pick(ctx_.dictionary);
    bool clean = std::all_of(token.begin(), token.end(), [](char ch) { return ch >= 0x20 && ch < 0x7f; });
    if (!clean) {
      closing(out, join(c) + " " + token + kCrlf);
      return true;
    }
    if (rng_.percent(50) || c.args.empty()) c.args.push_back(token);
    else c.args[rng_.below(c.args.size())] = token;
    out.units.push_back(judged(c, Unit::Expect::any, "", ""));
    return true;
  }

  void unknown_keyword(Case& out) {
    out.mutation = "unknown-keyword";
    Command u = pick_.unknown();
    out.keyword = u.keyword;
    out.units.push_back(with_check(judged(u, Unit::Expect::err, "an unknown command is answered -ERR", "rfc1939#3"),
                                   Builtin::fuzz_unknown_command));
  }

  // Boundary numbers in a message-number or line-count argument.
  void numbers(Case& out, Command c) {
    static const std::vector<std::string> values = {"0", "-1", "2147483648", "4294967296", "18446744073709551616",
                                                    "00001", "+1", "99999999999999999999", "1.0", "0x1"};
    std::string v = rng_.pick(values);
    out.mutation = "number:" + v;
    bool lines = c.op && c.op->kind == OpKind::top && rng_.percent(50);
    if (!c.op || (!c.op->number && !lines)) {
      // No number here: the value becomes one (LIST v, UIDL v) or an extra argument.
      if (c.op && (c.op->kind == OpKind::list || c.op->kind == OpKind::uidl)) {
        c.op->number = v;
        c.args = {v};
      } else {
        c.args.push_back(v);
        out.units.push_back(judged(c, Unit::Expect::any, "", ""));
        return;
      }
    } else if (lines) {
      c.args[1] = v;
      c.op->lines = v;
      // RFC 1939 #7: TOP's count is a non-negative number; a count past the
      // end sends the whole message, so only a sign or a non-digit is wrong.
      if (v != "-1" && v != "+1" && v != "1.0" && v != "0x1") {
        out.units.push_back(judged(c, Unit::Expect::any, "", ""));
        return;
      }
    } else {
      c.args[0] = v;
      c.op->number = v;
    }
    // "00001" and "+1" may fairly be read as 1: not judged, but a DELE so
    // read marks message 1.
    if (v == "00001" || v == "+1") {
      out.units.push_back(judged(c, Unit::Expect::any, "", ""));
      return;
    }
    out.units.push_back(modelled(c));
  }

  void auth(Case& out, Command c) {
    static const std::vector<std::string> bad = {"!!!", "=", "AAA", "A===", "dXNlcg", "*", "", "AHVzZXIAcGFzcw=x",
                                                 std::string(300, 'Q')};
    std::string data = rng_.pick(bad);
    bool exchange = rng_.percent(50);
    out.mutation = exchange ? "auth-exchange" : "auth-initial";
    bool tx = out.phase == Phase::transaction;
    const char* rule = tx ? "AUTH is valid only in the AUTHORIZATION state" : "AUTH with malformed or cancelled data fails";
    const char* rfc = tx ? "rfc5034#4" : "rfc5034#4";
    if (!exchange) {
      if (data.empty() || data == "*") data = "!!!";
      c.args.push_back(data);
      out.units.push_back(judged(c, Unit::Expect::err, rule, rfc));
      return;
    }
    Unit first = judged(c, tx ? Unit::Expect::err : Unit::Expect::any, tx ? rule : "", tx ? rfc : "");
    first.continuation = true;
    out.units.push_back(first);
    Unit second;
    second.bytes = data + kCrlf;
    second.expect = Unit::Expect::err;
    second.rule = "a malformed or cancelled SASL response (or, without a challenge, an unknown command) fails";
    second.rfc = "rfc5034#4";
    second.secret = true;
    out.units.push_back(second);
  }

  void closing(Case& out, std::string bytes) {
    out.delivery = Delivery::closing;
    Unit u;
    u.bytes = std::move(bytes);
    out.units.push_back(u);
  }

  Unit finish(const Command& c) {
    if (c.keyword == "AUTH") {
      Unit u = judged(c, Unit::Expect::any, "", "");
      u.continuation = true;
      return u;
    }
    if (!c.op) {
      bool known = line_keyword(c.keyword) == "CAPA";
      return judged(c, known ? Unit::Expect::any : Unit::Expect::err, known ? "" : "an unknown command is answered -ERR",
                    known ? "" : "rfc1939#3");
    }
    return remodel(c);
  }

  Rng rng_;
  const GenContext& ctx_;
  CommandPicker pick_{rng_, ctx_};
};

}  // namespace

std::string features(const Case& c) {
  std::string all;
  for (const auto& u : c.units) all += u.bytes;
  std::size_t longest = 0;
  bool bare_cr = false, bare_lf = false, high = false;
  for (std::size_t i = 0, line = 0; i < all.size(); ++i, ++line) {
    char ch = all[i];
    if (ch == '\r' && (i + 1 >= all.size() || all[i + 1] != '\n')) bare_cr = true;
    if (ch == '\n' && (i == 0 || all[i - 1] != '\r')) bare_lf = true;
    if (static_cast<unsigned char>(ch) >= 0x80) high = true;
    if (ch == '\n') line = 0;
    longest = std::max(longest, line + 1);
  }
  if (all.find('\0') != std::string::npos) return "nul";
  if (bare_cr) return "bare-cr";
  if (bare_lf) return "bare-lf";
  if (longest > 65536) return "line-over-64k";
  if (longest > 255) return "line-over-255";
  if (high) return "8bit";
  switch (c.delivery) {
    case Delivery::burst: return "burst";
    case Delivery::bytewise: return "bytewise";
    case Delivery::half_close: return "half-close";
    default: return "plain";
  }
}

Phase phase_of(std::uint64_t seed, std::uint64_t index, const GenContext& ctx) {
  Rng r(seed * 0x2545f4914f6cdd1dull + index);
  return r.percent(ctx.transaction_percent) ? Phase::transaction : Phase::authorization;
}

namespace {

// "quit" in any case, without a copy (units reach a megabyte): memchr finds
// each candidate first octet.
bool contains_quit(std::string_view bytes) {
  for (char q : {'q', 'Q'})
    for (std::size_t p = bytes.find(q); p != std::string_view::npos && p + 4 <= bytes.size(); p = bytes.find(q, p + 1))
      if ((bytes[p + 1] | 0x20) == 'u' && (bytes[p + 2] | 0x20) == 'i' && (bytes[p + 3] | 0x20) == 't') return true;
  return false;
}

}  // namespace

Case make_case(std::uint64_t seed, std::uint64_t index, const GenContext& ctx) {
  Case c = Generator(seed, index, ctx).make(phase_of(seed, index, ctx));
  c.index = index;
  // The campaign never commits deletions: hostile bytes that could QUIT on
  // their own stay off the wire.
  for (auto& u : c.units)
    if (!u.op && contains_quit(u.bytes)) {
      u = Unit{};
      u.bytes = "NOOP\r\n";
      u.op = Op{OpKind::noop, {}, {}, true};
    }
  // "LIST " followed by blanks only: a server may take it for LIST, and
  // answer with a listing where one line was expected.
  for (const auto& u : c.units) {
    std::string_view line(u.bytes);
    // The keyword is all that is looked at: not a megabyte's copy.
    std::string_view head = line.substr(0, 8);
    std::string word = line_keyword(head.substr(0, head.find_first_of("\r\n")));
    if (c.delivery != Delivery::closing && !u.op && (word == "LIST" || word == "UIDL") &&
        line.find_first_not_of(" \t\r\n", 4) == std::string_view::npos) {
      c.delivery = Delivery::closing;
      c.mutation += "-blank";
      break;
    }
  }
  return c;
}

}  // namespace pop3::fuzz
