#include "cli/report_command.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>

#include "cli/requirement_citations.hpp"
#include "cli/run_ledger.hpp"
#include "cli/run_options.hpp"
#include "report/console.hpp"
#include "report/html.hpp"
#include "report/merge.hpp"
#include "report/results_json.hpp"
#include "report/run_report.hpp"

namespace fs = std::filesystem;

namespace pop3 {
namespace {

NamedResults load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path + ": cannot be read");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return {path, read_results_json(text)};
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path + ": " + e.what());
  }
}

}  // namespace

namespace {

// The page's column for a report: titled by its target and file, with the
// checks made on every response when it tested a server.
HtmlColumn column_for(const RunReport& report, const std::string& title) {
  auto tested = report.properties.find("tested");
  bool server = tested == report.properties.end() || tested->second != "client";
  return {title, &report, server ? every_response_requirements() : std::vector<std::string>{}};
}

std::string target_of(const RunReport& report, const std::string& fallback) {
  auto it = report.properties.find("target");
  return it == report.properties.end() ? fallback : it->second;
}

void write_html(const std::string& path, const std::vector<HtmlColumn>& columns, const std::string& command) {
  auto catalog = load_catalog();
  write_atomically(path, html_report(columns, catalog ? &*catalog : nullptr, command));
  std::cout << "HTML report: " << path << "\n";
}

int compare_command(const ReportMergeOptions& o) {
  std::vector<NamedResults> inputs;
  for (const auto& path : o.inputs) inputs.push_back(load(path));
  std::vector<HtmlColumn> columns;
  int worst = kPassed;
  for (const auto& in : inputs) {
    columns.push_back(column_for(in.results.report, target_of(in.results.report, "") + " (" +
                                                        fs::path(in.name).filename().string() + ")"));
    worst = std::max(worst, report_exit_code(in.results.report));
  }
  write_html(o.html, columns, inputs.front().results.command);
  return worst;
}

}  // namespace

int report_merge_command(const ReportMergeOptions& o) {
  if (o.compare) {
    if (o.html.empty()) {
      std::cerr << "pop3-harness: --compare writes an HTML page: give --html FILE\n";
      return kUsage;
    }
    try {
      return compare_command(o);
    } catch (const std::invalid_argument& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return kUsage;
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: cannot write the report: " << e.what() << "\n";
      return kEnvironment;
    }
  }
  Merged merged;
  try {
    std::vector<NamedResults> inputs;
    for (const auto& path : o.inputs) inputs.push_back(load(path));
    merged = merge_results(inputs);
  } catch (const std::invalid_argument& e) {
    std::cerr << "pop3-harness: " << e.what() << "\n";
    return kUsage;
  }
  RunReport& report = merged.results.report;
  report.properties["merged.from"] = std::to_string(o.inputs.size()) + " reports";
  for (const auto& note : merged.notes) std::cout << "note: " << note << "\n";
  try {
    write_atomically(o.junit, junit_xml(report));
    if (!o.report_json.empty()) write_atomically(o.report_json, results_json(report, merged.results.command));
    if (!o.html.empty()) write_html(o.html, {column_for(report, target_of(report, "merged"))}, merged.results.command);
  } catch (const std::exception& e) {
    std::cerr << "pop3-harness: cannot write the report: " << e.what() << "\n";
    return kEnvironment;
  }
  Console console(stdout, report.scenarios.size(), false);
  std::cout << "merged " << o.inputs.size() << " '" << merged.results.command << "' reports: "
            << report.scenarios.size() << " scenarios\n";
  console.summary(report);
  std::cout << "JUnit report: " << o.junit << "\n";
  return report_exit_code(report);
}

}  // namespace pop3
