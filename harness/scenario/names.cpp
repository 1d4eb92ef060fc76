#include "scenario/names.hpp"

#include <algorithm>
#include <cctype>

namespace pop3 {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const std::vector<std::string>& registered_capabilities() {
  static const std::vector<std::string> tags = {
      "TOP", "USER", "SASL", "RESP-CODES", "LOGIN-DELAY", "PIPELINING", "EXPIRE", "UIDL", "IMPLEMENTATION",
      "STLS",            // RFC 2595
      "AUTH-RESP-CODE",  // RFC 3206
      "UTF8", "LANG",    // RFC 6856
      "APOP",            // the harness's own: the greeting carries a timestamp (RFC 1939 #7)
      "CAPA",            // the harness's own: the server answers CAPA (RFC 2449 #5)
  };
  return tags;
}

bool known_capability(std::string_view tag) {
  std::string t = upper(tag);
  if (t.starts_with("X-") && t.size() > 2) return true;
  if (t.starts_with("SASL:") && t.size() > 5) return true;
  const auto& tags = registered_capabilities();
  return std::find(tags.begin(), tags.end(), t) != tags.end();
}

std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_d = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    std::size_t d = distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

Bindings::Bindings() {
  for (const char* n : {"user", "pass", "plain", "apop", "fixture.count", "fixture.octets", "plain.as-postmaster",
                        "plain.authzid-soft-hyphen", "plain.empty-authcid", "plain.nul-in-password",
                        "plain.empty-password"})
    bound_.insert(n);
}

bool Bindings::has(const std::string& name) const {
  if (bound_.contains(name)) return true;
  return name.starts_with("fixture.size.") && is_digits(std::string_view(name).substr(13));
}

void Bindings::after_body(std::string_view kind) {
  bind("body.octets");
  bind("body.lines");
  if (kind == "listing") bind("listing.count"), bind("listing.octets");
  if (kind == "uidl") bind("uidl.count");
  if (kind == "uid") bind("uid.number");
}

void Bindings::after_tls() {
  for (const char* n : {"tls.result", "tls.version", "tls.cipher", "tls.alpn", "tls.cert.subject", "tls.cert.names",
                        "tls.cert.days", "tls.cert.bits", "tls.cert.key", "tls.cert.signature", "tls.client_cert",
                        "tls.scan", "tls.scan.probes"})
    bind(n);
}

std::string Bindings::did_you_mean(const std::string& name) const {
  std::vector<std::string> all(bound_.begin(), bound_.end());
  for (const char* n : {"listing.count", "listing.octets", "uidl.count", "body.octets", "body.lines", "fixture.size.1"})
    all.push_back(n);
  auto best = closest(name, all);
  return best ? " (did you mean '" + *best + "'?)" : "";
}

}  // namespace pop3
