#include "net/test_pki.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <memory>

using namespace pop3;

namespace {

// Verifies the first certificate of creds.cert_pem against creds.ca_pem for
// 127.0.0.1, as a client given {cafile} would; returns the X509_V_* result.
int verify(const TestCredentials& creds) {
  auto read_all = [](const std::string& pem) {
    std::vector<X509*> certs;
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    while (X509* c = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) certs.push_back(c);
    BIO_free(bio);
    return certs;
  };
  auto chain = read_all(creds.cert_pem);
  auto anchors = read_all(creds.ca_pem);
  X509_STORE* store = X509_STORE_new();
  for (X509* c : anchors) X509_STORE_add_cert(store, c);
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  for (std::size_t i = 1; i < chain.size(); ++i) sk_X509_push(untrusted, chain[i]);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, chain[0], untrusted);
  X509_VERIFY_PARAM_set1_ip_asc(X509_STORE_CTX_get0_param(ctx), "127.0.0.1");
  int result = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  sk_X509_free(untrusted);
  X509_STORE_free(store);
  for (X509* c : chain) X509_free(c);
  for (X509* c : anchors) X509_free(c);
  return result;
}

}  // namespace

TEST(TestPki, TheGoodCertificateVerifiesAgainstTheCa) {
  EXPECT_EQ(verify(make_test_credentials(TestCert::good)), X509_V_OK);
}

TEST(TestPki, EachFaultyCertificateFailsForItsOwnReason) {
  EXPECT_EQ(verify(make_test_credentials(TestCert::expired)), X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(verify(make_test_credentials(TestCert::self_signed)), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
  int unknown = verify(make_test_credentials(TestCert::unknown_ca));
  EXPECT_TRUE(unknown == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN || unknown == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
      << X509_verify_cert_error_string(unknown);
  EXPECT_EQ(verify(make_test_credentials(TestCert::wrong_host)), X509_V_ERR_IP_ADDRESS_MISMATCH);
}
