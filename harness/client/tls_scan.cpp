#include "client/tls_scan.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>

#include "scenario/escapes.hpp"
#include "tlsscan/scan.hpp"
#include "tlsscan/suites.hpp"

namespace asio = boost::asio;
using namespace pop3::tlsscan;

namespace pop3 {
namespace {

// The endpoint stopped taking connections, or refused STLS, mid-scan: no
// verdict on what it accepts can be drawn from the remaining offers.
struct ScanAborted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr std::size_t kMaxFlight = 128 * 1024;  // a certificate chain fits; a hostile stream is cut

asio::awaitable<std::string> read_line(Connection& c, const Target& t) {
  std::string in;
  while (in.find("\r\n") == std::string::npos && in.size() < 4096)
    if (co_await c.read_some(in, t.read_timeout) == 0) break;
  co_return in.substr(0, in.find("\r\n"));
}

TlsMode mode(const Target& t) { return t.tls != TlsMode::none ? t.tls : t.tls_endpoint; }

asio::awaitable<ServerFlight> probe_once(const Target& t, std::string hello) {
  Connection c(co_await asio::this_coro::executor);
  try {
    co_await c.connect(t.host, t.port, t.connect_timeout);
  } catch (const NetError& e) {
    if (e.kind() == NetError::Kind::cancelled) throw;
    throw ScanAborted(std::string("the server stopped accepting connections during the scan: ") + e.what());
  }
  std::string in;
  try {
    if (mode(t) == TlsMode::stls) {
      std::string greeting = co_await read_line(c, t);
      co_await c.write("STLS\r\n", t.read_timeout);
      std::string answer = co_await read_line(c, t);
      if (!answer.starts_with("+OK"))
        throw ScanAborted("STLS was refused during the scan: " + escape_bytes(answer, 200) + " (greeting " +
                          escape_bytes(greeting, 100) + ")");
    }
    co_await c.write(hello, t.read_timeout);
    while (in.size() < kMaxFlight) {
      if (co_await c.read_some(in, t.read_timeout) == 0) break;
      auto f = parse_flight(in);
      if (f.status != ServerFlight::Status::incomplete) {
        c.close();
        co_return f;
      }
    }
  } catch (const NetError& e) {
    if (e.kind() == NetError::Kind::cancelled) throw;
  }
  c.close();
  co_return parse_flight(in);  // incomplete: closed, silent or cut, never an acceptance
}

std::string key(const Target& t) {
  return t.host + "|" + t.port + "|" + (mode(t) == TlsMode::stls ? "stls" : "implicit");
}

// One scan per endpoint and run: the scan scenarios all judge the same result.
std::map<std::string, ScanResult>& cache() {
  static std::map<std::string, ScanResult> results;
  return results;
}

// The endpoints being scanned now: with --jobs, a second scan scenario waits
// for the first one's scan rather than starting its own.
std::set<std::string>& in_flight() {
  static std::set<std::string> keys;
  return keys;
}

struct InFlight {
  std::string key;
  explicit InFlight(std::string k) : key(std::move(k)) { in_flight().insert(key); }
  ~InFlight() { in_flight().erase(key); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
};

std::string names(const std::vector<std::uint16_t>& ids, bool groups = false) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ", ") + std::string(groups ? group(id).name : suite(id).name);
  return out;
}

// The accepted suites (any version) for which pred holds.
template <class Pred>
std::vector<std::uint16_t> accepted_where(const ScanResult& r, Pred pred, bool tls12_only = false) {
  std::vector<std::uint16_t> out;
  for (const auto& [version, ids] : r.suites) {
    if (tls12_only && version != kTls12) continue;
    for (auto id : ids)
      if (pred(suite(id)) && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

StepOutcome none_of(const std::vector<std::uint16_t>& found, const std::string& what) {
  if (found.empty()) return StepOutcome::pass("no " + what + " accepted");
  return StepOutcome::fail("the server negotiates " + what, "no " + what, names(found));
}

// RFC 9325 #3.1.1 and RFC 8314 #4: which versions, and which is preferred.
StepOutcome judge_versions(const std::string& aspect, const ScanResult& r) {
  if (aspect == "suites") {
    // RFC 8314 #4: TLS 1.2 or later MUST be supported.
    if (!r.suites.contains(kTls12) && !r.suites.contains(kTls13))
      return StepOutcome::fail("the server accepts neither TLS 1.2 nor TLS 1.3", "TLS 1.2 or later", describe(r));
    return StepOutcome::pass();
  }
  if (aspect == "ssl2") {
    if (r.ssl2)
      return StepOutcome::fail("the server answered an SSL 2.0 CLIENT-HELLO with a SERVER-HELLO", "a refusal",
                               "SSL 2.0 accepted");
    return StepOutcome::pass("SSL 2.0 refused");
  }
  if (aspect == "ssl3") {
    if (r.suites.contains(kSsl3))
      return StepOutcome::fail("the server negotiates SSL 3.0", "a refusal", names(r.suites.at(kSsl3)));
    return StepOutcome::pass("SSL 3.0 refused");
  }
  if (aspect == "tls13") {
    if (!r.suites.contains(kTls13))
      return StepOutcome::fail("the server does not accept TLS 1.3", "TLS 1.3 supported", describe(r));
    return StepOutcome::pass();
  }
  if (aspect == "prefer-tls13") {
    if (!r.suites.contains(kTls13))
      return StepOutcome::skip("not checked: TLS 1.3 is not implemented (see scan-tls13)");
    if (r.version_over_13)
      return StepOutcome::fail("offered TLS 1.3 and TLS 1.2, the server chose the older", "TLS 1.3",
                               version_name(*r.version_over_13));
    return StepOutcome::pass("offered TLS 1.3 and 1.2, the server chose TLS 1.3");
  }
  return StepOutcome::fail("unknown aspect " + aspect);
}

// RFC 9325 #4.1: suites that must not, or should not, be negotiated.
struct Forbidden {
  const char* aspect;
  bool (*matches)(const Suite&);
  const char* what;
  bool tls12_only;
};
constexpr Forbidden kForbidden[] = {
    {"null", [](const Suite& s) { return s.null_cipher; }, "suites with NULL encryption", false},
    {"rc4", [](const Suite& s) { return s.rc4; }, "RC4 suites", false},
    {"export", [](const Suite& s) { return s.export_grade; }, "suites under 112 bits (EXPORT, DES, RC2)", false},
    {"under-128", [](const Suite& s) { return s.under_128 && !s.export_grade; }, "suites under 128 bits (3DES)", false},
    {"static-rsa", [](const Suite& s) { return s.static_rsa; }, "static RSA suites", false},
    {"static-dh", [](const Suite& s) { return s.static_dh; }, "static (EC)DH suites", false},
    {"dhe", [](const Suite& s) { return s.dhe; }, "TLS 1.2 DHE suites", true},
};

// RFC 9325 #4.1, #4.2 and #4.2.1: the suites accepted and preferred.
StepOutcome judge_suites(const std::string& aspect, const ScanResult& r) {
  if (aspect == "forward-secrecy") {
    auto fs = accepted_where(r, [](const Suite& s) { return s.forward_secret; });
    if (fs.empty())
      return StepOutcome::fail("the server negotiates no suite with forward secrecy", "DHE, ECDHE or TLS 1.3", "none");
    if (r.chose_over_fs)
      return StepOutcome::fail("offered its other suites first, the server chose one without forward secrecy",
                               "an ECDHE or DHE suite preferred", std::string(suite(*r.chose_over_fs).name));
    return StepOutcome::pass(std::to_string(fs.size()) + " forward-secret suites, preferred");
  }
  if (aspect == "cbc") {
    if (r.cbc_without_etm.empty()) return StepOutcome::pass("no CBC suite chosen without encrypt_then_mac");
    return StepOutcome::fail("the server chose CBC suites without encrypt_then_mac (offered)",
                             "AEAD suites, or CBC with encrypt_then_mac", names(r.cbc_without_etm));
  }
  if (aspect == "prefer-recommended") {
    const auto tls12 = r.suites.find(kTls12);
    if (tls12 == r.suites.end() || std::find(tls12->second.begin(), tls12->second.end(), 0xc02f) == tls12->second.end())
      return StepOutcome::skip(
          "not checked: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 is not accepted (no RSA certificate?)");
    if (r.chose_over_recommended)
      return StepOutcome::fail("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 proposed last, the server chose a weaker suite",
                               "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (or a stronger AEAD suite)",
                               std::string(suite(*r.chose_over_recommended).name));
    return StepOutcome::pass();
  }
  for (const Forbidden& f : kForbidden)
    if (aspect == f.aspect) return none_of(accepted_where(r, f.matches, f.tls12_only), f.what);
  return judge_versions(aspect, r);
}

// RFC 9325 #4.2.1 and #4.5: key-exchange groups and DH primes.
StepOutcome judge_groups(const std::string& aspect, const ScanResult& r) {
  if (aspect == "dh-size") {
    if (r.dh_bits && r.dh_bits < 2048)
      return StepOutcome::fail("the server's DHE prime is too small", "at least 2048 bits",
                               std::to_string(r.dh_bits) + " bits");
    if (!r.dh_bits) return StepOutcome::skip("not checked: no DHE suite accepted");
    return StepOutcome::pass("DHE prime of " + std::to_string(r.dh_bits) + " bits");
  }
  if (aspect == "curves") {
    std::vector<std::uint16_t> small;
    for (const auto* list : {&r.groups13, &r.curves12})
      for (auto id : *list)
        if (group(id).bits && group(id).bits < 224 && std::find(small.begin(), small.end(), id) == small.end())
          small.push_back(id);
    if (small.empty()) return StepOutcome::pass("no curve under 224 bits");
    return StepOutcome::fail("the server uses curves under 224 bits", "curves of 224 bits or more", names(small, true));
  }
  if (aspect == "curves-recommended") {
    std::vector<std::uint16_t> all = r.groups13;
    all.insert(all.end(), r.curves12.begin(), r.curves12.end());
    std::string missing;
    for (auto [id, name] : {std::pair<std::uint16_t, const char*>{23, "secp256r1"}, {29, "x25519"}})
      if (std::find(all.begin(), all.end(), id) == all.end())
        missing += missing.empty() ? name : std::string(", ") + name;
    if (!missing.empty())
      return StepOutcome::fail("the server does not support " + missing, "secp256r1 and x25519",
                               all.empty() ? std::string("no elliptic-curve group") : names(all, true));
    return StepOutcome::pass();
  }
  return judge_suites(aspect, r);
}

// RFC 9325 #3.3 and #3.5: what TLS 1.2 must carry, and compression.
StepOutcome judge(const std::string& aspect, const ScanResult& r) {
  if (aspect == "compression") {
    if (!r.compression_probed) return StepOutcome::skip("not checked: no version before TLS 1.3 was accepted");
    if (r.deflate)
      return StepOutcome::fail("the server chose DEFLATE compression", "the null compression method", "DEFLATE");
    return StepOutcome::pass("DEFLATE offered, not chosen");
  }
  if (aspect != "renegotiation" && aspect != "extended-master-secret") return judge_groups(aspect, r);
  // renegotiation and extended_master_secret: RFC 9325 #3.5 binds TLS 1.2.
  bool reneg = aspect == "renegotiation";
  const auto& lacking = reneg ? r.no_renegotiation_info : r.no_extended_master_secret;
  if (!r.suites.contains(kTls12)) return StepOutcome::skip("not checked: TLS 1.2 is not accepted");
  if (std::find(lacking.begin(), lacking.end(), kTls12) == lacking.end()) return StepOutcome::pass();
  const char* ext = reneg ? "renegotiation_info (RFC 5746)" : "extended_master_secret (RFC 7627)";
  return StepOutcome::fail(
      std::string("the TLS 1.2 ServerHello does not carry ") + ext + ", though the ClientHello did",
      std::string(ext) + " in the ServerHello", "absent");
}

}  // namespace

asio::awaitable<StepOutcome> run_tls_scan(const TlsAction& action, const Target& target, Variables& vars) {
  if (mode(target) == TlsMode::none)
    co_return StepOutcome::skip("not checked: the scan needs --tls stls or --tls implicit");
  auto& results = cache();
  while (in_flight().contains(key(target))) {
    asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(20));
    co_await pause.async_wait(asio::use_awaitable);
  }
  auto it = results.find(key(target));
  if (it == results.end()) {
    InFlight mark(key(target));
    boost::system::error_code not_ip;
    asio::ip::make_address(target.host, not_ip);
    Probe probe = [&target](std::string hello) { return probe_once(target, std::move(hello)); };
    std::string sni = not_ip ? target.host : std::string();
    try {
      ScanResult r = co_await scan(probe, sni);
      it = results.emplace(key(target), std::move(r)).first;
    } catch (const ScanAborted& e) {
      StepOutcome o = StepOutcome::fail(e.what());
      o.ends_scenario = true;
      co_return o;
    }
  }
  const ScanResult& r = it->second;
  vars["tls.scan"] = describe(r);
  vars["tls.scan.probes"] = std::to_string(r.probes);
  if (!r.any_tls) {
    StepOutcome o = StepOutcome::fail("no offer got a TLS answer", "a ServerHello or an alert",
                                      "silence, a closed connection or plaintext");
    o.ends_scenario = true;
    co_return o;
  }
  co_return judge(action.aspect, r);
}

}  // namespace pop3
