#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>

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

}  // namespace pop3
