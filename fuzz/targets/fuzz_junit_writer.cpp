// A run report whose every text field holds hostile bytes (what a server
// sent, escaped or not, and file names) must come out as XML that libxml2
// parses and that validates against the Jenkins JUnit schema CI uses.
#include <fuzzer/FuzzedDataProvider.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "report/run_report.hpp"

namespace {

void quiet(void*, const char*, ...) {}

// The schema next to the fuzzer (where .clusterfuzzlite/build.sh puts it, as
// the fuzzer runs on another machine than its build), else the source tree's.
std::string schema_path = POP3_JUNIT_XSD;

xmlSchemaPtr schema() {
  static xmlSchemaPtr s = [] {
    xmlSetGenericErrorFunc(nullptr, quiet);
    xmlSchemaParserCtxtPtr ctxt = xmlSchemaNewParserCtxt(schema_path.c_str());
    xmlSchemaPtr parsed = ctxt ? xmlSchemaParse(ctxt) : nullptr;
    xmlSchemaFreeParserCtxt(ctxt);
    if (!parsed) {
      std::fprintf(stderr, "cannot load the schema %s\n", schema_path.c_str());
      std::abort();
    }
    return parsed;
  }();
  return s;
}

std::string text(FuzzedDataProvider& in) { return in.ConsumeRandomLengthString(300); }

pop3::Outcome outcome(FuzzedDataProvider& in) {
  return in.PickValueInArray({pop3::Outcome::passed, pop3::Outcome::failed, pop3::Outcome::warning,
                              pop3::Outcome::skipped, pop3::Outcome::error});
}

pop3::Severity severity(FuzzedDataProvider& in) {
  return in.PickValueInArray({pop3::Severity::must, pop3::Severity::should, pop3::Severity::may, pop3::Severity::info});
}

pop3::RunReport report_from(FuzzedDataProvider& in) {
  pop3::RunReport report;
  report.seconds = in.ConsumeFloatingPointInRange<double>(0, 1e6);
  report.interrupted = in.ConsumeBool();
  for (int n = in.ConsumeIntegralInRange(0, 3); n > 0; --n) report.properties[text(in)] = text(in);
  for (int n = in.ConsumeIntegralInRange(0, 4); n > 0; --n) {
    pop3::ScenarioResult s;
    s.id = text(in);
    s.file = text(in);
    s.name = text(in);
    s.rfc = text(in);
    s.classname = text(in);
    s.fixture = text(in);
    s.severity = severity(in);
    s.outcome = outcome(in);
    s.reason = text(in);
    s.parse_error = in.ConsumeBool();
    s.environment_error = in.ConsumeBool();
    s.seconds = in.ConsumeFloatingPointInRange<double>(0, 1e6);
    for (int k = in.ConsumeIntegralInRange(0, 5); k > 0; --k) {
      pop3::CheckResult c;
      c.label = text(in);
      c.line = in.ConsumeIntegral<int>();
      c.file = in.ConsumeBool() ? s.file : text(in);
      c.severity = severity(in);
      c.rfc = text(in);
      c.outcome = outcome(in);
      c.message = text(in);
      c.expected = text(in);
      c.actual = text(in);
      c.transcript = text(in);
      c.seconds = in.ConsumeFloatingPointInRange<double>(0, 1e6);
      s.checks.push_back(std::move(c));
    }
    report.scenarios.push_back(std::move(s));
  }
  return report;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  if (*argc > 0) {
    std::error_code ec;
    auto beside = std::filesystem::path((*argv)[0]).parent_path() / "jenkins-junit.xsd";
    if (std::filesystem::exists(beside, ec)) schema_path = beside.string();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  xmlSchemaPtr xsd = schema();
  FuzzedDataProvider in(data, size);
  std::string xml = pop3::junit_xml(report_from(in));
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "junit.xml", nullptr, XML_PARSE_NONET);
  if (!doc) {
    std::fprintf(stderr, "not well-formed XML:\n%s\n", xml.c_str());
    std::abort();
  }
  xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(xsd);
  int rc = xmlSchemaValidateDoc(v, doc);
  xmlSchemaFreeValidCtxt(v);
  xmlFreeDoc(doc);
  if (rc != 0) {
    std::fprintf(stderr, "does not validate against the JUnit schema:\n%s\n", xml.c_str());
    std::abort();
  }
  return 0;
}
