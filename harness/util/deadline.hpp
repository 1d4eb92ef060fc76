#pragma once
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>

namespace pop3 {

// Cancels an operation when its time is up. The expiry handler may already be
// queued when the operation finishes; the shared flag keeps that late handler
// from cancelling a later operation on the same object.
class Deadline {
 public:
  template <typename Duration>
  Deadline(const boost::asio::any_io_executor& ex, Duration d, std::function<void()> on_expire)
      : timer_(ex), state_(std::make_shared<State>()) {
    timer_.expires_after(d);
    timer_.async_wait([state = state_, on_expire = std::move(on_expire)](boost::system::error_code ec) {
      if (ec || !state->active) return;
      state->fired = true;
      on_expire();
    });
  }
  ~Deadline() {
    state_->active = false;
    timer_.cancel();
  }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  bool fired() const { return state_->fired; }

 private:
  struct State {
    bool active = true;
    bool fired = false;
  };
  boost::asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

}  // namespace pop3
