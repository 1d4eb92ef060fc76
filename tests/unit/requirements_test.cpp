#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "requirements/builtin_checks.hpp"
#include "requirements/catalog.hpp"
#include "requirements/coverage.hpp"
#include "scenario/parser.hpp"

using namespace pop3;

namespace {

constexpr std::string_view kHeader = "id\trfc\tsection\tbinds\tlevel\ttestable\tquote\tnote\n";

std::string row(const std::string& id, const std::string& binds, const std::string& level, const std::string& testable) {
  return id + "\trfc1939\t5\t" + binds + "\t" + level + "\t" + testable + "\tsome words\t\n";
}

Catalog three() {
  return Catalog::parse(std::string(kHeader) + row("1939-5-DELE-2", "server", "MUST", "yes") +
                        row("1939-5-STAT-4", "server", "SHOULD", "no") + row("1939-3-CMD-2", "client", "MUST", "yes"));
}

}  // namespace

TEST(RequirementId, HasTheShapeRfcSectionTopicNumber) {
  EXPECT_TRUE(valid_requirement_id("1939-5-DELE-2"));
  EXPECT_TRUE(valid_requirement_id("2449-6.6-PIPE-5"));
  EXPECT_TRUE(valid_requirement_id("6856-2.1-UTF8-7"));
  for (const char* bad : {"", "1939", "1939-5-DELE", "939-5-DELE-2", "1939-5-dele-2", "1939-.5-DELE-2",
                          "1939-5..1-DELE-2", "1939-5-DELE-x", "1939-5-DELE-2-3"})
    EXPECT_FALSE(valid_requirement_id(bad)) << bad;
}

TEST(Catalog, ParsesRowsAndFindsThemById) {
  Catalog c = three();
  ASSERT_EQ(c.rows().size(), 3u);
  ASSERT_NE(c.find("1939-5-STAT-4"), nullptr);
  EXPECT_EQ(c.find("1939-5-STAT-4")->level, "SHOULD");
  EXPECT_EQ(c.find("1939-5-DELE-9"), nullptr);
  EXPECT_EQ(c.closest("1939-5-DELE-3"), "1939-5-DELE-2");
}

TEST(Catalog, RefusesAMalformedCatalogNamingTheLine) {
  auto error = [](const std::string& text) {
    try {
      Catalog::parse(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("parsed");
  };
  EXPECT_NE(error("id\trfc\n").find("line 1"), std::string::npos);
  EXPECT_NE(error(std::string(kHeader) + "1939-5-DELE-2\trfc1939\n").find("line 2"), std::string::npos);
  EXPECT_NE(error(std::string(kHeader) + row("1939-5-DELE-2", "server", "MUST", "yes") +
                  row("1939-5-DELE-2", "server", "MUST", "yes"))
                .find("repeats"),
            std::string::npos);
  EXPECT_NE(error(std::string(kHeader) + row("DELE-2", "server", "MUST", "yes")).find("not an id"), std::string::npos);
}

TEST(Coverage, CountsTestableMustAndShouldRowsTheChecksCite) {
  Coverage c = compute_coverage(three(), {"1939-5-DELE-2"});
  EXPECT_EQ(c.servers.testable, 1);  // STAT-4 is not testable
  EXPECT_EQ(c.servers.covered, 1);
  EXPECT_EQ(c.clients.testable, 1);
  EXPECT_EQ(c.clients.covered, 0);
  ASSERT_EQ(c.uncovered.size(), 1u);
  EXPECT_EQ(c.uncovered[0].id, "1939-3-CMD-2");
  std::string text = render_coverage(c);
  EXPECT_NE(text.find("servers: 1/1 testable MUST+SHOULD covered (100%); clients: 0/1 covered (0%)"), std::string::npos);
  EXPECT_NE(text.find("1939-3-CMD-2 MUST (client)"), std::string::npos);
}

TEST(Parser, ReadsTheRequirementsAScenarioCites) {
  auto sc = parse_scenario_text("scenario: t\nrfc: rfc1939#5\nrequirements: 1939-5-DELE-2, 1939-5-DELE-3\n\nC: STAT\n",
                                "t.pop3", "t");
  EXPECT_EQ(sc.requirements, (std::vector<std::string>{"1939-5-DELE-2", "1939-5-DELE-3"}));
  EXPECT_EQ(sc.requirements_line, 3);
}

TEST(Parser, RefusesSomethingThatIsNotARequirementIdWithACaret) {
  try {
    parse_scenario_text("scenario: t\nrfc: rfc1939#5\nrequirements: 1939-5-DELE-2 rfc1939#5\n\nC: STAT\n", "t.pop3", "t");
    FAIL() << "no parse error";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.diagnostic.line, 3);
    EXPECT_EQ(e.diagnostic.column, 29);
    EXPECT_NE(e.diagnostic.message.find("'rfc1939#5' is not a requirement id"), std::string::npos);
  }
}

// What `pop3-harness coverage` counts for the checks outside the scenarios
// must exist in the catalog, be testable and bind the side the check judges.
TEST(BuiltinChecks, CiteOnlyTestableIdsOfTheProjectCatalogForTheSideTheyJudge) {
  std::ifstream in(POP3_CATALOG);
  ASSERT_TRUE(in) << POP3_CATALOG;
  std::stringstream text;
  text << in.rdbuf();
  Catalog catalog = Catalog::parse(text.str());
  std::set<Builtin> seen;
  for (const auto& b : builtin_checks()) {
    EXPECT_TRUE(seen.insert(b.check).second) << b.name << " is declared twice";
    bool client = b.where == "client role";
    for (auto id : b.ids) {
      const Requirement* r = catalog.find(id);
      ASSERT_NE(r, nullptr) << b.name << " cites " << id << ", not in the catalog";
      EXPECT_NE(r->testable, "no") << b.name << " cites " << id << ", which cannot be tested from the wire";
      EXPECT_EQ(r->binds, client ? "client" : "server") << b.name << " cites " << id;
    }
  }
  EXPECT_EQ(&requirements_of(Builtin::line_ends), &builtin_checks()[1].ids);
}
