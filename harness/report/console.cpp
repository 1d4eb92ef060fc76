#include "report/console.hpp"

#include <map>

#include "util/escape.hpp"

namespace pop3 {

Console::Console(std::FILE* out, std::size_t total, bool color) : out_(out), total_(total), color_(color) {}

std::string Console::paint(Outcome o, const std::string& text) const {
  if (!color_) return text;
  const char* code = o == Outcome::passed ? "32" : o == Outcome::skipped ? "36" : o == Outcome::warning ? "33" : "31";
  return std::string("\033[") + code + "m" + text + "\033[0m";
}

void Console::scenario_done(const ScenarioResult& r, std::size_t done) {
  std::size_t passed = 0;
  for (const auto& c : r.checks) passed += c.outcome == Outcome::passed;
  int width = static_cast<int>(std::to_string(total_).size());
  char head[64];
  std::snprintf(head, sizeof head, "[%*zu/%zu] %-5s", width, done, total_, shown_outcome(r));
  // An expected failure is painted as a skip: nothing new to look at.
  Outcome colour = known_state(r) == KnownState::xfail ? Outcome::skipped : r.outcome;
  std::fprintf(out_, "%s %s  (%zu/%zu checks, %.2fs)\n", paint(colour, head).c_str(), terminal_text(r.id).c_str(), passed,
               r.checks.size(), r.seconds);
  if (known_state(r) == KnownState::xfail)
    std::fprintf(out_, "      known deviation (%s): %s\n", terminal_text(r.known->listed_at).c_str(),
                 terminal_text(r.known->reason).c_str());
  if (known_state(r) == KnownState::xpass)
    std::fprintf(out_, "      listed as a known deviation (%s) but passed: remove it from the list\n",
                 terminal_text(r.known->listed_at).c_str());
  details(r);
}

void Console::known_passed(const ScenarioResult& r) {
  std::fprintf(out_, "%s %s  every check verifying it passed\n", paint(Outcome::passed, "XPASS").c_str(),
               terminal_text(r.id).c_str());
  std::fprintf(out_, "      listed as a known deviation (%s) but passed: remove it from the list\n",
               terminal_text(r.known->listed_at).c_str());
  std::fflush(out_);
}

void Console::preflight(const ScenarioResult& r) {
  const CheckResult* c = r.checks.empty() ? nullptr : &r.checks.front();
  std::string rfc = c && !c->rfc.empty() && r.outcome == Outcome::failed ? " [MUST " + c->rfc + "]" : "";
  std::fprintf(out_, "%s%s %s\n", paint(r.outcome, std::string("preflight ") + to_string(r.outcome)).c_str(),
               rfc.c_str(), c ? terminal_text(c->message).c_str() : "");
  if (c && r.outcome != Outcome::passed) print_transcript(c->transcript);
  // Every scenario is then skipped for that reason: said here, not again.
  if (r.outcome != Outcome::passed) last_reason_ = r.reason.empty() && c ? c->message : r.reason;
  std::fflush(out_);
}

void Console::print_transcript(const std::string& t) {
  std::size_t start = 0;
  while (start < t.size()) {
    std::size_t nl = t.find('\n', start);
    std::fprintf(out_, "        | %s\n", terminal_text(t.substr(start, nl - start)).c_str());
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}

void Console::details(const ScenarioResult& r) {
  if (!r.reason.empty() && r.outcome != Outcome::passed) {
    bool repeated = r.outcome == Outcome::skipped && !last_reason_.empty() && r.reason.ends_with(last_reason_);
    if (!repeated) std::fprintf(out_, "      %s\n", terminal_text(r.reason, true).c_str());
    if (r.outcome == Outcome::skipped && !repeated) last_reason_ = r.reason;
  }
  for (const auto& c : r.checks) {
    // How a check passed, or a finding reported at INFO (a policy, a TLS parameter).
    if (c.outcome == Outcome::passed && !c.message.empty())
      std::fprintf(out_, "      INFO %s\n", terminal_text(c.message).c_str());
    // Why a scenario ended early without a failure (a close the RFC allows).
    if (c.outcome == Outcome::skipped && !c.message.empty() && !c.message.starts_with("not run"))
      std::fprintf(out_, "      SKIP %s: %s\n", terminal_text(c.label).c_str(), terminal_text(c.message).c_str());
    if (c.outcome == Outcome::passed || c.outcome == Outcome::skipped) continue;
    std::string at = c.file + (c.line ? ":" + std::to_string(c.line) : "");
    std::string cited = citation(c.rfc, cited_requirements(r, c));
    std::fprintf(out_, "      %s: %s [%s%s%s] %s\n", terminal_text(at).c_str(), paint(c.outcome, to_string(c.outcome)).c_str(),
                 to_string(c.severity), cited.empty() ? "" : " ", terminal_text(cited).c_str(),
                 terminal_text(c.message).c_str());
    if (known_state(r) == KnownState::xfail) continue;  // the failure as known: its line, not the whole story
    std::fprintf(out_, "        check:    %s\n", terminal_text(c.label).c_str());
    if (!c.expected.empty() || !c.actual.empty())
      std::fprintf(out_, "        expected: %s\n        actual:   %s\n", terminal_text(c.expected).c_str(),
                   terminal_text(c.actual).c_str());
    print_transcript(c.transcript);
  }
  std::fflush(out_);
}

void Console::summary(const RunReport& report) {
  std::map<Outcome, std::size_t> scenarios, checks;
  std::size_t total_checks = 0, exchanges = 0, xfail = 0, xpass = 0, xfail_checks = 0;
  for (const auto& s : report.scenarios) {
    KnownState k = known_state(s);
    xfail += k == KnownState::xfail;
    xpass += k == KnownState::xpass;
    if (k == KnownState::none) ++scenarios[s.outcome];
    exchanges += s.exchanges;
    for (const auto& c : s.checks) {
      // A known deviation's findings are counted as known, not as failures:
      // the rows then say what fails the run.
      bool known = k == KnownState::xfail && (c.outcome == Outcome::failed || c.outcome == Outcome::warning);
      if (known) ++xfail_checks;
      else ++checks[c.outcome];
      ++total_checks;
    }
  }
  std::fprintf(out_, "\n%-10s %10s %10s\n", "", "scenarios", "checks");
  for (Outcome o : {Outcome::passed, Outcome::failed, Outcome::warning, Outcome::error, Outcome::skipped})
    std::fprintf(out_, "%-10s %10zu %10zu\n", to_string(o), scenarios[o], checks[o]);
  // Known deviations: found again (not failing the run), and no longer found.
  if (xfail) std::fprintf(out_, "%-10s %10zu %10zu\n", "XFAIL", xfail, xfail_checks);
  if (xpass) std::fprintf(out_, "%-10s %10zu\n", "XPASS", xpass);
  std::fprintf(out_, "%-10s %10zu %10zu   in %.2fs\n", "total", report.scenarios.size(), total_checks, report.seconds);
  double secs = report.seconds > 0 ? report.seconds : 1e-9;
  std::fprintf(out_, "%zu exchanges; %.1f scenarios/s, %.1f exchanges/s\n", exchanges,
               static_cast<double>(report.scenarios.size()) / secs, static_cast<double>(exchanges) / secs);
  if (report.interrupted) std::fprintf(out_, "interrupted: the report holds the scenarios that finished\n");
  std::fflush(out_);
}

}  // namespace pop3
