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
#include "load/load_report.hpp"
#include "load/stats_read.hpp"
#include "report/console.hpp"
#include "report/html.hpp"
#include "report/merge.hpp"
#include "report/results_json.hpp"
#include "report/run_report.hpp"

namespace fs = std::filesystem;

namespace pop3 {
namespace {

std::string read_input(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path + ": cannot be read");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

NamedResults load_results(const std::string& path) {
  std::string text = read_input(path);
  try {
    return {path, read_results_json(text)};
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path + ": " + e.what());
  }
}

// The load statistics of the shards of one load, merged and summed up;
// the exit code they alone give (1: an invariant broken in some shard).
int merge_load_stats(const std::vector<std::string>& paths, const std::string& out) {
  load::Stats all;
  double seconds = 0;
  for (const auto& path : paths) {
    std::string text = read_input(path);
    load::LoadedStats one;
    try {
      one = load::stats_from_json(text);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(path + ": " + e.what());
    }
    all.merge(one.stats);
    seconds = std::max(seconds, one.seconds);  // the shards ran at once
  }
  std::cout << "merged " << paths.size() << " load statistics (the longest shard's time; open at once: the sum of "
            << "the shards' peaks)";
  load::print_summary(stdout, all, seconds);
  if (!out.empty()) {
    write_atomically(out, load::stats_json(all, seconds));
    std::cout << "load statistics: " << out << "\n";
  }
  if (!all.broken.empty()) return kConformance;
  return all.listed ? kPassed : kEnvironment;
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
  for (const auto& path : o.inputs) inputs.push_back(load_results(path));
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
  std::vector<std::string> results, stats;
  try {
    for (const auto& path : o.inputs) (load::is_stats_json(read_input(path)) ? stats : results).push_back(path);
  } catch (const std::invalid_argument& e) {
    std::cerr << "pop3-harness: " << e.what() << "\n";
    return kUsage;
  }
  int stats_code = kPassed;
  if (!stats.empty()) {
    try {
      stats_code = merge_load_stats(stats, o.stats_json);
    } catch (const std::invalid_argument& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return kUsage;
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: cannot write " << o.stats_json << ": " << e.what() << "\n";
      return kEnvironment;
    }
    if (results.empty()) return stats_code;
  } else if (!o.stats_json.empty()) {
    std::cerr << "pop3-harness: --stats-json writes merged load statistics, and no input is one\n";
    return kUsage;
  }
  Merged merged;
  try {
    std::vector<NamedResults> inputs;
    for (const auto& path : results) inputs.push_back(load_results(path));
    merged = merge_results(inputs);
  } catch (const std::invalid_argument& e) {
    std::cerr << "pop3-harness: " << e.what() << "\n";
    return kUsage;
  }
  RunReport& report = merged.results.report;
  report.properties["merged.from"] = std::to_string(results.size()) + " reports";
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
  std::cout << "merged " << results.size() << " '" << merged.results.command << "' reports: "
            << report.scenarios.size() << " scenarios\n";
  console.summary(report);
  std::cout << "JUnit report: " << o.junit << "\n";
  return std::max(report_exit_code(report), stats_code);
}

}  // namespace pop3
