#include "client/login.hpp"

#include <boost/asio/this_coro.hpp>

#include "util/base64.hpp"
#include "util/md5_hex.hpp"

namespace asio = boost::asio;

namespace pop3 {

const char* login_label(const std::string& method) {
  return method == "apop" ? "APOP" : method == "plain" ? "AUTH PLAIN" : "USER/PASS";
}

asio::awaitable<LoginAnswer> log_in(ClientSession& s, const std::string& method, const Account& a, Duration t) {
  LoginAnswer out;
  if (method == "apop") {
    out.response = co_await s.request("APOP " + a.user + " " + md5_hex(s.greeting_timestamp() + a.pass),
                                      "APOP " + a.user + " ***", false, t);
    co_return out;
  }
  if (method == "plain") {
    std::string initial = base64_encode(std::string(1, '\0') + a.user + std::string(1, '\0') + a.pass);
    out.response = co_await s.request("AUTH PLAIN " + initial, "AUTH PLAIN ***", false, t);
    if (out.response.parsed && out.response.parsed->status == Status::continuation) {
      out.at_first_step = false;
      out.response = co_await s.request(initial, "***", false, t);
    }
    co_return out;
  }
  out.response = co_await s.request("USER " + a.user, "USER " + a.user, false, t);
  if (!out.ok()) co_return out;
  out.at_first_step = false;
  out.response = co_await s.request("PASS " + a.pass, "PASS ***", false, t);
  co_return out;
}

asio::awaitable<bool> login_works(const Target& target, const Account& account, const std::string& method) {
  ClientSession s(co_await asio::this_coro::executor);
  bool ok = false;
  try {
    co_await s.open(target);
    co_await s.greeting(target.read_timeout);
    ok = (co_await log_in(s, method, account, target.read_timeout)).ok();
    co_await s.request("QUIT", "QUIT", false, target.read_timeout);
  } catch (const std::exception&) {
  }
  s.drop();
  co_return ok;
}

}  // namespace pop3
