#include "prop/trace.hpp"

#include <sstream>

namespace pop3::prop {

std::string requirements_header(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += " " + id;
  return out.empty() ? out : "requirements:" + out + "\n";
}

using Answer = Expectation::Answer;
using Data = Expectation::Data;

namespace {

const char* kEither = "S~: ^(\\+OK|-ERR)( .*)?$";

class Writer {
 public:
  explicit Writer(std::ostringstream& out) : out_(out) {}

  void greeting() { out_ << "S: +OK {*}\n"; }

  void op(const TraceItem& item, bool strict) {
    const Op& op = item.op;
    const Expectation& e = item.expected;
    if (op.kind == OpKind::drop) {
      out_ << "drop:\n";
      next_connection();
      return;
    }
    if (op.kind == OpKind::second_session) {
      second_session(strict);
      return;
    }
    out_ << "C: " << show(op) << "\n";
    status(e);
    if (e.closes) {
      out_ << "expect: closed\n";
      next_connection();
    }
  }

  void resync(const TraceItem& item) {
    out_ << "# The harness reconnects here, to bring the server back to the model's state.\n";
    out_ << "drop:\n";
    next_connection();
    if (item.transaction || item.pending == Model::Pending::good_user) out_ << "C: USER {user}\nS: +OK {*}\n";
    if (item.pending == Model::Pending::bad_user) out_ << "C: USER " << show(Op{OpKind::user, {}, {}, false}).substr(5)
                                                       << "\n" << kEither << "\n";
    if (!item.transaction) return;
    out_ << "C: PASS {pass}\nS: +OK {*}\n";
    for (auto n : item.marked) out_ << "C: DELE " << n << "\nS: +OK {*}\n";
  }

 private:
  void next_connection() {
    out_ << "conn: session" << ++sessions_ << "\n";
    greeting();
  }

  void second_session(bool strict) {
    std::string back = sessions_ == 1 ? "main" : "session" + std::to_string(sessions_);
    out_ << "conn: second" << ++others_ << "\nS: +OK {*}\nC: USER {user}\nS: +OK {*}\nC: PASS {pass}\n";
    if (strict) out_ << "severity: SHOULD\nS: -ERR {*}\nseverity: MUST\n";
    else out_ << kEither << "\n";
    out_ << "drop:\nconn: " << back << "\n";
  }

  void status(const Expectation& e) { out_ << expectation_lines(e); }

  std::ostringstream& out_;
  int sessions_ = 1, others_ = 0;
};

}  // namespace

std::string expectation_lines(const Expectation& e) {
  if (e.answer == Answer::either) return std::string(kEither) + "\n";
  if (e.answer == Answer::err) return "S: -ERR {*}\n";
  std::ostringstream out;
  switch (e.data) {
    case Data::none: out << "S: +OK {*}\n"; break;
    case Data::stat: out << "S: +OK " << e.count << " " << e.octets << " {*}\n"; break;
    case Data::scan: out << "S: +OK " << e.entries[0].number << " " << e.entries[0].octets << " {*}\n"; break;
    case Data::unique_id: out << "S: +OK " << e.entries[0].number << " {uid" << e.entries[0].message + 1 << "}\n"; break;
    case Data::scan_listing:
    case Data::uid_listing: {
      bool uids = e.data == Data::uid_listing;
      out << "S: +OK {*}\nbody: " << (uids ? "uidl" : "listing") << "\nbody: entries";
      for (const auto& entry : e.entries) {
        out << " " << entry.number << " ";
        if (uids) out << "{uid" << entry.message + 1 << "}";
        else out << entry.octets;
      }
      out << "\n";
      break;
    }
    case Data::message: out << "S: +OK {*}\nbody: message " << e.entries[0].message + 1 << "\n"; break;
    case Data::top: out << "S: +OK {*}\nbody: top " << e.lines << " message " << e.entries[0].message + 1 << "\n"; break;
  }
  return out.str();
}

std::string write_scenario(const std::vector<TraceItem>& trace, const ScenarioHeader& h, bool strict_last) {
  std::ostringstream out;
  for (const auto& c : h.comments) out << "# " << c << "\n";
  out << "scenario: " << h.name << "\n"
      << "rfc: " << h.rfc << "\n"
      << requirements_header(h.requirements)
      << "severity: " << to_string(h.severity) << "\n"
      << "group: prop\n"
      << "fixture: " << h.fixture << "\n\n";
  Writer w(out);
  w.greeting();
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (trace[i].kind == TraceItem::Kind::resync) w.resync(trace[i]);
    else w.op(trace[i], strict_last && i + 1 == trace.size());
  }
  return out.str();
}

}  // namespace pop3::prop
