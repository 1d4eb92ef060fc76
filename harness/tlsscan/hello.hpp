#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pop3::tlsscan {

// Protocol versions as they travel on the wire.
inline constexpr std::uint16_t kSsl2 = 0x0002, kSsl3 = 0x0300, kTls10 = 0x0301, kTls11 = 0x0302, kTls12 = 0x0303,
                               kTls13 = 0x0304;
std::string version_name(std::uint16_t version);  // "TLS 1.2", "SSL 3.0"

// One ClientHello the scanner sends. It never completes a handshake: the
// server's first flight (ServerHello up to ServerHelloDone, or a
// HelloRetryRequest) says everything the checks need, for any suite,
// including those no modern library can speak any more.
struct HelloSpec {
  std::uint16_t version = kTls12;  // the highest version offered
  std::vector<std::uint16_t> suites;
  std::vector<std::uint16_t> groups;  // supported_groups (none for SSL 3.0)
  std::string sni;                    // server_name, empty for none
  bool offer_deflate = false;         // compression methods [DEFLATE, null] instead of [null]
  bool also_tls12 = false;            // a TLS 1.3 hello that offers TLS 1.2 as well
};
// A TLS ClientHello record; with version kSsl2, an SSL 2.0 CLIENT-HELLO
// offering the seven SSL 2 cipher kinds (spec.suites is ignored).
std::string client_hello(const HelloSpec& spec);

// What the server's first flight said, as far as it has arrived.
struct ServerFlight {
  enum class Status {
    incomplete,  // more bytes needed
    hello,       // a ServerHello (and, before TLS 1.3, the flight up to ServerHelloDone); an SSL 2 SERVER-HELLO
    retry,       // a TLS 1.3 HelloRetryRequest
    alert,       // an alert record: the offer was refused
    not_tls,     // bytes that are not TLS records (plaintext, an SSL 2 reply)
    malformed,   // TLS records that do not parse
  };
  Status status = Status::incomplete;
  std::uint16_t version = 0;  // the negotiated version (supported_versions wins)
  std::uint16_t suite = 0;
  std::uint8_t compression = 0;         // 0 null, 1 DEFLATE
  bool renegotiation_info = false;      // RFC 5746 extension in the ServerHello
  bool encrypt_then_mac = false;        // RFC 7366 extension in the ServerHello
  bool extended_master_secret = false;  // RFC 7627 extension in the ServerHello
  std::optional<std::uint16_t> group;   // the key-exchange group chosen (HRR, key_share or ServerKeyExchange)
  int dh_bits = 0;                      // the prime of a finite-field DH ServerKeyExchange
  std::string certificate;              // the leaf certificate, DER (before TLS 1.3)
  std::uint8_t alert = 0;               // the alert description
  std::string detail;                   // why malformed / not TLS
};
// Parses what has arrived so far; call again with more bytes while incomplete.
ServerFlight parse_flight(std::string_view bytes);

}  // namespace pop3::tlsscan
