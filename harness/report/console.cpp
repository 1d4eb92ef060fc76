#include "report/console.hpp"

#include <map>

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
  std::snprintf(head, sizeof head, "[%*zu/%zu] %-5s", width, done, total_, to_string(r.outcome));
  std::fprintf(out_, "%s %s  (%zu/%zu checks, %.2fs)\n", paint(r.outcome, head).c_str(), r.id.c_str(), passed,
               r.checks.size(), r.seconds);
  if (!r.reason.empty() && r.outcome != Outcome::passed) std::fprintf(out_, "      %s\n", r.reason.c_str());
  for (const auto& c : r.checks) {
    // How a check passed, or a finding reported at INFO (a policy, a TLS parameter).
    if (c.outcome == Outcome::passed && !c.message.empty())
      std::fprintf(out_, "      INFO %s\n", c.message.c_str());
    if (c.outcome == Outcome::passed || c.outcome == Outcome::skipped) continue;
    std::fprintf(out_, "      %s:%d: %s [%s%s%s] %s\n", c.file.c_str(), c.line, paint(c.outcome, to_string(c.outcome)).c_str(),
                 to_string(c.severity), c.rfc.empty() ? "" : " ", c.rfc.c_str(), c.message.c_str());
    std::fprintf(out_, "        check:    %s\n", c.label.c_str());
    if (!c.expected.empty() || !c.actual.empty())
      std::fprintf(out_, "        expected: %s\n        actual:   %s\n", c.expected.c_str(), c.actual.c_str());
    if (!c.transcript.empty()) {
      std::string t = c.transcript;
      std::size_t start = 0;
      while (start < t.size()) {
        std::size_t nl = t.find('\n', start);
        std::fprintf(out_, "        | %s\n", t.substr(start, nl - start).c_str());
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
    }
  }
  std::fflush(out_);
}

void Console::summary(const RunReport& report) {
  std::map<Outcome, std::size_t> scenarios, checks;
  std::size_t total_checks = 0, exchanges = 0;
  for (const auto& s : report.scenarios) {
    ++scenarios[s.outcome];
    exchanges += s.exchanges;
    for (const auto& c : s.checks) {
      ++checks[c.outcome];
      ++total_checks;
    }
  }
  std::fprintf(out_, "\n%-10s %10s %10s\n", "", "scenarios", "checks");
  for (Outcome o : {Outcome::passed, Outcome::failed, Outcome::warning, Outcome::error, Outcome::skipped})
    std::fprintf(out_, "%-10s %10zu %10zu\n", to_string(o), scenarios[o], checks[o]);
  std::fprintf(out_, "%-10s %10zu %10zu   in %.2fs\n", "total", report.scenarios.size(), total_checks, report.seconds);
  double secs = report.seconds > 0 ? report.seconds : 1e-9;
  std::fprintf(out_, "%zu exchanges; %.1f scenarios/s, %.1f exchanges/s\n", exchanges,
               static_cast<double>(report.scenarios.size()) / secs, static_cast<double>(exchanges) / secs);
  if (report.interrupted) std::fprintf(out_, "interrupted: the report holds the scenarios that finished\n");
  std::fflush(out_);
}

}  // namespace pop3
