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
  std::optional<Scenario::Injection> inject;  // forged plaintext after +OK to STLS
};

struct ServerEvent {
  // early: the client sent its next command, or closed, while the answer to
  // its first command inside TLS was held back, so it took something else
  // (plaintext injected before the handshake) for that answer.
  // after_stls: plaintext the client sent after STLS, before the handshake;
  // unterminated: bytes left when the connection closed that hold an LF
  // without its CR (a command ended by LF alone), up to that LF.
  // no_close_notify: after QUIT inside TLS, the client closed the connection
  // without its TLS close_notify (RFC 8314 #3.4).
  enum class Kind { connected, command, overlong, after_quit, early, after_stls, unterminated, no_close_notify, closed } kind;
  unsigned long connection = 0;
  // The client's line (command), the start of a line over the limit
  // (overlong, refused with -ERR), or bytes left after QUIT.
  std::string line;
  std::string reply;  // what the server answered (command)
  bool pipelined = false;  // the line came in the same read as the previous one
  bool tls = false;        // the line arrived inside TLS
};

}  // namespace pop3
