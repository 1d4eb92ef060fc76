#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pop3::tlsscan {

// What a cipher suite is made of, read from its IANA name
// ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), for the RFC 9325 #4 checks.
struct Suite {
  std::uint16_t id = 0;
  std::string_view name;     // the IANA name; "0xHHHH" for one the table lacks
  bool tls13 = false;        // a TLS 1.3 suite (no key exchange in its name)
  bool null_cipher = false;  // NULL encryption
  bool rc4 = false;
  bool export_grade = false;    // EXPORT key exchange, or a 40/56-bit cipher (DES, RC2, RC4_40/56)
  bool under_128 = false;       // less than 128 bits of security (3DES: 112)
  bool static_rsa = false;      // RSA key transport: TLS_RSA_WITH_*, TLS_RSA_EXPORT_*
  bool static_dh = false;       // TLS_DH_* or TLS_ECDH_* (not anon)
  bool dhe = false;             // TLS_DHE_*: finite-field ephemeral DH
  bool anonymous = false;       // TLS_DH_anon_*, TLS_ECDH_anon_*: no server authentication
  bool psk = false;             // a pre-shared-key suite: not offered to unknown servers
  bool forward_secret = false;  // ephemeral key agreement (DHE, ECDHE, TLS 1.3)
  bool cbc = false;             // a block cipher in CBC mode
};

// Every suite the scanner knows, by value.
std::span<const Suite> all_suites();
// The suite with this value (its name "unknown" when the table lacks it).
Suite suite(std::uint16_t id);
// Classifies an IANA name; exposed for the unit tests.
Suite classify(std::uint16_t id, std::string_view name);

// Supported groups (RFC 8446 #4.2.7, RFC 8422 #5.1.1): the value, the
// name and the size in bits of the field (or the modulus of an FFDHE group).
struct Group {
  std::uint16_t id = 0;
  std::string_view name;
  int bits = 0;
};
std::span<const Group> all_groups();
Group group(std::uint16_t id);

}  // namespace pop3::tlsscan
