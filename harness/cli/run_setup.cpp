#include "cli/run_setup.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/host_port.hpp"
#include "cli/requirement_citations.hpp"
#include "cli/users_file.hpp"
#include "net/tls.hpp"
#include "util/escape.hpp"

namespace fs = std::filesystem;

namespace pop3 {

namespace {

// Whether a report can be written at path: its folder exists (or can be made)
// and takes a new file.
std::optional<std::string> unwritable(const std::string& option, const std::string& path) {
  if (path.empty()) return std::nullopt;
  fs::path target(path);
  std::error_code ec;
  if (fs::is_directory(target, ec)) return option + " " + path + " is a folder: give a file name";
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  fs::create_directories(dir, ec);
  fs::path probe = dir / (".pop3-harness-probe." + std::to_string(::getpid()));
  {
    std::ofstream out(probe);
    if (!out) return option + " " + path + ": cannot write in " + dir.string();
  }
  fs::remove(probe, ec);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> usage_mistake(const RunOptions& o) {
  if (!o.user.empty() && o.pass.empty())
    return "--user " + o.user + " has no password: give it in POP3_PASS (or --pass, visible in the process list)";
  if (auto why = unwritable("--junit", o.junit)) return why;
  if (auto why = unwritable("--report-json", o.report_json)) return why;
  if (auto why = unwritable("--html", o.html)) return why;
  return std::nullopt;
}

Target target_from_options(const RunOptions& o) {
  Target t;
  t.read_timeout = t.connect_timeout = std::chrono::milliseconds(static_cast<long>(o.timeout_seconds * 1000));
  t.login_timeout = std::max(t.read_timeout, std::chrono::milliseconds(static_cast<long>(o.login_timeout_seconds * 1000)));
  t.tls = o.tls == "stls" ? TlsMode::stls : o.tls == "implicit" ? TlsMode::implicit : TlsMode::none;
  t.trust = ClientTlsOptions{o.cafile, o.insecure, {}};
  t.max_response = static_cast<std::size_t>(o.max_response);
  return t;
}

ScenarioResult preflight_result(const Preflight& p, const std::string& against) {
  ScenarioResult r;
  r.id = "preflight";
  r.name = "the target can be tested: connect, greeting, CAPA and the account's login";
  r.classname = "preflight";
  r.file = against;
  CheckResult c;
  c.label = "preflight";
  c.rfc = p.rfc;
  if (!p.failed()) {
    c.message = "greeting " + escape_bytes(p.greeting, 120) + "; capabilities: " + p.caps.describe() +
                (p.login_method.empty() ? "" : "; logged in with " + p.login_method);
  } else if (p.verdict == Preflight::Verdict::violation) {
    c.outcome = Outcome::failed;
    c.message = "protocol violation: " + p.message;
    c.transcript = p.transcript;
  } else {
    c.outcome = Outcome::error;
    c.message = p.message;
    c.transcript = p.transcript;
    r.environment_error = true;
    r.reason = p.message;
  }
  r.checks.push_back(c);
  r.outcome = summarize(r);
  return r;
}

int preflight_exit_code(const Preflight& p) {
  if (!p.failed()) return kPassed;
  return p.verdict == Preflight::Verdict::violation ? kConformance : kEnvironment;
}

Endpoints external_endpoints(const RunOptions& o) {
  Endpoints e;
  auto target = split_host_port(o.target, "--target");
  if (o.tls == "implicit") {
    if (!o.tls_target.empty())
      throw std::invalid_argument("--tls-target names the implicit-TLS endpoint beside a plaintext --target; "
                                  "with --tls implicit, --target is that endpoint");
    e.implicit = target;
  } else {
    e.plain = target;
    if (!o.tls_target.empty()) e.implicit = split_host_port(o.tls_target, "--tls-target");
  }
  return e;
}

std::vector<Account> external_accounts(const RunOptions& o) {
  std::vector<Account> accounts;
  if (!o.users_file.empty()) accounts = read_users_file(o.users_file);
  else if (!o.user.empty()) accounts.push_back({o.user, o.pass, o.maildir, o.reset_cmd});
  if (accounts.empty()) return accounts;
  if (accounts.size() > o.jobs) accounts.resize(std::max(1u, o.jobs));
  if (accounts.size() < o.jobs)
    std::cerr << "pop3-harness: --jobs " << o.jobs << " but only " << accounts.size() << " account(s): running "
              << accounts.size() << " at a time\n";
  return accounts;
}

Target Endpoints::at(const Target& base, const Endpoint& host_port) {
  Target t = base;
  t.host = host_port.first;
  t.port = host_port.second;
  t.tls = TlsMode::none;
  return t;
}

std::optional<std::string> Endpoints::place(const std::string& connect, const Target& base, Target& target,
                                            const Capabilities*& caps) const {
  if (connect == "plain") {
    if (!plain) return "needs the plaintext/STLS endpoint; with --tls implicit, --target is the implicit-TLS one";
    if (!plain_error.empty()) return "not run: " + plain_error;
    target = at(base, *plain);
    if (plain_caps) caps = &*plain_caps;
  } else if (connect == "implicit") {
    if (!implicit) return "needs the implicit-TLS endpoint (RFC 8314): give --tls-target HOST:PORT";
    target = at(base, *implicit);
  } else if (connect == "tls") {
    // A TLS endpoint, whichever was given: implicit TLS first, else STLS on --target.
    if (implicit) {
      target = at(base, *implicit);
      target.tls_endpoint = TlsMode::implicit;
    } else if (base.tls == TlsMode::stls && plain) {
      target = at(base, *plain);
      target.tls_endpoint = TlsMode::stls;
      if (plain_caps) caps = &*plain_caps;
    } else {
      return "needs a TLS endpoint: give --tls stls, --tls implicit or --tls-target HOST:PORT";
    }
  }
  return std::nullopt;
}

KnownList read_known(const RunOptions& o, const std::vector<std::string>& paths) {
  std::ifstream in(o.known, std::ios::binary);
  if (!in) throw std::invalid_argument("--known " + o.known + ": cannot be read");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  KnownList list = parse_known(text, o.known);
  auto all = discover(paths, Selection{}, !o.client_cmd.empty());
  std::optional<Catalog> catalog;
  try {
    catalog = load_catalog();
  } catch (const std::invalid_argument&) {
    // A broken catalog is said once, where the citations are checked.
  }
  for (const auto& e : list.entries) {
    KnownList one{"", {e}};
    bool any = std::any_of(all.begin(), all.end(), [&](const Job& j) { return one.match(j.id) != nullptr; });
    // A requirement id names the checks that verify it, in any scenario.
    if (catalog)
      any = any || std::any_of(catalog->rows().begin(), catalog->rows().end(),
                               [&](const Requirement& r) { return one.match(r.id) != nullptr; });
    if (!any)
      std::cerr << o.known << ":" << e.line << ": warning: '" << terminal_text(e.pattern)
                << "' matches no scenario under the paths given" << (catalog ? " and no requirement id" : "") << "\n";
  }
  return list;
}

}  // namespace pop3
