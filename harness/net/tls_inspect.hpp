#pragma once
#include <openssl/ssl.h>

#include <string>

namespace pop3 {

// What a completed handshake showed about the server, for the TLS checks.
struct PeerTls {
  std::string version;  // "TLSv1.3"
  std::string cipher;
  std::string alpn;     // the protocol the server selected, empty for none
  bool has_certificate = false;
  std::string subject, issuer;
  std::string names;    // subjectAltName entries, comma-separated
  long verify_result = 0;    // X509_V_OK or the chain's error
  std::string verify_error;  // its text
  bool name_matches = false; // the certificate names the host the harness connected to
  long seconds_left = 0;     // until notAfter; negative once expired
  bool not_yet_valid = false;
  int security_bits = 0;     // the public key's strength (RSA-2048: 112, P-256: 128)
  std::string key;           // "RSA 2048", "EC 256"
  std::string signature;     // the certificate's signature algorithm ("ecdsa-with-SHA256")
  bool weak_signature_hash = false;  // signed with SHA-1 or MD5 (RFC 9325 #4.5: MUST NOT)
  bool client_cert_requested = false;  // the handshake carried a CertificateRequest
};

PeerTls inspect_tls(SSL* ssl, const std::string& host);

// What a certificate says of itself, for telling the user why it did not
// verify: subject, issuer, notAfter ("Jan  1 00:00:00 2027 GMT") and the
// subjectAltName entries. Empty fields for no certificate.
struct CertificateFacts {
  std::string subject, issuer, not_after, names;
};
CertificateFacts certificate_facts(X509* cert);

}  // namespace pop3
