#include "server/server_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <unistd.h>

#include "codec/command_line.hpp"
#include "codec/limits.hpp"

namespace asio = boost::asio;

namespace pop3 {

namespace {

SessionConfig session_config(const ServerOptions& o, unsigned long id) {
  SessionConfig config;
  config.stls_offered = o.tls && !o.implicit_tls;
  config.tls_active = o.implicit_tls;
  config.faults = o.faults;
  config.utf8_lang = o.utf8_lang;
  if (o.apop)
    config.apop_timestamp = o.faults.has(Fault::fixed_apop_timestamp)
                                ? std::string("<1.1@pop3-harness>")
                                : "<" + std::to_string(::getpid()) + "." + std::to_string(id) + "." +
                                      std::to_string(std::time(nullptr)) + "@pop3-harness>";
  if (o.script && o.script->greeting) {
    // APOP digests are checked against the timestamp the client was shown.
    const std::string& g = *o.script->greeting;
    std::size_t open = g.find('<'), close = g.find('>', open);
    config.apop_timestamp = open != std::string::npos && close != std::string::npos ? g.substr(open, close - open + 1)
                                                                                     : std::string();
  }
  return config;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

}  // namespace

ServerSession::ServerSession(asio::ip::tcp::socket socket, MaildropStore& store, const ServerOptions& options,
                             unsigned long id)
    : conn_(std::move(socket)), options_(options), faults_(options.faults), id_(id),
      session_(session_config(options, id), store), timer_(conn_.executor()) {}

void ServerSession::abort() {
  conn_.close();
  timer_.cancel();
}

void ServerSession::observe(ServerEvent::Kind kind, std::string line, std::string reply, bool pipelined) {
  if (options_.observe) options_.observe({kind, id_, std::move(line), std::move(reply), pipelined, conn_.in_tls()});
}

asio::awaitable<void> ServerSession::run() {
  observe(ServerEvent::Kind::connected);
  bool timed_out = false;  // the autologout timer expired (RFC 1939 #3)
  try {
    if (options_.implicit_tls) co_await implicit_handshake();
    co_await greet();
    greeted_ = true;
    std::string input;
    // The autologout timer restarts on a command, not on a byte: a client
    // dripping one octet a minute is inactive (RFC 1939 #3), not a session held
    // open for ever.
    using Clock = std::chrono::steady_clock;
    Duration idle = faults_.has(Fault::short_autologout) ? options_.idle_timeout / 10 : options_.idle_timeout;
    auto quiet_until = Clock::now() + idle;
    for (;;) {
      std::uint64_t before = commands_;
      bool go_on = co_await answer_lines();  // a plain statement: GCC 12 and co_await in &&
      if (!go_on || !conn_.is_open()) break;
      if (commands_ != before && !faults_.has(Fault::autologout_not_reset)) quiet_until = Clock::now() + idle;
      auto left = quiet_until - Clock::now();
      if (left <= Duration::zero()) {
        timed_out = true;
        break;
      }
      input.clear();
      if (co_await conn_.read_some(input, std::chrono::duration_cast<Duration>(left)) == 0) break;
      // bare-cr-ends-line: a CR alone ends a line too (CWE-93, the smuggling bug).
      if (faults_.has(Fault::bare_cr_ends_line))
        for (std::size_t cr = input.find('\r'); cr != std::string::npos; cr = input.find('\r', cr + 1))
          if (cr + 1 < input.size() && input[cr + 1] != '\n') input.insert(cr + 1, 1, '\n');
      framer_.feed(input);
    }
  } catch (const NetError& e) {
    // Resets, failed handshakes and an abort end the session like a drop;
    // the read that waited out the autologout timer ends it as an autologout.
    timed_out = e.kind() == NetError::Kind::timeout && greeted_;
  } catch (const std::exception&) {
  }
  if (timed_out && faults_.has(Fault::autologout_says_bye) && conn_.is_open()) {
    try {
      co_await conn_.write("-ERR autologout\r\n", options_.io_timeout);
    } catch (const std::exception&) {
    }
  }
  std::string_view left = framer_.pending();
  for (std::size_t lf = left.find('\n'); lf != std::string_view::npos; lf = left.find('\n', lf + 1))
    if (lf == 0 || left[lf - 1] != '\r') {
      observe(ServerEvent::Kind::unterminated, std::string(left.substr(0, std::min<std::size_t>(lf + 1, 80))));
      break;
    }
  if (timed_out) session_.autologout();
  else session_.connection_lost();
  // RFC 8314 #3.4: "When a client or server wishes to close the connection,
  // it SHOULD initiate the exchange of TLS close alerts before TCP connection
  // termination." After QUIT the server closes, so it sends the first alert.
  if (ending_ && conn_.in_tls() && !faults_.has(Fault::no_close_notify)) {
    bool answered = co_await conn_.close_tls(std::min<Duration>(options_.io_timeout, std::chrono::seconds(2)));
    if (!answered) observe(ServerEvent::Kind::no_close_notify);
  }
  conn_.close();
  observe(ServerEvent::Kind::closed);
}

// serial-handshakes: one implicit-TLS handshake at a time, each waiting out
// the one before it, as a server with a single login slot does.
asio::awaitable<void> ServerSession::implicit_handshake() {
  static std::size_t in_progress = 0;  // one io_context: no data race
  bool serial = faults_.has(Fault::serial_handshakes);
  while (serial && in_progress > 0) co_await pause(std::chrono::milliseconds(50));
  if (serial) ++in_progress;
  struct Done {
    bool serial;
    ~Done() {
      if (serial) --in_progress;
    }
  } done{serial};
  co_await conn_.handshake_server(*options_.tls, options_.io_timeout);
}

asio::awaitable<void> ServerSession::greet() {
  if (faults_.has(Fault::slow_greeting)) co_await pause(std::chrono::seconds(60));
  const ServerScript* script = options_.script.get();
  // A named string: GCC 12 mishandles a temporary of a conditional expression inside co_await.
  std::string greeting = script && script->greeting ? *script->greeting + "\r\n" : session_.greeting();
  co_await write_faulty(greeting);
}

asio::awaitable<bool> ServerSession::answer_lines() {
  // long-line-crash lets lines through up to its trigger, then answers
  // those over the RFC limit as a correct server would.
  std::size_t command_limit = faults_.has(Fault::long_line_crash) ? kCrashLineOctets : limits::kCommandLine;
  auto limit = [&] {
    bool sasl = sasl_response_next_ && !faults_.has(Fault::short_sasl_lines);
    return sasl ? limits::kSaslResponseLine : command_limit;
  };
  for (;;) {
    bool same_read = false;
    while (auto line = framer_.next_line(limit())) {
      if (faults_.has(Fault::nul_stall) && line->find('\0') != std::string::npos) {
        co_await stall();
        co_return false;
      }
      std::string keyword = line_keyword(*line);
      if (faults_.has(Fault::top_negative_crash) && keyword == "TOP") {
        auto parsed = parse_command_line(*line);
        if (parsed && parsed->args.size() == 2 && parsed->args[1].starts_with("-")) crash("top-negative-crash", *line);
      }
      if (faults_.has(Fault::crash_on) && keyword == faults_.crash_keyword()) crash("crash-on", *line);
      if (faults_.has(Fault::format_string_crash) && line->find("%n") != std::string::npos)
        crash("format-string-crash", *line);
      if (faults_.has(Fault::short_command_lines) && line->size() > kShortCommandLine) {
        if (!co_await answer(line->substr(0, kShortCommandLine), same_read)) co_return false;
        line->erase(0, kShortCommandLine);
        same_read = true;
      }
      if (line->size() + 2 > limits::kCommandLine && !sasl_response_next_) {
        co_await conn_.write(session_.line_too_long().bytes, options_.io_timeout);
        continue;
      }
      if (!co_await answer(*line, same_read)) co_return false;
      same_read = true;
    }
    if (framer_.error() == LineFramer::Error::none) co_return true;
    if (faults_.has(Fault::long_line_crash)) crash("long-line-crash", framer_.pending());
    observe(ServerEvent::Kind::overlong, std::string(framer_.pending().substr(0, 80)));
    co_await conn_.write(session_.line_too_long().bytes, options_.io_timeout);
    framer_.discard_line();
  }
}

Reply ServerSession::reply_to(const std::string& line) {
  if (const ServerScript* script = options_.script.get()) {
    Variables ignored;
    std::string key = with_upper_keyword(line);
    for (const auto& o : script->overrides)
      if (o.pattern.match(key, ignored)) return Reply{o.response};
  }
  return session_.handle(line);
}

asio::awaitable<bool> ServerSession::answer(const std::string& line, bool pipelined) {
  ++commands_;
  Reply reply = reply_to(line);
  // A "+ " line is a SASL challenge (the session's or a script's): the next
  // line is the client's response, which no command-line limit binds.
  sasl_response_next_ = reply.bytes.starts_with("+ ") || reply.bytes.starts_with("+\r\n");
  const ServerScript* script = options_.script.get();
  inject_pending_ = reply.start_tls && script && script->inject;
  if (inject_pending_ && !script->inject->separate) reply.bytes += script->inject->bytes;
  observe(ServerEvent::Kind::command, line, reply.bytes, pipelined);
  if (hold_next_ && framer_.pending().empty()) {
    // A client that waits sees this answer after the hold; one that already
    // took injected plaintext for it moves on without it.
    hold_next_ = false;
    std::string more;
    if (co_await acts_while_held(more)) {
      bool quit = line_keyword(line) == "QUIT";
      if (!more.empty() || !quit) observe(ServerEvent::Kind::early, line, more.empty() ? "closed" : more);
      if (more.empty()) co_return false;
      framer_.feed(more);
    }
  }
  hold_next_ = false;
  if (reply.delay_ms) co_await pause(std::chrono::milliseconds(reply.delay_ms));
  if (!co_await deliver(line, reply.bytes)) co_return false;
  co_return co_await after_reply(line, reply);
}

asio::awaitable<bool> ServerSession::after_reply(const std::string&, const Reply& reply) {
  if (faults_.has(Fault::pipeline_first_only) && !framer_.pending().empty()) {
    conn_.transcript().note("fault: dropped the pipelined commands after the first");
    framer_.take_pending();
  }
  if (reply.stall) {
    co_await stall();
    co_return false;
  }
  if (reply.close) {
    ending_ = true;
    if (!framer_.pending().empty()) observe(ServerEvent::Kind::after_quit, framer_.take_pending());
    co_return false;
  }
  if (!reply.start_tls) co_return true;
  const ServerScript* script = options_.script.get();
  co_await upgrade(inject_pending_ && script->inject->separate);
  co_return conn_.is_open();
}

asio::awaitable<void> ServerSession::upgrade(bool inject_separately) {
  // RFC 2595 #4 / STARTTLS injection: plaintext pipelined after STLS was
  // never protected, so it is dropped, not executed inside TLS.
  if (!faults_.has(Fault::stls_injection)) {
    std::string injected = framer_.take_pending();
    if (!injected.empty()) {
      conn_.transcript().note("discarded " + std::to_string(injected.size()) + " plaintext octets sent after STLS");
      observe(ServerEvent::Kind::after_stls, injected.substr(0, 80));
    }
  }
  if (inject_separately) co_await conn_.write(options_.script->inject->bytes, options_.io_timeout);
  if (faults_.has(Fault::stls_no_handshake)) {
    co_await stall();  // +OK, then nothing: the client has to give up on its own
    co_return;
  }
  co_await conn_.handshake_server(*options_.tls, options_.io_timeout);
  session_.tls_started();
  hold_next_ = options_.hold_first_tls_answer.count() > 0;
}

asio::awaitable<void> ServerSession::pause(std::chrono::milliseconds d) {
  timer_.expires_after(d);
  auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  if (ec) throw std::runtime_error("aborted");
}

asio::awaitable<void> ServerSession::stall() {
  // Reads and ignores everything until the client gives up and closes.
  std::string ignored;
  while (co_await conn_.read_some(ignored, options_.idle_timeout) > 0) ignored.clear();
  conn_.close();  // a read after end-of-stream would wait forever
}

void ServerSession::crash(std::string_view fault, std::string_view line) {
  // What a sanitizer would print, then the signal a crash gives.
  std::fprintf(stderr, "pop3-harness serve: fault %s: aborting on a command line of %zu octets starting '%.40s'\n",
               std::string(fault).c_str(), line.size(), std::string(line.substr(0, 40)).c_str());
  std::fflush(stderr);
  std::abort();
}

asio::awaitable<bool> ServerSession::acts_while_held(std::string& input) {
  try {
    co_await conn_.read_some(input, options_.hold_first_tls_answer);
    co_return true;  // data, or 0 bytes: closed
  } catch (const NetError& e) {
    co_return e.kind() != NetError::Kind::timeout;
  }
}

asio::awaitable<bool> ServerSession::deliver(std::string_view command, const std::string& bytes) {
  const FaultSet& f = faults_;
  // A message on its way: RETR, or TOP (which some clients use to retrieve).
  std::string keyword = line_keyword(command);
  bool body = bytes.starts_with("+") && (keyword == "RETR" || keyword == "TOP");
  if (!body || !(f.has(Fault::drop_mid_retr) || f.has(Fault::stall_mid_retr) || f.has(Fault::endless_line) ||
                 f.has(Fault::endless_body))) {
    co_await write_faulty(bytes);
    co_return true;
  }
  // Bounded, so that a client that never stops reading cannot keep us busy forever.
  constexpr std::size_t kEndless = 256u << 20;
  if (f.has(Fault::endless_line) || f.has(Fault::endless_body)) {
    // 64 KiB per write: 1000-octet lines (a line that never ends, or body lines).
    std::string chunk(64 * 1000, 'x');
    if (f.has(Fault::endless_body))
      for (std::size_t end = 998; end < chunk.size(); end += 1000) chunk.replace(end, 2, "\r\n");
    std::string start = f.has(Fault::endless_line) ? std::string("+OK ") : bytes.substr(0, bytes.find("\r\n") + 2);
    co_await write_faulty(start);
    for (std::size_t sent = 0; sent < kEndless; sent += chunk.size()) co_await conn_.write(chunk, options_.io_timeout);
    co_return false;
  }
  co_await write_faulty(bytes.substr(0, bytes.size() / 2));
  if (f.has(Fault::stall_mid_retr)) co_await stall();  // nothing more: wait for the client to give up
  co_return false;
}

std::string ServerSession::line_ending(std::string_view bytes) const {
  std::string out(bytes);
  if (faults_.has(Fault::bare_lf)) replace_all(out, "\r\n", "\n");
  else if (faults_.has(Fault::cr_cr_lf)) replace_all(out, "\r\n", "\r\r\n");
  return out;
}

asio::awaitable<void> ServerSession::write_faulty(std::string_view wire) {
  std::string bytes = line_ending(wire);
  if (faults_.has(Fault::split_bytes)) {
    for (std::size_t i = 0; i < bytes.size(); ++i) co_await conn_.write(std::string_view(bytes).substr(i, 1), options_.io_timeout);
  } else if (faults_.has(Fault::drip)) {
    std::size_t piece = std::max<std::size_t>(1, bytes.size() / 20);
    for (std::size_t i = 0; i < bytes.size(); i += piece) {
      co_await conn_.write(std::string_view(bytes).substr(i, piece), options_.io_timeout);
      co_await pause(std::chrono::milliseconds(10));
    }
  } else {
    co_await conn_.write(bytes, options_.io_timeout);
  }
}

}  // namespace pop3
