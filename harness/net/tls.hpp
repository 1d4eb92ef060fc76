#pragma once
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace pop3 {

struct ClientTlsOptions {
  std::string cafile;     // empty: the system's default trust store
  bool insecure = false;  // skip verification (self-signed test servers)
  std::string extra_ca_pem;  // trusted in addition (the embedded server's certificate)
};

std::shared_ptr<boost::asio::ssl::context> make_client_tls(const ClientTlsOptions& options);

// A server context from PEM files, or with a fresh self-signed certificate for
// "localhost" and 127.0.0.1 generated in memory (nothing touches the disk).
struct ServerTls {
  std::shared_ptr<boost::asio::ssl::context> context;
  std::string certificate_pem;
};
ServerTls make_server_tls(const std::string& cert_file, const std::string& key_file);
ServerTls make_self_signed_server_tls();

}  // namespace pop3
