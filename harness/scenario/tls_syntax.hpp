#pragma once
#include <string>
#include <vector>

#include "scenario/ast.hpp"

namespace pop3 {

// The words of a 'tls:' step. On error, returns false with the message and
// the index of the offending word.
bool parse_tls_action(const std::vector<std::string>& words, TlsAction& out, std::string& error, std::size_t& bad);

// What a 'tls: scan ASPECT' step may judge (client/tls_scan.cpp).
inline constexpr const char* kScanAspects =
    "suites|ssl2|ssl3|tls13|prefer-tls13|null|rc4|export|under-128|static-rsa|static-dh|dhe|forward-secrecy|"
    "prefer-recommended|cbc|dh-size|curves|curves-recommended|compression|renegotiation|extended-master-secret";
bool valid_scan_aspect(const std::string& aspect);

// The words of a 'probe:' step: plaintext-login, invalid-commands N or http-request.
bool valid_probe(const std::vector<std::string>& words, std::string& error);

}  // namespace pop3
