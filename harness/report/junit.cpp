#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include "report/run_report.hpp"
#include "report/utf8.hpp"

namespace pop3 {
namespace {

std::string attr(std::string_view s) {
  std::string out = xml_text(s);
  std::string r;
  for (char c : out) {
    if (c == '"') r += "&quot;";
    else if (c == '\n') r += "&#10;";
    else r.push_back(c);
  }
  return r;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::string classname_of(const ScenarioResult& s) {
  // "rfc1939/stat-basic" with group "transaction" -> pop3.rfc1939.transaction;
  // a dotted group is a full path under pop3: "tls.client.stripping".
  if (s.classname.find('.') != std::string::npos) return "pop3." + s.classname;
  std::string dir = s.id.find('/') == std::string::npos ? "scenarios" : s.id.substr(0, s.id.rfind('/'));
  for (auto& c : dir)
    if (c == '/') c = '.';
  return "pop3." + dir + "." + (s.classname.empty() ? "scenario" : s.classname);
}

std::string fs_stem(const std::string& path) {
  std::size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return name.substr(0, name.rfind('.'));
}

std::string check_text(const CheckResult& c) {
  std::string out = c.message + "\n";
  out += "check: " + c.label + "\n";
  out += "at: " + c.file + ":" + std::to_string(c.line) + "\n";
  out += "severity: " + std::string(to_string(c.severity)) + (c.rfc.empty() ? "" : "  rfc: " + c.rfc) + "\n";
  if (!c.expected.empty() || !c.actual.empty()) out += "expected: " + c.expected + "\nactual:   " + c.actual + "\n";
  if (!c.transcript.empty()) out += "transcript:\n" + c.transcript;
  return out;
}

}  // namespace

std::string xml_text(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t n = utf8_length(s, i);
      // U+FFFE and U+FFFF are UTF-8 but not XML characters.
      bool non_character = n == 3 && c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
                           static_cast<unsigned char>(s[i + 2]) >= 0xBE;
      if (n && !non_character) {
        out.append(s.substr(i, n));
        i += n;
        continue;
      }
    }
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) out.push_back(static_cast<char>(c));
    else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
    ++i;
  }
  return out;
}

std::string junit_xml(const RunReport& report) {
  std::size_t tests = 0, failures = 0, errors = 0;
  std::string suites;
  for (const auto& s : report.scenarios) {
    std::size_t t = 0, f = 0, e = 0, sk = 0;
    std::string cases;
    std::string cls = classname_of(s);
    std::string stem = s.id.substr(s.id.rfind('/') + 1);
    auto testcase = [&](const std::string& name, double secs, const std::string& inner) {
      ++t;
      cases += "    <testcase name=\"" + attr(name) + "\" classname=\"" + attr(cls) + "\" time=\"" + seconds(secs) + "\"";
      cases += inner.empty() ? "/>\n" : ">\n" + inner + "    </testcase>\n";
    };
    if (s.parse_error || (s.environment_error && s.checks.empty()) || (s.checks.empty() && !s.reason.empty())) {
      // Nothing ran: one testcase for the scenario as a whole.
      std::string inner;
      if (s.outcome == Outcome::skipped) {
        inner = "      <skipped>" + xml_text(s.reason) + "</skipped>\n";
        ++sk;
      } else {
        inner = "      <error type=\"" + std::string(s.parse_error ? "parse" : "environment") + "\" message=\"" +
                attr(s.reason.substr(0, s.reason.find('\n'))) + "\">" + xml_text(s.reason) + "</error>\n";
        ++e;
      }
      testcase(stem, s.seconds, inner);
    }
    for (const auto& c : s.checks) {
      std::string inner;
      std::string text = check_text(c);
      std::string first = c.message.substr(0, c.message.find('\n'));
      switch (c.outcome) {
        case Outcome::passed:
          // A finding reported, not judged (INFO), or a note on how a check passed.
          if (!c.message.empty()) inner = "      <system-out>INFO: " + xml_text(c.message) + "</system-out>\n";
          break;
        case Outcome::skipped:
          inner = "      <skipped>" + xml_text(c.message) + "</skipped>\n";
          ++sk;
          break;
        case Outcome::failed:
          inner = "      <failure type=\"" + std::string(to_string(c.severity)) + "\" message=\"" + attr(first) + "\">" +
                  xml_text(text) + "</failure>\n";
          ++f;
          break;
        case Outcome::error:
          inner = "      <error type=\"protocol\" message=\"" + attr(first) + "\">" + xml_text(text) + "</error>\n";
          ++e;
          break;
        case Outcome::warning:
          // A SHOULD/MAY finding does not fail the run; it is reported, not hidden.
          inner = "      <system-err>WARNING (" + std::string(to_string(c.severity)) + " not met): " + xml_text(text) +
                  "</system-err>\n";
          break;
      }
      char line[16];
      std::snprintf(line, sizeof line, "L%03d", c.line);
      // Steps from an include are named after it, so names stay unique.
      std::string where = c.file == s.file ? std::string(line) : fs_stem(c.file) + ":" + line;
      testcase(stem + " " + where + " " + c.label, c.seconds, inner);
    }
    std::string props = "    <properties>\n";
    auto prop = [&](const std::string& k, const std::string& v) {
      props += "      <property name=\"" + attr(k) + "\" value=\"" + attr(v) + "\"/>\n";
    };
    prop("scenario", s.name);
    prop("file", s.file);
    prop("rfc", s.rfc);
    prop("severity", to_string(s.severity));
    prop("fixture", s.fixture);
    prop("outcome", to_string(s.outcome));
    for (const auto& [k, v] : report.properties) prop(k, v);
    props += "    </properties>\n";
    suites += "  <testsuite name=\"" + attr(s.id) + "\" tests=\"" + std::to_string(t) + "\" failures=\"" +
              std::to_string(f) + "\" errors=\"" + std::to_string(e) + "\" skipped=\"" + std::to_string(sk) +
              "\" time=\"" + seconds(s.seconds) + "\">\n" + props + cases + "  </testsuite>\n";
    tests += t;
    failures += f;
    errors += e;
  }
  std::string head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pop3-harness\" tests=\"" +
                     std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
                     std::to_string(errors) + "\" time=\"" + seconds(report.seconds) + "\">\n";
  return head + suites + "</testsuites>\n";
}

void write_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path());
  fs::path tmp = target;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, target);
}

}  // namespace pop3
