#pragma once
#include <optional>
#include <string>
#include <vector>

#include "scenario/ast.hpp"

namespace pop3 {

// The server role: what a scripted server does differently from the
// reference server, and what it tells the runner about the client.
struct ServerScript {
  std::optional<std::string> greeting;  // the whole line, without CRLF
  std::vector<Override> overrides;      // first match wins
};

struct ServerEvent {
  enum class Kind { connected, command, after_quit, closed } kind;
  unsigned long connection = 0;
  std::string line;   // the client's line (command), or bytes left after QUIT
  std::string reply;  // what the server answered (command)
  bool pipelined = false;  // the line came in the same read as the previous one
  bool tls = false;        // the line arrived inside TLS
};

}  // namespace pop3
