#include "client/idle_steps.hpp"

#include <chrono>
#include <cstdlib>
#include <string>

#include "scenario/escapes.hpp"

namespace pop3 {
namespace {

// POP3_HARNESS_TIME_SCALE (for the harness's own tests: a factor in (0, 1])
// shrinks every scripted wait, so that the autologout scenarios' ten minutes
// can be proved against a server whose timer is scaled alike.
Duration scaled(long ms) {
  static const double scale = [] {
    const char* v = std::getenv("POP3_HARNESS_TIME_SCALE");
    double d = v ? std::atof(v) : 1.0;
    return d > 0 && d <= 1 ? d : 1.0;
  }();
  return Duration(static_cast<long>(static_cast<double>(ms) * scale));
}

}  // namespace

boost::asio::awaitable<StepOutcome> expect_silence(long millis, ClientSession& s) {
  std::string data;
  auto started = std::chrono::steady_clock::now();
  auto q = co_await s.wait_quiet(scaled(millis), data);
  auto after = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  if (q == ClientSession::Quiet::data)
    co_return StepOutcome::fail("the server sent data", "nothing for " + std::to_string(millis) + " ms",
                                escape_bytes(data, 600));
  if (q == ClientSession::Quiet::closed)
    co_return StepOutcome::fail("the server closed the connection", "the connection stays open",
                                "closed after " + std::to_string(after.count()) + " ms");
  co_return StepOutcome::pass();
}

// RFC 1939 #3: when the timer expires, "the server should close the TCP
// connection without removing any messages or sending any response to the
// client".
boost::asio::awaitable<StepOutcome> expect_autologout(long millis, ClientSession& s) {
  std::string data;
  auto started = std::chrono::steady_clock::now();
  auto q = co_await s.wait_quiet(scaled(millis), data);
  auto waited = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count());
  if (q == ClientSession::Quiet::data) {
    s.drop();
    co_return StepOutcome::fail("the server sent a response at autologout", "the TCP connection closed, nothing sent",
                                escape_bytes(data, 600));
  }
  if (q == ClientSession::Quiet::silent) {
    StepOutcome o = StepOutcome::pass("the server kept the idle session for " + waited +
                                      " s: no autologout to judge (RFC 1939 #3: a server MAY have no timer)");
    o.ends_scenario = true;
    co_return o;
  }
  co_return StepOutcome::pass("the server ended the idle session after " + waited + " s, saying nothing");
}

}  // namespace pop3
