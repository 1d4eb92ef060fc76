#include "client/scenario_runner.hpp"

#include "scenario/escapes.hpp"

#include <boost/asio/this_coro.hpp>
#include <re2/re2.h>

#include <chrono>
#include <map>

#include "client/body_checks.hpp"
#include "client/probes.hpp"
#include "client/tls_steps.hpp"
#include "client/session_io.hpp"
#include "report/redact.hpp"
#include "util/base64.hpp"
#include "util/md5_hex.hpp"

namespace asio = boost::asio;

namespace pop3 {
namespace {

using Clock = std::chrono::steady_clock;

bool parse_long(const std::string& s, long long& out) {
  if (s.empty() || s.size() > 18) return false;
  std::size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (std::size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9') return false;
  out = std::stoll(s);
  return true;
}

// Evaluates one side of a check: numbers and numeric variables add up; a lone
// non-numeric variable compares as text.
bool evaluate(const std::vector<Expression::Term>& terms, const Variables& vars, std::string& value,
              std::string& error) {
  long long sum = 0;
  for (const auto& t : terms) {
    std::string text = t.text;
    if (!t.is_number) {
      auto it = vars.find(t.text);
      if (it == vars.end()) {
        error = "unknown variable '" + t.text + "'";
        return false;
      }
      text = it->second;
    }
    long long n;
    if (!parse_long(text, n)) {
      if (terms.size() == 1 && !t.negative) {
        value = text;
        return true;
      }
      error = "'" + t.text + "' is not a number: " + escape_bytes(text, 80);
      return false;
    }
    sum += t.negative ? -n : n;
  }
  value = std::to_string(sum);
  return true;
}

bool compare(const std::string& a, const std::string& op, const std::string& b) {
  long long x, y;
  if (parse_long(a, x) && parse_long(b, y)) {
    if (op == "==") return x == y;
    if (op == "!=") return x != y;
    if (op == "<") return x < y;
    if (op == "<=") return x <= y;
    if (op == ">") return x > y;
    return x >= y;
  }
  if (op == "==") return a == b;
  if (op == "!=") return a != b;
  return false;
}

class Execution {
 public:
  Execution(const Scenario& sc, const Fixture& fx, const Target& target, const Account& account,
            asio::any_io_executor ex)
      : sc_(sc), fx_(fx), target_(target), account_(account), ex_(ex), redactor_(account) {
    vars_ = initial_variables(account, fx);
  }

  asio::awaitable<void> run(ScenarioResult& result) {
    std::string abort_reason;
    for (const auto& step : sc_.steps) {
      if (!abort_reason.empty()) {
        if (step.is_check()) result.checks.push_back(make(step, Outcome::skipped, abort_reason));
        continue;
      }
      auto started = Clock::now();
      CheckResult check = make(step, Outcome::passed, {});
      std::size_t mark = 0;
      try {
        ClientSession& s = *co_await session();
        mark = s.connection().transcript().size();
        if (step.kind == Step::Kind::send || step.kind == Step::Kind::send_raw) ++result.exchanges;
        co_await execute(step, s, check);
        if (check.outcome != Outcome::passed) check.transcript = excerpt(s, mark);
      } catch (const NetError& e) {
        bool setup = e.kind() == NetError::Kind::refused || e.kind() == NetError::Kind::resolve ||
                     (e.kind() == NetError::Kind::tls && !connected_once_);
        check.outcome = Outcome::error;
        check.message = redactor_.apply(e.what());
        if (setup) {
          result.environment_error = true;
          result.reason = check.message;
        }
      } catch (const ProtocolError& e) {
        check.outcome = Outcome::error;
        check.message = redactor_.apply(e.what());
      } catch (const PatternError& e) {
        check.outcome = Outcome::error;
        check.message = std::string("scenario error: ") + e.what();
      }
      if (check.outcome == Outcome::error && check.transcript.empty() && current_)
        check.transcript = excerpt(*current_, mark);
      check.seconds = std::chrono::duration<double>(Clock::now() - started).count();
      bool stream_step = step.kind == Step::Kind::expect_line || step.kind == Step::Kind::expect_regex ||
                         step.kind == Step::Kind::closed || step.kind == Step::Kind::silence;
      if (!end_reason_.empty()) {
        abort_reason = "not run: " + end_reason_;
        end_reason_.clear();
      } else if (check.outcome == Outcome::error || (stream_step && check.outcome != Outcome::passed))
        abort_reason = "not run: " + step.file + ":" + std::to_string(step.line) + " (" + step.label() + ") " +
                       (check.outcome == Outcome::error ? "could not complete" : "did not match");
      if (check.outcome == Outcome::error && !step.is_check()) {
        // A failed send is reported on the step itself.
        result.checks.push_back(std::move(check));
        continue;
      }
      if (step.is_check()) result.checks.push_back(std::move(check));
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
      connected_once_ = true;
    }
    current_ = slot.get();
    co_return slot.get();
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
        std::string line = co_await s.next_line(target_.read_timeout);
        refresh_apop(s);
        if (!step.pattern.match(line, vars_)) fail(step, c, "the server's line does not match", step.text, escape_bytes(line, 600));
        break;
      }
      case Step::Kind::expect_regex: {
        std::string line = co_await s.next_line(target_.read_timeout);
        refresh_apop(s);
        std::vector<std::string> values(static_cast<std::size_t>(step.regex->NumberOfCapturingGroups()));
        std::vector<RE2::Arg> args(values.size());
        std::vector<RE2::Arg*> ptrs;
        for (std::size_t i = 0; i < values.size(); ++i) {
          args[i] = RE2::Arg(&values[i]);
          ptrs.push_back(&args[i]);
        }
        if (!RE2::FullMatchN(line, *step.regex, ptrs.data(), static_cast<int>(ptrs.size()))) {
          fail(step, c, "the server's line does not match the regular expression", step.text, escape_bytes(line, 600));
          break;
        }
        for (const auto& [name, index] : step.regex->NamedCapturingGroups())
          vars_[name] = values[static_cast<std::size_t>(index - 1)];
        break;
      }
      case Step::Kind::body: {
        const Response* r = s.last_multiline();
        if (step.words[0] == "save") {
          if (r) vars_[step.words[1]] = r->body;
          break;
        }
        if (!r) {
          fail(step, c, "no multi-line response has been received on this connection");
          break;
        }
        BodyVerdict v = check_body(step.words, *r, fx_, vars_);
        if (!v.ok) fail(step, c, v.message, v.expected, v.actual);
        break;
      }
      case Step::Kind::check: {
        std::string a, b, error;
        if (!evaluate(step.expression.left, vars_, a, error) || !evaluate(step.expression.right, vars_, b, error)) {
          fail(step, c, error);
          break;
        }
        if (!compare(a, step.expression.op, b))
          fail(step, c, "check does not hold", step.text, escape_bytes(a, 200) + " " + step.expression.op + " " + escape_bytes(b, 200));
        break;
      }
      case Step::Kind::closed: {
        std::string data;
        auto q = co_await s.wait_quiet(target_.read_timeout, data);
        if (q == ClientSession::Quiet::silent)
          fail(step, c, "the connection is still open", "the server closes the connection",
               "open after " + std::to_string(target_.read_timeout.count()) + " ms");
        else if (q == ClientSession::Quiet::data)
          fail(step, c, "the server sent more data instead of closing", "connection closed", escape_bytes(data, 600));
        break;
      }
      case Step::Kind::silence: {
        std::string data;
        auto q = co_await s.wait_quiet(std::chrono::milliseconds(step.millis), data);
        if (q == ClientSession::Quiet::data)
          fail(step, c, "the server sent data", "nothing for " + std::to_string(step.millis) + " ms", escape_bytes(data, 600));
        else if (q == ClientSession::Quiet::closed)
          fail(step, c, "the server closed the connection", "the connection stays open", "closed");
        break;
      }
      case Step::Kind::connection: conn_name_ = step.text; break;
      case Step::Kind::drop: s.drop(); sessions_.erase(conn_name_); current_ = nullptr; conn_name_ = "main"; break;
      case Step::Kind::tls: {
        StepOutcome o = co_await run_tls_step(step.tls, s, target_, vars_);
        apply(step, c, o);
        break;
      }
      case Step::Kind::probe: {
        StepOutcome o = co_await run_probe(step.words, s, target_, account_, redactor_);
        apply(step, c, o);
        break;
      }
      case Step::Kind::info: c.message = redactor_.apply(substitute(step.text, vars_)); break;
      case Step::Kind::client_expect: break;  // server-role scenarios never reach the client runner
    }
  }

  void apply(const Step& step, CheckResult& c, const StepOutcome& o) {
    switch (o.kind) {
      case StepOutcome::Kind::failed: fail(step, c, o.message, o.expected, o.actual); break;
      case StepOutcome::Kind::skipped:
        c.outcome = Outcome::skipped;
        c.message = o.message;
        break;
      case StepOutcome::Kind::passed: c.message = redactor_.apply(o.message); break;
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
  bool connected_once_ = false;
  std::string end_reason_;  // a step ended the scenario (e.g. a refused handshake)
};

}  // namespace

Variables initial_variables(const Account& account, const Fixture& fixture) {
  Variables v;
  v["user"] = account.user;
  v["pass"] = account.pass;
  v["plain"] = base64_encode(std::string(1, '\0') + account.user + std::string(1, '\0') + account.pass);
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

void Capabilities::read_capa(const std::vector<std::string>& lines) {
  auto upper = [](std::string w) {
    for (auto& ch : w) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return w;
  };
  for (const auto& line : lines) {
    std::string tag = upper(line.substr(0, line.find(' ')));
    tags.insert(tag);
    if (tag != "SASL") continue;
    std::string rest = line.size() > 5 ? line.substr(5) : "";
    for (std::size_t p = 0; p < rest.size();) {
      std::size_t q = rest.find(' ', p);
      std::string mech = upper(rest.substr(p, q == std::string::npos ? q : q - p));
      if (!mech.empty()) tags.insert("SASL:" + mech);
      p = q == std::string::npos ? rest.size() : q + 1;
    }
  }
}

asio::awaitable<Capabilities> probe_capabilities(const Target& target) {
  Capabilities caps;
  ClientSession s(co_await asio::this_coro::executor);
  co_await s.open(target);
  std::string greeting = co_await s.next_line(target.read_timeout);
  if (!s.greeting_timestamp().empty()) caps.tags.insert("APOP");
  co_await s.send("CAPA\r\n", target.read_timeout, {}, true);
  std::string status = co_await s.next_line(target.read_timeout);
  if (status.starts_with("+OK")) {
    caps.capa_supported = true;
    if (const Response* r = s.last_multiline()) caps.read_capa(r->wire_lines);
  }
  s.finish_response();
  co_await s.send("QUIT\r\n", target.read_timeout, {}, false);
  try {
    co_await s.next_line(target.read_timeout);
  } catch (const std::exception&) {
  }
  s.drop();
  co_return caps;
}

}  // namespace pop3
