#include "fuzz/reproducer.hpp"

#include <sstream>

#include "oracle/model.hpp"
#include "prop/trace.hpp"

namespace pop3::fuzz {

namespace {

const char* kEither = "S~: ^(\\+OK|-ERR)( .*)?$\n";
const char* kEitherOrChallenge = "S~: ^(\\+OK|-ERR|\\+)( .*)?$\n";

std::string one_octet(unsigned char ch, bool escapes) {
  static const char* hex = "0123456789abcdef";
  if (ch == '{') return "{{";
  if (ch == '}') return "}";
  if (!escapes) return std::string(1, static_cast<char>(ch));
  switch (ch) {
    case '\r': return "\\r";
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\0': return "\\0";
    case '\\': return "\\\\";
    default: break;
  }
  if (ch < 0x20 || ch >= 0x7f) return std::string("\\x") + hex[ch >> 4] + hex[ch & 15];
  return std::string(1, static_cast<char>(ch));
}

std::string render(std::string_view bytes, bool escapes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size();) {
    std::size_t j = i;
    while (j < bytes.size() && bytes[j] == bytes[i]) ++j;
    unsigned char ch = static_cast<unsigned char>(bytes[i]);
    // {repeat:N:X} cannot hold a brace or a colon-free escape of one.
    bool repeatable = j - i >= 32 && ch != '{' && ch != '}';
    if (repeatable) {
      out += "{repeat:" + std::to_string(j - i) + ":" + one_octet(ch, escapes) + "}";
    } else {
      for (std::size_t k = i; k < j; ++k) out += one_octet(ch, escapes);
    }
    i = j;
  }
  return out;
}

// A line C: can carry: printable ASCII, one CRLF at the end.
bool plain_line(std::string_view bytes) {
  if (bytes.size() < 2 || !bytes.ends_with("\r\n")) return false;
  for (std::size_t i = 0; i + 2 < bytes.size(); ++i) {
    auto ch = static_cast<unsigned char>(bytes[i]);
    if (ch < 0x20 || ch >= 0x7f) return false;
  }
  return bytes.size() > 2 && bytes[0] != ' ';
}

std::string send_line(std::string_view bytes) {
  if (plain_line(bytes)) return "C: " + render(bytes.substr(0, bytes.size() - 2), false) + "\n";
  return "SEND: " + send_text(bytes) + "\n";
}

}  // namespace

std::string send_text(std::string_view bytes) { return render(bytes, true); }

std::string write_reproducer(const Finding& f, const ReproducerHeader& h,
                             std::shared_ptr<const std::vector<std::string>> messages, bool apop) {
  using oracle::Op;
  using oracle::OpKind;
  const Case& c = f.kase;
  std::ostringstream out;
  for (const auto& line : h.comments) out << "# " << line << "\n";
  out << "scenario: " << h.name << "\n"
      << "rfc: " << (f.rfc == "-" ? "rfc1939#3" : f.rfc) << "\n"
      << prop::requirements_header(f.requirements)
      << "severity: MUST\n"
      << "group: fuzz\n"
      << "fixture: " << h.fixture << "\n\n"
      << "S: +OK {*}\n";
  oracle::Model model(std::move(messages), apop);
  if (c.phase == Phase::transaction) {
    out << "C: USER {user}\nS: +OK {*}\nC: PASS {pass}\nS: +OK {*}\n";
    model.apply(Op{OpKind::user, {}, {}, true});
    model.apply(Op{OpKind::pass, {}, {}, true});
    for (auto n : f.marked) {
      out << "C: DELE " << n << "\nS: +OK {*}\n";
      model.apply(Op{OpKind::dele, std::to_string(n), {}, true});
    }
  }
  if (c.delivery == Delivery::bytewise) out << "# The fuzzer sent the next command one octet per write.\n";
  if (c.delivery == Delivery::half_close)
    out << "# The fuzzer then shut down its sending side (a half-close); run keeps it open.\n";
  if (c.delivery == Delivery::closing) {
    std::string bytes;
    for (const auto& u : c.units) bytes += u.bytes;
    out << "# Hostile bytes on a session of their own: the first answer is judged, then the connection dropped.\n";
    out << "SEND: " << send_text(bytes + "\r\n") << "\n" << kEither << "drop:\n";
  } else {
    if (c.delivery == Delivery::burst) {
      std::string bytes;
      for (const auto& u : c.units) bytes += u.bytes;
      out << "# Pipelined: every command in one write.\n" << "SEND: " << send_text(bytes) << "\n";
    }
    for (const auto& u : c.units) {
      if (c.delivery != Delivery::burst) out << send_line(u.bytes);
      if (u.op) {
        out << prop::expectation_lines(model.expect(*u.op));
        model.apply(*u.op);
      } else if (u.expect == Unit::Expect::err) {
        out << "S: -ERR {*}\n";
      } else {
        out << (u.continuation ? kEitherOrChallenge : kEither);
      }
    }
  }
  if (f.oracle == Oracle::crash) out << "drop:\n# The server must still be there.\nconn: after\nS: +OK {*}\n";
  return out.str();
}

}  // namespace pop3::fuzz
