#include "prop/net_server.hpp"


#include "client/provision.hpp"
#include "client/session_io.hpp"
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/run_sync.hpp"
#include "net/transcript.hpp"
#include "report/redact.hpp"
#include "util/interrupt.hpp"

namespace asio = boost::asio;

namespace pop3::prop {

namespace {

class NetLink : public Link {
 public:
  NetLink(asio::io_context& ioc, const Target& target, const Account& account)
      : ioc_(ioc), target_(target), session_(ioc.get_executor()), redactor_(Redactor::for_login(account.user, account.pass)) {}
  ~NetLink() override { session_.drop(); }

  void open() {
    run_sync(ioc_, [](ClientSession& s, const Target& t) -> asio::awaitable<bool> {
      co_await s.open(t);
      co_return true;
    }(session_, target_));
  }

  Exchange greeting() override {
    return exchange([](ClientSession& s, Duration timeout) { return s.greeting(timeout); });
  }
  Exchange request(const std::string& line, const std::string& shown, bool multiline_if_ok) override {
    // Bytes after the last answer answer nothing. Dovecot, for one, sends a
    // last -ERR line and closes when a client has made too many errors.
    std::string extra = session_.take_unread();
    if (!extra.empty() || session_.connection().available() > 0) {
      std::string more;
      bool closed = run_sync(ioc_, session_.drain(target_.read_timeout, more, 4096)) == ClientSession::Quiet::closed;
      if (extra.empty() && more.empty())
        return {std::nullopt, Exchange::Failure::closed, "the server closed the connection before the command"};
      std::string what = "unsolicited " + escape_bytes(extra + more, 200);
      if (closed) return {std::nullopt, Exchange::Failure::closed, what + ", then the server closed the connection"};
      return {std::nullopt, Exchange::Failure::protocol, what + " before the command was sent (RFC 1939 #3)"};
    }
    return exchange([&](ClientSession& s, Duration timeout) { return s.request(line, shown, multiline_if_ok, timeout); });
  }
  void pause(std::chrono::milliseconds how_long) override {
    run_sync(ioc_, [](asio::io_context& ioc, std::chrono::milliseconds d) -> asio::awaitable<bool> {
      asio::steady_timer timer(ioc, d);
      co_await timer.async_wait(asio::use_awaitable);
      co_return true;
    }(ioc_, how_long));
  }

  bool closes() override {
    std::string data;
    auto quiet = run_sync(ioc_, session_.drain(target_.read_timeout, data, 4096));
    return quiet == ClientSession::Quiet::closed;
  }
  std::string recent() const override {
    const auto& t = const_cast<ClientSession&>(session_).connection().transcript();
    std::size_t from = t.size() > 8 ? t.size() - 8 : 0;
    return redactor_.apply(t.render(from, t.size(), 300));
  }

 private:
  template <class F>
  Exchange exchange(F f) {
    try {
      return {run_sync(ioc_, f(session_, target_.read_timeout)), Exchange::Failure::none, {}};
    } catch (const ProtocolError& e) {
      if (interrupt::requested()) throw EnvironmentError("interrupted (SIGINT, SIGTERM or SIGHUP)");
      auto failure = e.kind == ProtocolError::Kind::closed    ? Exchange::Failure::closed
                     : e.kind == ProtocolError::Kind::timeout ? Exchange::Failure::timeout
                                                              : Exchange::Failure::protocol;  // incl. unterminated
      return {std::nullopt, failure, redactor_.apply(e.what())};
    } catch (const NetError& e) {
      if (e.kind() == NetError::Kind::cancelled) throw EnvironmentError(e.what());  // an interrupt: no verdict
      // A write into a connection the server has closed.
      return {std::nullopt, e.kind() == NetError::Kind::timeout ? Exchange::Failure::timeout : Exchange::Failure::closed,
              redactor_.apply(e.what())};
    }
  }

  asio::io_context& ioc_;
  const Target& target_;
  ClientSession session_;
  Redactor redactor_;
};

}  // namespace

NetServer::NetServer(asio::io_context& ioc, Target target, Account account, const Fixture& fixture)
    : ioc_(ioc), target_(std::move(target)), account_(std::move(account)), fixture_(fixture) {}

std::unique_ptr<Link> NetServer::connect() {
  auto link = std::make_unique<NetLink>(ioc_, target_, account_);
  try {
    link->open();
  } catch (const std::exception& e) {
    throw EnvironmentError(e.what());
  }
  return link;
}

void NetServer::reset() {
  std::string why = run_sync(ioc_, provision(ioc_.get_executor(), account_, fixture_));
  if (!why.empty()) throw EnvironmentError("provisioning failed: " + why);
}

}  // namespace pop3::prop
