#pragma once
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tlsscan/hello.hpp"

namespace pop3::tlsscan {

// Sends one ClientHello on a fresh connection and returns the server's first
// flight (status incomplete: the connection closed or the deadline passed
// before a complete answer, which the scan takes as a refusal).
using Probe = std::function<boost::asio::awaitable<ServerFlight>(std::string hello)>;

// What the server accepts, enumerated the way testssl.sh does: offer
// everything, take away what the server chose, offer the rest again, until it
// refuses. Each version apart; then the groups of TLS 1.3 and the ECDHE
// curves of TLS 1.2, compression, and the preference for forward secrecy.
struct ScanResult {
  std::vector<std::uint16_t> versions;                         // accepted, low to high
  std::map<std::uint16_t, std::vector<std::uint16_t>> suites;  // per version, in the order chosen
  std::vector<std::uint16_t> groups13;                         // TLS 1.3 key-exchange groups
  std::vector<std::uint16_t> curves12;                         // ECDHE curves before TLS 1.3
  int dh_bits = 0;                                             // the smallest DHE prime seen
  bool deflate = false;                                        // DEFLATE compression chosen
  bool compression_probed = false;
  bool ssl2 = false;                                     // an SSL 2 SERVER-HELLO came back
  std::vector<std::uint16_t> no_renegotiation_info;      // versions whose ServerHello lacked it
  std::vector<std::uint16_t> no_extended_master_secret;  // likewise, RFC 7627
  std::optional<std::uint16_t> version_over_13;          // offered 1.2 and 1.3, the server chose this older one
  std::optional<std::uint16_t> chose_over_recommended;   // offered it last, the server chose this weaker suite
  std::vector<std::uint16_t> cbc_without_etm;            // CBC suites chosen without encrypt_then_mac
  std::optional<std::uint16_t> chose_over_fs;            // a non-forward-secret suite chosen over FS ones
  std::vector<std::string> oddities;                     // answers that are not what TLS allows
  int probes = 0;
  bool any_tls = false;  // some offer got a TLS answer at all
};

boost::asio::awaitable<ScanResult> scan(Probe probe, std::string sni);

// The result as text, one line per version, suite and group, each flagged
// with what RFC 9325 says of it: what 'tls: scan suites' prints.
std::string describe(const ScanResult& r);

}  // namespace pop3::tlsscan
