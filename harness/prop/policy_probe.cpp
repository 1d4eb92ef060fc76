#include "prop/policy_probe.hpp"

#include "oracle/listing.hpp"
#include "prop/vocabulary.hpp"
#include "util/md5_hex.hpp"

namespace pop3::prop {

namespace {

bool ok(const Exchange& x) { return x.response && x.response->parsed && x.response->parsed->status == Status::ok; }

// A logged-in connection, or nothing.
std::unique_ptr<Link> log_in(Server& server, const Credentials& account, const Logins& logins) {
  auto link = server.connect();
  Exchange greeting = link->greeting();
  if (!ok(greeting)) return nullptr;
  const std::string& g = greeting.response->status_line;
  auto lt = g.find('<'), gt = g.find('>', lt == std::string::npos ? 0 : lt);
  std::string digest = lt == std::string::npos || gt == std::string::npos
                           ? std::string("0")
                           : md5_hex(g.substr(lt, gt - lt + 1) + account.pass);
  auto send = [&](OpKind kind) {
    Op op{kind, {}, {}, true};
    return ok(link->request(command_line(op, account.user, account.pass, digest), show(op), false));
  };
  bool in = logins.user ? send(OpKind::user) && send(OpKind::pass) : send(OpKind::apop);
  return in ? std::move(link) : nullptr;
}

// STAT's message count, or nothing.
std::optional<std::size_t> count(Link& link) {
  Exchange x = link.request("STAT", "STAT", false);
  if (!ok(x)) return std::nullopt;
  auto drop = oracle::parse_drop_listing(x.response->parsed->text);
  if (!drop) return std::nullopt;
  return static_cast<std::size_t>(drop->count);
}

}  // namespace

std::optional<bool> deletes_retrieved_at_quit(Server& server, const Credentials& account, const Logins& logins) {
  server.reset();
  std::optional<std::size_t> before;
  {
    auto link = log_in(server, account, logins);
    if (!link) return std::nullopt;
    before = count(*link);
    if (!before || *before == 0) return std::nullopt;
    if (!ok(link->request("RETR 1", "RETR 1", true))) return std::nullopt;
    if (!ok(link->request("QUIT", "QUIT", false))) return std::nullopt;
    link->closes();  // the maildrop's lock goes with the session
  }
  auto link = log_in(server, account, logins);
  if (!link) return std::nullopt;
  auto after = count(*link);
  link->request("QUIT", "QUIT", false);
  link->closes();
  if (!after) return std::nullopt;
  return *after + 1 == *before;
}

std::optional<OptionalCommands> implemented_commands(Server& server, const Credentials& account, const Logins& logins) {
  server.reset();
  auto link = log_in(server, account, logins);
  if (!link) return std::nullopt;
  auto messages = count(*link);
  if (!messages) return std::nullopt;
  Exchange uidl = link->request("UIDL", "UIDL", true);
  // TOP needs a message to name; with none it cannot tell, and stays in.
  std::optional<Exchange> top;
  if (*messages > 0) top = link->request("TOP 1 0", "TOP 1 0", true);
  if (!uidl.response || (top && !top->response)) return std::nullopt;
  OptionalCommands c{ok(uidl), !top || ok(*top)};
  link->request("QUIT", "QUIT", false);
  link->closes();
  return c;
}

}  // namespace pop3::prop
