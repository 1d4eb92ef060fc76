#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <memory>
#include <vector>

#include "client/account.hpp"
#include "net/tls.hpp"
#include "server/reference_server.hpp"
#include "store/maildir.hpp"

namespace pop3 {

// The built-in target: the reference server on loopback ports (plaintext+STLS
// and implicit TLS) with an in-memory certificate, and a temporary maildir
// per account, removed at the end.
class EmbeddedTarget {
 public:
  EmbeddedTarget(boost::asio::any_io_executor ex, unsigned accounts);
  ~EmbeddedTarget();
  EmbeddedTarget(const EmbeddedTarget&) = delete;
  EmbeddedTarget& operator=(const EmbeddedTarget&) = delete;

  const std::vector<Account>& accounts() const { return accounts_; }
  unsigned short plain_port() const { return plain_->port(); }
  unsigned short implicit_port() const { return implicit_->port(); }
  const std::string& ca_pem() const { return tls_.ca_pem; }
  void stop();
  // Every session of both servers has ended (after stop()).
  bool idle() const { return plain_->idle() && implicit_->idle(); }

 private:
  MaildirStore store_;
  std::filesystem::path root_;
  ServerTls tls_;
  std::vector<Account> accounts_;
  std::unique_ptr<ReferenceServer> plain_, implicit_;
};

}  // namespace pop3
