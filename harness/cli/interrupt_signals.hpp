#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <atomic>

#include "util/interrupt.hpp"

namespace pop3 {

// SIGINT, SIGTERM and SIGHUP for a subcommand's whole life, from before its
// first byte: the flag its loops check, and an interrupt::request() that
// closes every connection and kills every child at once, so the command
// ends within a second even while a read or a client is blocked.
class InterruptSignals {
 public:
  InterruptSignals(boost::asio::io_context& ioc, std::atomic<bool>& flag) : signals_(ioc, SIGINT, SIGTERM, SIGHUP) {
    signals_.async_wait([&flag](boost::system::error_code ec, int) {
      if (ec) return;
      flag = true;
      interrupt::request();
    });
  }
  ~InterruptSignals() {
    boost::system::error_code ignored;
    signals_.cancel(ignored);
  }
  InterruptSignals(const InterruptSignals&) = delete;
  InterruptSignals& operator=(const InterruptSignals&) = delete;

 private:
  boost::asio::signal_set signals_;
};

}  // namespace pop3
