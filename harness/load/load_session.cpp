#include "load/load_session.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <limits>

#include "client/login.hpp"
#include "client/session_io.hpp"
#include "load/content.hpp"
#include "load/delivery.hpp"
#include "net/connection.hpp"
#include "oracle/view.hpp"

namespace pop3::load {
namespace asio = boost::asio;
using oracle::join_listings;
using oracle::Listed;
using oracle::parse_drop_listing;
using oracle::View;
using oracle::ViewOrViolation;
namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t micros_since(Clock::time_point t) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count());
}

bool ok(const Response& r) { return r.parsed && r.parsed->status == Status::ok; }

// The response code, upper-cased: codes are case-insensitive (RFC 2449 #8).
std::string code_of(const Response& r) {
  std::string code = r.parsed ? r.parsed->code : std::string();
  for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return code;
}

std::vector<std::string> body_lines(const Response& r) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < r.body.lines(); ++i) out.emplace_back(r.body.line(i));
  return out;
}

const char* error_kind(ProtocolError::Kind k) {
  switch (k) {
    case ProtocolError::Kind::closed: return "closed";
    case ProtocolError::Kind::closed_mid: return "closed-mid-answer";
    case ProtocolError::Kind::timeout: return "timeout";
    case ProtocolError::Kind::unterminated: return "unterminated";
    case ProtocolError::Kind::violation: return "framing";
    case ProtocolError::Kind::limit: return "limit";
  }
  return "protocol";
}

const char* error_kind(NetError::Kind k) {
  switch (k) {
    case NetError::Kind::timeout: return "connect-timeout";
    case NetError::Kind::refused: return "refused";
    case NetError::Kind::resolve: return "resolve";
    case NetError::Kind::tls:
    case NetError::Kind::certificate:
    case NetError::Kind::upgrade_refused:
    case NetError::Kind::upgrade_plaintext: return "tls";
    case NetError::Kind::io: return "reset";
    case NetError::Kind::cancelled: return "cancelled";
  }
  return "network";
}

class Session {
 public:
  Session(LoadContext& ctx, std::size_t account, std::mt19937_64& rng, asio::any_io_executor ex)
      : ctx_(ctx), account_(account), rng_(rng), io_(ex), id_(++ctx.next_session) {}

  asio::awaitable<void> play();
  // RFC 1939 #4: after -ERR in the AUTHORIZATION state the server may close.
  bool may_close() const { return io_.may_close(); }
  // After an exception: what the model and the counters must know.
  void abandon(const std::string& kind, const Violation* broken);

 private:
  asio::awaitable<Response> command(const std::string& line, const std::string& shown, bool multiline,
                                    const std::string& keyword, Duration timeout);
  asio::awaitable<void> think();
  asio::awaitable<bool> login();
  asio::awaitable<bool> list_maildrop();
  asio::awaitable<void> retrieve();
  void check_content(std::size_t n, const Listed& m, const Body& message);
  asio::awaitable<void> delete_some();
  asio::awaitable<void> check_numbers_after_dele();
  asio::awaitable<void> finish();

 public:
  // What finish() left for --deliver: run after the session's statistics,
  // so the command's time is not the server's latency.
  asio::awaitable<void> deliver_by_command() { co_await load::deliver_by_command(ctx_, account_, by_command_); }

 private:
  // Our count of the sessions holding the account, for telling the server's
  // locking behaviour: once per session.
  void release() {
    if (logged_in_ && !released_) {
      --ctx_.holders[account_];
      model().releasing(id_);
    }
    released_ = true;
  }
  void violate(const Violation& v) { note(v.invariant, v.requirements, v.message); }
  // Counted always; the transcript rendered (and scrubbed) only for the
  // first few, which the report keeps.
  void note(const std::string& invariant, const std::string& requirements, const std::string& message) {
    bool kept = ctx_.stats.broken[invariant].examples.size() < Broken::kExamples;
    ctx_.stats.violate(invariant, requirements,
                       kept ? Example{account().user, scrub(message), transcript()} : Example{});
  }
  std::string scrub(const std::string& text) const { return ctx_.redactor ? ctx_.redactor->apply(text) : text; }
  std::string transcript() const {
    const Transcript& t = const_cast<ClientSession&>(io_).connection().transcript();
    return scrub(t.render(0, t.size()));
  }
  const Account& account() const { return ctx_.accounts[account_]; }
  AccountModel& model() { return ctx_.models[account_]; }
  Duration rt() const { return ctx_.target->read_timeout; }

  LoadContext& ctx_;
  std::size_t account_;
  std::mt19937_64& rng_;
  ClientSession io_;
  SessionId id_;
  bool login_sent_ = false, logged_in_ = false, quit_sent_ = false, ended_ = false, released_ = false;
  View view_;
  std::set<std::size_t> marked_;     // message numbers this session deleted
  std::set<std::size_t> retrieved_;  // and retrieved
  std::size_t by_command_ = 0;     // messages to deliver with --deliver
};

asio::awaitable<Response> Session::command(const std::string& line, const std::string& shown, bool multiline,
                                           const std::string& keyword, Duration timeout) {
  if (ctx_.profile.think_max_ms > 0) co_await think();
  auto t = Clock::now();
  Response r = co_await io_.request(line, shown, multiline, timeout);
  ctx_.stats.record(keyword, micros_since(t));
  ++ctx_.stats.commands;
  co_return r;
}

// The profile's think time before a command: a client's user, not the server.
asio::awaitable<void> Session::think() {
  const Profile& p = ctx_.profile;
  unsigned ms = p.think_min_ms + static_cast<unsigned>(rng_() % (p.think_max_ms - p.think_min_ms + 1));
  auto end = Clock::now() + std::chrono::milliseconds(ms);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  // In slices, so that an interrupt ends the run without waiting out a long think.
  while (Clock::now() < end && !(ctx_.stop && *ctx_.stop)) {
    timer.expires_at(std::min<Clock::time_point>(end, Clock::now() + std::chrono::milliseconds(100)));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<bool> Session::login() {
  auto t = Clock::now();
  const std::string& method = account().login.empty() ? ctx_.login_method : account().login;
  Response answer;
  if (method == "user") {
    Response u = co_await command("USER " + account().user, "USER " + account().user, false, "USER", rt());
    if (!ok(u)) {
      ++ctx_.stats.errors["user-refused"];
      co_return false;
    }
    login_sent_ = true;
    model().login_sent(id_, ++ctx_.seq);
    answer = co_await command("PASS " + account().pass, "PASS ***", false, "PASS", ctx_.target->login_timeout);
  } else {
    // APOP or AUTH PLAIN: one command (two with an empty SASL challenge)
    // that may open the maildrop.
    login_sent_ = true;
    model().login_sent(id_, ++ctx_.seq);
    LoginAnswer a = co_await log_in(io_, method, account(), ctx_.target->login_timeout);
    ctx_.stats.record(method == "apop" ? "APOP" : "AUTH", micros_since(t));
    ctx_.stats.commands += a.at_first_step ? 1 : 2;
    answer = std::move(a.response);
  }
  ctx_.stats.record("login", micros_since(t));
  if (!ok(answer)) {
    // The server's policy (RFC 2449 #8, RFC 3206), not a failure of the load.
    std::string code = code_of(answer);
    if (code == "IN-USE") ++ctx_.stats.policy["in-use"];
    else if (code == "LOGIN-DELAY") ++ctx_.stats.policy["login-delay"];
    else if (code.starts_with("SYS")) ++ctx_.stats.policy["sys"];
    else ++ctx_.stats.errors["login-refused"];
    co_return false;
  }
  logged_in_ = true;
  if (ctx_.holders[account_]++ > 0) ++ctx_.stats.policy["concurrent-logins"];
  co_return true;
}

asio::awaitable<bool> Session::list_maildrop() {
  Response st = co_await command("STAT", "STAT", false, "STAT", rt());
  Response ui = co_await command("UIDL", "UIDL", true, "UIDL", rt());
  Response li = co_await command("LIST", "LIST", true, "LIST", rt());
  auto stat = ok(st) && st.parsed ? parse_drop_listing(st.parsed->text) : std::nullopt;
  if (!stat || !ok(ui) || !ok(li)) {
    ++ctx_.stats.errors[!ok(ui) ? "no-uidl" : "stat-or-list-refused"];
    co_return false;
  }
  ViewOrViolation joined = join_listings(*stat, body_lines(ui), body_lines(li));
  if (joined.violation) {
    violate(*joined.violation);
    co_return false;
  }
  view_ = std::move(*joined.view);
  ++ctx_.stats.listed;
  for (const auto& v : model().listed(id_, view_.messages)) violate(v);
  co_return true;
}

asio::awaitable<void> Session::retrieve() {
  auto& seen = ctx_.retrieved[account_];
  const Profile& p = ctx_.profile;
  // Some sessions also retrieve again a message they may have seen (a client
  // that lost its copy), which content-stable judges.
  std::size_t again = !view_.messages.empty() && chance(rng_, p.retrieve_again) ? 1 + rng_() % view_.messages.size() : 0;
  for (std::size_t n = 1; n <= view_.messages.size(); ++n) {
    const Listed& m = view_.messages[n - 1];
    bool wanted = p.retrieve == Profile::Retrieve::all || n == again ||
                  (p.retrieve == Profile::Retrieve::fresh && !seen.contains(m.uid));  // new, by UIDL
    if (!wanted) continue;
    retrieved_.insert(n);
    // A whole answer's deadline grows with the message: 10 s per MiB, for
    // no more than the harness reads of one answer (a hostile size is no
    // licence to stall).
    std::uint64_t octets = std::min<std::uint64_t>(m.octets, ctx_.target->max_response);
    Duration timeout = rt() + Duration(static_cast<Duration::rep>(octets / (1 << 20) * 10000 + octets % (1 << 20) * 10000 / (1 << 20)));
    Response r = co_await command("RETR " + std::to_string(n), "RETR " + std::to_string(n), true, "RETR", timeout);
    if (!ok(r) && code_of(r).starts_with("SYS")) {
      ++ctx_.stats.policy["sys"];  // a system error the server owns up to (RFC 3206), not a verdict
      continue;
    }
    if (!ok(r)) {
      violate({"listed-retrievable", "1939-4-LOCK-1 1939-5-RETR-4",
               "message " + std::to_string(n) + " (" + m.uid + "), listed at login and not deleted by this session, "
               "could not be retrieved: " + r.status_line});
      continue;
    }
    if (r.body.size() != m.octets)
      violate({"sizes-agree", "1939-5-LIST-6 1939-11-SIZE-1",
               "RETR " + std::to_string(n) + " (" + m.uid + ") sent " + std::to_string(r.body.size()) +
                   " octets; LIST said " + std::to_string(m.octets)});
    check_content(n, m, r.body);
    seen.insert(m.uid);
  }
}

// The same unique-id, the same message; and from a maildrop the harness
// wrote, a body it delivered.
void Session::check_content(std::size_t n, const Listed& m, const Body& message) {
  if (!message.held()) return;  // streamed past the hold limit: its size was checked
  std::uint64_t digest = body_digest(message.text());
  std::string which = "RETR " + std::to_string(n) + " (" + m.uid + ")";
  auto [earlier, first] = ctx_.contents[account_].try_emplace(m.uid, digest);
  if (!first) ++ctx_.stats.judged["content-stable"];
  if (!first && earlier->second != digest)
    violate({"content-stable", "1939-7-UIDL-7 1939-7-UIDL-8",
             which + " sent another body than an earlier session's RETR of that unique-id, which no session has "
                     "deleted since"});
  bool written = !account().maildir.empty() || !account().reset_cmd.empty();
  if (written && !ctx_.bodies.empty()) ++ctx_.stats.judged["bodies-delivered"];
  if (written && !ctx_.bodies.empty() && !ctx_.bodies.contains(digest))
    violate({"bodies-delivered", "1939-5-RETR-4",
             which + " sent a body (" + std::to_string(message.size()) +
                 " octets) that is none of the messages the harness put in this maildrop"});
}

asio::awaitable<void> Session::delete_some() {
  std::vector<std::size_t> chosen;
  if (!view_.messages.empty() && chance(rng_, ctx_.profile.delete_share)) {
    switch (ctx_.profile.delete_what) {
      case Profile::Delete::all:
        for (std::size_t n = 1; n <= view_.messages.size(); ++n) chosen.push_back(n);
        break;
      case Profile::Delete::one: chosen.push_back(1 + rng_() % view_.messages.size()); break;
      case Profile::Delete::retrieved: chosen.assign(retrieved_.begin(), retrieved_.end()); break;
    }
  }
  for (std::size_t n : chosen) {
    Response r = co_await command("DELE " + std::to_string(n), "DELE " + std::to_string(n), false, "DELE", rt());
    if (!ok(r)) {
      ++ctx_.stats.errors["dele-refused"];
      continue;
    }
    marked_.insert(n);
    model().marked(id_, view_.messages[n - 1].uid);
    ctx_.contents[account_].erase(view_.messages[n - 1].uid);
  }
  if (!marked_.empty() && marked_.size() < view_.messages.size()) co_await check_numbers_after_dele();
}

// After DELE the other messages keep their numbers and unique-ids, and the
// deleted ones are not listed (RFC 1939 #4, #5, #7).
asio::awaitable<void> Session::check_numbers_after_dele() {
  Response ui = co_await command("UIDL", "UIDL", true, "UIDL", rt());
  if (!ok(ui)) co_return;
  std::vector<std::string> want;
  for (std::size_t n = 1; n <= view_.messages.size(); ++n)
    if (!marked_.contains(n)) want.push_back(std::to_string(n) + " " + view_.messages[n - 1].uid);
  std::vector<std::string> got = body_lines(ui);
  for (auto& line : got) line = line.substr(0, line.find(' ', line.find(' ') + 1));
  if (got != want)
    violate({"numbers-stable", "1939-4-NUM-1 1939-5-DELE-7 1939-7-UIDL-4",
             "after DELE, UIDL lists " + std::to_string(got.size()) + " messages" +
                 (got.empty() ? std::string() : " starting '" + got.front() + "'") + "; expected " +
                 std::to_string(want.size()) + (want.empty() ? std::string() : " starting '" + want.front() + "'")});
}

asio::awaitable<void> Session::finish() {
  // Some sessions are dropped without QUIT, which must commit nothing.
  if (chance(rng_, ctx_.profile.drop)) {
    io_.drop();
    abandon("", nullptr);
    ++ctx_.stats.dropped;
    co_return;
  }
  quit_sent_ = true;
  release();  // from here the server may let another session in
  Response q = co_await command("QUIT", "QUIT", false, "QUIT", rt());
  if (logged_in_) {
    for (const auto& v : model().ended(id_, ok(q) ? AccountModel::End::committed : AccountModel::End::maybe, ++ctx_.seq))
      violate(v);
    // As many as it removed, up to the fixture's size: the maildrop stays about
    // that big however many sessions delete at once.
    std::size_t room = ctx_.delivery.size() > model().present() ? ctx_.delivery.size() - model().present() : 0;
    std::size_t n = std::min(marked_.size(), room);
    if (ok(q) && !account().maildir.empty()) deliver_to_maildir(ctx_, account_, n);
    // By command, mail also arrives in a maildrop that started short of the
    // fixture's size: one message a session until it is that big.
    else if (ok(q) && !ctx_.deliver_cmd.empty()) by_command_ = std::min(std::max<std::size_t>(n, 1), room);
  } else if (login_sent_) {
    model().ended(id_, AccountModel::End::not_logged_in, ++ctx_.seq);
  }
  ended_ = true;
}

asio::awaitable<void> Session::play() {
  auto t = Clock::now();
  co_await io_.open(*ctx_.target);
  Response g = co_await io_.greeting(rt());
  ctx_.stats.record("connect", micros_since(t));
  if (!ok(g)) {
    ++ctx_.stats.policy["greeting-refused"];
    co_return;
  }
  bool listed = co_await login();
  if (listed) listed = co_await list_maildrop();
  if (listed) {
    co_await retrieve();
    co_await delete_some();
  }
  co_await finish();
}

void Session::abandon(const std::string& kind, const Violation* broken) {
  if (!kind.empty()) ++ctx_.stats.errors[kind];
  if (broken) note(broken->invariant, broken->requirements, broken->message);
  if (ended_) return;
  ended_ = true;
  if (logged_in_) {
    // No QUIT answered: dropped (nothing may be removed), or a QUIT sent and
    // not answered ("some or none" of the marks removed).
    release();
    model().ended(id_, quit_sent_ ? AccountModel::End::maybe : AccountModel::End::dropped, ++ctx_.seq);
  } else if (login_sent_) {
    model().ended(id_, AccountModel::End::not_logged_in, ++ctx_.seq);
  }
}

}  // namespace

asio::awaitable<void> run_session(LoadContext& ctx, std::size_t account, std::mt19937_64& rng) {
  Session s(ctx, account, rng, co_await asio::this_coro::executor);
  auto started = Clock::now();
  ctx.stats.open_peak = std::max(ctx.stats.open_peak, ++ctx.stats.open);
  std::string kind;
  std::optional<Violation> broken;
  try {
    co_await s.play();
  } catch (const ProtocolError& e) {
    bool allowed = e.kind == ProtocolError::Kind::closed && s.may_close();
    kind = allowed ? "closed-after-err" : error_kind(e.kind);
    // The server's doing: an answer never finished (or never given), or
    // bytes that break the framing. A close after -ERR before login is its right.
    std::string ids;
    for (const auto& id : requirement_ids(e.check)) ids += (ids.empty() ? "" : " ") + id;
    if (!allowed && e.kind != ProtocolError::Kind::limit)
      broken = Violation{e.kind == ProtocolError::Kind::violation ? "framing" : "answers-each-command", ids, e.what()};
  } catch (const NetError& e) {
    kind = error_kind(e.kind());
  } catch (const std::exception&) {
    kind = "other";
  }
  s.abandon(kind, broken ? &*broken : nullptr);
  --ctx.stats.open;
  ++ctx.stats.sessions;
  if (!kind.empty()) ++ctx.stats.sessions_failed;
  ctx.stats.record("session", micros_since(started));
  co_await s.deliver_by_command();
}

}  // namespace pop3::load
