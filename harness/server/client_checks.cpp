#include "server/client_checks.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "codec/command_line.hpp"
#include "server/client_auto_checks.hpp"
#include "net/transcript.hpp"

namespace pop3 {

const char kConnectsLabel[] = "auto: the client connects to the server";

namespace {

std::string lf_only(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) out.push_back(s[i]);
  return out;
}

class Judge {
 public:
  Judge(const Scenario& sc, const std::vector<ClientRun>& runs, const Redactor& redactor)
      : sc_(sc), runs_(runs), redactor_(redactor) {}

  std::vector<CheckResult> judge() {
    // A client that never opened a connection failed once, not at every check.
    bool connected = std::any_of(runs_.begin(), runs_.end(), [](const ClientRun& r) {
      return std::any_of(r.events.begin(), r.events.end(),
                         [](const ServerEvent& e) { return e.kind == ServerEvent::Kind::connected; });
    });
    if (!connected && !runs_.empty()) return never_connected();
    for (const auto& step : sc_.steps) {
      if (step.kind != Step::Kind::client_expect) continue;
      if (static_cast<std::size_t>(step.run) > runs_.size()) {
        CheckResult& c = add(step.label(), step.line, step.severity, step.rfc);
        c.outcome = Outcome::skipped;
        c.message = "run " + std::to_string(step.run) + " did not take place";
        continue;
      }
      if (!run_ || current_ != static_cast<std::size_t>(step.run - 1)) select(static_cast<std::size_t>(step.run - 1));
      expectation(step);
    }
    automatic();
    return std::move(checks_);
  }

 private:
  std::vector<CheckResult> never_connected() {
    select(0);
    CheckResult& c = add(std::string(kConnectsLabel), 1, Severity::must, "");
    std::string how = run_->timed_out ? "was still running at the time limit"
                      : run_->signal ? "was killed by signal " + std::to_string(run_->signal)
                                    : "exited " + std::to_string(run_->exit_code);
    fail(c, "the client never connected to the server: it " + how, "a connection to {host}:{port}", how);
    for (const auto& step : sc_.steps) {
      if (step.kind != Step::Kind::client_expect) continue;
      CheckResult& skipped = add(step.label(), step.line, step.severity, step.rfc);
      skipped.outcome = Outcome::skipped;
      skipped.message = "not judged: the client never connected";
    }
    return std::move(checks_);
  }

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

  // Makes run i (0-based) the one the checks look at.
  void select(std::size_t i) {
    current_ = i;
    run_ = &runs_[i];
    commands_.clear();
    for (const auto& e : run_->events)
      if (e.kind == ServerEvent::Kind::command) commands_.push_back(&e);
    cursor_ = 0;
  }

  void fail(CheckResult& c, std::string message, std::string expected, std::string actual) {
    if (c.outcome == Outcome::failed || c.outcome == Outcome::warning) return;  // the first finding is reported
    c.outcome = c.severity == Severity::must ? Outcome::failed : Outcome::warning;
    if (runs_.size() > 1) message = "run " + std::to_string(current_ + 1) + ": " + message;
    c.message = redactor_.apply(message);
    c.expected = redactor_.apply(expected);
    c.actual = redactor_.apply(actual);
    c.transcript = transcript();
  }

  // The conversation of the current run as the server saw it, secrets
  // redacted, and the client's output.
  std::string transcript() const {
    std::string out;
    bool sasl = false;  // the server's last answer was a "+ " challenge: the next line is SASL data
    for (const auto& e : run_->events) {
      std::string conn = "[" + std::to_string(e.connection) + (e.tls ? " tls] " : "] ");
      switch (e.kind) {
        case ServerEvent::Kind::connected: out += conn + "-- client connected\n"; break;
        case ServerEvent::Kind::closed: out += conn + "-- connection closed\n"; break;
        case ServerEvent::Kind::overlong:
          out += conn + "C: " + escape_bytes(e.line, 80) + "...   (over 255 octets: refused with -ERR)\n";
          break;
        case ServerEvent::Kind::early:
          out += conn + "-- while the answer to " + escape_bytes(redactor_.command(e.line), 80) +
                 " was held, the client " + (e.reply == "closed" ? std::string("closed the connection")
                                                                 : "sent " + escape_bytes(redactor_.apply(e.reply), 120)) +
                 "\n";
          break;
        case ServerEvent::Kind::after_quit:
          out += conn + "-- after QUIT the client also sent: " + escape_bytes(e.line, 200) + "\n";
          break;
        case ServerEvent::Kind::after_stls:
          out += conn + "-- after STLS, before the handshake, the client sent: " + escape_bytes(redactor_.apply(e.line), 200) +
                 "   (discarded)\n";
          break;
        case ServerEvent::Kind::no_close_notify:
          out += conn + "-- the server sent its TLS close_notify; the client closed without its own\n";
          break;
        case ServerEvent::Kind::unterminated:
          out += conn + "-- left without CRLF when the connection closed: " + escape_bytes(redactor_.apply(e.line), 200) + "\n";
          break;
        case ServerEvent::Kind::command: {
          // A SASL response is credentials (AUTH PLAIN's is the password in base64): never shown.
          std::string line = sasl ? std::string("*** (a SASL response)") : redactor_.command(e.line);
          sasl = e.reply.starts_with("+ ") || e.reply == "+\r\n";
          out += conn + "C: " + escape_bytes(line, 200) + (e.pipelined ? "   (pipelined)" : "") + "\n";
          std::string first = e.reply.substr(0, e.reply.find("\r\n"));
          out += conn + "S: " + escape_bytes(first, 200) + (e.reply.size() > first.size() + 2 ? " ..." : "") + "\n";
          break;
        }
      }
    }
    if (out.size() > 6000) out = "   -- (earlier events cut)\n" + out.substr(out.size() - 6000);
    const std::string& said = run_->output;
    std::string output = said.size() > 1500 ? "..." + said.substr(said.size() - 1500) : said;
    if (!output.empty()) out += "-- client output:\n" + output + (output.ends_with('\n') ? "" : "\n");
    return redactor_.apply(out);
  }

  std::string sent_summary() const {
    std::string out;
    bool sasl = false;
    for (const auto* e : commands_) {
      out += (out.empty() ? "" : ", ") + (sasl ? std::string("***") : redactor_.command(e->line));
      sasl = e->reply.starts_with("+ ") || e->reply == "+\r\n";
    }
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
    } else if (w[0] == "at-most") {
      // A client that loops (retrying STLS after -ERR, say) sends the same thing again and again.
      long n = std::count_if(commands_.begin(), commands_.end(), matches);
      if (n > std::stol(w[1]))
        return fail(c, "the client sent this " + std::to_string(n) + " times", "at most " + w[1] + " times",
                    sent_summary());
    } else if (w[0] == "connections") {
      long n = std::count_if(run_->events.begin(), run_->events.end(),
                             [](const ServerEvent& e) { return e.kind == ServerEvent::Kind::connected; });
      if (n > std::stol(w[2]))
        return fail(c, "the client connected " + std::to_string(n) + " times", "at most " + w[2] + " connections",
                    std::to_string(n) + " connections");
    } else if (w[0] == "exit") {
      if (run_->timed_out) {
        // One behaviour, one finding: the hang is the time-limit check's.
        c.outcome = Outcome::skipped;
        c.message = "not judged: the client was still running at the time limit (see 'auto: the client finishes')";
        return;
      }
      std::string actual = run_->timed_out ? "still running at the time limit"
                           : run_->signal ? "killed by signal " + std::to_string(run_->signal)
                                         : "exit " + std::to_string(run_->exit_code);
      bool ok = !run_->timed_out && !run_->signal &&
                (w[1] == "nonzero" ? run_->exit_code != 0 : std::to_string(run_->exit_code) == w[1]);
      if (!ok) return fail(c, "the client's exit status is not the expected one", "exit " + w[1], actual);
    } else if (w[0] == "saved") {
      saved(c, w[1]);
    }
  }

  void saved(CheckResult& c, const std::string& what) {
    std::vector<std::string> want, got;
    for (const auto& m : run_->delivered) want.push_back(run_->saves_lf ? lf_only(m) : m);
    for (const auto& s : run_->saved) got.push_back(run_->saves_lf ? lf_only(s) : s);
    // Saved files are described by their sizes on disk (what was read of them is cut).
    auto describe = [&](const std::vector<std::string>& v) {
      bool on_disk = &v == &got && run_->saved_sizes.size() == v.size();
      std::string out = std::to_string(v.size()) + " file(s):";
      for (std::size_t i = 0; i < v.size(); ++i)
        out += " " + std::to_string(on_disk ? run_->saved_sizes[i] : v[i].size());
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
      if (i < want.size()) {
        used[i] = true;
        continue;
      }
      if (std::find(want.begin(), want.end(), g) != want.end())
        return fail(c, "the client saved a message twice (fetched again what it already had)",
                    describe(want), describe(got));
      if (want.empty()) return fail(c, "the client saved a file although the maildrop was empty", "nothing", describe(got));
      const std::string* closest = &want.front();
      std::size_t best = 0;
      for (const auto& m : want) {
        std::size_t n = 0;
        while (n < g.size() && n < m.size() && g[n] == m[n]) ++n;
        if (n > best) best = n, closest = &m;
      }
      std::size_t at = best;
      std::string what_went_wrong =
          at == g.size() && g.size() < closest->size()
              ? "a saved file is a truncated message (" + std::to_string(g.size()) + " of " +
                    std::to_string(closest->size()) + " octets)"
              : "a saved file is not a complete fixture message (first difference at octet " + std::to_string(at) + ")" +
                    (!run_->saves_lf && lf_only(g) == lf_only(*closest)
                         ? "; it differs only in line ends: a client that stores LF needs --client-saves lf"
                         : "");
      return fail(c, what_went_wrong, escape_bytes(closest->substr(at > 40 ? at - 40 : 0, 120)),
                  escape_bytes(g.substr(at > 40 ? at - 40 : 0, 120)));
    }
    if (std::isdigit(static_cast<unsigned char>(what[0])) && got.size() != std::stoul(what))
      fail(c, "the client did not save " + what + " message(s)", what + " whole message(s)", describe(got));
    if (what == "all" && std::count(used.begin(), used.end(), false) > 0)
      fail(c, "the client did not save every message", describe(want), describe(got));
  }

  // One check each, failed by the first run that breaks it.
  void automatic() {
    std::size_t first = checks_.size();
    for (std::size_t i = 0; i < runs_.size(); ++i) {
      select(i);
      std::size_t before = checks_.size();
      automatic_run();
      // Merge this run's checks into the first run's, keeping the first finding.
      if (i == 0) continue;
      for (std::size_t k = before; k < checks_.size(); ++k) {
        CheckResult& into = checks_[first + (k - before)];
        if (into.outcome == Outcome::passed && checks_[k].outcome != Outcome::passed) into = checks_[k];
      }
      checks_.resize(before);
    }
  }

  void automatic_run() {
    for (auto& a : automatic_checks(sc_, *run_, commands_, redactor_)) {
      CheckResult& c = add(std::move(a.label), 1, a.severity, std::move(a.rfc));
      c.requirements = std::move(a.requirements);
      if (a.violation) {
        fail(c, std::move(a.violation->message), std::move(a.violation->expected), std::move(a.violation->actual));
      } else if (a.skipped) {
        c.outcome = Outcome::skipped;
        c.message = std::move(*a.skipped);
      }
    }
  }

  const Scenario& sc_;
  const std::vector<ClientRun>& runs_;
  const Redactor& redactor_;
  std::size_t current_ = 0;
  const ClientRun* run_ = nullptr;
  std::vector<const ServerEvent*> commands_;
  std::size_t cursor_ = 0;
  std::vector<CheckResult> checks_;
};

}  // namespace

std::vector<CheckResult> judge_client_runs(const Scenario& scenario, const std::vector<ClientRun>& runs,
                                           const Redactor& redactor) {
  return Judge(scenario, runs, redactor).judge();
}

std::vector<CheckResult> judge_client_run(const Scenario& scenario, const Fixture& fixture, ClientRun run,
                                          const Redactor& redactor) {
  if (run.delivered.empty()) run.delivered = fixture.messages;
  return judge_client_runs(scenario, {std::move(run)}, redactor);
}

}  // namespace pop3
