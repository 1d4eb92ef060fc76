#include "server/client_checks.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "codec/command_line.hpp"
#include "net/transcript.hpp"

namespace pop3 {

const char kConnectsLabel[] = "auto: the client connects to the server";

namespace {

// The first line of an ASan, LSan, MSan, TSan or UBSan report in the output.
std::optional<std::string> sanitizer_report(const std::string& output) {
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "WARNING: MemorySanitizer",
                             "WARNING: ThreadSanitizer", "runtime error: "}) {
    std::size_t at = output.find(marker);
    if (at == std::string::npos) continue;
    std::size_t start = output.rfind('\n', at);
    start = start == std::string::npos ? 0 : start + 1;
    std::size_t end = output.find('\n', at);
    return escape_bytes(output.substr(start, std::min<std::size_t>(end == std::string::npos ? output.size() - start : end - start, 300)), 300);
  }
  return std::nullopt;
}

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
    int line = 1;
    std::string limit = std::to_string(static_cast<long>(run_->limit_seconds)) + " s";
    {
      // No RFC sets a time limit on a client; one that never gives up on a
      // stalled or endless server hangs its user (CWE-400, uncontrolled
      // resource consumption). A robustness expectation: SHOULD, and the
      // limit is --client-timeout.
      CheckResult& c = add("auto: the client finishes within --client-timeout", line, Severity::should, "");
      if (run_->timed_out)
        fail(c, "the client was still running at the time limit (" + limit + ", --client-timeout) and was killed",
             "exit within " + limit, "timed out");
    }
    {
      // A crash on what a server sent is a memory-safety defect (CWE-119
      // class): MUST. The harness's own kill at the time limit is no crash.
      CheckResult& c = add("auto: the client does not crash", line, Severity::must, "");
      if (run_->timed_out) {
        c.outcome = Outcome::skipped;
        c.message = "not judged: the harness killed the client at the time limit";
      } else if (run_->signal) {
        fail(c, "the client was killed by signal " + std::to_string(run_->signal), "a normal exit", "signal " + std::to_string(run_->signal));
      }
      // A client built with sanitizers may report and carry on, or exit 1.
      else if (auto report = sanitizer_report(run_->output); report && !run_->timed_out)
        fail(c, "the client reported a memory or undefined-behaviour error", "no sanitizer report", *report);
    }
    {
      CheckResult& c = add("auto: nothing after QUIT", line, Severity::must, "rfc1939#6");
      for (const auto& e : run_->events)
        if (e.kind == ServerEvent::Kind::after_quit)
          fail(c, "the client sent more after QUIT", "nothing after QUIT", escape_bytes(e.line, 200));
    }
    {
      // RFC 2449 #3 and #4: a keyword, arguments separated by one space,
      // printable characters, 255 octets at most with the CRLF. SASL
      // continuation lines (after a "+ " challenge) are base64, not commands.
      CheckResult& c = add("auto: every command is well-formed", line, Severity::must, "rfc2449#4");
      bool continuation = false;
      for (const auto& e : run_->events) {
        if (e.kind == ServerEvent::Kind::overlong) {
          fail(c, "the client sent a command line over 255 octets (CRLF included)", "at most 255 octets",
               escape_bytes(redactor_.apply(e.line), 80) + "...");
          break;
        }
        if (e.kind != ServerEvent::Kind::command) continue;
        bool was_continuation = continuation;
        continuation = e.reply.starts_with("+ ") || e.reply == "+\r\n";
        if (was_continuation) continue;
        CommandLineError why;
        bool printable = std::all_of(e.line.begin(), e.line.end(), [](char ch) { return ch >= 0x20 && ch < 0x7f; });
        if (!parse_command_line(e.line, &why) || !printable) {
          fail(c, "the client sent a malformed command: " + (printable ? why.reason : std::string("a byte outside printable ASCII")),
               "KEYWORD [ARG ...], printable ASCII, single spaces", escape_bytes(redactor_.command(e.line), 200));
          break;
        }
      }
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
    if (sc_.inject) {
      // The server held its first answer inside TLS: a client that acted
      // without it had taken the injected plaintext for that answer.
      CheckResult& c = add("auto: plaintext injected after +OK to STLS is not taken for a TLS response", line,
                           Severity::must, "rfc2595#4");
      for (const auto& e : run_->events)
        if (e.kind == ServerEvent::Kind::early) {
          fail(c, "the client used plaintext sent before the handshake as the answer to its first command inside TLS",
               "wait for the answer inside TLS (or give up)",
               redactor_.command(e.line) + " answered by the injected bytes; then the client " +
                   (e.reply == "closed" ? std::string("closed") : "sent " + escape_bytes(redactor_.apply(e.reply), 120)));
          break;
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
