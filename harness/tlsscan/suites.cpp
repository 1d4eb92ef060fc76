#include "tlsscan/suites.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace pop3::tlsscan {
namespace {

struct Entry {
  std::uint16_t id;
  const char* name;
};
constexpr Entry kTable[] = {
#include "tlsscan/suite_table.inc"
};

bool has(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// The IANA registry of supported groups; sizes from RFC 8422 #5.1.1, RFC 7919, RFC 8446.
constexpr Group kGroups[] = {
    {1, "sect163k1", 163},        {2, "sect163r1", 163},        {3, "sect163r2", 163},
    {4, "sect193r1", 193},        {5, "sect193r2", 193},        {6, "sect233k1", 233},
    {7, "sect233r1", 233},        {8, "sect239k1", 239},        {9, "sect283k1", 283},
    {10, "sect283r1", 283},       {11, "sect409k1", 409},       {12, "sect409r1", 409},
    {13, "sect571k1", 571},       {14, "sect571r1", 571},       {15, "secp160k1", 160},
    {16, "secp160r1", 160},       {17, "secp160r2", 160},       {18, "secp192k1", 192},
    {19, "secp192r1", 192},       {20, "secp224k1", 224},       {21, "secp224r1", 224},
    {22, "secp256k1", 256},       {23, "secp256r1", 256},       {24, "secp384r1", 384},
    {25, "secp521r1", 521},       {26, "brainpoolP256r1", 256}, {27, "brainpoolP384r1", 384},
    {28, "brainpoolP512r1", 512}, {29, "x25519", 255},          {30, "x448", 448},
    {256, "ffdhe2048", 2048},     {257, "ffdhe3072", 3072},     {258, "ffdhe4096", 4096},
    {259, "ffdhe6144", 6144},     {260, "ffdhe8192", 8192},
};

std::vector<Suite> build() {
  std::vector<Suite> out;
  for (const Entry& e : kTable) out.push_back(classify(e.id, e.name));
  return out;
}

}  // namespace

Suite classify(std::uint16_t id, std::string_view name) {
  Suite s;
  s.id = id;
  s.name = name;
  auto with = name.find("_WITH_");
  s.tls13 = (id >> 8) == 0x13;
  std::string_view kx = with == std::string_view::npos ? std::string_view() : name.substr(4, with - 4);
  std::string_view enc =
      with == std::string_view::npos ? name.substr(std::min<std::size_t>(4, name.size())) : name.substr(with + 6);
  s.null_cipher = enc.starts_with("NULL");
  s.rc4 = enc.starts_with("RC4");
  s.export_grade = has(kx, "EXPORT") || enc.starts_with("RC4_40") || enc.starts_with("RC4_56") ||
                   enc.starts_with("RC2_CBC_40") || enc.starts_with("RC2_CBC_56") || enc.starts_with("DES40") ||
                   enc.starts_with("DES_CBC");
  s.under_128 = s.export_grade || enc.starts_with("3DES");
  s.anonymous = has(kx, "_anon");
  s.psk = has(kx, "PSK") || has(kx, "SRP") || has(kx, "KRB5");
  s.static_rsa = kx == "RSA" || kx.starts_with("RSA_EXPORT");
  s.static_dh = !s.anonymous && (kx.starts_with("DH_") || kx.starts_with("ECDH_"));
  s.dhe = kx.starts_with("DHE_");
  s.forward_secret = s.tls13 || kx.starts_with("DHE_") || kx.starts_with("ECDHE_");
  s.cbc = has(enc, "_CBC");
  return s;
}

std::span<const Suite> all_suites() {
  static const std::vector<Suite> suites = build();
  return suites;
}

Suite suite(std::uint16_t id) {
  auto all = all_suites();
  auto it = std::find_if(all.begin(), all.end(), [id](const Suite& s) { return s.id == id; });
  if (it != all.end()) return *it;
  Suite unknown = classify(id, "unknown");
  unknown.name = "unknown";
  return unknown;
}

std::span<const Group> all_groups() { return kGroups; }

Group group(std::uint16_t id) {
  for (const Group& g : kGroups)
    if (g.id == id) return g;
  return {id, "unknown", 0};
}

}  // namespace pop3::tlsscan
