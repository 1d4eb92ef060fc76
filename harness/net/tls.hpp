#pragma once
#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>
#include <memory>
#include <string>

#include "net/test_pki.hpp"

namespace pop3 {

struct ClientTlsOptions {
  std::string cafile;     // empty: the system's default trust store
  bool insecure = false;  // skip verification (self-signed test servers)
  std::string extra_ca_pem;  // the embedded server's CA: trusted instead of the system store (no --cafile)
};

std::shared_ptr<boost::asio::ssl::context> make_client_tls(const ClientTlsOptions& options);

// The TLS checks' client: it verifies nothing during the handshake, so that a
// bad certificate is reported by its own check rather than ending the
// scenario, but loads the same trust store so the verdict is available after
// it (SSL_get_verify_result). version: 0 for TLS 1.2 and later, else only
// that one (TLS1_VERSION ...), with the security level lowered so legacy
// versions can be offered at all. alpn: protocol names to offer, or none.
// ciphers: an OpenSSL cipher list for TLS 1.2 and earlier, or empty for the
// default. The probe records whether the server asked for a client
// certificate (client_cert_requested), and never sends one.
struct ProbeTlsSettings {
  int version = 0;
  std::string alpn;
  std::string ciphers;
};
std::shared_ptr<boost::asio::ssl::context> make_probe_tls(const ClientTlsOptions& trust,
                                                         const ProbeTlsSettings& settings);

// Whether the server's handshake on this connection (a probe's) carried a
// CertificateRequest (RFC 8314 #4.2).
bool client_cert_requested(SSL* ssl);

// A server context. It refuses a client whose ALPN list lacks "pop3"
// (cross-protocol attacks, RFC 7301 #3.2) and, unless legacy_versions (a
// fault), speaks TLS 1.2 or later only (RFC 8314 #4.1).
struct ServerTls {
  std::shared_ptr<boost::asio::ssl::context> context;
  std::string ca_pem;  // what a client should trust; empty for certificates from files
};
ServerTls make_server_tls(const std::string& cert_file, const std::string& key_file, bool legacy_versions = false);
ServerTls make_test_server_tls(TestCert cert = TestCert::good, bool legacy_versions = false);
// Makes a server context speak one protocol version alone (TLS1_VERSION ...
// TLS1_3_VERSION), at the security level that version needs.
void only_version(boost::asio::ssl::context& ctx, int version);
// RFC 7525 #4.2 (RFC 9325 #4.2): TLS 1.2 with the ECDHE and DHE AES-GCM suites alone.
extern const char* const kRecommendedCiphers;
void recommended_ciphers_only(boost::asio::ssl::context& ctx);

}  // namespace pop3
