#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "client/account.hpp"
#include "client/target.hpp"

namespace pop3 {

// What one session before any verdict showed: can the harness test this
// target at all, with these options and this account? Said once, before any
// scenario, property case or fuzz case runs.
struct Preflight {
  enum class Verdict {
    ok,
    unreachable,     // nothing listening (or no such host): ERROR
    tls_setup,       // the harness's own TLS could not start: ERROR
    wrong_tls_mode,  // the port speaks another TLS mode than --tls: ERROR, with the fix
    login_refused,   // the account's login was refused: ERROR, naming the account and quoting the answer
    violation,       // the server broke the protocol so early that nothing can be judged: FAIL
  };
  Verdict verdict = Verdict::ok;
  std::string message;     // what to tell the user, once
  std::string rfc;         // violation: the requirement broken
  std::string transcript;  // the session, escaped (secrets redacted by the caller)
  Capabilities caps;
  std::string greeting;
  // How the login worked: "user", "apop" or "plain"; "stls:" before it when
  // the server offered no login before TLS and the preflight upgraded first.
  std::string login_method;
  bool failed() const { return verdict != Verdict::ok; }
};
const char* to_string(Preflight::Verdict v);

// Connects as target says (TLS included), reads the greeting, asks CAPA and,
// with an account, logs in by a method the server offers (USER/PASS when CAPA
// lists USER or there is no CAPA, else AUTH PLAIN, else APOP), then QUITs.
// Never throws for anything the server does.
boost::asio::awaitable<Preflight> preflight(const Target& target, const Account* account);

// Whether the target still takes a connection and greets it, after it dropped
// one: why not (the error, unredacted), or nothing when it does.
boost::asio::awaitable<std::optional<std::string>> why_not_accepting(const Target& target);

}  // namespace pop3
