#include "net/tls.hpp"

#include <openssl/ssl.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace ssl = boost::asio::ssl;

namespace pop3 {
namespace {

void modern_only(ssl::context& ctx) { SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION); }

// OpenSSL 3 refuses TLS 1.0 and 1.1 at the default security level.
void allow_legacy(ssl::context& ctx) {
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
  SSL_CTX_set_security_level(ctx.native_handle(), 0);
  SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT:@SECLEVEL=0");
}

int select_pop3(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned inlen,
                void*) {
  for (unsigned i = 0; i < inlen;) {
    unsigned len = in[i];
    if (i + 1 + len > inlen) break;
    if (len == 4 && std::memcmp(in + i + 1, "pop3", 4) == 0) {
      *out = in + i + 1;
      *outlen = 4;
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + len;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

std::shared_ptr<ssl::context> server_context(bool legacy_versions) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  if (legacy_versions) allow_legacy(*ctx);
  else modern_only(*ctx);
  SSL_CTX_set_alpn_select_cb(ctx->native_handle(), select_pop3, nullptr);
  return ctx;
}

// The CA file, or an error that names it and says what is wrong with it.
void load_cafile(ssl::context& ctx, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot be read (--cafile)");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    throw std::runtime_error(path + ": not a PEM certificate (no '-----BEGIN CERTIFICATE-----' line): give the "
                                "CA's certificate in PEM (openssl x509 -inform der -in CA.der -out ca.pem converts DER)");
  boost::system::error_code ec;
  ctx.load_verify_file(path, ec);
  if (ec) throw std::runtime_error(path + ": its certificates cannot be used (" + ec.message() + ")");
}

void load_trust(ssl::context& ctx, const ClientTlsOptions& options) {
  // The embedded server's CA alone vouches for it; parsing the system bundle
  // would cost tens of milliseconds per context.
  if (!options.cafile.empty()) load_cafile(ctx, options.cafile);
  else if (options.extra_ca_pem.empty()) ctx.set_default_verify_paths();
  if (!options.extra_ca_pem.empty()) ctx.add_certificate_authority(boost::asio::buffer(options.extra_ca_pem));
}

int requested_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// Called when a CertificateRequest arrives; 0: the probe has no certificate to give.
int note_certificate_request(SSL* ssl, X509**, EVP_PKEY**) {
  static int yes = 1;
  SSL_set_ex_data(ssl, requested_index(), &yes);
  return 0;
}

}  // namespace

bool client_cert_requested(SSL* ssl) { return SSL_get_ex_data(ssl, requested_index()) != nullptr; }

std::shared_ptr<ssl::context> make_client_tls(const ClientTlsOptions& options) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  modern_only(*ctx);
  if (options.insecure) {
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
  }
  ctx->set_verify_mode(ssl::verify_peer);
  load_trust(*ctx, options);
  return ctx;
}

std::shared_ptr<ssl::context> make_probe_tls(const ClientTlsOptions& trust, const ProbeTlsSettings& settings) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  if (settings.version) {
    if (settings.version < TLS1_2_VERSION) allow_legacy(*ctx);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), settings.version);
    SSL_CTX_set_max_proto_version(ctx->native_handle(), settings.version);
  } else {
    modern_only(*ctx);
  }
  ctx->set_verify_mode(ssl::verify_none);
  // The checks judge the key and signature themselves ('tls: certificate
  // key|signature'): OpenSSL's own floor would end the handshake first.
  SSL_CTX_set_security_level(ctx->native_handle(), 0);
  if (!trust.insecure) load_trust(*ctx, trust);
  SSL_CTX_set_client_cert_cb(ctx->native_handle(), note_certificate_request);
  if (!settings.ciphers.empty() && SSL_CTX_set_cipher_list(ctx->native_handle(), settings.ciphers.c_str()) != 1)
    throw std::runtime_error("OpenSSL knows none of the cipher suites " + settings.ciphers);
  if (!settings.alpn.empty()) {
    std::string wire;  // RFC 7301 #3.1: length-prefixed names
    for (std::size_t p = 0; p < settings.alpn.size();) {
      std::size_t q = settings.alpn.find(',', p);
      std::string name = settings.alpn.substr(p, q == std::string::npos ? q : q - p);
      wire += static_cast<char>(name.size());
      wire += name;
      p = q == std::string::npos ? settings.alpn.size() : q + 1;
    }
    SSL_CTX_set_alpn_protos(ctx->native_handle(), reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned>(wire.size()));
  }
  return ctx;
}

ServerTls make_server_tls(const std::string& cert_file, const std::string& key_file, bool legacy_versions) {
  ServerTls out{server_context(legacy_versions), {}};
  out.context->use_certificate_chain_file(cert_file);
  out.context->use_private_key_file(key_file, ssl::context::pem);
  return out;
}

void only_version(ssl::context& ctx, int version) {
  if (version < TLS1_2_VERSION) allow_legacy(ctx);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), version);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), version);
}

const char* const kRecommendedCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

void recommended_ciphers_only(ssl::context& ctx) {
  only_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(ctx.native_handle(), kRecommendedCiphers);
}

ServerTls make_test_server_tls(TestCert cert, bool legacy_versions) {
  TestCredentials creds = make_test_credentials(cert);
  ServerTls out{server_context(legacy_versions), creds.ca_pem};
  // OpenSSL refuses to load an RSA-1024 key or a SHA-1 signature at its default level.
  // OpenSSL neither loads nor uses an RSA-1024 key or a SHA-1 signature
  // above level 0: the server runs at level 0 (its other choices follow).
  if (cert == TestCert::weak_rsa) SSL_CTX_set_security_level(out.context->native_handle(), 0);
  out.context->use_certificate_chain(boost::asio::buffer(creds.cert_pem));
  out.context->use_private_key(boost::asio::buffer(creds.key_pem), ssl::context::pem);
  return out;
}

}  // namespace pop3
