#include <gtest/gtest.h>

#include "report/html.hpp"
#include "report/requirement_matrix.hpp"

using namespace pop3;

namespace {

const char* kCatalog =
    "id\trfc\tsection\tbinds\tlevel\ttestable\tquote\tnote\n"
    "1939-5-STAT-2\trfc1939\t5\tserver\tMUST\tyes\tThe positive response consists of \"+OK\"\t\n"
    "1939-5-DELE-4\trfc1939\t5\tserver\tMUST\tyes\tThe POP3 server marks the message as deleted.\t\n"
    "1939-3-RESP-2\trfc1939\t3\tserver\tMUST\tyes\tAll responses are terminated by a CRLF pair.\t\n"
    "1939-3-CMD-2\trfc1939\t3\tclient\tMUST\tyes\tAll commands are terminated by a CRLF pair.\t\n";

ScenarioResult scenario(const std::string& id, std::vector<std::string> requirements, Outcome outcome) {
  ScenarioResult s;
  s.id = id;
  s.rfc = "rfc1939#5";
  s.requirements = std::move(requirements);
  CheckResult c;
  c.label = "S: +OK {count} {*}";
  c.outcome = outcome;
  c.actual = "+OK <b>3</b>\xff";
  s.checks.push_back(c);
  s.outcome = summarize(s);
  return s;
}

}  // namespace

TEST(RequirementMatrix, TheWorstCheckCitingARequirementDecidesItsState) {
  RunReport r;
  r.scenarios = {scenario("rfc1939/a", {"1939-5-STAT-2"}, Outcome::passed),
                 scenario("rfc1939/b", {"1939-5-STAT-2", "1939-5-DELE-4"}, Outcome::failed)};
  auto cells = requirement_cells(r, {"1939-3-RESP-2"});
  EXPECT_EQ(cells.at("1939-5-STAT-2").state, RequirementState::failed);
  EXPECT_EQ(cells.at("1939-5-STAT-2").checks.size(), 2u);
  EXPECT_EQ(cells.at("1939-5-DELE-4").state, RequirementState::failed);
  EXPECT_TRUE(cells.at("1939-3-RESP-2").every_response);
  r.scenarios[1].known = ScenarioResult::Known{"why", "", "k:1"};
  EXPECT_EQ(requirement_cells(r).at("1939-5-DELE-4").state, RequirementState::known);
}

TEST(RequirementMatrix, ShowsTheRowsOfTheTestedPartyOnly) {
  Catalog catalog = Catalog::parse(kCatalog);
  RunReport r;
  r.scenarios = {scenario("rfc1939/a", {"1939-5-STAT-2"}, Outcome::passed)};
  auto rows = rows_to_show(catalog, {requirement_cells(r)});
  ASSERT_EQ(rows.size(), 3u);  // the server rows, tested or not; not the client's
  for (const auto* row : rows) EXPECT_EQ(row->binds, "server");
}

TEST(HtmlReport, IsOnePageWithoutNetworkAndEscapesWhatThePeerSent) {
  Catalog catalog = Catalog::parse(kCatalog);
  RunReport r;
  r.properties["target"] = "mail.example.test:110";
  r.scenarios = {scenario("rfc1939/<i>", {"1939-5-STAT-2"}, Outcome::failed)};
  std::string page = html_report({{"mail.example.test:110", &r, {}}}, &catalog, "run");
  EXPECT_NE(page.find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(page.find("src=\"http"), std::string::npos);
  EXPECT_EQ(page.find("<b>3</b>"), std::string::npos);
  EXPECT_NE(page.find("+OK &lt;b&gt;3&lt;/b&gt;\\xFF"), std::string::npos);
  EXPECT_EQ(page.find("<i>"), std::string::npos);
  EXPECT_NE(page.find("id=\"count-0-failed\">1<"), std::string::npos);
  EXPECT_NE(page.find("id=\"req-1939-5-STAT-2\""), std::string::npos);
}
