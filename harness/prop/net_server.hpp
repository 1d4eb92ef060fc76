#pragma once
#include <boost/asio/io_context.hpp>

#include "client/account.hpp"
#include "client/target.hpp"
#include "prop/link.hpp"
#include "scenario/fixture.hpp"

namespace pop3::prop {

// A real server over the network, driven synchronously for RapidCheck: each
// operation runs the one io_context until it completes or its deadline
// passes. No threads.
class NetServer : public Server {
 public:
  NetServer(boost::asio::io_context& ioc, Target target, Account account, const Fixture& fixture);
  std::unique_ptr<Link> connect() override;
  void reset() override;

 private:
  boost::asio::io_context& ioc_;
  Target target_;
  Account account_;
  const Fixture& fixture_;
};

}  // namespace pop3::prop
