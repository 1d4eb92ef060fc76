#include <gtest/gtest.h>

#include "report/run_report.hpp"

using namespace pop3;

namespace {

CheckResult check(Outcome outcome, std::string label, int line) {
  CheckResult c;
  c.label = std::move(label);
  c.line = line;
  c.file = "scenarios/rfc1939/stat.pop3";
  c.rfc = "rfc1939#5";
  c.outcome = outcome;
  return c;
}

ScenarioResult scenario() {
  ScenarioResult s;
  s.id = "rfc1939/stat";
  s.file = "scenarios/rfc1939/stat.pop3";
  s.name = "STAT counts";
  s.rfc = "rfc1939#5";
  s.classname = "transaction";
  s.fixture = "basic";
  return s;
}

std::size_t count(const std::string& haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST(XmlText, EscapesMarkupAndShowsUnprintableBytes) {
  EXPECT_EQ(xml_text("a<b>&c"), "a&lt;b&gt;&amp;c");
  EXPECT_EQ(xml_text(std::string("\0\x1b\r", 3)), "\\x00\\x1B\\x0D");
  EXPECT_EQ(xml_text("caf\xc3\xa9"), "caf\xc3\xa9");      // valid UTF-8 kept
  EXPECT_EQ(xml_text("\xff\xc3"), "\\xFF\\xC3");           // invalid UTF-8 shown
  EXPECT_EQ(xml_text("line\nnext\ttab"), "line\nnext\ttab");
}

// Found by fuzz_junit_writer: sequences a lax decoder takes are not XML text.
TEST(XmlText, ShowsWhatIsNotWellFormedUtf8OrNotAnXmlCharacter) {
  EXPECT_EQ(xml_text("\xef\xbf\xbf"), "\\xEF\\xBF\\xBF");  // U+FFFF, a non-character
  EXPECT_EQ(xml_text("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // a surrogate
  EXPECT_EQ(xml_text("\xe0\x80\xaf"), "\\xE0\\x80\\xAF");  // an overlong '/'
  EXPECT_EQ(xml_text("\xf4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // past U+10FFFF
  EXPECT_EQ(xml_text("\xf0\x9f\x93\xa7"), "\xf0\x9f\x93\xa7");  // U+1F4E7 kept
}

TEST(Junit, ATestcasePerCheckWithStableNamesAndClassname) {
  RunReport r;
  auto s = scenario();
  s.checks = {check(Outcome::passed, "S: +OK {*}", 9), check(Outcome::passed, "check: count == 3", 10),
              check(Outcome::passed, "S: +OK {*}", 12)};
  r.scenarios = {s};
  std::string xml = junit_xml(r);
  EXPECT_NE(xml.find("<testcase name=\"stat: S: +OK {*}\" classname=\"pop3.rfc1939.transaction\""),
            std::string::npos);
  EXPECT_NE(xml.find("name=\"stat: check: count == 3\""), std::string::npos);
  // The same step again is numbered by its occurrence, not its line: a line
  // added elsewhere in the file leaves every name as it was.
  EXPECT_NE(xml.find("name=\"stat: S: +OK {*} (2)\""), std::string::npos);
  EXPECT_EQ(xml.find(" L0"), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"rfc1939/stat\" tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"0\""),
            std::string::npos);
  EXPECT_NE(xml.find("<property name=\"rfc\" value=\"rfc1939#5\"/>"), std::string::npos);
}

TEST(Junit, AFailureCarriesExpectedActualAndTranscript) {
  RunReport r;
  auto s = scenario();
  auto c = check(Outcome::failed, "S: +OK {*}", 9);
  c.message = "the server's line does not match";
  c.expected = "+OK {*}";
  c.actual = "-ERR <no>";
  c.transcript = "C: STAT\\r\\n\n";
  s.checks = {c};
  r.scenarios = {s};
  r.properties = {{"seed", "42"}};
  std::string xml = junit_xml(r);
  EXPECT_NE(xml.find("<failure type=\"MUST\" message=\"the server's line does not match\">"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("actual:   -ERR &lt;no&gt;"), std::string::npos);
  EXPECT_NE(xml.find("transcript:\nC: STAT\\r\\n"), std::string::npos);
  EXPECT_NE(xml.find("<property name=\"seed\" value=\"42\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<testsuites name=\"pop3-harness\" tests=\"1\" failures=\"1\" errors=\"0\""), std::string::npos);
}

TEST(Junit, WarningsDoNotFailAndSkipsHaveTheirReason) {
  RunReport r;
  auto warned = scenario();
  auto w = check(Outcome::warning, "S: -ERR {*}", 9);
  w.severity = Severity::should;
  w.message = "accepted";
  warned.checks = {w};
  auto skipped = scenario();
  skipped.id = "rfc1939/apop";
  skipped.outcome = Outcome::skipped;
  skipped.reason = "server does not advertise APOP";
  r.scenarios = {warned, skipped};
  std::string xml = junit_xml(r);
  EXPECT_EQ(count(xml, "<failure"), 0u);
  EXPECT_NE(xml.find("<system-err>WARNING (SHOULD not met)"), std::string::npos);
  EXPECT_NE(xml.find("<skipped>server does not advertise APOP</skipped>"), std::string::npos);
}

TEST(Junit, AParseErrorIsOneErrorTestcase) {
  RunReport r;
  auto s = scenario();
  s.parse_error = true;
  s.outcome = Outcome::error;
  s.reason = "t.pop3:3:1: error: unknown step\n  X: y\n  ^\n";
  r.scenarios = {s};
  std::string xml = junit_xml(r);
  EXPECT_NE(xml.find("<error type=\"parse\" message=\"t.pop3:3:1: error: unknown step\">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("errors=\"1\""), std::string::npos);
}

TEST(Junit, WireBytesNeverBreakTheXml) {
  RunReport r;
  auto s = scenario();
  auto c = check(Outcome::failed, std::string("S: \x01\"<", 6), 9);
  c.message = std::string("bad \0 byte", 10);
  s.checks = {c};
  r.scenarios = {s};
  std::string xml = junit_xml(r);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find('\0'), std::string::npos);
  EXPECT_NE(xml.find("S: \\x01&quot;&lt;"), std::string::npos) << xml;
}

TEST(Junit, RunLevelPropertiesAreWrittenOnceWithTheHarnessVersion) {
  RunReport r;
  r.properties = {{"capabilities", "TOP UIDL USER"}};
  r.scenarios = {scenario(), scenario()};
  r.scenarios[1].id = "rfc1939/other";
  std::string xml = junit_xml(r);
  EXPECT_EQ(count(xml, "name=\"capabilities\""), 1u);
  EXPECT_EQ(count(xml, "name=\"harness.version\""), 1u);
  EXPECT_NE(xml.find("<testsuite name=\"pop3-harness\""), std::string::npos);
}

TEST(Junit, UnderStrictAShouldFindingIsAFailure) {
  RunReport r;
  auto s = scenario();
  auto w = check(Outcome::warning, "S: -ERR {*}", 9);
  w.severity = Severity::should;
  w.message = "accepted";
  s.checks = {w};
  r.scenarios = {s};
  EXPECT_EQ(count(junit_xml(r), "<failure"), 0u);
  r.strict = true;
  EXPECT_NE(junit_xml(r).find("<failure type=\"SHOULD\" message=\"accepted\">"), std::string::npos);
}

TEST(Junit, TheCachedWriterRendersTheSameDocument) {
  RunReport r;
  r.scenarios = {scenario()};
  JunitWriter w;
  std::string first = w.render(r);
  EXPECT_EQ(first, junit_xml(r));
  r.scenarios.push_back(scenario());
  r.scenarios.back().id = "rfc1939/more";
  EXPECT_EQ(w.render(r), junit_xml(r));
}
