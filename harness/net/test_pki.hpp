#pragma once
#include <string>

namespace pop3 {

// Certificates made in memory at run time (never committed): a test CA and a
// server certificate it issues for localhost, 127.0.0.1 and ::1, or one of the
// faulty certificates a verifying client must refuse.
enum class TestCert {
  good,         // issued by the test CA, valid now, right names
  expired,      // issued by the test CA, expired yesterday
  self_signed,  // right names, signed by its own key
  unknown_ca,   // issued by a CA the client was not told to trust
  wrong_host,   // issued by the test CA for wrong-host.invalid only
  // RFC 2595 #2.4 name matching, for a client that dials "localhost":
  san_not_cn,       // CN=localhost, but the dNSName is wrong-host.invalid (the SAN decides)
  upper_case_name,  // dNSName LOCALHOST (matching is case-insensitive)
  wildcard_only,    // dNSName *.localhost (does not match localhost itself)
  many_names,       // dNSNames a.invalid, localhost, b.invalid (any one matches)
  // RFC 9325 #4.5, for the server faults that need an RSA certificate:
  rsa,          // like good, with an RSA-2048 key
  weak_rsa,     // like good, with an RSA-1024 key, signed with SHA-1 (a server must load it at security level 0)
};

struct TestCredentials {
  std::string ca_pem;    // what a client is told to trust ({cafile}, --write-cert)
  std::string cert_pem;  // the server's certificate chain
  std::string key_pem;   // the server's private key
};

TestCredentials make_test_credentials(TestCert kind);

}  // namespace pop3
