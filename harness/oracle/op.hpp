#pragma once
#include <optional>
#include <string>

namespace pop3::oracle {

// One step of a property-test case: a POP3 command, or a session event.
enum class OpKind {
  user, pass, apop,                                    // authorization
  stat, list, uidl, retr, top, dele, rset, noop,       // transaction
  quit,            // QUIT, then a new connection (the next session)
  drop,            // an abrupt disconnect, then a new connection
  second_session,  // a second connection logs in while this one holds the maildrop
};

struct Op {
  OpKind kind = OpKind::noop;
  // The message-number argument as sent ("2", "0", "4294967296"): LIST and
  // UIDL without one list every message.
  std::optional<std::string> number;
  std::string lines;  // TOP's line count
  bool good = true;   // USER: the account's name; PASS, APOP: the right secret
};

const char* keyword(OpKind kind);
// How a difference at this step is named and set aside (--ignore-difference):
// the command's keyword, or SECOND-SESSION and DROP for those steps.
std::string difference_key(OpKind kind);
// The command line as sent, with the account's secrets in place.
std::string command_line(const Op& op, const std::string& user, const std::string& pass,
                         const std::string& apop_digest);
// The command line as shown in reports: secrets never appear.
std::string show(const Op& op);

}  // namespace pop3::oracle
