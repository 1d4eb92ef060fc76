#include "fuzz/lane.hpp"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <utility>
#include <boost/asio/use_awaitable.hpp>

#include "codec/command_line.hpp"
#include "codec/limits.hpp"
#include "fuzz/generator.hpp"
#include "fuzz/verdict.hpp"
#include "client/login.hpp"
#include "net/transcript.hpp"

namespace asio = boost::asio;

namespace pop3::fuzz {

using oracle::Op;
using oracle::OpKind;

namespace {

std::string upper_keyword(const Case& c) { return line_keyword(c.keyword); }

// The server ended the session: its right, nothing to judge.
CaseResult lost(std::string detail) {
  CaseResult r;
  r.kind = CaseResult::Kind::lost;
  r.detail = std::move(detail);
  return r;
}

}  // namespace

Lane::Lane(asio::any_io_executor ex, const LaneConfig& config)
    : ex_(std::move(ex)), config_(config), redactor_(Redactor::for_login(config.account.user, config.account.pass)), model_(config.messages, config.apop, true, {}, false, config.optional) {}

std::string Lane::recent() const {
  if (!session_) return {};
  const auto& t = session_->connection().transcript();
  std::size_t from = t.size() > 10 ? t.size() - 10 : 0;
  return redactor_.apply(t.render(from, t.size(), 300));
}

void Lane::drop() {
  if (session_ && !config_.concurrent_logins && model_.in_transaction()) {
    // A server that locks the maildrop lets go of it when it sees the
    // session end: the connection stays half-open until the server closes
    // its side, and the next login waits for that.
    session_->connection().shutdown_send();
    releasing_ = std::move(session_);
  } else if (session_) {
    session_->drop();
  }
  session_.reset();
  phase_.reset();
  model_.apply(Op{OpKind::drop, {}, {}, true});
}

asio::awaitable<void> Lane::finish() {
  if (!session_) co_return;
  // The campaign never commits anything, and a site may delete at QUIT what
  // the session retrieved with RETR (RFC 1939 #8's download-and-delete): a
  // session that retrieved a message ends without QUIT.
  if (model_.in_transaction() && !model_.retrieved_numbers().empty()) {
    drop();
    co_return;
  }
  try {
    Duration t = config_.target.read_timeout;
    if (model_.in_transaction() && !model_.marked_numbers().empty()) co_await session_->request("RSET", "RSET", false, t);
    co_await session_->request("QUIT", "QUIT", false, t);
    std::string rest;
    co_await session_->drain(t, rest, 4096);
  } catch (const std::exception&) {
  }
  drop();
}

asio::awaitable<std::optional<CaseResult>> Lane::ensure(Phase phase, const std::vector<unsigned long>& marks) {
  if (session_ && phase_ == phase) {
    // Bytes after the last answer answer nothing; Dovecot, for one, sends a
    // last -ERR line and closes after too many bad commands.
    std::string extra = session_->take_unread();
    if (extra.empty() && session_->connection().available() == 0) co_return std::nullopt;
    std::string more;
    auto quiet = co_await session_->drain(config_.target.read_timeout, more, 4096);
    extra += more;
    if (quiet != ClientSession::Quiet::closed) {
      CaseResult r;
      r.kind = CaseResult::Kind::finding;
      Finding f;
      f.oracle = Oracle::violation;
      f.rfc = "rfc1939#3";
      f.message = "the server sent bytes that answer no command";
      f.expected = "nothing until the next command";
      f.actual = escape_bytes(extra, 200);
      f.signature = "violation:unsolicited";
      f.transcript = recent();
      r.finding = f;
      drop();
      co_return r;
    }
    drop();
  } else if (session_) {
    co_await finish();
  }
  // A server that locks the maildrop may release it only after closing the
  // session this lane dropped: its [IN-USE] (RFC 2449 #8.1.2) is worth a few retries.
  auto deadline = std::chrono::steady_clock::now() + config_.target.read_timeout;
  asio::steady_timer pause(ex_);
  for (std::chrono::milliseconds wait{1};; wait *= 2) {
    std::optional<CaseResult> lost = co_await open(phase, marks);
    if (!lost || !lost->in_use ||
        std::chrono::steady_clock::now() + wait > deadline)
      co_return lost;
    pause.expires_after(wait);
    co_await pause.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<void> Lane::released() {
  auto deadline = std::chrono::steady_clock::now() + config_.target.read_timeout;
  std::string ignored;
  while (std::chrono::steady_clock::now() < deadline) {
    ignored.clear();
    auto left = std::chrono::duration_cast<Duration>(deadline - std::chrono::steady_clock::now());
    if (co_await releasing_->drain(left, ignored, 65536) != ClientSession::Quiet::data) break;
  }
  releasing_->drop();
  releasing_.reset();
}

asio::awaitable<std::optional<CaseResult>> Lane::open(Phase phase, const std::vector<unsigned long>& marks) {
  if (releasing_ && phase == Phase::transaction) co_await released();
  if (releasing_) {
    releasing_->drop();
    releasing_.reset();
  }
  if (config_.paused && config_.paused()) throw NetError(NetError::Kind::refused, "the target is being restarted");
  session_ = std::make_unique<ClientSession>(ex_);
  ++opened_;
  model_.apply(Op{OpKind::drop, {}, {}, true});
  uids_ = oracle::UidBook{};
  co_await session_->open(config_.target);
  Response greeting = co_await session_->greeting(config_.target.read_timeout);
  if (!greeting.parsed || greeting.parsed->status != Status::ok) {
    CaseResult r = lost("greeting: " + escape_bytes(greeting.status_line, 200));
    drop();
    co_return r;
  }
  if (phase == Phase::transaction) {
    LoginAnswer login = co_await log_in(*session_, config_.login_method, config_.account, config_.target.read_timeout);
    if (!login.ok()) {
      CaseResult r;
      r.kind = CaseResult::Kind::lost;
      r.login_refused = true;
      r.in_use = login.response.parsed && login.response.parsed->code == "IN-USE";
      r.detail = std::string(login_label(config_.login_method)) + " refused: " +
                 redactor_.apply(escape_bytes(login.response.status_line, 200));
      drop();
      co_return r;
    }
    model_.apply(Op{OpKind::user, {}, {}, true});
    model_.apply(Op{OpKind::pass, {}, {}, true});
    for (auto n : marks) {
      Op dele{OpKind::dele, std::to_string(n), {}, true};
      co_await session_->request("DELE " + std::to_string(n), "DELE " + std::to_string(n), false,
                                 config_.target.read_timeout);
      model_.apply(dele);
    }
  }
  phase_ = phase;
  co_return std::nullopt;
}

std::optional<CaseResult> Lane::held_back(const Case& c) {
  // Reaching the case's state takes a few exchanges, and the target may have
  // begun a restart meanwhile: then the case waits, unsent.
  if (!config_.paused || !config_.paused()) return std::nullopt;
  drop();
  CaseResult r;
  r.kind = CaseResult::Kind::suspect;
  r.detail = "held back: the target is being restarted (" + c.mutation + ")";
  return r;
}

asio::awaitable<bool> Lane::goodbye(const Response& r, const CaseResult& verdict) {
  // A last -ERR, then the close: the server ended the session (Dovecot does
  // after too many bad commands), and the line answers nothing.
  if (verdict.kind != CaseResult::Kind::finding || !r.parsed || r.parsed->status != Status::err) co_return false;
  std::string data;
  auto quiet = co_await session_->drain(config_.target.read_timeout, data, 4096);
  co_return quiet == ClientSession::Quiet::closed && data.empty();
}

asio::awaitable<CaseResult> Lane::run(const Case& c, const std::vector<unsigned long>& marks) {
  start_marks_ = marks;
  // GCC 12 miscompiles co_await inside ?:, so plain statements.
  CaseResult r;
  if (c.delivery == Delivery::closing) r = co_await run_closing(c, marks);
  else r = co_await run_shared(c, marks);
  r.marks = start_marks_;
  r.logged_in = c.phase == Phase::transaction && !r.login_refused && r.kind != CaseResult::Kind::lost;
  co_return r;
}

asio::awaitable<CaseResult> Lane::run_shared(const Case& c, const std::vector<unsigned long>& marks) {
  std::optional<CaseResult> early;
  try {
    early = co_await ensure(c.phase, marks);
  } catch (const std::exception& e) {
    CaseResult r = failure(c, nullptr, e);
    if (r.kind == CaseResult::Kind::finding) r.finding->message = "while reaching the case's state: " + r.finding->message;
    co_return r;
  }
  if (early) co_return *early;
  if (auto r = held_back(c)) co_return *r;
  start_marks_ = marked();
  Duration t = config_.target.read_timeout;
  const Unit* current = nullptr;
  CaseResult result;
  try {
    if (c.delivery == Delivery::burst) {
      std::string all, shown;
      for (const auto& u : c.units) {
        all += u.bytes;
        shown += redactor_.command(u.bytes);
      }
      co_await session_->write(all, shown, t);
    }
    for (const auto& u : c.units) {
      current = &u;
      std::string shown = redactor_.command(u.bytes);
      if (c.delivery == Delivery::bytewise) {
        for (std::size_t i = 0; i < u.bytes.size(); ++i)
          co_await session_->write(std::string_view(u.bytes).substr(i, 1), i == 0 ? shown : std::string_view(), t);
      } else if (c.delivery != Delivery::burst) {
        co_await session_->write(u.bytes, shown, t);
      }
      if (c.delivery == Delivery::half_close) session_->connection().shutdown_send();
      Response r = co_await session_->response(u.multiline_if_ok, answer_deadline(&u));
      ++result.exchanges;
      CaseResult j = judge(u, r);
      if (j.kind != CaseResult::Kind::passed) {
        if (co_await goodbye(r, j)) j = lost("closed after " + r.status_line);
        drop();
        co_return j;
      }
    }
    if (c.delivery == Delivery::half_close) drop();
    // Whether a SASL exchange is still open (a response the server would not
    // take as one, a line over its limit) is the server's to decide: the
    // session ends with the case. (A challenge to anything else is a finding.)
    if (std::any_of(c.units.begin(), c.units.end(), [](const Unit& u) { return u.continuation; })) drop();
  } catch (const std::exception& e) {
    CaseResult r = failure(c, current, e);
    if (c.delivery == Delivery::half_close && r.kind == CaseResult::Kind::suspect) {
      // A server may stop, even mid-answer, when the client's side is closed.
      r.kind = CaseResult::Kind::lost;
      r.finding.reset();
    }
    co_return r;
  }
  co_return result;
}

asio::awaitable<CaseResult> Lane::run_closing(const Case& c, const std::vector<unsigned long>& marks) {
  // The shared session waits for the case, unless it holds the maildrop lock
  // the case's login needs: new sessions are what a server (Dovecot) is
  // slowest at, so a closing case should cost one, not two.
  bool keep = session_ && (c.phase == Phase::authorization || config_.concurrent_logins);
  if (session_ && !keep) co_await finish();
  if (!keep) co_return co_await run_alone(c, marks);
  std::unique_ptr<ClientSession> parked = std::move(session_);
  std::optional<Phase> parked_phase = std::exchange(phase_, std::nullopt);
  oracle::Model parked_model = model_;
  oracle::UidBook parked_uids = uids_;
  CaseResult r = co_await run_alone(c, marks);
  drop();
  session_ = std::move(parked);
  phase_ = parked_phase;
  model_ = std::move(parked_model);
  uids_ = std::move(parked_uids);
  co_return r;
}

asio::awaitable<CaseResult> Lane::run_alone(const Case& c, const std::vector<unsigned long>& marks) {
  // A session of its own: whatever state the bytes leave behind ends with it.
  std::optional<CaseResult> early;
  try {
    early = co_await ensure(c.phase, marks);
  } catch (const std::exception& e) {
    co_return failure(c, nullptr, e);
  }
  if (early) co_return *early;
  if (auto r = held_back(c)) co_return *r;
  Duration t = config_.target.read_timeout;
  CaseResult result;
  result.exchanges = 1;
  std::string bytes, shown;
  for (const auto& u : c.units) {
    bytes += u.bytes;
    shown += redactor_.command(u.bytes);
  }
  try {
    co_await session_->write(bytes + "\r\n", shown + "\r\n", t);
  } catch (const NetError& e) {
    // A server may close on a line it will not read; what it said first still counts.
    if (e.kind() == NetError::Kind::timeout) co_return failure(c, &c.units.front(), e);
  }
  // The first answer is all that is judged; then the connection is dropped,
  // which commits nothing whatever the bytes did (RFC 1939 #6).
  // One deadline for the whole first line, however the server spaces its octets.
  std::string data;
  auto quiet = ClientSession::Quiet::data;
  auto end = std::chrono::steady_clock::now() + t;
  while (data.find("\r\n") == std::string::npos && data.size() < limits::kStatusLine * 4) {
    auto left = std::chrono::duration_cast<Duration>(end - std::chrono::steady_clock::now());
    std::string more;
    quiet = ClientSession::Quiet::silent;
    if (left > Duration::zero()) quiet = co_await session_->drain(left, more, 1);  // not in ?: (GCC 12)
    data += more;
    if (quiet != ClientSession::Quiet::data) break;
  }
  std::string transcript = recent();
  drop();
  if (quiet == ClientSession::Quiet::silent && data.find("\r\n") == std::string::npos) {
    Finding f;
    f.oracle = Oracle::hang;
    f.rfc = "rfc1939#3";
    f.message = std::string(data.empty() ? "the server never answered " : "the server never finished its answer to ") +
                escape_bytes(shown, 80) + " (" + c.mutation + ")";
    f.expected = "an answer within " + std::to_string(t.count()) + " ms";
    f.actual = data.empty() ? "silence" : escape_bytes(data, 200) + " and no CRLF";
    f.signature = "hang:" + features(c);
    f.transcript = transcript;
    result.kind = CaseResult::Kind::finding;
    result.finding = f;
    co_return result;
  }
  if (data.empty()) {
    result.kind = CaseResult::Kind::suspect;
    result.detail = "the server closed the connection without a word";
    co_return result;
  }
  if (auto v = judge_first_line(data)) {
    CaseResult found = violation(*v, upper_keyword(c), transcript);
    found.exchanges = result.exchanges;
    co_return found;
  }
  co_return result;
}

}  // namespace pop3::fuzz
