#include "model/session.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <string>

#include "codec/multiline.hpp"
#include "util/constant_time.hpp"
#include "util/md5_hex.hpp"

namespace pop3 {
namespace {

enum StateMask : unsigned { kAuth = 1, kTrans = 2 };


unsigned mask(SessionState s) {
  if (s == SessionState::authorization) return kAuth;
  if (s == SessionState::transaction) return kTrans;
  return 0;
}

std::size_t count_crlf(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t at = s.find("\r\n"); at != std::string_view::npos; at = s.find("\r\n", at + 2)) ++n;
  return n;
}

// The mbox-from-quoting fault: "From " at a body line's start becomes
// ">From ", in the maildrop itself, so that sizes agree with what RETR sends.
Maildrop quote_from_lines(const Maildrop& in) {
  std::vector<Message> out;
  for (unsigned long i = 1; i <= in.total(); ++i) {
    Message m = in.message(i);
    std::size_t body = m.content.find("\r\n\r\n");
    for (std::size_t at = body; at != std::string::npos && at < m.content.size(); at = m.content.find("\r\n", at + 2))
      if (m.content.compare(at + 2, 5, "From ") == 0) m.content.insert(at + 2, ">");
    out.push_back(std::move(m));
  }
  return Maildrop(std::move(out));
}

}  // namespace

Reply Session::ok(std::string text) const {
  std::string status = config_.faults.has(Fault::lowercase_status) ? "+ok" : "+OK";
  return {text.empty() ? status + "\r\n" : status + " " + text + "\r\n"};
}

Reply Session::err(std::string text) const {
  // Without RESP-CODES in CAPA, a bracket is free text (RFC 2449 #8).
  if ((config_.faults.has(Fault::bracket_text) || config_.faults.has(Fault::bad_resp_code)) && !text.starts_with("["))
    text = "[" + text + "] see RFC 2449 #8";
  return {(config_.faults.has(Fault::lowercase_status) ? "-err " : "-ERR ") + text + "\r\n"};
}

Reply Session::refuse(std::string text) const {
  if (config_.faults.has(Fault::close_on_error)) return {"", true};
  return err(std::move(text));
}

Reply Session::login_failed(std::string text) const {
  // Every credential failure carries [AUTH], as AUTH-RESP-CODE promises (RFC 3206 #6).
  if (text.starts_with("[AUTH] ") && config_.faults.has(Fault::sys_on_bad_password)) text = "[SYS/TEMP] try again later";
  if (text.starts_with("[AUTH] ") && config_.faults.has(Fault::auth_code_missing)) text.erase(0, 7);
  if (text.starts_with("[AUTH] ") && config_.faults.has(Fault::auth_code_variant)) text.replace(0, 6, "[auth/credentials]");
  Reply r = err(std::move(text));
  if (config_.faults.has(Fault::slow_auth_failure)) r.delay_ms = 6000;
  r.close = config_.faults.has(Fault::close_after_auth_failure);
  return r;
}

Reply Session::multiline(std::string first, std::string_view body) const {
  Reply r = ok(std::move(first));
  if (config_.faults.has(Fault::no_dot_stuffing)) {
    r.bytes += body;
    if (!body.empty() && !body.ends_with("\r\n")) r.bytes += "\r\n";
    r.bytes += ".\r\n";
  } else if (config_.faults.has(Fault::chunked_dot_stuffing)) {
    // Each 16 KiB buffer stuffed on its own, as if it began a line only when
    // it is the first: a line that starts exactly at a later buffer is missed.
    std::string stuffed;
    for (std::size_t at = 0; at < body.size(); at += 16384) {
      std::string part = dot_stuff(body.substr(at, 16384));
      part.resize(part.size() - 3);  // its ".\r\n"
      if (at > 0 && body[at] == '.') part.erase(0, 1);
      if (at + 16384 < body.size() && !body.substr(at, 16384).ends_with("\r\n")) part.resize(part.size() - 2);
      stuffed += part;
    }
    r.bytes += stuffed + ".\r\n";
  } else {
    r.bytes += dot_stuff(body);
  }
  return r;
}

std::string Session::shown_uid(const Message& m) const {
  std::string uid = m.uid;
  if (config_.faults.has(Fault::unstable_uids)) uid += "-" + std::to_string(session_number_);
  if (config_.faults.has(Fault::positional_uids))
    for (unsigned long i = 1; i <= maildrop_.total(); ++i)
      if (maildrop_.message(i).uid == m.uid) uid = "position-" + std::to_string(i);
  if (config_.faults.has(Fault::uid_too_long)) uid = (uid + std::string(71, 'x')).substr(0, 71);
  if (config_.faults.has(Fault::uid_limits)) {
    // Characters that trouble clients which use unique-ids as file names or
    // store them in line-based files, then a digest of the real id to keep
    // them unique and stable, padded to the 70-character maximum (rfc1939#7).
    std::string shown = "../\\*?\"'`<>|;&$#%!{}[]()~^=+,:@-_." + md5_hex(uid);
    while (shown.size() < 70) shown.push_back(static_cast<char>(0x21 + shown.size() % 94));
    uid = shown;
  }
  return uid;
}

std::size_t Session::reported_size(const Message& m) const {
  return config_.faults.has(Fault::list_size_lf) ? m.size() - count_crlf(m.content) : m.size();
}

template <class Value>
std::string Session::listing(Value value) const {
  std::string body;
  unsigned long shown = 0;
  for (unsigned long i = 1; i <= maildrop_.total(); ++i) {
    if (maildrop_.deleted(i) && !config_.faults.has(Fault::listing_shows_deleted)) continue;
    ++shown;
    unsigned long number = config_.faults.has(Fault::renumber_after_dele) ? shown : i;
    body += std::to_string(number) + " " + value(maildrop_.message(i)) + "\r\n";
  }
  // A number that wraps to 1 in 64-bit arithmetic, for a message that is not there.
  if (config_.faults.has(Fault::phantom_message) && maildrop_.total() > 0)
    body += "18446744073709551617 " + value(Message{maildrop_.message(1).content, "phantom"}) + "\r\n";
  return body;
}

// The command table: every keyword, the states it is valid in, its arity and
// its handler. The state machine is visible here and nowhere else.
struct Session::CommandSpec {
  std::string_view keyword;
  unsigned states;
  std::size_t min_args, max_args;
  Reply (Session::*handler)(const CommandLine&);
};

const Session::CommandSpec Session::kCommands[] = {
    {"CAPA", kAuth | kTrans, 0, 0, &Session::capa},
    {"USER", kAuth, 1, 1, &Session::user},
    {"PASS", kAuth, 1, 1, &Session::pass},
    {"APOP", kAuth, 2, 2, &Session::apop},
    {"AUTH", kAuth | kTrans, 1, 2, &Session::auth},
    {"STLS", kAuth, 0, 0, &Session::stls},
    {"QUIT", kAuth | kTrans, 0, 0, &Session::quit},
    {"STAT", kTrans, 0, 0, &Session::stat},
    {"LIST", kTrans, 0, 1, &Session::list},
    {"UIDL", kTrans, 0, 1, &Session::uidl},
    {"RETR", kTrans, 1, 1, &Session::retr},
    {"TOP", kTrans, 2, 2, &Session::top},
    {"DELE", kTrans, 1, 1, &Session::dele},
    {"NOOP", kTrans, 0, 0, &Session::noop},
    {"RSET", kTrans, 0, 0, &Session::rset},
    {"UTF8", kAuth, 0, 0, &Session::utf8},
    {"LANG", kAuth | kTrans, 0, 1, &Session::lang},
};

Session::Session(SessionConfig config, MaildropStore& store) : config_(std::move(config)), store_(store) {}

Session::~Session() { release(); }

void Session::release() {
  if (!logged_in_.empty() && holds_lock_) store_.release(logged_in_);
  logged_in_.clear();
}

std::string Session::greeting() const {
  std::string text = config_.faults.has(Fault::greeting_control_char) ? "+OK POP3\tserver ready" : "+OK POP3 server ready";
  if (!config_.apop_timestamp.empty() && !cleartext_denied()) text += " " + config_.apop_timestamp;
  return text + "\r\n";
}

Reply Session::line_too_long() const { return err("command line too long (RFC 2449: 255 octets)"); }

void Session::tls_started() {
  config_.tls_active = true;
  if (!config_.faults.has(Fault::stls_keeps_user)) user_.reset();
  sasl_mechanism_.clear();
}

void Session::connection_lost() {
  if (config_.faults.has(Fault::commit_on_drop) && state_ == SessionState::transaction)
    store_.commit(logged_in_, maildrop_.deleted_uids());
  release();
  state_ = SessionState::update;  // terminal; nothing was committed
}

void Session::autologout() {
  if (config_.faults.has(Fault::autologout_commits) && state_ == SessionState::transaction)
    store_.commit(logged_in_, maildrop_.deleted_uids());
  release();
  state_ = SessionState::update;  // terminal
}

Reply Session::handle(std::string_view line) {
  if (!sasl_mechanism_.empty()) return sasl_response(line);
  CommandLineError why;
  auto command = parse_command_line(line, &why);
  if (!command) return refuse("malformed command: " + why.reason);
  for (const auto& spec : kCommands) {
    if (spec.keyword != command->keyword) continue;
    bool allowed = spec.states & mask(state_);
    if (spec.handler == &Session::stls && state_ == SessionState::transaction)
      allowed = config_.faults.has(Fault::stls_in_transaction);
    bool lenient = spec.handler == &Session::utf8 && config_.faults.has(Fault::lenient_utf8);
    if (!allowed && !lenient) return refuse("command not valid in this state");
    if (command->args.size() < spec.min_args) return refuse("missing argument");
    if (command->args.size() > spec.max_args && !lenient) return refuse("too many arguments");
    if (withheld(spec.keyword)) break;
    return (this->*spec.handler)(*command);
  }
  if (config_.faults.has(Fault::ok_unknown_command)) return ok();
  return refuse("unknown command");
}

bool Session::withheld(std::string_view keyword) const {
  const FaultSet& f = config_.faults;
  return (keyword == "CAPA" && f.has(Fault::no_capa)) || ((keyword == "UTF8" || keyword == "LANG") && !config_.utf8_lang) ||
         ((keyword == "UIDL" || keyword == "TOP") && f.has(Fault::no_uidl_top));
}

Reply Session::user(const CommandLine& c) {
  if (config_.faults.has(Fault::login_delay_on_user) && store_.logged_in_within(c.args[0], 900))
    return err("[LOGIN-DELAY] wait before logging in again");
  bool eight_bit = std::any_of(c.args[0].begin(), c.args[0].end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; });
  if (eight_bit && !utf8_mode_ && config_.faults.has(Fault::utf8_code_misused)) return utf8_refusal();
  user_ = c.args[0];
  if (config_.faults.has(Fault::lenient_user_names))
    std::erase_if(*user_, [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; });
  return ok("send PASS");
}

Reply Session::pass(const CommandLine& c) {
  if (!user_) return err("USER first");
  if (config_.faults.has(Fault::user_path_normalized))  // "../NAME" and "./NAME" read as NAME (CWE-22)
    while (user_->starts_with("../") || user_->starts_with("./")) user_->erase(0, user_->find('/') + 1);
  std::string name = *user_;
  user_.reset();
  auto secret = store_.secret(name);
  bool right = secret && constant_time_equal(*secret, c.args[0]);
  if (right && cleartext_denied()) return err("[AUTH] the password is right, but log in after STLS");
  if (!right)
    return login_failed(config_.faults.has(Fault::in_use_on_bad_password) ? "[IN-USE] maildrop already locked"
                                                                         : "[AUTH] invalid user name or password");
  return login(name);
}

Reply Session::apop(const CommandLine& c) {
  if (config_.apop_timestamp.empty()) return err("APOP not available");
  auto secret = store_.secret(c.args[0]);
  std::string digest = c.args[1];
  for (auto& ch : digest) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (!secret || !constant_time_equal(md5_hex(config_.apop_timestamp + *secret), digest))
    return login_failed("[AUTH] authentication failed");
  return login(c.args[0]);
}

Reply Session::login(const std::string& name) {
  if (config_.faults.has(Fault::login_in_use)) return err("[IN-USE] maildrop already locked");
  if (config_.faults.has(Fault::login_delay) || login_delayed(name)) return err("[LOGIN-DELAY] wait before logging in again");
  if (config_.faults.has(Fault::login_sys_temp)) return err("[SYS/TEMP] temporary failure, try later");
  auto opened = store_.open(name, maildrop_);
  holds_lock_ = true;
  if (opened == MaildropStore::Open::in_use && config_.faults.has(Fault::no_lock)) {
    opened = store_.open_unlocked(name, maildrop_);
    holds_lock_ = false;
  }
  switch (opened) {
    case MaildropStore::Open::in_use: return err("[IN-USE] maildrop already locked");
    case MaildropStore::Open::failed: return err("[SYS/TEMP] cannot open maildrop");
    case MaildropStore::Open::ok: break;
  }
  if (config_.faults.has(Fault::mbox_from_quoting)) maildrop_ = quote_from_lines(maildrop_);
  logged_in_ = name;
  store_.note_login(name);
  state_ = SessionState::transaction;
  static unsigned long sessions = 0;
  session_number_ = ++sessions;
  return ok("maildrop has " + std::to_string(maildrop_.count()) + " messages (" +
            std::to_string(maildrop_.octets()) + " octets)");
}

Reply Session::stls(const CommandLine&) {
  if (!config_.stls_offered) return err("STLS not available");
  if (config_.tls_active) return err("already in TLS");
  Reply r = ok("begin TLS negotiation");
  r.start_tls = true;
  return r;
}

Reply Session::quit(const CommandLine&) {
  Reply r;
  if (state_ == SessionState::transaction) {
    state_ = SessionState::update;
    auto uids = maildrop_.deleted_uids();
    // Download-and-delete (RFC 1939 #8): what this session retrieved goes too.
    if (config_.faults.has(Fault::download_and_delete) || config_.faults.has(Fault::unannounced_expiry))
      for (const auto& uid : retrieved_)
        if (std::find(uids.begin(), uids.end(), uid) == uids.end()) uids.push_back(uid);
    r = store_.commit(logged_in_, uids) ? ok("bye, " + std::to_string(uids.size()) + " messages deleted")
                                        : err("[SYS/TEMP] some deleted messages not removed");
  } else {
    state_ = SessionState::update;
    r = ok("bye");
  }
  release();
  r.close = true;
  return r;
}

std::optional<unsigned long> Session::message_arg(const std::string& arg, Reply& error) const {
  auto n = parse_message_number(arg);
  if (!n) {
    error = refuse("invalid message number");
    return std::nullopt;
  }
  if (config_.faults.has(Fault::renumber_after_dele)) {
    // Number n names the n-th message that is not deleted.
    unsigned long shown = 0;
    for (unsigned long i = 1; i <= maildrop_.total(); ++i)
      if (!maildrop_.deleted(i) && ++shown == *n) return i;
    error = err("no such message");
    return std::nullopt;
  }
  switch (maildrop_.lookup(*n)) {
    case Maildrop::Lookup::ok: return n;
    case Maildrop::Lookup::deleted:
      if (config_.faults.has(Fault::retr_deleted_ok)) return n;
      error = err("message " + arg + " already deleted");
      return std::nullopt;
    case Maildrop::Lookup::no_such_message: error = err("no such message"); return std::nullopt;
  }
  return std::nullopt;
}

Reply Session::stat(const CommandLine&) {
  std::size_t count = 0, octets = 0;
  bool all = config_.faults.has(Fault::stat_counts_deleted);
  for (unsigned long i = 1; i <= maildrop_.total(); ++i) {
    if (maildrop_.deleted(i) && !all) continue;
    ++count;
    octets += reported_size(maildrop_.message(i));
  }
  return ok(std::to_string(count) + " " + std::to_string(octets) + trailing(" octets in the maildrop"));
}

// trailing-text: RFC 1939 #5 "makes no requirement on what follows the maildrop size" (or the message size).
std::string Session::trailing(std::string_view text) const {
  return config_.faults.has(Fault::trailing_text) ? std::string(text) : std::string();
}

Reply Session::list(const CommandLine& c) {
  Reply e;
  if (c.args.size() == 1) {
    auto n = message_arg(c.args[0], e);
    return n ? ok(c.args[0] + " " + std::to_string(reported_size(maildrop_.message(*n))) + trailing(" octets")) : e;
  }
  std::string body = listing([this](const Message& m) { return std::to_string(reported_size(m)) + trailing(" octets"); });
  return multiline(std::to_string(maildrop_.count()) + " messages (" + std::to_string(maildrop_.octets()) + " octets)",
                   body);
}

Reply Session::uidl(const CommandLine& c) {
  Reply e;
  if (c.args.size() == 1) {
    auto n = message_arg(c.args[0], e);
    return n ? ok(c.args[0] + " " + shown_uid(maildrop_.message(*n))) : e;
  }
  return multiline("unique-id listing follows", listing([this](const Message& m) { return shown_uid(m); }));
}

Reply Session::retr(const CommandLine& c) {
  Reply e;
  auto n = message_arg(c.args[0], e);
  if (!n) return e;
  const auto& m = maildrop_.message(*n);
  if (needs_utf8_mode(m)) return utf8_refusal();
  retrieved_.insert(m.uid);
  if (config_.faults.has(Fault::body_cache_by_number)) {
    // Shared by every session of the server, as such a cache would be.
    static std::mutex guard;
    static std::map<std::pair<std::string, unsigned long>, std::string> cache;
    std::lock_guard lock(guard);
    const std::string& body = cache.try_emplace({logged_in_, *n}, m.content).first->second;
    return multiline(std::to_string(m.size()) + " octets", body);
  }
  return multiline(std::to_string(m.size()) + " octets", m.content);
}

Reply Session::top(const CommandLine& c) {
  Reply e;
  auto n = message_arg(c.args[0], e);
  if (!n) return e;
  auto lines = parse_message_number(c.args[1]);
  if (!lines) return refuse("invalid line count");
  if (needs_utf8_mode(maildrop_.message(*n))) return utf8_refusal();
  return multiline("top of message follows", top_lines(maildrop_.message(*n).content, *lines));
}

Reply Session::dele(const CommandLine& c) {
  Reply e;
  auto n = message_arg(c.args[0], e);
  if (!n) return e;
  maildrop_.mark_deleted(*n);
  return ok("message " + c.args[0] + " deleted");
}

Reply Session::noop(const CommandLine&) {
  return config_.faults.has(Fault::long_response) ? ok(std::string(600, 'n')) : ok();
}

Reply Session::rset(const CommandLine&) {
  if (!config_.faults.has(Fault::rset_keeps_deletions)) maildrop_.reset();
  return ok("maildrop has " + std::to_string(maildrop_.count()) + " messages (" +
            std::to_string(maildrop_.octets()) + " octets)");
}

}  // namespace pop3
