#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "codec/response_reader.hpp"

namespace pop3::prop {

// The target cannot be used at all (unreachable, provisioning failed): the
// campaign stops, and no finding is made of it.
struct EnvironmentError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One command's outcome on the wire.
struct Exchange {
  enum class Failure { none, closed, timeout, protocol };
  std::optional<Response> response;
  Failure failure = Failure::none;
  std::string detail;  // why there is no response
};

// One POP3 connection as the property test drives it: synchronous, every
// wait bounded. Destroying it drops the connection.
class Link {
 public:
  virtual ~Link() = default;
  virtual Exchange greeting() = 0;
  // shown: the line as reports may show it (secrets redacted).
  virtual Exchange request(const std::string& line, const std::string& shown, bool multiline_if_ok) = 0;
  // Waits, bounded, for the server to close the connection; false if it stays open.
  virtual bool closes() = 0;
  // The last exchanges, escaped and redacted, for a report.
  virtual std::string recent() const = 0;
  // Lets time pass with the connection idle (the server, if it runs on the
  // same io_context, goes on meanwhile).
  virtual void pause(std::chrono::milliseconds how_long) = 0;
};

// A server under test: connections to it, and the reset of its maildrop.
class Server {
 public:
  virtual ~Server() = default;
  virtual std::unique_ptr<Link> connect() = 0;  // throws EnvironmentError
  virtual void reset() = 0;                     // the fixture, before each case; throws EnvironmentError
};

}  // namespace pop3::prop
