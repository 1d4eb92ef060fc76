#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/redact.hpp"
#include "requirements/builtin_checks.hpp"
#include "report/result.hpp"
#include "scenario/ast.hpp"
#include "server/client_checks.hpp"

namespace pop3 {

// What every run of every client must do, judged without I/O. Each check
// says whether it holds; the caller turns it into a report check.
struct AutoCheck {
  AutoCheck(std::string label, Severity severity, std::string rfc, std::optional<Builtin> check = std::nullopt)
      : label(std::move(label)), severity(severity), rfc(std::move(rfc)) {
    if (check)
      for (auto id : requirements_of(*check)) requirements.emplace_back(id);
  }
  std::string label;
  Severity severity;
  std::string rfc;
  std::vector<std::string> requirements;  // the catalog ids it verifies
  struct Violation {
    std::string message, expected, actual;
  };
  std::optional<Violation> violation;  // the first one, when the check fails
  std::optional<std::string> skipped;  // not judged, and why
};

// commands: the run's command events, in order. Text in the violations may
// hold peer bytes already escaped, and secrets the caller still redacts.
std::vector<AutoCheck> automatic_checks(const Scenario& scenario, const ClientRun& run,
                                        const std::vector<const ServerEvent*>& commands, const Redactor& redactor);

}  // namespace pop3
