#include "client/target.hpp"

namespace pop3 {

std::string Target::describe() const {
  std::string mode = tls == TlsMode::stls ? " (STLS)" : tls == TlsMode::implicit ? " (implicit TLS)" : "";
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port + mode;
}

}  // namespace pop3
