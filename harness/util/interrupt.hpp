#pragma once
#include <functional>

namespace pop3::interrupt {

// What SIGINT, SIGTERM or SIGHUP cancels at once: every registered
// connection is closed and every registered child process group killed, so
// no read, handshake or client run waits out its deadline (a flag checked
// between cases would: a blocked read can take --timeout, a login 30 s).
// One registry per process; the harness runs on one thread.
bool requested();
void request();
// Forgets an earlier request (tests; a process that starts over).
void reset();

// Registers a cancel action for as long as it lives; run at once when an
// interrupt is requested while it is registered.
class Registration {
 public:
  explicit Registration(std::function<void()> cancel);
  ~Registration();
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  unsigned long id_;
};

}  // namespace pop3::interrupt
