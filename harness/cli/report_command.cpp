#include "cli/report_command.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>

#include "cli/run_ledger.hpp"
#include "cli/run_options.hpp"
#include "report/console.hpp"
#include "report/merge.hpp"
#include "report/results_json.hpp"
#include "report/run_report.hpp"

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

int report_merge_command(const ReportMergeOptions& o) {
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
