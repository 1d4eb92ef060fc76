#include "client/session_io.hpp"

#include "codec/command_line.hpp"

#include <cctype>

namespace asio = boost::asio;

namespace pop3 {

namespace {

// A whole response gets the read timeout, plus this much per MiB received:
// a large body at 100 KiB/s or more is not cut short, a drip of a few octets
// a second gains next to nothing from it.
constexpr double kSecondsPerMiB = 10.0;

std::string seconds_text(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

bool is_login(const std::string& keyword) { return keyword == "PASS" || keyword == "APOP" || keyword == "AUTH" || keyword == "SASL"; }

}  // namespace

bool expects_multiline(std::string_view line) {
  std::string word = line_keyword(line);
  return multiline_if_ok(word, word.size() < line.size() ? 1 : 0);
}

asio::awaitable<void> ClientSession::open(const Target& target) {
  opened_ = true;
  if (target.secrets) conn_->transcript().set_secrets(target.secrets);
  login_timeout_ = std::max(target.login_timeout, target.read_timeout);
  ResponseReader::Limits limits;
  limits.stream = target.max_response;
  reader_ = ResponseReader(limits);
  co_await conn_->connect(target.host, target.port, target.connect_timeout);
  connected_at_ = Clock::now();
  boost::system::error_code ec;
  asio::ip::make_address(target.host, ec);
  std::string sni = ec ? target.host : std::string{};
  if (target.tls == TlsMode::implicit) {
    co_await conn_->handshake_client(*target.tls_context, sni.empty() ? target.host : sni, target.connect_timeout);
    connected_at_ = Clock::now();
  } else if (target.tls == TlsMode::stls) {
    Response greeting = co_await read_response(false, target.read_timeout);
    co_await conn_->write("STLS\r\n", target.read_timeout);
    Response answer = co_await read_awaited(awaited_for("STLS", "STLS", false), target.read_timeout);
    if (!answer.parsed || answer.parsed->status != Status::ok)
      throw NetError(NetError::Kind::upgrade_refused, "STLS refused: " + escape_bytes(answer.status_line, 200));
    if (!reader_.pending().empty())
      throw NetError(NetError::Kind::upgrade_plaintext, "server sent plaintext after +OK to STLS");
    co_await conn_->handshake_client(*target.tls_context, sni.empty() ? target.host : sni, target.connect_timeout);
    // The scenario still starts by checking the greeting.
    current_ = std::make_shared<const Response>(std::move(greeting));
    cursor_ = 0;
    got_greeting_ = true;
  }
}

asio::awaitable<std::optional<std::string>> ClientSession::try_tls(asio::ssl::context& ctx, const std::string& sni,
                                                                    const std::string& host, Duration timeout) {
  auto failure = co_await conn_->try_handshake_client(ctx, sni, timeout);
  if (!failure) peer_tls_ = conn_->peer_tls(host);
  co_return failure;
}

ClientSession::Awaited ClientSession::awaited_for(std::string_view line, std::string_view shown, bool multiline) {
  Awaited a;
  a.multiline = multiline;
  a.keyword = in_sasl_ ? "SASL" : line_keyword(line);
  if (shown.ends_with("\r\n")) shown.remove_suffix(2);
  if (!shown.empty()) a.shown = escape_bytes(shown, 120);
  else if (a.keyword == "SASL") a.shown = "(a SASL response)";
  else if (is_login(a.keyword)) a.shown = a.keyword + (a.keyword.size() < line.size() ? " ***" : "");
  else a.shown = escape_bytes(line, 120);
  a.sent = Clock::now();
  last_sent_ = a.shown;
  // Only the first line after a continuation is a SASL response; what
  // follows it is judged by its answer.
  in_sasl_ = false;
  return a;
}

asio::awaitable<void> ClientSession::send(std::string_view bytes, Duration timeout, std::string_view shown,
                                          bool multiline_if_ok) {
  std::string_view line = bytes.ends_with("\r\n") ? bytes.substr(0, bytes.size() - 2) : bytes;
  pending_.push_back(awaited_for(line, shown, multiline_if_ok));
  co_await conn_->write(bytes, timeout, shown);
}

asio::awaitable<void> ClientSession::send_lines(std::string_view bytes, Duration timeout, std::string_view shown) {
  std::size_t from = 0, lines = 0;
  for (std::size_t end; (end = bytes.find("\r\n", from)) != std::string_view::npos; from = end + 2) {
    std::string_view line = bytes.substr(from, end - from);
    pending_.push_back(awaited_for(line, {}, expects_multiline(line)));
    ++lines;
    if (line_keyword(line) == "STLS") break;
  }
  if (lines == 0) pending_.push_back(awaited_for(bytes, {}, false));
  co_await conn_->write(bytes, timeout, shown);
}

void ClientSession::absorb(const Response& r, const Awaited& a) {
  Status status = r.parsed ? r.parsed->status : Status::err;
  bool ok = r.parsed && status == Status::ok;
  bool auth_with_args = a.keyword == "AUTH" && !a.shown.empty() && a.shown != "AUTH";
  if (ok && (a.keyword == "PASS" || a.keyword == "APOP" || a.keyword == "SASL" || auth_with_args)) authorized_ = true;
  last_err_ = r.parsed && status == Status::err;
  in_sasl_ = r.parsed && status == Status::continuation;
  last_command_ = a.shown;
  last_wait_ = std::chrono::duration_cast<Duration>(Clock::now() - a.sent);
}

asio::awaitable<Response> ClientSession::read_response(bool multiline_if_ok, Duration timeout) {
  Awaited a;
  a.multiline = multiline_if_ok;
  a.sent = got_greeting_ ? Clock::now() : connected_at_;
  co_return co_await read_awaited(std::move(a), timeout);
}

asio::awaitable<Response> ClientSession::read_awaited(Awaited a, Duration timeout) {
  if (is_login(a.keyword)) timeout = std::max(timeout, login_timeout_);
  std::string what = a.keyword.empty() && !got_greeting_ ? std::string("its greeting")
                     : a.shown.empty()                   ? std::string("the command")
                                                         : a.shown;
  reader_.expect(a.multiline, a.keyword == "AUTH" || a.keyword == "SASL");
  // The greeting's deadline counts from the connection: whatever the caller
  // did meanwhile (a preflight's probe) does not extend it.
  const auto started = got_greeting_ ? Clock::now() : std::min(a.sent, Clock::now());
  std::string buf;
  for (;;) {
    if (auto r = reader_.next()) {
      got_greeting_ = true;
      if (timestamp_.empty()) {
        auto lt = r->status_line.find('<'), gt = r->status_line.find('>', lt == std::string::npos ? 0 : lt);
        if (lt != std::string::npos && gt != std::string::npos) timestamp_ = r->status_line.substr(lt, gt - lt + 1);
      }
      absorb(*r, a);
      co_return std::move(*r);
    }
    if (auto e = reader_.error(); e != ResponseReader::Error::none) {
      std::string why = std::string(ResponseReader::describe(e)) + ", answering " + what + "; received: " +
                        escape_bytes(conn_->transcript().scrub(reader_.pending().substr(0, 4096)), 160);
      if (ResponseReader::is_violation(e)) throw ProtocolError(ProtocolError::Kind::violation, why, ResponseReader::rfc_of(e),
                                                                  ResponseReader::check_of(e));
      // Past the most the harness reads of one answer (4 GiB), a body that
      // has not ended is judged as one that never ends, like one past its deadline.
      if (e == ResponseReader::Error::body_too_large)
        throw ProtocolError(ProtocolError::Kind::unterminated,
                            "the multi-line answer to " + what + " was not terminated within " +
                                std::to_string(reader_.received() >> 20) +
                                " MiB, the most the harness reads of one answer (--max-response); received: " +
                                escape_bytes(conn_->transcript().scrub(reader_.pending().substr(0, 4096)), 160));
      throw ProtocolError(ProtocolError::Kind::limit, why, {});
    }
    auto allowance = timeout + Duration(static_cast<long>(kSecondsPerMiB * 1000.0 *
                                                          static_cast<double>(reader_.received()) / (1 << 20)));
    auto left = std::chrono::duration_cast<Duration>(started + allowance - Clock::now());
    bool body = reader_.in_body();
    std::size_t n = 0;
    try {
      if (left.count() <= 0) throw NetError(NetError::Kind::timeout, "deadline");
      buf.clear();
      n = co_await conn_->read_some(buf, left);
    } catch (const NetError& e) {
      if (e.kind() == NetError::Kind::cancelled) throw;
      if (e.kind() != NetError::Kind::timeout) n = 0;  // a failed read: the connection is gone
      else {
        std::string got = reader_.pending().empty()
                              ? std::string{}
                              : "; unterminated data: " +
                                    escape_bytes(conn_->transcript().scrub(reader_.pending().substr(0, 4096)), 120);
        throw ProtocolError(body ? ProtocolError::Kind::unterminated : ProtocolError::Kind::timeout,
                            (body ? "the multi-line answer to " + what + " was not terminated within "
                                  : "no complete answer to " + what + " within ") +
                                seconds_text(timeout) + " (" + std::to_string(reader_.received()) +
                                " octets of it received)" + got);
      }
    }
    if (n == 0) {
      bool partial = body || !reader_.pending().empty();
      throw ProtocolError(partial ? ProtocolError::Kind::closed_mid : ProtocolError::Kind::closed,
                          std::string("the server closed the connection ") +
                              (partial ? "in the middle of its answer to " : "instead of answering ") + what);
    }
    reader_.feed(buf);
  }
}

asio::awaitable<Response> ClientSession::greeting(Duration timeout) {
  // With STLS, open() read the greeting before the upgrade.
  if (got_greeting_ && current_) co_return *current_;
  co_return co_await read_response(false, timeout);
}

asio::awaitable<Response> ClientSession::request(std::string_view line, std::string_view shown, bool multiline_if_ok,
                                                  Duration timeout) {
  std::string bytes = std::string(line) + "\r\n";
  std::string shown_bytes = std::string(shown) + "\r\n";
  Awaited a = awaited_for(line, shown, multiline_if_ok);
  co_await conn_->write(bytes, timeout, shown_bytes);
  co_return co_await read_awaited(std::move(a), timeout);
}

std::size_t ClientSession::line_count() const {
  if (!current_) return 0;
  return current_->multiline ? current_->body.lines() + 2 : 1;
}

std::string ClientSession::line_at(std::size_t i) const {
  if (i == 0) return current_->status_line;
  if (i == current_->body.lines() + 1) return ".";
  if (!current_->body.held()) return "(a streamed body line, not held)";
  return current_->body.wire_line(i - 1);
}

asio::awaitable<std::string> ClientSession::next_line(Duration timeout) {
  if (cursor_ < line_count()) co_return line_at(cursor_++);
  Awaited a;
  if (got_greeting_ && !pending_.empty()) {
    a = std::move(pending_.front());
    pending_.pop_front();
  } else {
    a.sent = got_greeting_ ? Clock::now() : connected_at_;
  }
  auto r = std::make_shared<const Response>(co_await read_awaited(std::move(a), timeout));
  if (r->multiline) last_multiline_ = r;
  current_ = std::move(r);
  cursor_ = 1;
  co_return current_->status_line;
}

asio::awaitable<ClientSession::Quiet> ClientSession::wait_quiet(Duration timeout, std::string& data) {
  if (!reader_.pending().empty()) {
    data = reader_.take_pending();
    co_return Quiet::data;
  }
  try {
    std::size_t n = co_await conn_->read_some(data, timeout);
    co_return n == 0 ? Quiet::closed : Quiet::data;
  } catch (const NetError& e) {
    if (e.kind() == NetError::Kind::timeout) co_return Quiet::silent;
    throw;
  }
}

asio::awaitable<ClientSession::Quiet> ClientSession::drain(Duration timeout, std::string& data, std::size_t cap) {
  // One deadline for the whole drain: a peer dripping an octet just inside
  // each read's timeout must not stretch it to cap times the timeout.
  auto end = std::chrono::steady_clock::now() + timeout;
  while (data.size() < cap) {
    auto left = std::chrono::duration_cast<Duration>(end - std::chrono::steady_clock::now());
    if (left <= Duration::zero()) co_return Quiet::silent;
    std::string more;
    Quiet q;
    try {
      q = co_await wait_quiet(left, more);
    } catch (const NetError& e) {
      if (e.kind() == NetError::Kind::cancelled) throw;
      q = Quiet::closed;
    }
    data += more;
    if (q != Quiet::data) co_return q;
  }
  co_return Quiet::data;
}

}  // namespace pop3
