#pragma once
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "client/account.hpp"
#include "net/connection.hpp"
#include "net/tls.hpp"

namespace pop3 {

enum class TlsMode { none, stls, implicit };

struct Target {
  std::string host = "127.0.0.1";
  std::string port = "110";
  TlsMode tls = TlsMode::none;
  std::shared_ptr<boost::asio::ssl::context> tls_context;
  ClientTlsOptions trust;  // what tls_context trusts; the TLS checks build their own contexts from it
  Duration connect_timeout = std::chrono::seconds(5);
  Duration read_timeout = std::chrono::seconds(5);
  std::string describe() const;
};

// What the server advertised before login: CAPA tags (upper-cased first
// words) plus "APOP" when the greeting carries a timestamp.
struct Capabilities {
  std::set<std::string> tags;
  bool capa_supported = false;
  bool has(const std::string& tag) const { return tags.contains(tag); }
  // Adds the tags of a CAPA listing's lines, and "SASL:MECH" per mechanism.
  void read_capa(const std::vector<std::string>& lines);
};

}  // namespace pop3
