#include "net/test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace pop3 {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

constexpr long kDay = 24 * 3600;

// The leaf's key and signature for the RSA certificates; EC P-256 and SHA-256 otherwise.
struct KeySpec {
  std::size_t rsa_bits = 0;
  bool sha1 = false;
};

PkeyPtr new_key(KeySpec spec = {}) {
  PkeyPtr key(spec.rsa_bits ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", spec.rsa_bits)
                            : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw std::runtime_error("cannot generate a TLS key");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) throw std::runtime_error("cannot build X.509 extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

struct Issued {
  X509Ptr cert;
  PkeyPtr key;
};

// A certificate for key, named cn, signed by issuer (itself when null).
// Validity is [now + from, now + to] seconds.
Issued issue(const char* cn, const char* names, bool is_ca, long from, long to, const Issued* issuer,
             KeySpec spec = {}) {
  static long serial = 1;
  Issued out{X509Ptr(X509_new()), new_key(spec)};
  X509* cert = out.cert.get();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), ++serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), from);
  X509_gmtime_adj(X509_getm_notAfter(cert), to);
  X509_set_pubkey(cert, out.key.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509* signer_cert = issuer ? issuer->cert.get() : cert;
  EVP_PKEY* signer_key = issuer ? issuer->key.get() : out.key.get();
  X509_set_issuer_name(cert, X509_get_subject_name(signer_cert));
  add_extension(cert, signer_cert, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_extension(cert, signer_cert, NID_key_usage, is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  add_extension(cert, signer_cert, NID_subject_key_identifier, "hash");
  if (issuer) add_extension(cert, signer_cert, NID_authority_key_identifier, "keyid:always");
  if (names) {
    add_extension(cert, signer_cert, NID_subject_alt_name, names);
    add_extension(cert, signer_cert, NID_ext_key_usage, "serverAuth");
  }
  if (!X509_sign(cert, signer_key, spec.sha1 ? EVP_sha1() : EVP_sha256())) throw std::runtime_error("cannot sign a test certificate");
  return out;
}

std::string pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace

TestCredentials make_test_credentials(TestCert kind) {
  constexpr const char* kNames = "DNS:localhost,IP:127.0.0.1,IP:::1";
  Issued ca = issue("pop3-harness test CA", nullptr, true, -kDay, 30 * kDay, nullptr);
  Issued leaf;
  switch (kind) {
    case TestCert::good: leaf = issue("localhost", kNames, false, -3600, 7 * kDay, &ca); break;
    case TestCert::expired: leaf = issue("localhost", kNames, false, -30 * kDay, -kDay, &ca); break;
    case TestCert::self_signed: leaf = issue("localhost", kNames, false, -3600, 7 * kDay, nullptr); break;
    case TestCert::wrong_host:
      leaf = issue("wrong-host.invalid", "DNS:wrong-host.invalid", false, -3600, 7 * kDay, &ca);
      break;
    case TestCert::san_not_cn: leaf = issue("localhost", "DNS:wrong-host.invalid", false, -3600, 7 * kDay, &ca); break;
    case TestCert::upper_case_name: leaf = issue("LOCALHOST", "DNS:LOCALHOST", false, -3600, 7 * kDay, &ca); break;
    case TestCert::wildcard_only: leaf = issue("*.localhost", "DNS:*.localhost", false, -3600, 7 * kDay, &ca); break;
    case TestCert::many_names:
      leaf = issue("a.invalid", "DNS:a.invalid,DNS:localhost,DNS:b.invalid", false, -3600, 7 * kDay, &ca);
      break;
    case TestCert::rsa: leaf = issue("localhost", kNames, false, -3600, 7 * kDay, &ca, {2048, false}); break;
    case TestCert::weak_rsa: leaf = issue("localhost", kNames, false, -3600, 7 * kDay, &ca, {1024, true}); break;
    case TestCert::unknown_ca: {
      Issued other = issue("pop3-harness untrusted CA", nullptr, true, -kDay, 30 * kDay, nullptr);
      leaf = issue("localhost", kNames, false, -3600, 7 * kDay, &other);
      return {pem(ca.cert.get()), pem(leaf.cert.get()) + pem(other.cert.get()), pem(leaf.key.get())};
    }
  }
  // The chain a server sends: its certificate and the CA's (RFC 8446 #4.4.2).
  std::string chain = pem(leaf.cert.get());
  if (kind != TestCert::self_signed) chain += pem(ca.cert.get());
  return {pem(ca.cert.get()), chain, pem(leaf.key.get())};
}

}  // namespace pop3
