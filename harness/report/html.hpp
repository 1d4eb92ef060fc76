#pragma once
// The HTML report: one self-contained file (inline style and script, no
// network: a Content-Security-Policy forbids any fetch), readable offline
// and attachable to a CI run. Pure: reports in, the page out.
#include <string>
#include <string_view>
#include <vector>

#include "report/run_report.hpp"
#include "requirements/catalog.hpp"

namespace pop3 {

// One column of the page: a run, or one server among several compared.
struct HtmlColumn {
  std::string title;  // the target, or the report's file name
  const RunReport* report = nullptr;
  std::vector<std::string> every_response;  // see requirement_cells
};

// The summary per column (ids count-COLUMN-OUTCOME, the numbers of the JSON
// report's summary), the requirement matrix when a catalog is given (each
// requirement's state per column, linked to the checks that decided it),
// every scenario's outcome per column, every finding with its expected,
// actual and transcript, and filters by outcome and RFC. Peer bytes are
// escaped (\xHH for what is not UTF-8); nothing from the peer reaches the
// script.
std::string html_report(const std::vector<HtmlColumn>& columns, const Catalog* catalog, std::string_view command);

}  // namespace pop3
