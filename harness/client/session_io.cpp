#include "client/session_io.hpp"

#include "codec/command_line.hpp"

#include <cctype>

namespace asio = boost::asio;

namespace pop3 {

bool expects_multiline(std::string_view line) {
  std::string word = line_keyword(line);
  bool has_args = word.size() < line.size();
  if (word == "RETR" || word == "TOP" || word == "CAPA") return true;
  if (word == "LIST" || word == "UIDL") return !has_args;
  return false;
}

asio::awaitable<void> ClientSession::open(const Target& target) {
  opened_ = true;
  co_await conn_->connect(target.host, target.port, target.connect_timeout);
  boost::system::error_code ec;
  asio::ip::make_address(target.host, ec);
  std::string sni = ec ? target.host : std::string{};
  if (target.tls == TlsMode::implicit) {
    co_await conn_->handshake_client(*target.tls_context, sni.empty() ? target.host : sni, target.connect_timeout);
  } else if (target.tls == TlsMode::stls) {
    Response greeting = co_await read_response(false, target.read_timeout);
    co_await conn_->write("STLS\r\n", target.read_timeout);
    Response answer = co_await read_response(false, target.read_timeout);
    if (!answer.parsed || answer.parsed->status != Status::ok)
      throw NetError(NetError::Kind::tls, "STLS refused: " + answer.status_line);
    if (!reader_.pending().empty())
      throw NetError(NetError::Kind::tls, "server sent plaintext after +OK to STLS");
    co_await conn_->handshake_client(*target.tls_context, sni.empty() ? target.host : sni, target.connect_timeout);
    // The scenario still starts by checking the greeting.
    lines_ = {greeting.status_line};
    cursor_ = 0;
    current_ = std::move(greeting);
    got_greeting_ = true;
  }
}

asio::awaitable<std::optional<std::string>> ClientSession::try_tls(asio::ssl::context& ctx, const std::string& sni,
                                                                    const std::string& host, Duration timeout) {
  auto failure = co_await conn_->try_handshake_client(ctx, sni, timeout);
  if (!failure) peer_tls_ = conn_->peer_tls(host);
  co_return failure;
}

asio::awaitable<void> ClientSession::send(std::string_view bytes, Duration timeout, std::string_view shown,
                                          bool multiline_if_ok) {
  pending_.push_back(multiline_if_ok);
  co_await conn_->write(bytes, timeout, shown);
}

asio::awaitable<void> ClientSession::send_lines(std::string_view bytes, Duration timeout, std::string_view shown) {
  std::size_t from = 0, lines = 0;
  for (std::size_t end; (end = bytes.find("\r\n", from)) != std::string_view::npos; from = end + 2) {
    std::string_view line = bytes.substr(from, end - from);
    pending_.push_back(expects_multiline(line));
    ++lines;
    if (line_keyword(line) == "STLS") break;
  }
  if (lines == 0) pending_.push_back(false);
  co_await conn_->write(bytes, timeout, shown);
}

asio::awaitable<Response> ClientSession::read_response(bool multiline_if_ok, Duration timeout) {
  reader_.expect(multiline_if_ok);
  std::string buf;
  for (;;) {
    if (auto r = reader_.next()) {
      if (!got_greeting_) {
        got_greeting_ = true;
        auto lt = r->status_line.find('<'), gt = r->status_line.find('>', lt == std::string::npos ? 0 : lt);
        if (lt != std::string::npos && gt != std::string::npos) timestamp_ = r->status_line.substr(lt, gt - lt + 1);
      }
      co_return std::move(*r);
    }
    if (reader_.error() != ResponseReader::Error::none) throw ProtocolError(ResponseReader::describe(reader_.error()));
    buf.clear();
    std::size_t n;
    try {
      n = co_await conn_->read_some(buf, timeout);
    } catch (const NetError& e) {
      if (e.kind() != NetError::Kind::timeout) throw;
      std::string where = reader_.in_body() ? "multi-line response not terminated" : "no complete response line";
      throw ProtocolError(where + " within " + std::to_string(timeout.count()) + " ms" +
                              (reader_.pending().empty() ? std::string{} : "; unterminated data: " +
                                                                               escape_bytes(reader_.pending(), 120)),
                          ProtocolError::Kind::timeout);
    }
    if (n == 0) {
      std::string where = reader_.in_body() ? "in the middle of a multi-line response" : "instead of responding";
      throw ProtocolError("server closed the connection " + where,
                          reader_.in_body() || !reader_.pending().empty() ? ProtocolError::Kind::limit
                                                                          : ProtocolError::Kind::closed);
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
  co_await conn_->write(bytes, timeout, shown_bytes);
  co_return co_await read_response(multiline_if_ok, timeout);
}

asio::awaitable<std::string> ClientSession::next_line(Duration timeout) {
  if (cursor_ < lines_.size()) co_return lines_[cursor_++];
  bool multi = false;
  if (got_greeting_ && !pending_.empty()) {
    multi = pending_.front();
    pending_.pop_front();
  }
  Response r = co_await read_response(multi, timeout);
  lines_.clear();
  lines_.push_back(r.status_line);
  if (r.multiline) {
    for (auto& l : r.wire_lines) lines_.push_back(l);
    lines_.push_back(".");
    last_multiline_ = r;
  }
  current_ = std::move(r);
  cursor_ = 1;
  co_return lines_[0];
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
  while (data.size() < cap) {
    std::string more;
    Quiet q;
    try {
      q = co_await wait_quiet(timeout, more);
    } catch (const NetError&) {
      q = Quiet::closed;
    }
    data += more;
    if (q != Quiet::data) co_return q;
  }
  co_return Quiet::data;
}

}  // namespace pop3
