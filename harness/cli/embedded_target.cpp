#include "cli/embedded_target.hpp"

#include <random>
#include <unistd.h>

namespace pop3 {

namespace fs = std::filesystem;

EmbeddedTarget::EmbeddedTarget(boost::asio::any_io_executor ex, unsigned accounts)
    : root_(fs::temp_directory_path() / ("pop3-harness-" + std::to_string(::getpid()))),
      tls_(make_test_server_tls()) {
  for (unsigned i = 0; i < std::max(1u, accounts); ++i) {
    Account a{"user" + std::to_string(i + 1), "pw-" + std::to_string(std::random_device{}()), "", ""};
    a.maildir = (root_ / a.user).string();
    store_.add_account(a.user, {a.pass, a.maildir});
    accounts_.push_back(a);
  }
  ServerOptions so;
  so.tls = tls_.context;
  plain_ = std::make_unique<ReferenceServer>(ex, store_, so);
  so.implicit_tls = true;
  implicit_ = std::make_unique<ReferenceServer>(ex, store_, so);
  plain_->start();
  implicit_->start();
}

EmbeddedTarget::~EmbeddedTarget() {
  std::error_code ignored;
  fs::remove_all(root_, ignored);
}

void EmbeddedTarget::stop() {
  plain_->stop();
  implicit_->stop();
}

}  // namespace pop3
