#include "client/scenario_runner.hpp"

#include "scenario/escapes.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <re2/re2.h>

#include <chrono>
#include <map>

#include "client/body_checks.hpp"
#include "client/check_eval.hpp"
#include "client/idle_steps.hpp"
#include "client/login.hpp"
#include "client/probes.hpp"
#include "client/session_io.hpp"
#include "client/tls_steps.hpp"
#include "codec/status_line.hpp"
#include "report/redact.hpp"
#include "util/base64.hpp"
#include "util/md5_hex.hpp"
#include "util/sasl_plain.hpp"

namespace asio = boost::asio;

namespace pop3 {
namespace {

using Clock = std::chrono::steady_clock;


const char kMayClose[] =
    "RFC 1939 #4 allows it: \"After returning a negative status indicator, the server may close the connection\"";

std::string seconds_text(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

class Execution {
 public:
  Execution(const Scenario& sc, const Fixture& fx, const Target& target, const Account& account,
            asio::any_io_executor ex)
      : sc_(sc), fx_(fx), target_(target), account_(account), ex_(ex), redactor_(Redactor::for_login(account.user, account.pass)) {
    vars_ = initial_variables(account, fx);
  }

  asio::awaitable<void> run(ScenarioResult& result) {
    for (const auto& step : sc_.steps) {
      if (!abort_reason_.empty()) {
        if (step.is_check()) result.checks.push_back(make(step, Outcome::skipped, abort_reason_));
        continue;
      }
      if (!refused_.empty()) {
        // The server took the -ERR a 'refusable:' allowed: what checks its +OK is moot.
        bool next_exchange = step.kind == Step::Kind::send || step.kind == Step::Kind::send_raw ||
                             step.kind == Step::Kind::connection || step.kind == Step::Kind::drop ||
                             step.kind == Step::Kind::login;
        if (!next_exchange) {
          if (step.is_check()) result.checks.push_back(make(step, Outcome::skipped, refused_));
          continue;
        }
        refused_.clear();
      }
      auto started = Clock::now();
      CheckResult check = make(step, Outcome::passed, {});
      std::size_t mark = current_ ? current_->connection().transcript().size() : 0;
      try {
        ClientSession& s = *co_await session();
        mark = std::min(mark, s.connection().transcript().size());
        if (step.kind == Step::Kind::send || step.kind == Step::Kind::send_raw) ++result.exchanges;
        if (step.kind == Step::Kind::login) result.exchanges += 2;
        co_await execute(step, s, check);
      } catch (const ProtocolError& e) {
        on_protocol_error(e, check, result);
      } catch (const NetError& e) {
        on_net_error(e, check, result);
      } catch (const PatternError& e) {
        check.outcome = Outcome::error;
        check.message = std::string("scenario error: ") + e.what();
        result.parse_error = true;
      }
      if (check.outcome != Outcome::passed && check.outcome != Outcome::skipped && check.transcript.empty() && current_)
        check.transcript = excerpt(*current_, mark);
      check.seconds = std::chrono::duration<double>(Clock::now() - started).count();
      decide_abort(step, check);
      // A step that is not a check (C:, SEND:, conn:) is reported only when it broke.
      if (step.is_check() || check.outcome == Outcome::failed || check.outcome == Outcome::error ||
          (check.outcome == Outcome::skipped && !check.message.empty()))
        result.checks.push_back(std::move(check));
    }
    for (auto& [name, s] : sessions_) s->drop();
  }

 private:
  CheckResult make(const Step& step, Outcome outcome, std::string message) {
    CheckResult c;
    c.label = redactor_.apply(step.label());
    c.line = step.line;
    c.file = step.file;
    c.severity = step.severity;
    c.rfc = step.rfc;
    c.outcome = outcome;
    c.message = std::move(message);
    return c;
  }

  void fail(const Step& step, CheckResult& c, std::string message, std::string expected = {}, std::string actual = {}) {
    c.outcome = step.severity == Severity::must ? Outcome::failed : Outcome::warning;
    c.message = redactor_.apply(message);
    c.expected = redactor_.apply(expected);
    c.actual = redactor_.apply(actual);
  }

  // Reading the server's answer failed. Closing after -ERR in the
  // AUTHORIZATION state is the server's right; everything else the server
  // did is a violation, whatever the step's own severity.
  void on_protocol_error(const ProtocolError& e, CheckResult& c, ScenarioResult& result) {
    using K = ProtocolError::Kind;
    if (e.kind == K::closed && current_ && current_->may_close()) {
      c.outcome = Outcome::skipped;
      c.message = "the server closed the connection after -ERR to " + current_->last_command() + "; " + kMayClose;
      end_reason_ = "the server closed the connection after -ERR to " + current_->last_command() + " (RFC 1939 #4 allows it)";
      return;
    }
    if (e.kind == K::limit) {
      c.outcome = Outcome::error;
      c.message = redactor_.apply(e.what());
      return;
    }
    violation(c, e.rfc, e.what(), e.check);
    if (e.kind == K::closed || e.kind == K::closed_mid) dropped(result);
  }

  void on_net_error(const NetError& e, CheckResult& c, ScenarioResult& result) {
    if (e.kind() == NetError::Kind::cancelled) {
      c.outcome = Outcome::skipped;
      c.message = e.what();
      end_reason_ = e.what();
      return;
    }
    if (e.kind() == NetError::Kind::io) {
      // A write into a connection the server closed: as if it had closed at that command.
      on_protocol_error(ProtocolError(ProtocolError::Kind::closed, std::string("the server closed the connection: ") + e.what()),
                        c, result);
      return;
    }
    if (e.kind() == NetError::Kind::certificate) {
      violation(c, "rfc8314#4.4", e.what(), Builtin::certificate);
      return;
    }
    // The preflight reached this server; now it does not answer a new connection (or a write).
    violation(c, "rfc1939#4", std::string("the server no longer accepts connections: ") + e.what());
    dropped(result);
  }

  void violation(CheckResult& c, const std::string& rfc, const std::string& what,
                 Builtin check = Builtin::answers_each_command) {
    c.outcome = Outcome::failed;
    c.severity = Severity::must;
    c.rfc = rfc;
    c.requirements.emplace();
    for (auto id : requirements_of(check)) c.requirements->emplace_back(id);
    c.message = "protocol violation: " + redactor_.apply(what);
  }

  void dropped(ScenarioResult& result) {
    result.server_dropped = true;
    if (current_) result.dropped_after = current_->last_sent();
  }

  void decide_abort(const Step& step, const CheckResult& c) {
    bool stream_step = step.kind == Step::Kind::expect_line || step.kind == Step::Kind::expect_regex ||
                       step.kind == Step::Kind::closed || step.kind == Step::Kind::silence ||
                       step.kind == Step::Kind::login;
    if (!end_reason_.empty()) abort_reason_ = "not run: " + end_reason_;
    else if (c.outcome == Outcome::error || (c.outcome == Outcome::failed && c.message.starts_with("protocol violation")))
      abort_reason_ = "not run: " + step.file + ":" + std::to_string(step.line) + " (" + c.label + ") " +
                      (c.outcome == Outcome::error ? "could not complete" : "ended the session");
    else if (stream_step && c.outcome != Outcome::passed && c.outcome != Outcome::skipped)
      abort_reason_ = "not run: " + step.file + ":" + std::to_string(step.line) + " (" + c.label + ") did not match";
  }

  std::string excerpt(ClientSession& s, std::size_t mark) {
    const auto& t = s.connection().transcript();
    std::size_t from = mark > 6 ? mark - 6 : 0;
    std::string out = from > 0 ? "   -- (" + std::to_string(from) + " earlier events)\n" : "";
    return redactor_.apply(out + t.render(from, t.size()));
  }

  asio::awaitable<ClientSession*> session() {
    auto& slot = sessions_[conn_name_];
    if (!slot) {
      slot = std::make_unique<ClientSession>(ex_);
      current_ = slot.get();
      co_await slot->open(target_);
    }
    current_ = slot.get();
    co_return slot.get();
  }

  // A status line that took longer than the read timeout came in under the
  // login deadline: the server delayed it on purpose. Reported, not judged.
  void note_delay(ClientSession& s, const Response* before, CheckResult& c) {
    if (s.last_response() == before || s.last_wait() <= target_.read_timeout) return;
    c.message = "the server answered " + s.last_command() + " after " + seconds_text(s.last_wait()) +
                " (a deliberate delay is allowed; waited up to " + seconds_text(target_.login_timeout) +
                ", --login-timeout)";
  }

  asio::awaitable<void> execute(const Step& step, ClientSession& s, CheckResult& c) {
    if (step.kind != Step::Kind::expect_line && step.kind != Step::Kind::expect_regex) s.finish_response();
    switch (step.kind) {
      case Step::Kind::send: {
        std::string line = substitute(step.text, vars_);
        co_await s.send(line + "\r\n", target_.read_timeout, redactor_.command(line) + "\r\n", expects_multiline(line));
        break;
      }
      case Step::Kind::send_raw: {
        std::string bytes = unescape(substitute(step.text, vars_));
        co_await s.send_lines(bytes, target_.read_timeout, redactor_.command(bytes));
        break;
      }
      case Step::Kind::expect_line: {
        const Response* before = s.last_response();
        std::string line = co_await s.next_line(target_.read_timeout);
        refresh_apop(s);
        note_delay(s, before, c);
        if (took_refusal(line, c)) break;
        if (!step.pattern.match(line, vars_)) fail(step, c, "the server's line does not match", step.text, escape_bytes(line, 600));
        break;
      }
      case Step::Kind::expect_regex: {
        const Response* before = s.last_response();
        std::string line = co_await s.next_line(target_.read_timeout);
        refresh_apop(s);
        note_delay(s, before, c);
        if (took_refusal(line, c)) break;
        apply(step, c, match_line(step, line, vars_));
        break;
      }
      case Step::Kind::refusable: refusable_ = step.text; break;
      case Step::Kind::body: check_last_body(step, s, c); break;
      case Step::Kind::check: apply(step, c, run_check(step, vars_)); break;
      case Step::Kind::closed: co_await expect_closed(step, s, c); break;
      case Step::Kind::silence: apply(step, c, co_await expect_silence(step.millis, s)); break;
      case Step::Kind::autologout: apply(step, c, co_await expect_autologout(step.millis, s)); break;
      case Step::Kind::connection: conn_name_ = step.text; break;
      case Step::Kind::drop: s.drop(); sessions_.erase(conn_name_); current_ = nullptr; conn_name_ = "main"; break;
      case Step::Kind::tls: apply(step, c, co_await run_tls_step(step.tls, s, target_, vars_)); break;
      case Step::Kind::probe: apply(step, c, co_await run_probe(step.words, s, target_, account_, redactor_)); break;
      case Step::Kind::login: co_await login(step, s, c); break;
      case Step::Kind::info: c.message = redactor_.apply(substitute(step.text, vars_)); break;
      case Step::Kind::client_expect: break;  // server-role scenarios never reach the client runner
    }
  }

  // After 'refusable: WHY', a -ERR answer passes and the checks of the +OK
  // it replaces are skipped, with the reason.
  bool took_refusal(const std::string& line, CheckResult& c) {
    std::string why = std::exchange(refusable_, {});
    auto parsed = parse_status_line(line);
    if (why.empty() || !parsed || parsed->status != Status::err) return false;
    c.message = "refused, which the RFC allows: " + why;
    refused_ = "not run: the server answered -ERR, which the RFC allows (" + why + ")";
    return true;
  }

  void check_last_body(const Step& step, ClientSession& s, CheckResult& c) {
    const Response* r = s.last_multiline();
    if (step.words[0] == "save") {
      if (r) vars_[step.words[1]] = std::string(r->body.text());
      return;
    }
    if (!r) {
      fail(step, c, "no multi-line response has been received on this connection");
      return;
    }
    LineRule rule = step.words[0] == "any-line" ? LineRule::any : step.words[0] == "no-line" ? LineRule::none : LineRule::every;
    BodyVerdict v = step.regex ? check_body_lines(*step.regex, rule, *r, vars_) : check_body(step.words, *r, fx_, vars_);
    if (!v.ok) fail(step, c, v.message, v.expected, v.actual);
  }

  asio::awaitable<void> expect_closed(const Step& step, ClientSession& s, CheckResult& c) {
    std::string data;
    auto q = co_await s.wait_quiet(target_.read_timeout, data);
    if (q == ClientSession::Quiet::silent)
      fail(step, c, "the connection is still open", "the server closes the connection",
           "open after " + seconds_text(target_.read_timeout));
    else if (q == ClientSession::Quiet::data)
      fail(step, c, "the server sent more data instead of closing", "connection closed", escape_bytes(data, 600));
    else if (step.text == "close-notify") expect_close_notify(step, s, c);
  }

  // RFC 8314 #3.4: the side that closes "SHOULD initiate the exchange of TLS
  // close alerts before TCP connection termination".
  void expect_close_notify(const Step& step, ClientSession& s, CheckResult& c) {
    using P = Connection::PeerClose;
    P how = s.connection().peer_close();
    if (!s.connection().in_tls()) fail(step, c, "the connection is not in TLS", "a TLS session", "plaintext");
    else if (how != P::close_notify)
      fail(step, c, "the server closed the connection without a TLS close_notify alert",
           "close_notify, then the TCP close", how == P::reset ? "a TCP reset" : "a TCP close alone");
  }

  // 'login:' logs in by the method the preflight found (or the one named).
  // The account worked in the preflight, so a refusal here is the server's;
  // [IN-USE] (a session of an earlier scenario not yet let go) is retried.
  asio::awaitable<void> login(const Step& step, ClientSession& s, CheckResult& c) {
    std::string method = step.text.empty() ? target_.login_method : step.text;
    if (method.starts_with("stls:")) {
      method = method.substr(5);
      if (!s.connection().in_tls()) {
        c.outcome = Outcome::skipped;
        c.message = "the server offers no login before TLS (its CAPA lists none): run with --tls stls or --tls implicit";
        end_reason_ = c.message;
        co_return;
      }
    }
    const auto until = Clock::now() + target_.login_timeout;
    asio::steady_timer pause(ex_);
    for (int attempt = 0;; ++attempt) {
      Response r = (co_await log_in(s, method, account_, target_.read_timeout)).response;
      if (r.parsed && r.parsed->status == Status::ok) {
        if (attempt > 0) c.message = "logged in after " + std::to_string(attempt) + " [IN-USE] refusal(s)";
        co_return;
      }
      bool in_use = r.parsed && r.parsed->code == "IN-USE";
      if (!in_use || Clock::now() + std::chrono::milliseconds(200) > until) {
        fail(step, c, "the login that worked in the preflight is refused (" + method + ")", "+OK ...",
             escape_bytes(r.status_line, 300));
        co_return;
      }
      pause.expires_after(std::chrono::milliseconds(100 << std::min(attempt, 4)));
      co_await pause.async_wait(asio::use_awaitable);
    }
  }

  void apply(const Step& step, CheckResult& c, const StepOutcome& o) {
    switch (o.kind) {
      case StepOutcome::Kind::failed: fail(step, c, o.message, o.expected, o.actual); break;
      case StepOutcome::Kind::skipped:
        c.outcome = Outcome::skipped;
        c.message = o.message;
        break;
      case StepOutcome::Kind::passed:
        if (!o.message.empty()) c.message = redactor_.apply(o.message);  // keeps a note already made (a slow answer)
        break;
    }
    if (o.ends_scenario) end_reason_ = step.file + ":" + std::to_string(step.line) + ": " + o.message;
  }

  // {apop} is the digest for the greeting's timestamp on the current connection.
  void refresh_apop(ClientSession& s) {
    if (!s.greeting_timestamp().empty()) vars_["apop"] = md5_hex(s.greeting_timestamp() + account_.pass);
  }

  const Scenario& sc_;
  const Fixture& fx_;
  const Target& target_;
  const Account& account_;
  asio::any_io_executor ex_;
  Redactor redactor_;
  Variables vars_;
  std::map<std::string, std::unique_ptr<ClientSession>> sessions_;
  std::string conn_name_ = "main";
  ClientSession* current_ = nullptr;
  std::string end_reason_;    // a step ended the scenario (a refused handshake, a legal close)
  std::string refusable_;     // the next expected line may be -ERR, and why
  std::string refused_;       // it was: the checks up to the next exchange are skipped, and why
  std::string abort_reason_;  // why the remaining steps do not run
};

}  // namespace

Variables initial_variables(const Account& account, const Fixture& fixture) {
  Variables v;
  v["user"] = account.user;
  v["pass"] = account.pass;
  for (auto& [name, message] : sasl_plain_messages(account.user, account.pass)) v[name] = message;
  v["fixture.count"] = std::to_string(fixture.messages.size());
  v["fixture.octets"] = std::to_string(fixture.octets());
  for (std::size_t i = 0; i < fixture.messages.size(); ++i)
    v["fixture.size." + std::to_string(i + 1)] = std::to_string(fixture.messages[i].size());
  return v;
}

asio::awaitable<ScenarioResult> run_scenario(const Scenario& sc, const Fixture& fx, const Target& target,
                                             const Account& account) {
  ScenarioResult result = result_for(sc);
  auto started = Clock::now();
  Execution exec(sc, fx, target, account, co_await asio::this_coro::executor);
  try {
    co_await exec.run(result);
  } catch (const std::exception& e) {
    result.environment_error = true;
    result.reason = std::string("harness error: ") + e.what();
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  result.outcome = summarize(result);
  co_return result;
}

}  // namespace pop3
