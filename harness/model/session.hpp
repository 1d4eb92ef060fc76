#pragma once
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "codec/command_line.hpp"
#include "model/faults.hpp"
#include "model/maildrop.hpp"
#include "model/maildrop_store.hpp"

namespace pop3 {

// RFC 1939 #3: the three session states.
enum class SessionState { authorization, transaction, update };

struct SessionConfig {
  std::string implementation = "pop3-harness-reference";
  std::string apop_timestamp;   // "<...>" in the greeting; empty disables APOP
  bool stls_offered = false;    // a TLS context exists for STLS
  bool tls_active = false;      // the connection is already inside TLS
  bool utf8_lang = true;        // UTF8 and LANG offered (RFC 6856)
  FaultSet faults;              // deliberate deviations (serve --fault)
};

// What the server must do after one command.
struct Reply {
  std::string bytes;
  bool close = false;      // close the connection after sending
  bool start_tls = false;  // begin the TLS handshake after sending
  bool stall = false;      // after sending, never answer again (a fault)
  unsigned delay_ms = 0;   // wait this long before sending (a fault)
};

// The POP3 server's state machine, free of I/O: it turns command lines into
// replies. The reference server drives it over a socket; tests drive it directly.
class Session {
 public:
  Session(SessionConfig config, MaildropStore& store);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  std::string greeting() const;
  Reply handle(std::string_view line);
  // The client sent a line over the RFC 2449 limit; it is answered, not obeyed.
  Reply line_too_long() const;
  // RFC 2595 #4: after the handshake everything learned before is forgotten.
  void tls_started();
  // The connection dropped without QUIT: nothing is committed (RFC 1939 #6).
  void connection_lost();
  // RFC 1939 #3: the autologout timer expired. "the session does NOT enter
  // the UPDATE state": nothing is committed.
  void autologout();

  SessionState state() const { return state_; }

 private:
  struct CommandSpec;
  static const CommandSpec kCommands[];

  Reply capa(const CommandLine&);
  Reply user(const CommandLine&);
  Reply pass(const CommandLine&);
  Reply apop(const CommandLine&);
  Reply auth(const CommandLine&);
  Reply stls(const CommandLine&);
  Reply quit(const CommandLine&);
  Reply stat(const CommandLine&);
  Reply list(const CommandLine&);
  Reply uidl(const CommandLine&);
  Reply retr(const CommandLine&);
  Reply top(const CommandLine&);
  Reply dele(const CommandLine&);
  Reply noop(const CommandLine&);
  Reply rset(const CommandLine&);

  Reply utf8(const CommandLine&);
  Reply lang(const CommandLine&);
  // RFC 6856 #2.1: a message with UTF-8 in its header, to a client not in UTF-8 mode.
  bool needs_utf8_mode(const Message& m) const;
  Reply sasl_response(std::string_view line);
  Reply sasl_plain(std::string_view line);
  Reply sasl_cram_md5(std::string_view line);
  Reply login(const std::string& user);
  // RFC 2449 #6.5 and #6.7 (session_limits.cpp).
  std::string limit_capabilities() const;
  Reply utf8_refusal() const;
  bool cleartext_denied() const;
  bool login_delayed(const std::string& user) const;
  // Resolves a message-number argument, or explains why it names no message.
  std::optional<unsigned long> message_arg(const std::string& arg, Reply& error) const;
  // The octets STAT and LIST report for a message.
  std::size_t reported_size(const Message& m) const;
  std::string trailing(std::string_view text) const;
  // A command the server does not offer under its faults (no-capa, no-uidl-top).
  bool withheld(std::string_view keyword) const;
  std::string shown_uid(const Message& m) const;
  // The listing of undeleted messages: "n value" lines.
  template <class Value>
  std::string listing(Value value) const;
  Reply ok(std::string text = {}) const;
  Reply err(std::string text) const;
  // An unknown command or a bad argument (close-on-error answers it by closing).
  Reply refuse(std::string text) const;
  // A failed login (slow-auth-failure, close-after-auth-failure).
  Reply login_failed(std::string text) const;
  Reply multiline(std::string first, std::string_view body) const;
  void release();

  SessionConfig config_;
  MaildropStore& store_;
  SessionState state_ = SessionState::authorization;
  std::optional<std::string> user_;  // from USER, awaiting PASS
  std::set<std::string> retrieved_;  // uids sent by RETR (the download-and-delete faults)
  std::string logged_in_;
  std::string sasl_mechanism_;  // the AUTH under way, awaiting the client's response
  std::string cram_challenge_;
  bool utf8_mode_ = false;          // RFC 6856 #2: UTF8 was accepted
  bool holds_lock_ = false;         // the no-lock fault lets a session in without the maildrop's lock
  std::string language_ = "en";     // RFC 6856 #3: LANG
  Maildrop maildrop_;
  unsigned long session_number_ = 0;  // makes unique-ids unstable under that fault
};

}  // namespace pop3
