#include "net/tls_inspect.hpp"

#include "net/tls.hpp"

#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

namespace pop3 {
namespace {

std::string name_text(X509_NAME* name) {
  char buf[512];
  X509_NAME_oneline(name, buf, sizeof buf);
  return buf;
}

std::string alt_names(X509* cert) {
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return {};
  std::string out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    std::string entry;
    if (n->type == GEN_DNS) {
      entry = "DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(n->d.dNSName)),
                                    static_cast<std::size_t>(ASN1_STRING_length(n->d.dNSName)));
    } else if (n->type == GEN_IPADD) {
      const unsigned char* p = ASN1_STRING_get0_data(n->d.iPAddress);
      int len = ASN1_STRING_length(n->d.iPAddress);
      if (len == 4) {
        entry = "IP:" + boost::asio::ip::address_v4({p[0], p[1], p[2], p[3]}).to_string();
      } else if (len == 16) {
        boost::asio::ip::address_v6::bytes_type b;
        std::copy(p, p + 16, b.begin());
        entry = "IP:" + boost::asio::ip::address_v6(b).to_string();
      }
    }
    if (!entry.empty()) out += (out.empty() ? "" : ",") + entry;
  }
  GENERAL_NAMES_free(names);
  return out;
}

}  // namespace

CertificateFacts certificate_facts(X509* cert) {
  CertificateFacts f;
  if (!cert) return f;
  f.subject = name_text(X509_get_subject_name(cert));
  f.issuer = name_text(X509_get_issuer_name(cert));
  f.names = alt_names(cert);
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    if (ASN1_TIME_print(bio, X509_get0_notAfter(cert)) == 1) {
      char* data = nullptr;
      long n = BIO_get_mem_data(bio, &data);
      f.not_after.assign(data, static_cast<std::size_t>(n));
    }
    BIO_free(bio);
  }
  return f;
}

PeerTls inspect_tls(SSL* ssl, const std::string& host) {
  PeerTls t;
  t.version = SSL_get_version(ssl);
  t.cipher = SSL_get_cipher_name(ssl);
  const unsigned char* alpn = nullptr;
  unsigned alpn_len = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
  if (alpn) t.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
  t.client_cert_requested = client_cert_requested(ssl);
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return t;
  t.has_certificate = true;
  t.subject = name_text(X509_get_subject_name(cert));
  t.issuer = name_text(X509_get_issuer_name(cert));
  t.names = alt_names(cert);
  t.verify_result = SSL_get_verify_result(ssl);
  t.verify_error = X509_verify_cert_error_string(t.verify_result);
  boost::system::error_code not_ip;
  boost::asio::ip::make_address(host, not_ip);
  t.name_matches = not_ip ? X509_check_host(cert, host.c_str(), host.size(), 0, nullptr) == 1
                          : X509_check_ip_asc(cert, host.c_str(), 0) == 1;
  int days = 0, secs = 0;
  if (ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(cert)))
    t.seconds_left = static_cast<long>(days) * 86400 + secs;
  t.not_yet_valid = X509_cmp_current_time(X509_get0_notBefore(cert)) > 0;
  if (EVP_PKEY* key = X509_get0_pubkey(cert)) {
    t.security_bits = EVP_PKEY_get_security_bits(key);
    t.key = std::string(EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "key") + " " +
            std::to_string(EVP_PKEY_get_bits(key));
  }
  // RFC 9325 #4.5: the hash the issuer signed this certificate with.
  int digest = NID_undef;
  X509_get_signature_info(cert, &digest, nullptr, nullptr, nullptr);
  t.signature = OBJ_nid2ln(X509_get_signature_nid(cert)) ? OBJ_nid2ln(X509_get_signature_nid(cert)) : "unknown";
  t.weak_signature_hash = digest == NID_sha1 || digest == NID_md5 || digest == NID_md5_sha1 || digest == NID_md2 ||
                          digest == NID_md4;
  X509_free(cert);
  return t;
}

}  // namespace pop3
