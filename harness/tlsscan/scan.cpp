#include "tlsscan/scan.hpp"

#include <algorithm>
#include <map>

#include "tlsscan/suites.hpp"

namespace pop3::tlsscan {
namespace {

using Status = ServerFlight::Status;
constexpr int kMaxRounds = 400;  // more than the table holds: a server can never keep the loop going
constexpr int kMaxProbes = 1500; // a bound on the whole scan, whatever the server does

// How a current client orders its offer: ECDHE with AEAD first, then ECDHE
// CBC, DHE, the rest, and what RFC 9325 forbids last. A server that follows
// the client's order then picks what real clients get first.
int rank(const Suite& s) {
  if (s.null_cipher || s.rc4 || s.under_128 || s.anonymous || s.psk) return 5;
  if (s.forward_secret && !s.dhe) return s.cbc ? 1 : 0;
  if (s.dhe) return s.cbc ? 3 : 2;
  return 4;
}

// The key exchange a suite is named for.
std::string family(const Suite& s) {
  if (s.psk) return "PSK or SRP";
  if (s.anonymous) return "anonymous";
  if (s.dhe) return "DHE";
  if (s.forward_secret) return "ECDHE";
  if (s.static_rsa) return "static RSA";
  if (s.static_dh) return "static (EC)DH";
  return "other";
}

std::vector<std::uint16_t> legacy_suites() {
  std::vector<Suite> ordered;
  for (const Suite& s : all_suites())
    if (!s.tls13) ordered.push_back(s);
  std::stable_sort(ordered.begin(), ordered.end(), [](const Suite& a, const Suite& b) { return rank(a) < rank(b); });
  std::vector<std::uint16_t> out;
  for (const Suite& s : ordered) out.push_back(s.id);
  return out;
}

std::vector<std::uint16_t> tls13_suites() {
  std::vector<std::uint16_t> out;
  for (const Suite& s : all_suites())
    if (s.tls13) out.push_back(s.id);
  return out;
}

std::vector<std::uint16_t> group_ids(bool finite_field) {
  std::vector<std::uint16_t> out;
  for (const Group& g : all_groups())
    if (finite_field || g.id < 256) out.push_back(g.id);
  return out;
}

void erase(std::vector<std::uint16_t>& v, std::uint16_t x) { v.erase(std::remove(v.begin(), v.end(), x), v.end()); }
bool contains(const std::vector<std::uint16_t>& v, std::uint16_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

struct Scanner {
  const Probe& probe;  // both owned by scan()'s coroutine frame
  const std::string& sni;
  ScanResult r;

  boost::asio::awaitable<ServerFlight> offer(HelloSpec& spec) {
    spec.sni = sni;
    if (r.probes >= kMaxProbes) {
      if (r.oddities.empty() || r.oddities.back().find("stopped after") == std::string::npos)
        r.oddities.push_back("the scan stopped after " + std::to_string(kMaxProbes) + " ClientHellos");
      co_return ServerFlight{};
    }
    ++r.probes;
    auto f = co_await probe(client_hello(spec));
    if (f.status != Status::incomplete && f.status != Status::not_tls) r.any_tls = true;
    co_return f;
  }

  void note_hello(std::uint16_t version, const ServerFlight& f) {
    if (f.dh_bits && (!r.dh_bits || f.dh_bits < r.dh_bits)) r.dh_bits = f.dh_bits;
    if (version < kTls13 && !f.renegotiation_info && !contains(r.no_renegotiation_info, version))
      r.no_renegotiation_info.push_back(version);
    if (version > kSsl3 && version < kTls13 && !f.extended_master_secret &&
        !contains(r.no_extended_master_secret, version))
      r.no_extended_master_secret.push_back(version);
    if (version > kSsl3 && version < kTls13 && suite(f.suite).cbc && !f.encrypt_then_mac &&
        !contains(r.cbc_without_etm, f.suite))
      r.cbc_without_etm.push_back(f.suite);
  }

  // Suites of one version before TLS 1.3, by elimination: offer what is
  // left, take away what the server chose. An alert is the server's "none of
  // these". A connection closed with nothing said, once others were
  // accepted, is a suite it chose and could not complete (Dovecot choosing
  // DHE with no DH parameters): what is left is offered again one key
  // exchange at a time, so that one broken family hides no other.
  boost::asio::awaitable<void> eliminate(std::uint16_t version, std::vector<std::uint16_t> offered, bool split) {
    for (int round = 0; round < kMaxRounds && !offered.empty(); ++round) {
      HelloSpec spec_f{version, offered, group_ids(true), {}, false};
      auto f = co_await offer(spec_f);
      if (f.status == Status::hello && f.version == version && contains(offered, f.suite)) {
        if (r.suites[version].empty()) r.versions.push_back(version);
        r.suites[version].push_back(f.suite);
        note_hello(version, f);
        erase(offered, f.suite);
        continue;
      }
      if (f.status == Status::hello && f.version > version)
        r.oddities.push_back("offered " + version_name(version) + ", the server answered " + version_name(f.version));
      else if (f.status == Status::hello && f.version == version)
        r.oddities.push_back(version_name(version) + ": the server chose a suite that was not offered (" +
                             std::string(suite(f.suite).name) + ")");
      if (f.status != Status::incomplete || r.suites[version].empty()) co_return;
      if (!split) co_return;  // some servers close for "none of these" too: nothing to report
      std::map<std::string, std::vector<std::uint16_t>> families;
      for (auto id : offered) families[family(suite(id))].push_back(id);
      for (const auto& [name, ids] : families) co_await eliminate(version, ids, false);
      co_return;
    }
  }

  boost::asio::awaitable<void> legacy_version(std::uint16_t version) {
    auto all = legacy_suites();
    co_await eliminate(version, all, true);
    if (!r.suites[version].empty() || version < kTls12) co_return;
    // Refused whole: what a current client leads with may still be taken.
    std::vector<std::uint16_t> modern;
    for (auto id : all)
      if (suite(id).forward_secret && !suite(id).cbc && !suite(id).dhe && !suite(id).psk) modern.push_back(id);
    co_await eliminate(version, modern, true);
    if (r.suites[version].empty()) co_return;
    for (auto id : r.suites[version]) erase(all, id);
    co_await eliminate(version, all, true);
  }

  boost::asio::awaitable<void> tls13() {
    auto offered = tls13_suites();
    auto groups = group_ids(true);
    for (int round = 0; round < kMaxRounds && !offered.empty(); ++round) {
      HelloSpec spec_f{kTls13, offered, groups, {}, false};
      auto f = co_await offer(spec_f);
      if ((f.status != Status::hello && f.status != Status::retry) || f.version != kTls13) break;
      if (!contains(offered, f.suite)) break;
      if (r.suites[kTls13].empty()) r.versions.push_back(kTls13);
      r.suites[kTls13].push_back(f.suite);
      erase(offered, f.suite);
    }
    if (r.suites[kTls13].empty()) co_return;
    for (int round = 0; round < kMaxRounds && !groups.empty(); ++round) {
      HelloSpec spec_f{kTls13, tls13_suites(), groups, {}, false};
      auto f = co_await offer(spec_f);
      if (f.status != Status::retry || !f.group || !contains(groups, *f.group)) break;
      r.groups13.push_back(*f.group);
      erase(groups, *f.group);
    }
  }

  // ECDHE curves: the ServerKeyExchange names the curve the server chose.
  boost::asio::awaitable<void> curves(std::uint16_t version) {
    std::vector<std::uint16_t> ecdhe;
    for (auto id : r.suites[version])
      if (suite(id).name.find("ECDHE") != std::string_view::npos) ecdhe.push_back(id);
    if (ecdhe.empty()) co_return;
    // Before TLS 1.3 the same list also says which curves an ECDSA
    // certificate may be on (RFC 8422 #5.1.1): taking the certificate's curve
    // away ends every offer. The first curve a refusal follows goes back at
    // the end of the list, once; chosen again, nothing else is left.
    auto groups = group_ids(false);
    bool pinned = false;
    for (int round = 0; round < kMaxRounds && !groups.empty(); ++round) {
      HelloSpec spec_f{version, ecdhe, groups, {}, false};
      auto f = co_await offer(spec_f);
      bool chosen = f.status == Status::hello && f.group && contains(groups, *f.group);
      if (!chosen && !pinned && !r.curves12.empty()) {
        pinned = true;
        groups.push_back(r.curves12.front());
        continue;
      }
      if (!chosen || contains(r.curves12, *f.group)) break;
      r.curves12.push_back(*f.group);
      erase(groups, *f.group);
    }
  }

  boost::asio::awaitable<void> compression_and_preference(std::uint16_t version) {
    const auto& accepted = r.suites[version];
    HelloSpec spec_f{version, accepted, group_ids(true), {}, true};
    auto f = co_await offer(spec_f);
    r.compression_probed = f.status == Status::hello;
    r.deflate = f.status == Status::hello && f.compression == 1;
    // RFC 9325 #4.1: forward secrecy supported and preferred. Offer the
    // others first; a server that prefers FS still picks an FS suite.
    std::vector<std::uint16_t> order, fs;
    for (auto id : accepted) (suite(id).forward_secret ? fs : order).push_back(id);
    if (fs.empty() || order.empty()) co_return;
    order.insert(order.end(), fs.begin(), fs.end());
    HelloSpec spec_p{version, order, group_ids(true), {}, false};
    auto p = co_await offer(spec_p);
    if (p.status == Status::hello && !suite(p.suite).forward_secret) r.chose_over_fs = p.suite;
  }

  // RFC 9325 #4.2.1: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 preferred over
  // weaker suites even when proposed last.
  boost::asio::awaitable<void> recommended_preference() {
    constexpr std::uint16_t kRecommended = 0xc02f;
    auto order = r.suites[kTls12];
    if (!contains(order, kRecommended)) co_return;
    erase(order, kRecommended);
    order.push_back(kRecommended);
    HelloSpec spec{kTls12, order, group_ids(true), {}, false};
    auto f = co_await offer(spec);
    if (f.status != Status::hello || f.suite == kRecommended) co_return;
    Suite chosen = suite(f.suite);
    bool stronger =
        chosen.forward_secret && !chosen.cbc && !chosen.dhe &&
        (chosen.name.find("256") != std::string_view::npos || chosen.name.find("CHACHA20") != std::string_view::npos);
    if (!stronger) r.chose_over_recommended = f.suite;
  }

  // RFC 9325 #3.1.1: offered both, TLS 1.3 must be the one chosen.
  boost::asio::awaitable<void> version_preference() {
    auto offered = tls13_suites();
    for (auto id : r.suites[kTls12]) offered.push_back(id);
    HelloSpec spec{kTls13, offered, group_ids(true), {}, false, true};
    auto f = co_await offer(spec);
    if ((f.status == Status::hello || f.status == Status::retry) && f.version < kTls13) r.version_over_13 = f.version;
  }

  boost::asio::awaitable<void> run() {
    HelloSpec v2{kSsl2, {}, {}, {}, false};
    auto f = co_await offer(v2);
    r.ssl2 = f.status == Status::hello && f.version == kSsl2;
    for (auto v : {kSsl3, kTls10, kTls11, kTls12}) co_await legacy_version(v);
    co_await tls13();
    if (!r.suites[kTls12].empty() && !r.suites[kTls13].empty()) co_await version_preference();
    co_await recommended_preference();
    std::uint16_t best = 0;
    for (auto v : r.versions)
      if (v < kTls13) best = v;
    if (best) {
      co_await curves(best);
      co_await compression_and_preference(best);
    }
  }
};

std::string flags(const Suite& s) {
  std::string out;
  auto add = [&](bool on, const char* what) {
    if (on) out += out.empty() ? std::string(" [") + what : std::string(", ") + what;
  };
  add(s.null_cipher, "NULL: MUST NOT");
  add(s.rc4, "RC4: MUST NOT");
  add(s.export_grade, "under 112 bits: MUST NOT");
  add(!s.export_grade && s.under_128, "under 128 bits: SHOULD NOT");
  add(s.static_rsa, "static RSA: SHOULD NOT");
  add(s.static_dh, "static DH: SHOULD NOT");
  add(s.dhe, "DHE in TLS 1.2: SHOULD NOT");
  add(s.anonymous, "anonymous: no certificate");
  add(!s.tls13 && !s.forward_secret, "no forward secrecy");
  return out.empty() ? out : out + "]";
}

}  // namespace

boost::asio::awaitable<ScanResult> scan(Probe probe, std::string sni) {
  Scanner s{probe, sni, {}};
  co_await s.run();
  std::erase_if(s.r.suites, [](const auto& entry) { return entry.second.empty(); });
  std::sort(s.r.versions.begin(), s.r.versions.end());
  co_return s.r;
}

std::string describe(const ScanResult& r) {
  std::string out;
  out += r.ssl2 ? "SSL 2.0 accepted [MUST NOT]; " : "SSL 2.0 refused; ";
  for (auto v : {kSsl3, kTls10, kTls11, kTls12, kTls13}) {
    auto it = r.suites.find(v);
    bool on = it != r.suites.end() && !it->second.empty();
    out += version_name(v) + (on ? ": " : " refused; ");
    if (!on) continue;
    for (std::size_t i = 0; i < it->second.size(); ++i) {
      Suite s = suite(it->second[i]);
      out += std::string(s.name) + flags(s) + (i + 1 < it->second.size() ? ", " : "; ");
    }
  }
  auto groups = [&](const char* what, const std::vector<std::uint16_t>& ids) {
    if (ids.empty()) return;
    out += what;
    for (auto id : ids) {
      Group g = group(id);
      out += " " + std::string(g.name) + (g.bits && g.bits < 224 ? " [under 224 bits: MUST NOT]" : "");
    }
    out += "; ";
  };
  groups("TLS 1.3 groups:", r.groups13);
  groups("ECDHE curves:", r.curves12);
  if (r.dh_bits) out += "DHE prime: " + std::to_string(r.dh_bits) + " bits; ";
  if (r.compression_probed) out += std::string("compression: ") + (r.deflate ? "DEFLATE [SHOULD NOT]" : "none") + "; ";
  for (const auto& o : r.oddities) out += "note: " + o + "; ";
  out += std::to_string(r.probes) + " ClientHellos";
  return out;
}

}  // namespace pop3::tlsscan
