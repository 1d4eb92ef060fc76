#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <string>

namespace pop3 {

// Runs one operation to completion on the io_context, from outside it, for
// callers that must be synchronous (RapidCheck's commands). Whatever else the
// io_context serves (the built-in reference server) runs meanwhile; every
// operation has its own deadline, so this returns. Rethrows its exception.
template <class T>
T run_sync(boost::asio::io_context& ioc, boost::asio::awaitable<T> op) {
  std::optional<T> value;
  std::exception_ptr error;
  bool done = false;
  boost::asio::co_spawn(ioc, std::move(op), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) value = std::move(v);
    done = true;
  });
  while (!done) {
    if (ioc.stopped()) ioc.restart();
    ioc.run_one();
  }
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

// Runs n coroutines side by side on the io_context until all are done;
// start(k) makes the k-th. Returns the first one's exception message, if any
// ended by throwing.
template <class Start>
std::optional<std::string> run_all(boost::asio::io_context& ioc, unsigned n, Start start) {
  unsigned running = n;
  std::optional<std::string> error;
  for (unsigned k = 0; k < n; ++k)
    boost::asio::co_spawn(ioc, start(k), [&](std::exception_ptr e) {
      if (e && !error) try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          error = x.what();
        }
      --running;
    });
  while (running > 0) {
    if (ioc.stopped()) ioc.restart();
    ioc.run_one();
  }
  return error;
}

// Runs the io_context until done() holds or the deadline passes (a stopped
// io_context is restarted): how an owner drains what it started, e.g. a
// server's sessions after stop(), before destroying it.
template <class Done>
bool run_until(boost::asio::io_context& ioc, Done done, std::chrono::steady_clock::duration limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= until) return false;
    if (ioc.stopped()) ioc.restart();
    ioc.run_one_for(until - now);
  }
  return true;
}

}  // namespace pop3
