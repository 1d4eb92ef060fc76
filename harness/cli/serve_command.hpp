#pragma once
#include <string>
#include <vector>

namespace pop3 {

struct ServeOptions {
  std::string listen = "127.0.0.1:0";  // plaintext, with STLS when TLS is configured
  std::string tls_listen;              // implicit TLS (RFC 8314), optional
  std::string user, pass, maildir, users_file;
  std::string tls_cert, tls_key;
  std::string write_cert;  // generate a self-signed certificate, write it here
  bool no_apop = false;
  double idle_timeout_seconds = 600;  // RFC 1939 #3: at least 10 minutes by default
  std::size_t max_sessions = 1000;
  std::vector<std::string> faults;  // names from the catalog, or "help"
};

// Runs the reference server until SIGINT or SIGTERM. Prints one
// "listening HOST:PORT MODE" line per listener, first thing, for scripts.
int serve_command(const ServeOptions& options);

}  // namespace pop3
