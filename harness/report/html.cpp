#include "report/html.hpp"

#include <map>
#include <set>

#include "report/html_assets.hpp"
#include "report/requirement_matrix.hpp"

namespace pop3 {
namespace {

// Text and attribute values alike: markup and quotes escaped, bytes that are
// not UTF-8 (or are control characters) shown as \xHH.
std::string esc(std::string_view s) {
  std::string out;
  for (char c : xml_text(s)) out += c == '"' ? std::string("&quot;") : std::string(1, c);
  return out;
}

std::string rfc_of(const std::string& citation) { return citation.substr(0, citation.find('#')); }

// A scenario's state in one column, in the filter's words.
std::string scenario_state(const ScenarioResult& s, bool strict) {
  switch (known_state(s)) {
    case KnownState::xfail: return "known";
    case KnownState::xpass: return "passed";
    case KnownState::none: break;
  }
  if (strict && s.outcome == Outcome::warning) return "failed";
  switch (s.outcome) {
    case Outcome::passed: return "passed";
    case Outcome::failed: return "failed";
    case Outcome::warning: return "warning";
    case Outcome::skipped: return "skipped";
    case Outcome::error: return "error";
  }
  return "error";
}

std::string check_anchor(std::size_t col, std::size_t s, std::size_t c) {
  return "c" + std::to_string(col) + "-" + std::to_string(s) + "-" + std::to_string(c);
}
std::string scenario_anchor(std::size_t col, std::size_t s) {
  return "s" + std::to_string(col) + "-" + std::to_string(s);
}

std::string header(const std::vector<HtmlColumn>& columns, std::string_view command) {
  std::string out = "<h1>POP3 conformance report</h1>\n";
  for (const auto& col : columns) {
    const auto& p = col.report->properties;
    auto prop = [&](const char* key) {
      auto it = p.find(key);
      return it == p.end() ? std::string() : it->second;
    };
    out += "<p class=\"meta\"><b>" + esc(col.title) + "</b> · " + esc(command) + " · harness " +
           esc(prop("harness.version")) + " · corpus " + esc(prop("corpus.version"));
    if (!prop("seed").empty()) out += " · seed " + esc(prop("seed"));
    if (col.report->strict) out += " · --strict";
    if (col.report->interrupted) out += " · <span class=\"failed\">interrupted: incomplete</span>";
    out += "</p>\n";
    if (!prop("capabilities").empty()) out += "<p class=\"meta\">capabilities: " + esc(prop("capabilities")) + "</p>\n";
  }
  return out;
}

std::string summary(const std::vector<HtmlColumn>& columns) {
  static const char* kRows[] = {"passed", "failed", "warning", "skipped", "error", "known_failed", "known_passed"};
  std::vector<std::map<std::string, std::size_t>> counts(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const RunReport& r = *columns[i].report;
    for (const auto& s : r.scenarios) {
      std::string state = scenario_state(s, r.strict);
      // As the JSON summary counts: a known failure under its outcome too.
      ++counts[i][state == "known" ? (s.outcome == Outcome::warning && !r.strict ? "warning" : "failed") : state];
      counts[i]["known_failed"] += known_state(s) == KnownState::xfail;
      counts[i]["known_passed"] += known_state(s) == KnownState::xpass;
    }
  }
  std::string out = "<h2 id=\"summary\">Summary</h2>\n<table>\n<tr><th>scenarios</th>";
  for (const auto& col : columns) out += "<th>" + esc(col.title) + "</th>";
  out += "</tr>\n";
  for (const char* row : kRows) {
    std::string css = std::string(row) == "known_failed" ? "known" : std::string(row) == "known_passed" ? "passed" : row;
    out += "<tr><th class=\"" + css + "\">" + std::string(row) + "</th>";
    for (std::size_t i = 0; i < columns.size(); ++i)
      out += "<td class=\"n\" id=\"count-" + std::to_string(i) + "-" + row + "\">" + std::to_string(counts[i][row]) +
             "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string filters(const std::set<std::string>& rfcs) {
  std::string out = "<form id=\"filters\">show: ";
  for (const char* s : {"failed", "error", "warning", "known", "passed", "skipped", "untested"})
    out += std::string("<label class=\"") + s + "\"><input type=\"checkbox\" value=\"" + s + "\" checked> " +
           (std::string(s) == "untested" ? "not tested" : std::string(s) == "known" ? "known deviation" : s) +
           "</label>";
  out += "<label>RFC <select id=\"rfc-filter\"><option value=\"\">all</option>";
  for (const auto& r : rfcs) out += "<option>" + esc(r) + "</option>";
  return out + "</select></label></form>\n";
}


// A check shown in the findings (and linked to from the matrix).
bool is_finding(Outcome o) { return o == Outcome::failed || o == Outcome::warning || o == Outcome::error; }

std::string quote_of(const Requirement& r) {
  std::string q = r.quote.size() > 220 ? r.quote.substr(0, 217) + "..." : r.quote;
  return "<span title=\"" + esc(r.quote + (r.note.empty() ? "" : " (" + r.note + ")")) + "\">" + esc(q) + "</span>";
}

// One row per requirement, one cell per column: its state, linked to the
// check that decided it (the first of its worst state).
std::string matrix(const std::vector<HtmlColumn>& columns, const Catalog& catalog) {
  std::vector<std::map<std::string, RequirementCell>> cells;
  for (const auto& col : columns) cells.push_back(requirement_cells(*col.report, col.every_response));
  auto rows = rows_to_show(catalog, cells);
  std::string out = "<h2 id=\"requirements\">Requirements</h2>\n<table>\n<tr><th>requirement</th><th>level</th>"
                    "<th>the RFC says</th>";
  for (const auto& col : columns) out += "<th>" + esc(col.title) + "</th>";
  out += "</tr>\n";
  for (const Requirement* r : rows) {
    std::string states, tds;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      auto it = cells[i].find(r->id);
      RequirementCell cell = it == cells[i].end() ? RequirementCell{} : it->second;
      states += std::string(states.empty() ? "" : " ") + css_name(cell.state);
      std::string label = to_string(cell.state);
      if (cell.every_response) label += " <span class=\"meta\">(every response)</span>";
      if (!cell.checks.empty()) {
        const CheckRef* decided = &cell.checks.front();
        for (const auto& ref : cell.checks)
          if (is_finding(columns[i].report->scenarios[ref.scenario].checks[ref.check].outcome)) {
            decided = &ref;
            break;
          }
        const ScenarioResult& s = columns[i].report->scenarios[decided->scenario];
        bool detailed = is_finding(s.checks[decided->check].outcome);
        std::string href = detailed ? check_anchor(i, decided->scenario, decided->check) : "row-" + esc(s.id);
        label = "<a href=\"#" + href + "\">" + label + "</a> <span class=\"meta\">(" +
                std::to_string(cell.checks.size()) + ")</span>";
      }
      tds += "<td class=\"st " + std::string(css_name(cell.state)) + "\">" + label + "</td>";
    }
    out += "<tr data-states=\"" + states + "\" data-rfc=\"" + esc(r->rfc) + "\"><td id=\"req-" + esc(r->id) + "\">" +
           esc(r->id) + "<br><span class=\"meta\">" + esc(r->rfc) + " §" + esc(r->section) + ", " + esc(r->binds) +
           "</span></td><td>" + esc(r->level) + "</td><td class=\"quote\">" + quote_of(*r) + "</td>" + tds + "</tr>\n";
  }
  return out + "</table>\n";
}

std::string scenario_table(const std::vector<HtmlColumn>& columns) {
  // The scenarios of every column, each id once, in first-seen order.
  std::vector<std::string> ids;
  std::vector<std::map<std::string, std::size_t>> at(columns.size());
  std::map<std::string, const ScenarioResult*> first;
  for (std::size_t i = 0; i < columns.size(); ++i)
    for (std::size_t j = 0; j < columns[i].report->scenarios.size(); ++j) {
      const ScenarioResult& s = columns[i].report->scenarios[j];
      at[i][s.id] = j;
      if (first.emplace(s.id, &s).second) ids.push_back(s.id);
    }
  std::string out = "<h2 id=\"scenarios\">Scenarios</h2>\n<table>\n<tr><th>scenario</th><th>RFC</th><th>severity</th>";
  for (const auto& col : columns) out += "<th>" + esc(col.title) + "</th>";
  out += "</tr>\n";
  for (const auto& id : ids) {
    const ScenarioResult& s = *first[id];
    std::string states, tds;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      auto it = at[i].find(id);
      if (it == at[i].end()) {
        states += " untested";
        tds += "<td class=\"untested\">-</td>";
        continue;
      }
      const ScenarioResult& r = columns[i].report->scenarios[it->second];
      std::string state = scenario_state(r, columns[i].report->strict);
      states += " " + state;
      std::string text = shown_outcome(r);
      bool detailed = state != "passed" && state != "skipped";
      if (detailed) text = "<a href=\"#" + scenario_anchor(i, it->second) + "\">" + text + "</a>";
      tds += "<td class=\"st " + state + "\" title=\"" + esc(r.reason) + "\">" + text + "</td>";
    }
    out += "<tr id=\"row-" + esc(id) + "\" data-states=\"" + states.substr(1) + "\" data-rfc=\"" + esc(rfc_of(s.rfc)) +
           "\"><td>" + esc(id) + "<br><span class=\"meta\">" + esc(s.name) + "</span></td><td>" + esc(s.rfc) +
           "</td><td>" + to_string(s.severity) + "</td>" + tds + "</tr>\n";
  }
  return out + "</table>\n";
}

std::string check_detail(const ScenarioResult& s, const CheckResult& c, const std::string& anchor, bool strict) {
  std::string state = c.outcome == Outcome::error     ? "error"
                      : known_state(s) == KnownState::xfail ? "known"
                      : c.outcome == Outcome::warning && !strict ? "warning"
                                                                 : "failed";
  std::string out = "<div class=\"finding " + state + "\" id=\"" + anchor + "\"><p><span class=\"st " + state + "\">" +
                    to_string(c.severity) + " " + (state == "known" ? "known deviation" : state) + "</span> " +
                    esc(c.file) + (c.line ? ":" + std::to_string(c.line) : "") + " <code>" + esc(c.label) + "</code>";
  std::string cited = citation(c.rfc, cited_requirements(s, c));
  if (!cited.empty()) out += " <span class=\"meta\">[" + esc(cited) + "]</span>";
  out += "</p>\n<p>" + esc(c.message) + "</p>\n";
  if (!c.expected.empty() || !c.actual.empty())
    out += "<pre>expected: " + esc(c.expected) + "\nactual:   " + esc(c.actual) + "</pre>\n";
  if (!c.transcript.empty()) out += "<pre>" + esc(c.transcript) + "</pre>\n";
  return out + "</div>\n";
}

// Every scenario that did not simply pass or skip, with each check that
// failed, warned or errored, per column.
std::string findings(const std::vector<HtmlColumn>& columns) {
  std::string out = "<h2 id=\"findings\">Findings</h2>\n";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const RunReport& r = *columns[i].report;
    if (columns.size() > 1) out += "<h3>" + esc(columns[i].title) + "</h3>\n";
    std::size_t shown = 0;
    if (r.preflight && r.preflight->outcome != Outcome::passed) {
      // The target could not be tested, or broke the protocol before any scenario: said first.
      ++shown;
      const ScenarioResult& p = *r.preflight;
      std::string state = p.outcome == Outcome::error ? "error" : "failed";
      out += "<section data-states=\"" + state + "\" id=\"preflight-" + std::to_string(i) + "\"><h3><span class=\"st " +
             state + "\">" + to_string(p.outcome) + "</span> preflight: every scenario not run</h3>\n";
      if (!p.reason.empty()) out += "<pre>" + esc(p.reason) + "</pre>\n";
      for (std::size_t k = 0; k < p.checks.size(); ++k)
        if (is_finding(p.checks[k].outcome))
          out += check_detail(p, p.checks[k], "p" + std::to_string(i) + "-" + std::to_string(k), r.strict);
      out += "</section>\n";
    }
    for (std::size_t j = 0; j < r.scenarios.size(); ++j) {
      const ScenarioResult& s = r.scenarios[j];
      std::string state = scenario_state(s, r.strict);
      if (state == "passed" || state == "skipped") continue;
      ++shown;
      out += "<section data-states=\"" + state + "\" data-rfc=\"" + esc(rfc_of(s.rfc)) + "\" id=\"" +
             scenario_anchor(i, j) + "\"><h3><span class=\"st " + state + "\">" + shown_outcome(s) + "</span> " +
             esc(s.id) + " <span class=\"meta\">" + esc(s.name) + " (" + esc(s.rfc) + ")</span></h3>\n";
      if (s.known) {
        out += "<p class=\"known\">known deviation (" + esc(s.known->listed_at) + "): " + esc(s.known->reason);
        if (s.known->link.starts_with("http")) out += " <a href=\"" + esc(s.known->link) + "\">link</a>";
        out += "</p>\n";
      }
      if (!s.reason.empty()) out += "<pre>" + esc(s.reason) + "</pre>\n";
      for (std::size_t k = 0; k < s.checks.size(); ++k) {
        if (is_finding(s.checks[k].outcome)) out += check_detail(s, s.checks[k], check_anchor(i, j, k), r.strict);
      }
      out += "</section>\n";
    }
    if (!shown) out += "<p class=\"passed\">none</p>\n";
  }
  return out;
}

}  // namespace

std::string html_report(const std::vector<HtmlColumn>& columns, const Catalog* catalog, std::string_view command) {
  std::set<std::string> rfcs;
  for (const auto& col : columns)
    for (const auto& s : col.report->scenarios)
      if (!s.rfc.empty()) rfcs.insert(rfc_of(s.rfc));
  std::string title = columns.size() == 1 ? columns[0].title : std::to_string(columns.size()) + " targets compared";
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      "script-src 'unsafe-inline'\">\n<meta name=\"generator\" content=\"pop3-harness\">\n"
      "<title>POP3 conformance: " + esc(title) + "</title>\n<style>" + html_assets::kStyle + "</style></head>\n<body>\n";
  out += header(columns, command) + summary(columns) + filters(rfcs);
  if (catalog) out += matrix(columns, *catalog);
  out += scenario_table(columns) + findings(columns);
  out += "<script>" + std::string(html_assets::kScript) + "</script>\n</body></html>\n";
  return out;
}

}  // namespace pop3
