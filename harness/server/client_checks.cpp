#include "server/client_checks.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "codec/command_line.hpp"
#include "net/transcript.hpp"

namespace pop3 {
namespace {

std::string lf_only(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) out.push_back(s[i]);
  return out;
}

class Judge {
 public:
  Judge(const Scenario& sc, const Fixture& fx, const ClientRun& run, const Redactor& redactor)
      : sc_(sc), fx_(fx), run_(run), redactor_(redactor) {
    for (const auto& e : run.events)
      if (e.kind == ServerEvent::Kind::command) commands_.push_back(&e);
  }

  std::vector<CheckResult> judge() {
    for (const auto& step : sc_.steps)
      if (step.kind == Step::Kind::client_expect) expectation(step);
    automatic();
    return std::move(checks_);
  }

 private:
  CheckResult& add(std::string label, int line, Severity severity, std::string rfc) {
    CheckResult c;
    c.label = std::move(label);
    c.line = line;
    c.file = sc_.file;
    c.severity = severity;
    c.rfc = std::move(rfc);
    checks_.push_back(std::move(c));
    return checks_.back();
  }

  void fail(CheckResult& c, std::string message, std::string expected, std::string actual) {
    c.outcome = c.severity == Severity::must ? Outcome::failed : Outcome::warning;
    c.message = redactor_.apply(message);
    c.expected = redactor_.apply(expected);
    c.actual = redactor_.apply(actual);
    c.transcript = transcript();
  }

  // The conversation as the server saw it, secrets redacted, and the client's output.
  std::string transcript() const {
    std::string out;
    for (const auto& e : run_.events) {
      std::string conn = "[" + std::to_string(e.connection) + (e.tls ? " tls] " : "] ");
      switch (e.kind) {
        case ServerEvent::Kind::connected: out += conn + "-- client connected\n"; break;
        case ServerEvent::Kind::closed: out += conn + "-- connection closed\n"; break;
        case ServerEvent::Kind::after_quit:
          out += conn + "-- after QUIT the client also sent: " + escape_bytes(e.line, 200) + "\n";
          break;
        case ServerEvent::Kind::command: {
          out += conn + "C: " + escape_bytes(redactor_.command(e.line), 200) + (e.pipelined ? "   (pipelined)" : "") + "\n";
          std::string first = e.reply.substr(0, e.reply.find("\r\n"));
          out += conn + "S: " + escape_bytes(first, 200) + (e.reply.size() > first.size() + 2 ? " ..." : "") + "\n";
          break;
        }
      }
    }
    if (out.size() > 6000) out = "   -- (earlier events cut)\n" + out.substr(out.size() - 6000);
    std::string output = run_.output.size() > 1500 ? "..." + run_.output.substr(run_.output.size() - 1500) : run_.output;
    if (!output.empty()) out += "-- client output:\n" + output + (output.ends_with('\n') ? "" : "\n");
    return redactor_.apply(out);
  }

  std::string sent_summary() const {
    std::string out;
    for (const auto* e : commands_) out += (out.empty() ? "" : ", ") + redactor_.command(e->line);
    return out.empty() ? "(no commands)" : escape_bytes(out, 400);
  }

  void expectation(const Step& step) {
    CheckResult& c = add(step.label(), step.line, step.severity, step.rfc);
    const auto& w = step.words;
    auto matches = [&](const ServerEvent* e) {
      Variables vars;
      return step.pattern.match(with_upper_keyword(e->line), vars);
    };
    if (w[0] == "sent") {
      // In order: each "sent" is looked for after the previous one matched.
      auto it = std::find_if(commands_.begin() + static_cast<long>(cursor_), commands_.end(), matches);
      if (it == commands_.end()) return fail(c, "the client never sent this (after the previous expect: sent)",
                                             step.pattern_text(), sent_summary());
      cursor_ = static_cast<std::size_t>(it - commands_.begin()) + 1;
    } else if (w[0] == "not-sent") {
      auto it = std::find_if(commands_.begin(), commands_.end(), matches);
      if (it != commands_.end())
        return fail(c, "the client sent what it must not", "no " + step.pattern_text(), redactor_.command((*it)->line));
    } else if (w[0] == "last") {
      if (commands_.empty() || !matches(commands_.back()))
        return fail(c, "the client's last command is not this", step.pattern_text(),
                    commands_.empty() ? "(no commands)" : redactor_.command(commands_.back()->line));
    } else if (w[0] == "exit") {
      std::string actual = run_.timed_out ? "still running at the time limit"
                           : run_.signal ? "killed by signal " + std::to_string(run_.signal)
                                         : "exit " + std::to_string(run_.exit_code);
      bool ok = !run_.timed_out && !run_.signal &&
                (w[1] == "nonzero" ? run_.exit_code != 0 : std::to_string(run_.exit_code) == w[1]);
      if (!ok) return fail(c, "the client's exit status is not the expected one", "exit " + w[1], actual);
    } else if (w[0] == "saved") {
      saved(c, w[1]);
    }
  }

  void saved(CheckResult& c, const std::string& what) {
    std::vector<std::string> want, got;
    for (const auto& m : fx_.messages) want.push_back(run_.saves_lf ? lf_only(m) : m);
    for (const auto& s : run_.saved) got.push_back(run_.saves_lf ? lf_only(s) : s);
    auto describe = [](const std::vector<std::string>& v) {
      std::string out = std::to_string(v.size()) + " file(s):";
      for (const auto& s : v) out += " " + std::to_string(s.size());
      return out + " octets";
    };
    if (what == "none") {
      if (!got.empty()) fail(c, "the client saved messages", "nothing saved", describe(got));
      return;
    }
    // Each saved file must be a whole fixture message; for "all", every
    // message exactly once. Order is free: clients name files their own way.
    std::vector<bool> used(want.size(), false);
    for (const auto& g : got) {
      std::size_t i = 0;
      while (i < want.size() && (used[i] || want[i] != g)) ++i;
      if (i == want.size()) {
        const std::string* closest = &want.front();
        for (const auto& m : want)
          if (m.size() >= g.size() && m.compare(0, std::min<std::size_t>(g.size(), 64), g, 0, std::min<std::size_t>(g.size(), 64)) == 0)
            closest = &m;
        std::size_t at = 0;
        while (at < g.size() && at < closest->size() && g[at] == (*closest)[at]) ++at;
        return fail(c, "a saved file is not a complete fixture message (first difference at octet " +
                           std::to_string(at) + ")" + (run_.saves_lf ? "" : "; a client that stores LF needs --client-saves lf"),
                    escape_bytes(closest->substr(at > 40 ? at - 40 : 0, 120)),
                    escape_bytes(g.substr(at > 40 ? at - 40 : 0, 120)));
      }
      used[i] = true;
    }
    if (what == "all" && std::count(used.begin(), used.end(), false) > 0)
      fail(c, "the client did not save every message", describe(want), describe(got));
  }

  void automatic() {
    int line = 1;
    std::string limit = std::to_string(static_cast<long>(run_.limit_seconds)) + " s";
    {
      CheckResult& c = add("auto: the client finishes within " + limit, line, Severity::must, "rfc1939#3");
      if (run_.timed_out) fail(c, "the client hung: still running at the time limit, killed", "exit within " + limit, "timed out");
    }
    {
      CheckResult& c = add("auto: the client does not crash", line, Severity::must, "");
      if (run_.signal) fail(c, "the client was killed by signal " + std::to_string(run_.signal), "a normal exit", "signal " + std::to_string(run_.signal));
    }
    {
      CheckResult& c = add("auto: nothing after QUIT", line, Severity::must, "rfc1939#6");
      for (const auto& e : run_.events)
        if (e.kind == ServerEvent::Kind::after_quit)
          fail(c, "the client sent more after QUIT", "nothing after QUIT", escape_bytes(e.line, 200));
    }
    {
      // RFC 2449 #6.6: only a server that lists PIPELINING may be sent several
      // commands without waiting for each response.
      CheckResult& c = add("auto: no pipelining unless PIPELINING is advertised", line, Severity::must, "rfc2449#6.6");
      std::set<unsigned long> pipelining;
      for (const auto* e : commands_) {
        if (line_keyword(e->line) == "CAPA" && e->reply.starts_with("+OK") &&
            (e->reply.find("\r\nPIPELINING\r\n") != std::string::npos || e->reply.find("\r\nPIPELINING ") != std::string::npos))
          pipelining.insert(e->connection);
        if (e->pipelined && !pipelining.contains(e->connection)) {
          fail(c, "the client pipelined a command the server did not allow", "wait for each response",
               redactor_.command(e->line) + " (sent with the previous command)");
          break;
        }
      }
    }
    if (sc_.tls == "stls") {
      CheckResult& c = add("auto: no credentials before STLS", line, Severity::must, "rfc2595#4");
      for (const auto* e : commands_) {
        std::string k = line_keyword(e->line);
        if (!e->tls && (k == "USER" || k == "PASS" || k == "APOP" || k == "AUTH")) {
          fail(c, "the client sent credentials in the clear although told to use STLS", "STLS first",
               redactor_.command(e->line));
          break;
        }
      }
    }
  }

  const Scenario& sc_;
  const Fixture& fx_;
  const ClientRun& run_;
  const Redactor& redactor_;
  std::vector<const ServerEvent*> commands_;
  std::size_t cursor_ = 0;
  std::vector<CheckResult> checks_;
};

}  // namespace

std::vector<CheckResult> judge_client_run(const Scenario& scenario, const Fixture& fixture, const ClientRun& run,
                                          const Redactor& redactor) {
  return Judge(scenario, fixture, run, redactor).judge();
}

}  // namespace pop3
