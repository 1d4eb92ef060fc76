#include "client/probes.hpp"

#include "codec/command_line.hpp"
#include "scenario/escapes.hpp"

namespace asio = boost::asio;

namespace pop3 {
namespace {

// One command and its status line, or nullopt when the server closed.
asio::awaitable<std::optional<std::string>> exchange(ClientSession& s, const Target& t, const std::string& line,
                                                     const std::string& shown) {
  s.finish_response();
  try {
    co_await s.send(line + "\r\n", t.read_timeout, shown + "\r\n", expects_multiline(line));
    std::string status = co_await s.next_line(t.read_timeout);
    co_return status;
  } catch (const ProtocolError&) {
  } catch (const NetError&) {
  }
  co_return std::nullopt;
}

asio::awaitable<StepOutcome> plaintext_login(ClientSession& s, const Target& t, const Account& a,
                                             const Redactor& redactor) {
  if (s.connection().in_tls()) co_return StepOutcome::fail("probe: plaintext-login runs before TLS; this connection is in TLS");
  Capabilities caps;
  if (auto status = co_await exchange(s, t, "CAPA", "CAPA"); status && status->starts_with("+OK")) {
    caps.capa_supported = true;
    if (const Response* r = s.last_multiline()) caps.read_capa(r->body);
  }
  bool user_cap = caps.has("USER");
  std::string sasl;
  for (const auto& tag : caps.tags)
    if (tag.starts_with("SASL:")) sasl += (sasl.empty() ? "" : " ") + tag.substr(5);
  std::string advertised = !caps.capa_supported ? "no CAPA" : user_cap ? "CAPA lists USER" : "CAPA lists no USER";
  advertised += sasl.empty() ? "" : " and SASL " + sasl;
  auto user = co_await exchange(s, t, "USER " + a.user, "USER " + a.user);
  std::string how;
  bool accepted = false;
  if (!user) how = "the connection closed at USER";
  else if (!user->starts_with("+OK")) how = "USER refused: " + escape_bytes(*user, 160);
  else {
    auto pass = co_await exchange(s, t, "PASS " + a.pass, redactor.command("PASS " + a.pass));
    if (!pass) how = "the connection closed at PASS";
    else if (!pass->starts_with("+OK")) how = "PASS refused: " + escape_bytes(*pass, 160);
    else {
      accepted = true;
      how = "plaintext USER/PASS accepted";
      co_await exchange(s, t, "QUIT", "QUIT");
    }
  }
  std::string policy = "before TLS, " + advertised + "; " + how;
  // RFC 2595 #2.3, RFC 8314 #4.1: a server that hides plaintext logins must refuse them.
  if (accepted && caps.capa_supported && !user_cap && sasl.empty())
    co_return StepOutcome::fail("the server accepted a plaintext login it did not advertise",
                                "USER/PASS refused before TLS when CAPA lists neither USER nor SASL", policy);
  co_return StepOutcome::pass(policy);
}

asio::awaitable<StepOutcome> invalid_commands(ClientSession& s, const Target& t, int limit) {
  int answered = 0, ok = 0;
  for (int i = 1; i <= limit; ++i) {
    std::string line = "XBAD" + std::to_string(i);
    auto status = co_await exchange(s, t, line, line);
    if (!status) {
      co_return StepOutcome::pass("the server closed the connection after " + std::to_string(answered) +
                                  " invalid commands" + (ok ? " (" + std::to_string(ok) + " answered +OK)" : ""));
    }
    ++answered;
    if (status->starts_with("+OK")) ++ok;
  }
  co_return StepOutcome::pass("the server answered all " + std::to_string(limit) +
                              " invalid commands and kept the connection open" +
                              (ok ? " (" + std::to_string(ok) + " answered +OK)" : ""));
}

asio::awaitable<StepOutcome> http_request(ClientSession& s, const Target& t) {
  std::string request = "GET / HTTP/1.1\r\nHost: " + t.host + "\r\n\r\nQUIT\r\n";
  s.finish_response();
  co_await s.connection().write(request, t.read_timeout);
  std::string data;
  bool closed = co_await s.drain(t.read_timeout, data, 4096) == ClientSession::Quiet::closed;
  std::size_t lines = 0;
  for (char c : data) lines += c == '\n';
  std::string shown = data.empty() ? "nothing" : escape_bytes(data.substr(0, 300), 300);
  co_return StepOutcome::pass("to an HTTP request line, 2 header lines and QUIT the server sent " +
                              std::to_string(lines) + " line(s): " + shown +
                              (closed ? "; then closed" : "; the connection stayed open"));
}

}  // namespace

asio::awaitable<StepOutcome> run_probe(const std::vector<std::string>& w, ClientSession& s, const Target& t,
                                       const Account& a, const Redactor& redactor) {
  if (w[0] == "plaintext-login") co_return co_await plaintext_login(s, t, a, redactor);
  if (w[0] == "invalid-commands") co_return co_await invalid_commands(s, t, std::stoi(w[1]));
  co_return co_await http_request(s, t);
}

}  // namespace pop3
